//! `bulk_insert`: one `INSERT` per row over every column any row names.
//!
//! Online, every value is a parameter. Where the table's shape is known, each placeholder
//! says how the value reaches its column: bytes as `bytea`, a string into a `blob` column as
//! its UTF-8 bytes, anything else as text cast to the column's type, so that a TOML integer,
//! float, boolean or date reaches `numeric`, `date` or `uuid` columns alike. Where the table
//! is unknown (made by `execute`), the bare placeholder lets the server infer the type.

use crate::literal::render_value;
use crate::quote::{quote_identifier, quote_list};
use crate::types::render_type;
use retort_core::dialect::{DialectError, RenderMode, Statement};
use retort_core::revision::ops::BulkInsert;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;

pub(crate) fn bulk_insert(
    insert: &BulkInsert,
    before: &Schema,
    mode: RenderMode,
) -> Result<Vec<Statement>, DialectError> {
    let columns = insert.columns();
    let known = before.table(&insert.table);
    let types: Vec<Option<&ColumnType>> = columns
        .iter()
        .map(|c| known.and_then(|t| t.column(c)).map(|c| &c.column_type))
        .collect();
    let table = quote_identifier(&insert.table);
    let mut statements = Vec::with_capacity(insert.rows.len());
    for row in &insert.rows {
        if columns.is_empty() {
            statements.push(Statement::new(format!(
                "INSERT INTO {table} DEFAULT VALUES"
            )));
            continue;
        }
        let values = BulkInsert::row_values(row, &columns);
        let head = format!("INSERT INTO {table} ({}) VALUES", quote_list(&columns));
        statements.push(match mode {
            RenderMode::Online => {
                let mut placeholders = Vec::with_capacity(values.len());
                for (index, (value, column_type)) in values.iter().zip(&types).enumerate() {
                    placeholders.push(placeholder(index + 1, value, *column_type, columns[index])?);
                }
                Statement::with_params(format!("{head} ({})", placeholders.join(", ")), values)
            }
            RenderMode::Offline => {
                let literals = values
                    .iter()
                    .zip(&types)
                    .map(|(value, column_type)| literal(value, *column_type))
                    .collect::<Result<Vec<_>, _>>()?;
                Statement::new(format!("{head} ({})", literals.join(", ")))
            }
        });
    }
    Ok(statements)
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
