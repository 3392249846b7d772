//! Declared checks as MySQL or MariaDB writes them (SPEC 8): added to empty temporary
//! copies of their tables and read back from `SHOW CREATE TABLE` (temporary tables are not
//! in `information_schema`), then dropped. MariaDB rewrites more than spelling rules can
//! follow (`length(x)` becomes `octet_length(x)`).

use crate::connection::MysqlConnection;
use crate::expr::from_backticks;
use crate::introspect::{strip_parentheses, text};
use crate::quote::quote_identifier;
use retort_core::dialect::{DbError, Statement};
use retort_core::Connection as _;
use std::collections::BTreeMap;

const COPY: &str = "retort_render_";
const CHECK: &str = "retort_render_check_";

/// Each of `checks` (table, expression) as the server writes it; empty where it wrote none.
pub(crate) fn render_checks(
    conn: &mut MysqlConnection,
    checks: &[(String, String)],
) -> Result<Vec<String>, DbError> {
    let mut copies: BTreeMap<&str, usize> = BTreeMap::new();
    for (table, _) in checks {
        let next = copies.len();
        copies.entry(table.as_str()).or_insert(next);
    }
    let mut created = Vec::new();
    let rendered = render_into_copies(conn, checks, &copies, &mut created);
    // Whatever happened, nothing stays (a temporary table would also go with the session).
    for copy in created {
        let _ = conn.execute(&Statement::new(format!(
            "DROP TEMPORARY TABLE IF EXISTS {}",
            quote_identifier(&format!("{COPY}{copy}"))
        )));
    }
    rendered
}

fn render_into_copies(
    conn: &mut MysqlConnection,
    checks: &[(String, String)],
    copies: &BTreeMap<&str, usize>,
    created: &mut Vec<usize>,
) -> Result<Vec<String>, DbError> {
    for (table, copy) in copies {
        conn.execute(&Statement::new(format!(
            "CREATE TEMPORARY TABLE {} LIKE {}",
            quote_identifier(&format!("{COPY}{copy}")),
            quote_identifier(table)
        )))?;
        created.push(*copy);
    }
    for (n, (table, expr)) in checks.iter().enumerate() {
        conn.execute(&Statement::new(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr})",
            quote_identifier(&format!("{COPY}{}", copies[table.as_str()])),
            quote_identifier(&format!("{CHECK}{n}"))
        )))?;
    }
    let mut out = vec![String::new(); checks.len()];
    for copy in created.iter() {
        let sql = format!(
            "SHOW CREATE TABLE {}",
            quote_identifier(&format!("{COPY}{copy}"))
        );
        for row in conn.rows(&sql, &[])? {
            let ddl = row.into_iter().nth(1).and_then(text).unwrap_or_default();
            for (n, clause) in rendered_clauses(&ddl) {
                if let Some(slot) = out.get_mut(n) {
                    *slot = from_backticks(strip_parentheses(clause));
                }
            }
        }
    }
    Ok(out)
}

/// `(n, clause)` of every `CONSTRAINT `retort_render_check_n` CHECK (clause)` line.
fn rendered_clauses(ddl: &str) -> Vec<(usize, &str)> {
    ddl.lines()
        .filter_map(|line| {
            let line = line.trim().trim_end_matches(',');
            let rest = line.strip_prefix("CONSTRAINT `")?.strip_prefix(CHECK)?;
            let (n, clause) = rest.split_once("` CHECK ")?;
            Some((n.parse().ok()?, clause))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rendered_clauses_are_found_by_their_names() {
        let ddl = "CREATE TEMPORARY TABLE `retort_render_0` (\n  `code` text NOT NULL,\n  \
                   CONSTRAINT `t_check` CHECK (`code` <> ''),\n  \
                   CONSTRAINT `retort_render_check_3` CHECK (octet_length(`code`) > 0)\n) ENGINE=InnoDB";
        assert_eq!(
            super::rendered_clauses(ddl),
            vec![(3, "(octet_length(`code`) > 0)")]
        );
    }
}
