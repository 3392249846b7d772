//! How long a run's statements may wait for a lock, or run at all: the limits a Migrator
//! hands a connection before each revision (`lock_wait` and `statement_timeout`, from
//! `[migrations]` or a revision's header), and the durations they are written as.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The `lock_wait` a run uses when `retort.toml` does not say: long enough for the brief
/// locks of an application's ordinary transactions to pass, short enough that the queries
/// queued behind a revision waiting for a table (every later query on it, once the
/// revision's lock request waits) stall for seconds rather than until a long transaction
/// ends.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5);

/// The limits a connection applies to the statements it runs from now on. A zero duration
/// means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct StatementLimits {
    /// How long one statement may wait for a lock on a table or row (PostgreSQL
    /// `lock_timeout`, MySQL/MariaDB `lock_wait_timeout` and `innodb_lock_wait_timeout`).
    #[serde(with = "millis")]
    pub lock_wait: Duration,
    /// How long one statement may run (PostgreSQL `statement_timeout`, MariaDB
    /// `max_statement_time`).
    #[serde(with = "millis")]
    pub statement_timeout: Duration,
}

impl StatementLimits {
    /// No limit at all: what a connection has before a run and after it.
    pub const NONE: StatementLimits = StatementLimits {
        lock_wait: Duration::ZERO,
        statement_timeout: Duration::ZERO,
    };

    /// Limits of `lock_wait` and `statement_timeout` (zero: none).
    pub fn new(lock_wait: Duration, statement_timeout: Duration) -> Self {
        StatementLimits {
            lock_wait,
            statement_timeout,
        }
    }
}

/// A revision's own limits, overriding the run's (`lock_wait`, `statement_timeout` in its
/// header); `None` where it says nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub struct LimitOverrides {
    /// The revision's `lock_wait`.
    pub lock_wait: Option<Duration>,
    /// The revision's `statement_timeout`.
    pub statement_timeout: Option<Duration>,
}

impl LimitOverrides {
    /// `run`, with what this revision sets instead.
    pub fn over(&self, run: StatementLimits) -> StatementLimits {
        StatementLimits {
            lock_wait: self.lock_wait.unwrap_or(run.lock_wait),
            statement_timeout: self.statement_timeout.unwrap_or(run.statement_timeout),
        }
    }
}

/// What a duration setting must look like, for error messages.
pub const DURATION_EXPECTED: &str = "a duration such as 500ms, 5s, 2m or 1h, or 0 for no limit";

/// A duration setting that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Not a whole number with a unit, nor `0`.
    #[error("`{0}` is not a duration: expected {DURATION_EXPECTED}")]
    NotADuration(String),
    /// More than a year, surely a typo.
    #[error("`{0}` is longer than a year: use 0 for no limit")]
    TooLong(String),
}

/// Reads a duration setting: a whole number followed by `ms`, `s`, `m` or `h`, or `0`.
///
/// # Errors
/// Anything else, with a message saying what was expected.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let bad = || DurationError::NotADuration(text.to_string());
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let millis = match unit {
        "ms" => Some(number),
        "s" => number.checked_mul(1_000),
        "m" => number.checked_mul(60_000),
        "h" => number.checked_mul(3_600_000),
        _ => return Err(bad()),
    };
    // Beyond a year is surely a typo, and the databases' own settings stop near there.
    const LONGEST: u64 = 366 * 24 * 3_600_000;
    match millis {
        Some(millis) if millis <= LONGEST => Ok(Duration::from_millis(millis)),
        _ => Err(DurationError::TooLong(text.to_string())),
    }
}

/// A duration as a setting is written (`500ms`, `5s`, `2m`), `0` for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownDuration(pub Duration);

impl fmt::Display for ShownDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        match millis {
            0 => write!(f, "0"),
            m if m % 3_600_000 == 0 => write!(f, "{}h", m / 3_600_000),
            m if m % 60_000 == 0 => write!(f, "{}m", m / 60_000),
            m if m % 1_000 == 0 => write!(f, "{}s", m / 1_000),
            m => write!(f, "{m}ms"),
        }
    }
}

/// Durations cross the plugin boundary as whole milliseconds.
mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub(super) fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(value.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, ShownDuration, StatementLimits};
    use std::time::Duration;

    #[test]
    fn durations_are_read_in_the_units_people_write() {
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        for bad in ["", "5", "5 s", "s", "-1s", "1.5s", "5sec", "0s0", "ms"] {
            let error = parse_duration(bad).expect_err(bad).to_string();
            assert!(error.contains("500ms, 5s, 2m"), "{bad}: {error}");
        }
        assert!(parse_duration("99999999h")
            .expect_err("too long")
            .to_string()
            .contains("longer than a year"));
    }

    #[test]
    fn durations_are_shown_as_written() {
        for text in ["0", "500ms", "1500ms", "5s", "2m", "1h", "90s"] {
            let parsed = parse_duration(text).expect(text);
            assert_eq!(ShownDuration(parsed).to_string(), text);
        }
    }

    #[test]
    fn limits_cross_the_plugin_boundary_as_milliseconds() {
        let limits = StatementLimits::new(Duration::from_millis(1_500), Duration::ZERO);
        let json = serde_json::to_string(&limits).expect("encodes");
        assert_eq!(json, r#"{"lock_wait":1500,"statement_timeout":0}"#);
        assert_eq!(
            serde_json::from_str::<StatementLimits>(&json).expect("decodes"),
            limits
        );
        assert_eq!(
            serde_json::from_str::<StatementLimits>("{}").expect("decodes"),
            StatementLimits::NONE
        );
    }
}
