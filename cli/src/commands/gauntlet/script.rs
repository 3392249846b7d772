//! Running retort's own offline scripts through a driver, for `retort test`'s "offline =
//! online" check. The client directives a dialect writes at the top of its scripts (its
//! [`OfflineScript::prologue`](retort_core::dialect::OfflineScript) lines that start with
//! `.` or `\`, such as the sqlite3 shell's `.bail on` or psql's `\set ON_ERROR_STOP on`) ask
//! the client to stop at the first failed statement, which is what this runner always
//! does; every other line is SQL, read with the dialect's syntax (`DELIMITER` lines
//! included).

use retort_core::dialect::Statement;
use retort_core::sql::{split_statements, SqlSyntax};
use retort_core::Connection;

/// Runs `script` statement by statement on `conn`; returns how many ran.
///
/// # Errors
///
/// A directive this runner does not know, SQL that cannot be split, or the first statement
/// that fails: its line in the script, its text and the database's message.
pub(crate) fn run_script(
    conn: &mut dyn Connection,
    syntax: &SqlSyntax,
    prologue: &[String],
    script: &str,
) -> Result<usize, String> {
    let directives: Vec<&str> = prologue
        .iter()
        .map(|line| line.trim())
        .filter(|line| is_directive(line))
        .collect();
    let sql = without_directives(script, &directives)?;
    let statements = split_statements(&sql, syntax)
        .map_err(|e| format!("the offline script cannot be split into statements: {e}"))?;
    for statement in &statements {
        conn.execute(&Statement::new(statement.sql.clone()))
            .map_err(|error| {
                format!(
                    "line {} of the offline script failed: {}\n  {error}",
                    statement.line,
                    statement.sql.lines().next().unwrap_or_default()
                )
            })?;
    }
    Ok(statements.len())
}

/// The script with its leading directive lines blanked (kept as empty lines, so that line
/// numbers stay those of the script). Directives are only read before the first
/// statement, where retort writes them: a line of a string literal further down that
/// happens to start with `.` stays SQL.
fn without_directives(script: &str, directives: &[&str]) -> Result<String, String> {
    let mut text = String::with_capacity(script.len());
    let mut in_prologue = true;
    for (index, line) in script.lines().enumerate() {
        let trimmed = line.trim();
        if in_prologue && is_directive(trimmed) {
            if !directives.contains(&trimmed) {
                return Err(format!(
                    "line {} of the offline script is a client directive retort does not run: \
                     {trimmed}",
                    index + 1
                ));
            }
            text.push('\n');
            continue;
        }
        if !(trimmed.is_empty() || trimmed.starts_with("--")) {
            in_prologue = false;
        }
        text.push_str(line);
        text.push('\n');
    }
    Ok(text)
}

/// A line for the client rather than the database.
fn is_directive(line: &str) -> bool {
    line.starts_with('.') || line.starts_with('\\')
}

#[cfg(test)]
mod tests {
    use super::without_directives;

    const KNOWN: [&str; 2] = [".bail on", "\\set ON_ERROR_STOP on"];

    #[test]
    fn leading_directives_are_blanked_and_later_lines_kept() {
        let script =
            "-- header\n\n.bail on\nCREATE TABLE t (x text);\nINSERT INTO t VALUES ('\n.x');\n";
        let text = without_directives(script, &KNOWN).expect("known directives");
        assert_eq!(
            text,
            "-- header\n\n\nCREATE TABLE t (x text);\nINSERT INTO t VALUES ('\n.x');\n"
        );
        assert!(without_directives("\\set ON_ERROR_STOP on\nSELECT 1;", &KNOWN).is_ok());
    }

    #[test]
    fn an_unknown_directive_is_refused_with_its_line() {
        let error = without_directives("-- x\n\\i other.sql\n", &KNOWN).expect_err("refused");
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("\\i other.sql"), "{error}");
    }
}
