//! The check an offline script makes before its first change (SPEC 6): that the database
//! is in the state the script starts from. A script run on the wrong database (already
//! migrated, migrated elsewhere, at another revision, left dirty) stops there, before it
//! changes anything, instead of failing half-way or silently doing harm.
//!
//! The check is portable SQL, the same for every dialect: a temporary table whose CHECK
//! constraints refuse a row unless the version table holds what the script expects, one
//! `INSERT` of that row, and the table dropped again. PostgreSQL, SQLite and MySQL/MariaDB
//! all enforce named table CHECK constraints and report the violated one by name, which
//! carries the explanation; their clients stop at the first error (`psql` with
//! `ON_ERROR_STOP`, the `sqlite3` shell with `.bail on`, the `mariadb` client by default).
//! Nothing is installed in the user's schema: temporary tables vanish with the session.

use super::version_table::VersionTable;
use crate::dialect::{DialectError, Statement};
use crate::revision::values::Value;

/// The temporary table of the check.
const GUARD_TABLE: &str = "retort_start_guard";

/// The longest name every dialect keeps whole (PostgreSQL: 63 bytes; MySQL: 64 characters).
const MAX_NAME: usize = 63;

/// How many ids the comment above the check lists of each kind.
const LISTED: usize = 8;

/// The messages, as constraint names (each at most [`MAX_NAME`] bytes).
const MISSING: &str = "retort: a revision the script starts from is not applied";
const UNEXPECTED: &str = "retort: a revision this script applies is already applied";
const ABOVE: &str = "retort: a revision above the script's start is applied";
const DIRTY: &str = "retort: a revision is dirty (a run failed); see retort current";

/// What an offline script assumes of the version table when it starts.
#[derive(Debug, Clone, Default)]
pub(crate) struct StartState {
    /// The revisions the script starts from (empty: base).
    pub(crate) from: Vec<String>,
    /// Revisions that must be recorded as applied: the starting revision and its ancestors.
    pub(crate) applied: Vec<String>,
    /// Revisions that must not be recorded at all: those the script applies (upgrade), or
    /// those that would have to be reverted first (downgrade).
    pub(crate) absent: Vec<String>,
    /// True for a downgrade script (it changes the message about `absent`).
    pub(crate) downgrade: bool,
}

impl StartState {
    /// The comment lines that say, in the script, what the check below them expects.
    pub(crate) fn describe(&self) -> String {
        // A long list is cut: the check's SQL just below holds every id.
        let list = |ids: &[String]| match ids.len() {
            0 => String::from("none"),
            n if n > LISTED => format!("{}, ... ({n} in all)", ids[..LISTED].join(", ")),
            _ => ids.join(", "),
        };
        format!(
            "-- retort: stop unless the database is at {} (revisions applied: {}; \
             revisions not recorded: {}; no dirty row)\n",
            if self.from.is_empty() {
                String::from("base")
            } else {
                self.from.join(", ")
            },
            list(&self.applied),
            list(&self.absent)
        )
    }
}

/// The statements of the check, against the version table `table`.
pub(crate) fn render(
    table: &VersionTable<'_>,
    start: &StartState,
) -> Result<Vec<Statement>, DialectError> {
    let dialect = table.dialect;
    let syntax = dialect.syntax();
    let q = |name: &str| syntax.quote_identifier(name);
    let guard = q(GUARD_TABLE);
    let version_table = table.name();
    let literal = |text: &str| dialect.render_literal(&Value::String(text.into()));
    let in_list = |ids: &[String]| -> Result<String, DialectError> {
        Ok(ids
            .iter()
            .map(|id| literal(id))
            .collect::<Result<Vec<_>, _>>()?
            .join(", "))
    };
    let revision = q("revision");
    let state = q("state");
    let applied = literal("applied")?;

    // (column, the count it holds, the condition on it, the message when it fails)
    let mut checks: Vec<(&str, String, String, String)> = Vec::new();
    if !start.applied.is_empty() {
        checks.push((
            "missing",
            format!(
                "SELECT COUNT(*) FROM {version_table} WHERE {revision} IN ({}) AND {state} = {applied}",
                in_list(&start.applied)?
            ),
            format!("= {}", start.applied.len()),
            match start.from.as_slice() {
                [from] => fitting(
                    format!("retort: revision {from} or an ancestor is not applied"),
                    MISSING,
                ),
                _ => String::from(MISSING),
            },
        ));
    }
    if !start.absent.is_empty() {
        checks.push((
            "unexpected",
            format!(
                "SELECT COUNT(*) FROM {version_table} WHERE {revision} IN ({})",
                in_list(&start.absent)?
            ),
            String::from("= 0"),
            String::from(if start.downgrade { ABOVE } else { UNEXPECTED }),
        ));
    }
    checks.push((
        "dirty",
        format!("SELECT COUNT(*) FROM {version_table} WHERE {state} <> {applied}"),
        String::from("= 0"),
        String::from(DIRTY),
    ));

    let columns = checks
        .iter()
        .map(|(column, ..)| format!("{} INTEGER NOT NULL", q(column)))
        .chain(checks.iter().map(|(column, _, condition, message)| {
            format!(
                "CONSTRAINT {} CHECK ({} {condition})",
                q(message),
                q(column)
            )
        }))
        .collect::<Vec<_>>()
        .join(", ");
    let names = checks
        .iter()
        .map(|(column, ..)| q(column))
        .collect::<Vec<_>>()
        .join(", ");
    let counts = checks
        .iter()
        .map(|(_, count, ..)| format!("({count})"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(vec![
        Statement::new(format!("CREATE TEMPORARY TABLE {guard} ({columns})")),
        Statement::new(format!("INSERT INTO {guard} ({names}) SELECT {counts}")),
        Statement::new(format!("DROP TABLE {guard}")),
    ])
}

/// `message` if every dialect keeps it whole as a constraint name, else `short`.
fn fitting(message: String, short: &str) -> String {
    if message.len() <= MAX_NAME {
        message
    } else {
        short.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comment_lists_a_few_ids_and_counts_the_rest() {
        let ids: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
        let start = StartState {
            from: vec!["r19".into()],
            applied: ids,
            absent: Vec::new(),
            downgrade: false,
        };
        assert_eq!(
            start.describe(),
            "-- retort: stop unless the database is at r19 (revisions applied: r0, r1, r2, r3, \
             r4, r5, r6, r7, ... (20 in all); revisions not recorded: none; no dirty row)\n"
        );
    }

    #[test]
    fn every_message_fits_every_dialect() {
        for message in [MISSING, UNEXPECTED, ABOVE, DIRTY] {
            assert!(message.len() <= MAX_NAME, "{message}");
        }
    }

    #[test]
    fn long_messages_fall_back_to_the_short_one() {
        let id = "x".repeat(40);
        let long = format!("retort: revision {id} or an ancestor is not applied");
        assert_eq!(fitting(long, "short"), "short");
        assert_eq!(fitting("fits".into(), "short"), "fits");
    }
}
