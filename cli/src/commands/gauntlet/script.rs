//! Running retort's own offline scripts through a driver, for `retort test`'s "offline =
//! online" check. The client directives retort writes at the top of a script (the sqlite3
//! shell's `.bail on`, psql's `\set ON_ERROR_STOP on`) ask the client to stop at the first
//! failed statement, which is what this runner always does; every other line is SQL, read
//! with the dialect's syntax (`DELIMITER` lines included).

use retort_core::dialect::Statement;
use retort_core::sql::{split_statements, SqlSyntax};
use retort_core::Connection;

/// The directives retort's scripts start with; each stops the client at the first error.
const STOP_AT_FIRST_ERROR: [&str; 2] = [".bail on", "\\set ON_ERROR_STOP on"];

/// Runs `script` statement by statement on `conn`; returns how many ran.
///
/// # Errors
///
/// A directive this runner does not know, SQL that cannot be split, or the first statement
/// that fails: its line in the script, its text and the database's message.
pub(crate) fn run_script(
    conn: &mut dyn Connection,
    syntax: &SqlSyntax,
    script: &str,
) -> Result<usize, String> {
    let sql = without_directives(script)?;
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
fn without_directives(script: &str) -> Result<String, String> {
    let mut text = String::with_capacity(script.len());
    let mut in_prologue = true;
    for (index, line) in script.lines().enumerate() {
        let trimmed = line.trim();
        let directive = trimmed.starts_with('.') || trimmed.starts_with('\\');
        if in_prologue && directive {
            if !STOP_AT_FIRST_ERROR.contains(&trimmed) {
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

#[cfg(test)]
mod tests {
    use super::without_directives;

    #[test]
    fn leading_directives_are_blanked_and_later_lines_kept() {
        let script =
            "-- header\n\n.bail on\nCREATE TABLE t (x text);\nINSERT INTO t VALUES ('\n.x');\n";
        let text = without_directives(script).expect("known directives");
        assert_eq!(
            text,
            "-- header\n\n\nCREATE TABLE t (x text);\nINSERT INTO t VALUES ('\n.x');\n"
        );
        assert!(without_directives("\\set ON_ERROR_STOP on\nSELECT 1;").is_ok());
    }

    #[test]
    fn an_unknown_directive_is_refused_with_its_line() {
        let error = without_directives("-- x\n\\i other.sql\n").expect_err("refused");
        assert!(error.contains("line 2"), "{error}");
        assert!(error.contains("\\i other.sql"), "{error}");
    }
}
