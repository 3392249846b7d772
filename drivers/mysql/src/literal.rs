//! Values and defaults as MySQL literals (offline output and `DEFAULT` clauses), and
//! defaults as `information_schema.COLUMNS` reports them back.

use crate::quote::{hex_literal, quote_string};
use crate::MYSQL;
use retort_core::dialect::DialectError;
use retort_core::render::finite_float_literal;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::{DefaultValue, Value};

/// A value as an SQL literal: `NULL`, `'text'` (backslash escapes on), numbers,
/// `TRUE`/`FALSE`, date-times as quoted text, bytes as `X'..'`.
pub(crate) fn render_value(value: &Value) -> Result<String, DialectError> {
    Ok(match value {
        Value::Null => "NULL".into(),
        Value::String(text) => quote_string(text),
        Value::DateTime(text) => quote_string(&datetime_text(text)),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => render_float(*x)?,
        Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Bytes(bytes) => hex_literal(bytes),
    })
}

/// An RFC 3339 date-time as MySQL reads it: a space for the `T`, no `Z`, and a time with
/// an offset (`+02:00`) turned into the same instant in UTC (MariaDB refuses zone
/// suffixes; the session's time zone is UTC).
pub(crate) fn datetime_text(text: &str) -> String {
    let text = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if let Some(utc) = in_utc(text) {
        return utc;
    }
    match text.split_once(['T', 't']) {
        Some((date, time)) => format!("{date} {time}"),
        None => text.to_string(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f]±HH:MM` as `YYYY-MM-DD HH:MM:SS[.f]` in UTC; `None` for text
/// without an offset or that is not such a date-time (left for the server to judge).
fn in_utc(text: &str) -> Option<String> {
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let sign_at = time.rfind(['+', '-'])?;
    let (clock, offset) = time.split_at(sign_at);
    let (offset_hours, offset_minutes) = offset[1..].split_once(':')?;
    let mut offset_seconds = (number(offset_hours)? * 60 + number(offset_minutes)?) * 60;
    if offset.starts_with('-') {
        offset_seconds = -offset_seconds;
    }
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, format!(".{fraction}")),
        None => (clock, String::new()),
    };
    let [hour, minute, second] = fields(hms, ':')?;
    let [year, month, day] = fields(date, '-')?;
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc = local - offset_seconds;
    let (year, month, day) = civil_from_days(utc.div_euclid(86_400));
    let seconds = utc.rem_euclid(86_400);
    Some(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}{fraction}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    ))
}

fn number(text: &str) -> Option<i64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn fields(text: &str, separator: char) -> Option<[i64; 3]> {
    let mut parts = text.split(separator).map(number);
    let fields = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(fields)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn render_float(x: f64) -> Result<String, DialectError> {
    finite_float_literal(x).ok_or_else(|| {
        DialectError::new(
            MYSQL,
            format!("write the float `{x}` as a literal"),
            "MySQL has no infinite or NaN floats; use NULL",
        )
    })
}

/// The text after `DEFAULT`: literals as written, expressions in parentheses (MySQL 8
/// accepts an expression default only so; MariaDB either way).
pub(crate) fn render_default(default: &DefaultValue) -> Result<String, DialectError> {
    Ok(match default {
        DefaultValue::String(text) => quote_string(text),
        DefaultValue::Integer(i) => i.to_string(),
        DefaultValue::Float(x) => render_float(*x)?,
        DefaultValue::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DefaultValue::Sql(expr) => format!("({expr})"),
    })
}

/// A default as `COLUMN_DEFAULT` holds it, back in the model. MariaDB quotes string
/// literals (`'x''y'`) and writes expressions bare; MySQL writes literals bare and marks
/// expressions with `DEFAULT_GENERATED` in `EXTRA`. `None` is no default.
pub(crate) fn parse_default(
    text: Option<&str>,
    column_type: &ColumnType,
    mariadb: bool,
    generated: bool,
) -> Option<DefaultValue> {
    let text = text?;
    if mariadb {
        if text == "NULL" {
            return None;
        }
        if let Some(inner) = unquote(text) {
            return Some(typed(&inner, column_type).unwrap_or(DefaultValue::String(inner)));
        }
        return Some(typed(text, column_type).unwrap_or_else(|| sql(text)));
    }
    if generated {
        return Some(sql(text));
    }
    Some(typed(text, column_type).unwrap_or_else(|| DefaultValue::String(text.to_string())))
}

/// An expression default without the parentheses MySQL 8 keeps around it.
fn sql(text: &str) -> DefaultValue {
    let inner = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    DefaultValue::Sql(inner.to_string())
}

/// A number on a numeric column, `0`/`1` on a boolean one. A decimal default with a zero
/// fraction (`0.00`, as MySQL pads it to the scale) reads back as an integer.
fn typed(text: &str, column_type: &ColumnType) -> Option<DefaultValue> {
    if matches!(column_type, ColumnType::Neutral(NeutralType::Boolean)) {
        return match text {
            "0" => Some(DefaultValue::Boolean(false)),
            "1" => Some(DefaultValue::Boolean(true)),
            _ => None,
        };
    }
    if !column_type.is_numeric() {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(DefaultValue::Integer(i));
    }
    let x = text.parse::<f64>().ok()?;
    let decimal = matches!(
        column_type,
        ColumnType::Neutral(NeutralType::Numeric { .. })
    );
    if decimal && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return Some(DefaultValue::Integer(x as i64));
    }
    Some(DefaultValue::Float(x))
}

/// The string of a whole `'...'` literal (`''` and backslash escapes undone), or `None`.
fn unquote(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                if chars.next() != Some('\'') {
                    return None;
                }
                out.push('\'');
            }
            '\\' => match chars.next()? {
                '0' => out.push('\0'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'Z' => out.push('\u{1a}'),
                other => out.push(other),
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neutral(text: &str) -> ColumnType {
        ColumnType::Neutral(NeutralType::parse(text).expect("a neutral type"))
    }

    #[test]
    fn mariadb_defaults_read_back_as_literals() {
        let read = |text: &str, t: &str| parse_default(Some(text), &neutral(t), true, false);
        assert_eq!(
            read("'x''y\\\\z'", "text"),
            Some(DefaultValue::String("x'y\\z".into()))
        );
        assert_eq!(
            read("0.00", "numeric(12,2)"),
            Some(DefaultValue::Integer(0))
        );
        assert_eq!(read("1.5", "double"), Some(DefaultValue::Float(1.5)));
        assert_eq!(read("0", "boolean"), Some(DefaultValue::Boolean(false)));
        assert_eq!(
            read("current_timestamp(6)", "timestamp"),
            Some(DefaultValue::Sql("current_timestamp(6)".into()))
        );
        assert_eq!(read("NULL", "integer"), None);
    }

    #[test]
    fn mysql_defaults_read_back_as_literals() {
        let text = neutral("text");
        assert_eq!(
            parse_default(Some("x'y"), &text, false, false),
            Some(DefaultValue::String("x'y".into()))
        );
        assert_eq!(
            parse_default(Some("(now())"), &text, false, true),
            Some(DefaultValue::Sql("now()".into()))
        );
    }

    #[test]
    fn literals_escape_backslashes_and_quotes() {
        assert_eq!(
            render_value(&Value::String("it's \\n".into())).ok(),
            Some("'it''s \\\\n'".into())
        );
        assert_eq!(
            render_value(&Value::DateTime("2024-01-02T03:04:05Z".into())).ok(),
            Some("'2024-01-02 03:04:05'".into())
        );
        assert!(render_value(&Value::Float(f64::NAN)).is_err());
    }

    #[test]
    fn offsets_become_utc() {
        assert_eq!(
            datetime_text("2026-11-21T19:40:00+02:00"),
            "2026-11-21 17:40:00"
        );
        assert_eq!(
            datetime_text("2024-01-01T00:30:00.25+01:00"),
            "2023-12-31 23:30:00.25"
        );
        assert_eq!(
            datetime_text("2024-02-28T22:00:00-05:30"),
            "2024-02-29 03:30:00"
        );
        assert_eq!(datetime_text("2024-01-02T03:04:05"), "2024-01-02 03:04:05");
        assert_eq!(datetime_text("2024-01-02"), "2024-01-02");
        assert_eq!(datetime_text("03:04:05"), "03:04:05");
    }
}
