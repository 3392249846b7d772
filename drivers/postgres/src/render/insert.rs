//! `bulk_insert`'s PostgreSQL pieces.
//!
//! Online, every value is a parameter. Where the table's shape is known, each placeholder
//! says how the value reaches its column: bytes as `bytea`, a string into a `blob` column as
//! its UTF-8 bytes, anything else as text cast to the column's type, so that a TOML integer,
//! float, boolean or date reaches `numeric`, `date` or `uuid` columns alike. Where the table
//! is unknown (made by `execute`), the bare placeholder lets the server infer the type.

use crate::literal::render_value;
use crate::types::render_type;
use retort_core::dialect::DialectError;
use retort_core::render::InsertStyle;
use retort_core::revision::ops::BulkInsert;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::sql::SqlSyntax;

/// The PostgreSQL side of [`retort_core::render::bulk_insert`]: the insert's columns with
/// their types, where the table is known.
pub(crate) struct PostgresInsert<'a> {
    columns: Vec<&'a str>,
    types: Vec<Option<&'a ColumnType>>,
}

impl<'a> PostgresInsert<'a> {
    /// The columns of `insert`, typed by the table in `before` when it is there.
    pub(crate) fn new(insert: &'a BulkInsert, before: &'a Schema) -> Self {
        let columns = insert.columns();
        let known = before.table(&insert.table);
        let types = columns
            .iter()
            .map(|c| known.and_then(|t| t.column(c)).map(|c| &c.column_type))
            .collect();
        PostgresInsert { columns, types }
    }
}

impl InsertStyle for PostgresInsert<'_> {
    fn syntax(&self) -> SqlSyntax {
        crate::quote::syntax()
    }

    fn literal(&self, column: usize, value: &Value) -> Result<String, DialectError> {
        literal(value, self.types.get(column).copied().flatten())
    }

    fn placeholder(
        &self,
        column: usize,
        position: usize,
        value: &Value,
    ) -> Result<String, DialectError> {
        let name = self.columns.get(column).copied().unwrap_or_default();
        placeholder(
            position,
            value,
            self.types.get(column).copied().flatten(),
            name,
        )
    }
}

/// `$n`, with the conversion into a column of `column_type` when it is known.
fn placeholder(
    index: usize,
    value: &Value,
    column_type: Option<&ColumnType>,
    column: &str,
) -> Result<String, DialectError> {
    let Some(column_type) = column_type else {
        return Ok(format!("${index}"));
    };
    let blob = matches!(column_type, ColumnType::Neutral(NeutralType::Blob));
    Ok(match value {
        Value::Bytes(_) => format!("${index}::bytea"),
        Value::String(_) if blob => format!("convert_to(${index}::text, 'UTF8')"),
        _ => format!(
            "CAST(${index}::text AS {})",
            render_type(column, column_type)?
        ),
    })
}

/// A value as a literal; a string into a `blob` column is its UTF-8 bytes, never read as
/// `bytea` escapes.
fn literal(value: &Value, column_type: Option<&ColumnType>) -> Result<String, DialectError> {
    let blob = matches!(column_type, Some(ColumnType::Neutral(NeutralType::Blob)));
    match value {
        Value::String(_) if blob => Ok(format!("convert_to({}, 'UTF8')", render_value(value)?)),
        _ => render_value(value),
    }
}
