//! What a run of the kit found: each case passed, failed (with what went wrong) or was
//! skipped (with why it does not apply), as text for people and as one JSON document.

use serde::Serialize;
use std::fmt::Write as _;

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "message", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// Everything the case checks held.
    Passed,
    /// What went wrong, as prose (one line per difference where there are several).
    Failed(String),
    /// Why the case does not apply here (a capability the dialect lacks, no child command).
    Skipped(String),
}

/// One case and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: &'static str,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The outcome of a run, case by case in catalogue order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Every selected case.
    pub cases: Vec<CaseResult>,
}

impl Report {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Passed))
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    /// How many cases were skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Skipped(_)))
    }

    fn count(&self, which: impl Fn(&Outcome) -> bool) -> usize {
        self.cases.iter().filter(|c| which(&c.outcome)).count()
    }

    /// `N passed, M failed`, the closing line of `retort plugin check`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }

    /// One line per case (`ok`, `FAILED` with its message indented below, `skipped` with
    /// the reason), a line counting the skipped ones, then [`Report::summary`].
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for case in &self.cases {
            match &case.outcome {
                Outcome::Passed => {
                    let _ = writeln!(text, "ok       {}", case.name);
                }
                Outcome::Failed(message) => {
                    let _ = writeln!(text, "FAILED   {}", case.name);
                    for line in message.lines() {
                        let _ = writeln!(text, "         {line}");
                    }
                }
                Outcome::Skipped(reason) => {
                    let _ = writeln!(text, "skipped  {}: {reason}", case.name);
                }
            }
        }
        if self.skipped() > 0 {
            let _ = writeln!(
                text,
                "{} skipped, each for the reason given",
                self.skipped()
            );
        }
        let _ = writeln!(text, "{}", self.summary());
        text
    }
}
