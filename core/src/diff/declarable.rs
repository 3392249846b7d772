//! The part of a live schema that `schema.toml` can declare.

use super::spelling::Spelling;
use crate::schema::{Index, Schema, Table};

/// `schema` without what `schema.toml` cannot state, so that `inspect` does not print it and
/// a diff never touches it: indexes on expressions (`lower(email)`), and the indexes the
/// server made itself (MySQL's for a foreign key, by `spelling`).
pub fn declarable(mut schema: Schema, spelling: &dyn Spelling) -> Schema {
    let not_declarable = |table: &Table, index: &Index| {
        on_expressions(table, index) || spelling.is_implicit_index(table, index)
    };
    let affected: Vec<String> = schema
        .tables()
        .filter(|table| table.indexes.iter().any(|i| not_declarable(table, i)))
        .map(|table| table.name.clone())
        .collect();
    for name in affected {
        if let Some(mut table) = schema.remove_table(&name) {
            let indexes = std::mem::take(&mut table.indexes);
            table.indexes = indexes
                .into_iter()
                .filter(|index| !not_declarable(&table, index))
                .collect();
            schema.insert_table(table);
        }
    }
    schema
}

/// An index with a key part that is not a column of its table.
fn on_expressions(table: &Table, index: &Index) -> bool {
    index.columns.iter().any(|c| table.column(c).is_none())
}
