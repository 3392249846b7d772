//! Declared checks as the server writes them (SPEC 8): where a declared check matches no
//! live check of its table by the dialect's spelling rules, the server renders it, and the
//! comparison accepts a live check equal to that rendering.

use retort_core::diff::{diff, DialectSpelling, Diff, DiffOptions, Spelling};
use retort_core::revision::types::ColumnType;
use retort_core::schema::{Index, Schema, Table};
use retort_core::Connection;
use std::collections::HashMap;

/// A dialect's spelling, plus the server's renderings of declared checks.
pub(crate) struct WithRenderedChecks<'a> {
    inner: DialectSpelling,
    /// Declared expression → the server's rendering of it.
    rendered: &'a HashMap<String, String>,
}

impl<'a> WithRenderedChecks<'a> {
    pub(crate) fn new(inner: DialectSpelling, rendered: &'a HashMap<String, String>) -> Self {
        WithRenderedChecks { inner, rendered }
    }
}

impl Spelling for WithRenderedChecks<'_> {
    fn same_type(&self, current: &ColumnType, target: &ColumnType) -> bool {
        self.inner.same_type(current, target)
    }

    /// Either side may be the declared one (a generated downgrade compares the other way).
    fn same_expression(&self, current: &str, target: &str) -> bool {
        let rendered_same = |declared: &str, live: &str| {
            self.rendered
                .get(declared)
                .is_some_and(|rendered| self.inner.same_expression(live, rendered))
        };
        self.inner.same_expression(current, target)
            || rendered_same(target, current)
            || rendered_same(current, target)
    }

    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        self.inner.is_implicit_index(table, index)
    }

    fn unique_index_is_constraint(&self) -> bool {
        self.inner.unique_index_is_constraint()
    }
}

/// The difference from `live` to `target`, comparing checks also as the server renders
/// the unmatched ones of `target` ([`render_unmatched_checks`]).
pub(crate) fn diff_live(
    conn: &mut dyn Connection,
    live: &Schema,
    target: &Schema,
    options: &DiffOptions,
    spelling: DialectSpelling,
) -> Diff {
    let rendered = render_unmatched_checks(conn, live, target, &spelling);
    diff(
        live,
        target,
        options,
        &WithRenderedChecks::new(spelling, &rendered),
    )
}

/// The server's renderings of the checks of `target` that no check of the same live table
/// matches by `spelling`. When the server cannot render them (a role that may not create
/// temporary tables, say), the comparison uses the text, and a notice says so.
pub(crate) fn render_unmatched_checks(
    conn: &mut dyn Connection,
    live: &Schema,
    target: &Schema,
    spelling: &dyn Spelling,
) -> HashMap<String, String> {
    let mut wanted: Vec<(String, String)> = Vec::new();
    for table in target.tables() {
        let Some(live_table) = live.table(&table.name) else {
            continue;
        };
        for check in &table.checks {
            let matched = live_table
                .checks
                .iter()
                .any(|c| spelling.same_expression(&c.expr, &check.expr));
            if !matched && !wanted.iter().any(|(_, e)| *e == check.expr) {
                wanted.push((table.name.clone(), check.expr.clone()));
            }
        }
    }
    if wanted.is_empty() {
        return HashMap::new();
    }
    match conn.render_checks(&wanted) {
        Ok(Some(rendered)) => wanted
            .into_iter()
            .zip(rendered)
            .filter(|(_, rendered)| !rendered.is_empty())
            .map(|((_, expr), rendered)| (expr, rendered))
            .collect(),
        Ok(None) => HashMap::new(),
        Err(error) => {
            eprintln!(
                "notice: checks are compared as written, not as the server renders them: {error}"
            );
            HashMap::new()
        }
    }
}
