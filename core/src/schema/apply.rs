//! Folding one operation into the schema: tables, indexes and constraints (columns are in
//! [`super::columns`]). Every check comes before the first change, so an operation that
//! fails leaves the schema as it was.

use super::model::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint,
};
use super::{Applied, Schema, SchemaError};
use crate::revision::ops::{ConstraintKind, CreateTable, Operation, RenameTable};
use std::sync::Arc;

impl Schema {
    /// Applies one operation to the model.
    ///
    /// `execute` changes nothing and answers [`Applied::Opaque`]; `bulk_insert` changes
    /// nothing but its table and columns must exist. On error the schema is unchanged.
    pub fn apply(&mut self, operation: &Operation) -> Result<Applied, SchemaError> {
        let op = operation.name();
        match operation {
            Operation::CreateTable(create) => self.create_table(create)?,
            Operation::DropTable(drop) => {
                if self.tables.remove(&drop.table).is_none() {
                    return Err(self.no_such_table(op, &drop.table));
                }
            }
            Operation::RenameTable(rename) => self.rename_table(rename)?,
            Operation::AddColumn(add) => self.add_column(add)?,
            Operation::DropColumn(drop) => self.drop_column(drop)?,
            Operation::AlterColumn(alter) => self.alter_column(alter)?,
            Operation::CreateIndex(create) => {
                let table = self.existing(op, &create.table)?;
                if table.index(&create.name).is_some() {
                    return Err(SchemaError::IndexExists {
                        op,
                        table: table.name.clone(),
                        name: create.name.clone(),
                    });
                }
                let what = format!("index `{}`", create.name);
                table.require_columns(op, &what, &create.columns)?;
                self.change(&create.table, |table| {
                    table.indexes.push(Index::from_operation(create))
                });
            }
            Operation::DropIndex(drop) => {
                let table = self.existing(op, &drop.table)?;
                let Some(position) = table.indexes.iter().position(|i| i.name == drop.name) else {
                    return Err(SchemaError::NoSuchIndex {
                        op,
                        table: table.name.clone(),
                        name: drop.name.clone(),
                        known: table.indexes.iter().map(|i| i.name.clone()).collect(),
                    });
                };
                self.change(&drop.table, |table| {
                    table.indexes.remove(position);
                });
            }
            Operation::CreateForeignKey(create) => {
                let foreign_key = ForeignKey::from_operation(create);
                let table = self.existing(op, &create.table)?;
                self.check_foreign_key(op, table, &foreign_key)?;
                self.change(&create.table, |table| table.foreign_keys.push(foreign_key));
            }
            Operation::CreateUniqueConstraint(create) => {
                let unique = UniqueConstraint {
                    name: Some(create.name.clone()),
                    columns: create.columns.clone(),
                };
                self.existing(op, &create.table)?
                    .check_unique(op, &unique)?;
                self.change(&create.table, |table| table.unique_constraints.push(unique));
            }
            Operation::CreateCheckConstraint(create) => {
                self.existing(op, &create.table)?
                    .require_free_constraint_name(op, Some(&create.name))?;
                self.change(&create.table, |table| {
                    table.checks.push(CheckConstraint {
                        name: Some(create.name.clone()),
                        expr: create.expr.clone(),
                    })
                });
            }
            Operation::DropConstraint(drop) => {
                let table = self.existing(op, &drop.table)?;
                let names: Vec<Option<&String>> = match drop.kind {
                    ConstraintKind::ForeignKey => {
                        table.foreign_keys.iter().map(|f| f.name.as_ref()).collect()
                    }
                    ConstraintKind::Unique => table
                        .unique_constraints
                        .iter()
                        .map(|u| u.name.as_ref())
                        .collect(),
                    ConstraintKind::Check => table.checks.iter().map(|c| c.name.as_ref()).collect(),
                };
                let Some(position) = names.iter().position(|n| *n == Some(&drop.name)) else {
                    return Err(SchemaError::NoSuchConstraint {
                        op,
                        table: table.name.clone(),
                        kind: drop.kind,
                        name: drop.name.clone(),
                        known: names.into_iter().flatten().cloned().collect(),
                    });
                };
                self.change(&drop.table, |table| match drop.kind {
                    ConstraintKind::ForeignKey => drop_at(&mut table.foreign_keys, position),
                    ConstraintKind::Unique => drop_at(&mut table.unique_constraints, position),
                    ConstraintKind::Check => drop_at(&mut table.checks, position),
                });
            }
            Operation::Execute(_) => return Ok(Applied::Opaque),
            Operation::BulkInsert(insert) => {
                let table = self.existing(op, &insert.table)?;
                for row in &insert.rows {
                    for column in row.keys() {
                        table.require_column(op, column)?;
                    }
                }
            }
        }
        Ok(Applied::Exact)
    }

    fn create_table(&mut self, create: &CreateTable) -> Result<(), SchemaError> {
        let op = "create_table";
        if self.tables.contains_key(&create.table) {
            return Err(SchemaError::TableExists {
                op,
                table: create.table.clone(),
            });
        }
        let mut table = Table::new(create.table.clone(), Vec::new());
        table.comment = create.comment.clone();
        if create.columns.is_empty() {
            return Err(SchemaError::NoColumns {
                op,
                table: table.name,
                what: "the definition".into(),
            });
        }
        for column in &create.columns {
            if table.column(&column.name).is_some() {
                return Err(SchemaError::ColumnExists {
                    op,
                    table: table.name,
                    column: column.name.clone(),
                });
            }
            table.columns.push(Column::from_operation(column));
        }
        let flagged: Vec<String> = create
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.clone())
            .collect();
        let key_columns = match (&create.primary_key, flagged.is_empty()) {
            (Some(_), false) => {
                return Err(SchemaError::PrimaryKeyTwice {
                    op,
                    table: table.name,
                })
            }
            (Some(columns), true) => {
                table.require_columns(op, "the primary key", columns)?;
                Some(columns.clone())
            }
            (None, false) => Some(flagged),
            (None, true) => None,
        };
        table.primary_key = key_columns.map(|columns| PrimaryKey {
            name: None,
            columns,
        });
        let column_uniques = create
            .columns
            .iter()
            .filter(|c| c.unique)
            .map(|c| UniqueConstraint {
                name: None,
                columns: vec![c.name.clone()],
            });
        let table_uniques = create.unique.iter().cloned();
        for unique in column_uniques.chain(table_uniques) {
            table.check_unique(op, &unique)?;
            table.unique_constraints.push(unique);
        }
        for check in &create.checks {
            table.require_free_constraint_name(op, check.name.as_deref())?;
            table.checks.push(check.clone());
        }
        for spec in &create.foreign_keys {
            let foreign_key = ForeignKey::from_spec(spec);
            self.check_foreign_key(op, &table, &foreign_key)?;
            table.foreign_keys.push(foreign_key);
        }
        table.normalize();
        self.tables.insert(table.name.clone(), Arc::new(table));
        Ok(())
    }

    fn rename_table(&mut self, rename: &RenameTable) -> Result<(), SchemaError> {
        let op = "rename_table";
        self.existing(op, &rename.table)?;
        if self.tables.contains_key(&rename.new_name) {
            return Err(SchemaError::TableExists {
                op,
                table: rename.new_name.clone(),
            });
        }
        if let Some(table) = self.tables.remove(&rename.table) {
            let mut table = Arc::unwrap_or_clone(table);
            table.name = rename.new_name.clone();
            self.tables.insert(rename.new_name.clone(), Arc::new(table));
        }
        for table in self.tables.values_mut() {
            // Only a table that references the renamed one is changed (and so unshared).
            let referencing = |fk: &ForeignKey| fk.references_table == rename.table;
            if !table.foreign_keys.iter().any(referencing) {
                continue;
            }
            let table = Arc::make_mut(table);
            let mut touched = false;
            for foreign_key in &mut table.foreign_keys {
                if foreign_key.references_table == rename.table {
                    foreign_key.references_table = rename.new_name.clone();
                    touched = true;
                }
            }
            if touched {
                table.normalize();
            }
        }
        Ok(())
    }

    /// The table named `table`, or the error naming the tables there are.
    pub(super) fn existing(&self, op: &'static str, table: &str) -> Result<&Table, SchemaError> {
        self.table(table)
            .ok_or_else(|| self.no_such_table(op, table))
    }

    fn no_such_table(&self, op: &'static str, table: &str) -> SchemaError {
        SchemaError::NoSuchTable {
            op,
            table: table.to_owned(),
            known: self.tables.keys().cloned().collect(),
        }
    }

    /// Changes a table already checked to exist, then restores its normal form.
    pub(super) fn change(&mut self, table: &str, edit: impl FnOnce(&mut Table)) {
        if let Some(table) = self.tables.get_mut(table) {
            let table = Arc::make_mut(table);
            edit(table);
            table.normalize();
        }
    }
}

fn drop_at<T>(items: &mut Vec<T>, position: usize) {
    if position < items.len() {
        items.remove(position);
    }
}
