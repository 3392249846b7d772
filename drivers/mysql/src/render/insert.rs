//! `bulk_insert`: one `INSERT` per row over every column any row names. Online, every
//! value is a `?` parameter; offline, a literal (a string into a `blob` column is its
//! UTF-8 bytes either way, which is what MySQL stores).

use crate::literal::render_value;
use crate::quote::{quote_identifier, quote_list};
use retort_core::dialect::{DialectError, RenderMode, Statement};
use retort_core::revision::ops::BulkInsert;

pub(crate) fn bulk_insert(
    insert: &BulkInsert,
    mode: RenderMode,
) -> Result<Vec<Statement>, DialectError> {
    let columns = insert.columns();
    let table = quote_identifier(&insert.table);
    let mut statements = Vec::with_capacity(insert.rows.len());
    for row in &insert.rows {
        if columns.is_empty() {
            statements.push(Statement::new(format!("INSERT INTO {table} () VALUES ()")));
            continue;
        }
        let values = BulkInsert::row_values(row, &columns);
        let head = format!("INSERT INTO {table} ({}) VALUES", quote_list(&columns));
        statements.push(match mode {
            RenderMode::Online => {
                let placeholders = vec!["?"; values.len()].join(", ");
                Statement::with_params(format!("{head} ({placeholders})"), values)
            }
            RenderMode::Offline => {
                let literals = values
                    .iter()
                    .map(render_value)
                    .collect::<Result<Vec<_>, _>>()?;
                Statement::new(format!("{head} ({})", literals.join(", ")))
            }
        });
    }
    Ok(statements)
}
