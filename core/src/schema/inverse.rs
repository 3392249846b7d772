//! From the model back to operations: what recreates a table (the SQLite rebuild) or a
//! whole schema (autogenerate from an empty database). Folding them gives the model back,
//! except for a primary key's name, which no operation can set.

use super::model::Table;
use super::Schema;
use crate::revision::ops::{
    CreateIndex, CreateTable, ForeignKeySpec, Operation, ReferentialAction,
};

impl Table {
    /// The `create_table` that recreates this table with its key and constraints; indexes
    /// are left to [`Table::index_operations`]. A single-column primary key is written on
    /// its column, a composite one in `primary_key`.
    pub fn create_table_operation(&self) -> Operation {
        let key = self.primary_key.as_ref().map(|pk| pk.columns.as_slice());
        let single_key = match key {
            Some([only]) => Some(only.as_str()),
            _ => None,
        };
        let columns = self
            .columns
            .iter()
            .map(|column| {
                let mut declared = column.to_operation();
                declared.primary_key = single_key == Some(column.name.as_str());
                declared
            })
            .collect();
        Operation::CreateTable(CreateTable {
            table: self.name.clone(),
            columns,
            primary_key: key.filter(|k| k.len() > 1).map(<[String]>::to_vec),
            unique: self.unique_constraints.clone(),
            checks: self.checks.clone(),
            foreign_keys: self
                .foreign_keys
                .iter()
                .map(|f| ForeignKeySpec {
                    name: f.name.clone(),
                    columns: f.columns.clone(),
                    references_table: f.references_table.clone(),
                    references_columns: f.references_columns.clone(),
                    on_delete: spelled(f.on_delete),
                    on_update: spelled(f.on_update),
                })
                .collect(),
            comment: self.comment.clone(),
        })
    }

    /// One `create_index` per index of this table, in name order.
    pub fn index_operations(&self) -> Vec<Operation> {
        self.indexes
            .iter()
            .map(|index| {
                Operation::CreateIndex(CreateIndex {
                    name: index.name.clone(),
                    table: self.name.clone(),
                    columns: index.columns.clone(),
                    unique: index.unique,
                    predicate: index.predicate.clone(),
                })
            })
            .collect()
    }
}

impl Schema {
    /// Operations that build this schema from an empty one: every `create_table` in name
    /// order, then every `create_index`. Folding them gives this schema back (primary key
    /// names aside). A database that checks foreign keys on creation needs the tables in
    /// dependency order instead, which is for the caller to choose.
    pub fn create_operations(&self) -> Vec<Operation> {
        let tables = self.tables().map(Table::create_table_operation);
        let indexes = self.tables().flat_map(Table::index_operations);
        tables.chain(indexes).collect()
    }
}

/// `NO ACTION` is what an absent action means, so it is left out.
fn spelled(action: ReferentialAction) -> Option<ReferentialAction> {
    (action != ReferentialAction::NoAction).then_some(action)
}
