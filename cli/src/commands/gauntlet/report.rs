//! What `retort test` found, and how it is shown: a line per check and per stairway
//! revision as they finish (text), one JSON document (`{"ok", "checks": [...]}`), and
//! JUnit XML for CI systems (`--junit FILE`).

use crate::output::Output;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

/// How a check or a stairway step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// It held.
    Passed,
    /// It did not; the details say why.
    Failed,
    /// It was not run; the message says why.
    Skipped,
}

/// One of the gauntlet's checks.
#[derive(Debug, Serialize)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) status: Status,
    pub(crate) message: String,
    /// The revision a failure is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) revision: Option<String>,
    /// What differs, or the database's message, one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) details: Vec<String>,
    /// The stairway's revisions, in the order they ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) steps: Vec<StairStep>,
    pub(crate) ms: u64,
}

impl Check {
    pub(crate) fn passed(name: &'static str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Passed, message.into())
    }

    pub(crate) fn failed(name: &'static str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Failed, message.into())
    }

    pub(crate) fn skipped(name: &'static str, message: impl Into<String>) -> Check {
        Check::new(name, Status::Skipped, message.into())
    }

    fn new(name: &'static str, status: Status, message: String) -> Check {
        Check {
            name,
            status,
            message,
            revision: None,
            details: Vec::new(),
            steps: Vec::new(),
            ms: 0,
        }
    }

    pub(crate) fn about(mut self, revision: &str) -> Check {
        self.revision = Some(revision.to_string());
        self
    }

    pub(crate) fn with_details(mut self, details: Vec<String>) -> Check {
        self.details = details;
        self
    }
}

/// How one revision of the stairway went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// Up, down and up again, the schema as before after the down.
    Passed,
    /// It failed; the details say how.
    Failed,
    /// Applied, not taken down: it has no downgrade.
    Irreversible,
}

impl Outcome {
    /// As a check's status, for the line printed and the JUnit case.
    fn status(self) -> Status {
        match self {
            Outcome::Passed => Status::Passed,
            Outcome::Failed => Status::Failed,
            Outcome::Irreversible => Status::Skipped,
        }
    }
}

/// One revision of the stairway.
#[derive(Debug, Serialize)]
pub(crate) struct StairStep {
    pub(crate) revision: String,
    pub(crate) message: String,
    pub(crate) outcome: Outcome,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) details: Vec<String>,
    pub(crate) ms: u64,
}

/// Collects the checks and prints each line as it is known.
pub(crate) struct Report<'o> {
    out: &'o Output,
    pub(crate) checks: Vec<Check>,
}

impl<'o> Report<'o> {
    pub(crate) fn new(out: &'o Output) -> Self {
        Report {
            out,
            checks: Vec::new(),
        }
    }

    fn prints_text(&self) -> bool {
        !self.out.is_json()
    }

    /// Records a finished check and prints its line (only failures under `-q`).
    pub(crate) fn add(&mut self, mut check: Check, took: Duration) {
        check.ms = millis(took);
        if self.prints_text() && (!self.out.quiet || check.status == Status::Failed) {
            let mut line = format!(
                "{} {}: {} ({})\n",
                self.label(check.status),
                check.name,
                check.message,
                shown(check.ms)
            );
            for detail in &check.details {
                let _ = writeln!(line, "      {detail}");
            }
            print_now(&line);
        }
        self.checks.push(check);
    }

    /// Prints a stairway step as it finishes (only failures under `-q`).
    pub(crate) fn step(&self, step: &StairStep) {
        let failed = step.outcome == Outcome::Failed;
        if !self.prints_text() || (self.out.quiet && !failed) {
            return;
        }
        let label = self.label(step.outcome.status());
        let mut line = format!(
            "{label} stairway {} {}{} ({})\n",
            step.revision,
            step.message,
            if step.outcome == Outcome::Irreversible {
                " (irreversible: applied, not taken down)"
            } else {
                ""
            },
            shown(step.ms)
        );
        for detail in &step.details {
            let _ = writeln!(line, "      {detail}");
        }
        print_now(&line);
    }

    fn label(&self, status: Status) -> String {
        let (text, paint): (&str, fn(&Output, &str) -> String) = match status {
            Status::Passed => ("ok     ", Output::marker),
            Status::Failed => ("FAILED ", Output::bold),
            Status::Skipped => ("skipped", |_, text| text.to_string()),
        };
        paint(self.out, text)
    }

    /// Whether every check held (skipped ones do not count against it).
    pub(crate) fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Failed)
    }

    /// The summary line, or the JSON document; `scratch` lists the scratch databases the
    /// run created, which `kept` says are still there.
    pub(crate) fn finish(&self, took: Duration, scratch: &[String], kept: bool) {
        let count = |status| self.checks.iter().filter(|c| c.status == status).count();
        let ok = self.ok();
        self.out.emit(
            |_| {
                let mut text = format!(
                    "\n{}. {} passed, {} failed, {} skipped ({})\n",
                    if ok { "test passed" } else { "test FAILED" },
                    count(Status::Passed),
                    count(Status::Failed),
                    count(Status::Skipped),
                    shown(millis(took))
                );
                for url in scratch.iter().filter(|_| kept) {
                    let _ = writeln!(text, "kept the scratch database {url}");
                }
                text
            },
            || {
                serde_json::json!({
                    "ok": ok,
                    "checks": self.checks,
                    "ms": millis(took),
                    "scratch_databases": scratch,
                    "kept": kept,
                })
            },
        );
    }

    /// Writes the checks as JUnit XML: one test suite, a test case per check and per
    /// stairway revision.
    pub(crate) fn write_junit(&self, path: &Path, took: Duration) -> std::io::Result<()> {
        std::fs::write(path, junit(&self.checks, took))
    }
}

fn junit(checks: &[Check], took: Duration) -> String {
    let mut cases = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    let mut case = |class: &str, name: &str, ms: u64, status: Status, message: &str, body: &str| {
        tests += 1;
        let _ = write!(
            cases,
            "    <testcase classname=\"retort.{}\" name=\"{}\" time=\"{:.3}\"",
            xml(class),
            xml(name),
            ms as f64 / 1e3
        );
        match status {
            Status::Passed => cases.push_str("/>\n"),
            Status::Failed => {
                failures += 1;
                let _ = write!(
                    cases,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(message),
                    xml(body)
                );
            }
            Status::Skipped => {
                skipped += 1;
                let _ = write!(
                    cases,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml(message)
                );
            }
        }
    };
    for check in checks {
        for step in &check.steps {
            let status = step.outcome.status();
            let name = format!("{} {}", step.revision, step.message);
            let message = match step.outcome {
                Outcome::Irreversible => "irreversible: applied, not taken down".to_string(),
                _ => step.details.first().cloned().unwrap_or_default(),
            };
            case(
                "stairway",
                &name,
                step.ms,
                status,
                &message,
                &step.details.join("\n"),
            );
        }
        let body = check.details.join("\n");
        case(
            check.name,
            check.name,
            check.ms,
            check.status,
            &check.message,
            &body,
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"retort test\" \
         tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\">\n{cases}  \
         </testsuite>\n</testsuites>\n",
        took.as_secs_f64()
    )
}

/// `text` escaped for XML attributes and text.
fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Whole milliseconds, as the report shows them.
pub(crate) fn millis(took: Duration) -> u64 {
    u64::try_from(took.as_millis()).unwrap_or(u64::MAX)
}

fn shown(ms: u64) -> String {
    if ms >= 10_000 {
        format!("{:.1} s", ms as f64 / 1e3)
    } else {
        format!("{ms} ms")
    }
}

/// Prints a finished line at once: a long stairway shows its progress as it goes.
fn print_now(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_counts_cases_and_escapes_messages() {
        let mut failed = Check::failed("declared", "head's schema differs from <schema.toml>")
            .with_details(vec![String::from("missing: column users.email & more")]);
        failed.ms = 12;
        let mut stairway = Check::passed("stairway", "2 revisions");
        stairway.steps.push(StairStep {
            revision: String::from("aaaa1111"),
            message: String::from("create \"users\""),
            outcome: Outcome::Irreversible,
            details: Vec::new(),
            ms: 3,
        });
        let xml = junit(&[stairway, failed], Duration::from_millis(1_500));
        assert!(
            xml.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.500\""),
            "{xml}"
        );
        assert!(
            xml.contains("name=\"aaaa1111 create &quot;users&quot;\""),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"head&apos;s schema differs from &lt;schema.toml&gt;\">missing: column users.email &amp; more</failure>"), "{xml}");
    }
}
