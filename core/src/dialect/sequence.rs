//! Rendering a run of operations at once: each against the schema as the ones before it
//! left it, which is how the migrator renders a plan ahead of running it.

use super::{Dialect, DialectError, RenderMode, Statement};
use crate::revision::ops::Operation;
use crate::schema::{Applied, Schema, Table};

/// The table `name` as `op` leaves it, applied to a copy of `before`: what a dialect
/// renders a rebuilt or reshaped table from. Errors are `dialect`'s, naming the operation.
pub fn table_after(
    dialect: &str,
    op: &Operation,
    before: &Schema,
    name: &str,
) -> Result<Table, DialectError> {
    let failed = |reason: String| {
        DialectError::new(
            dialect,
            format!("render `{}` on table `{name}`", op.name()),
            reason,
        )
    };
    let mut scratch = before.clone();
    scratch
        .apply(op)
        .map_err(|error| failed(error.to_string()))?;
    scratch
        .table(name)
        .cloned()
        .ok_or_else(|| failed(String::from("the table is not in the schema afterwards")))
}

/// What [`render_sequence`] rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedSequence {
    /// The statements of the first operations, one entry per operation, in order.
    pub statements: Vec<Vec<Statement>>,
    /// Why the operation after them could not be rendered, if that is where it stopped.
    pub failure: Option<DialectError>,
}

/// Renders `ops` in order with `dialect`, each against `before` as changed by the ones
/// before it; stops at the first that fails and after one the schema model cannot follow
/// exactly (its [`Schema::apply`] is not exact). Host machinery, not a dialect's: the fold
/// is this build's schema model, whatever dialect renders.
pub fn render_sequence<D: Dialect + ?Sized>(
    dialect: &D,
    ops: &[&Operation],
    before: &Schema,
    mode: RenderMode,
) -> RenderedSequence {
    render_folding(ops, before, |op, schema| {
        dialect.render_operation(op, schema, mode)
    })
}

/// Renders `ops` one by one with `render`, folding each into the schema before the next;
/// stops at a failure and after an operation the schema model cannot follow exactly.
pub fn render_folding(
    ops: &[&Operation],
    before: &Schema,
    mut render: impl FnMut(&Operation, &Schema) -> Result<Vec<Statement>, DialectError>,
) -> RenderedSequence {
    let mut schema = before.clone();
    let mut rendered = RenderedSequence::default();
    for op in ops {
        match render(op, &schema) {
            Ok(statements) => rendered.statements.push(statements),
            Err(error) => {
                rendered.failure = Some(error);
                break;
            }
        }
        if !matches!(schema.apply(op), Ok(Applied::Exact)) {
            break;
        }
    }
    rendered
}
