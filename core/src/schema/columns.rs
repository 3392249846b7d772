//! Folding the column operations: `add_column`, `drop_column`, `alter_column`.
//!
//! Dropping a column follows PostgreSQL: indexes, unique constraints, the primary key and
//! this table's foreign keys that list the column go with it; a foreign key elsewhere that
//! references the column stops the drop. Renaming a column renames it wherever a column
//! list names it, in other tables' foreign keys too.

use super::model::{Column, PrimaryKey, UniqueConstraint};
use super::{Schema, SchemaError};
use crate::revision::ops::{AddColumn, AlterColumn, DropColumn};

impl Schema {
    pub(super) fn add_column(&mut self, add: &AddColumn) -> Result<(), SchemaError> {
        let op = "add_column";
        let table = self.existing(op, &add.table)?;
        let name = &add.column.name;
        if table.column(name).is_some() {
            return Err(SchemaError::ColumnExists {
                op,
                table: table.name.clone(),
                column: name.clone(),
            });
        }
        if add.column.primary_key {
            if let Some(key) = &table.primary_key {
                return Err(SchemaError::PrimaryKeyExists {
                    op,
                    table: table.name.clone(),
                    columns: key.columns.clone(),
                });
            }
        }
        self.change(&add.table, |table| {
            table.columns.push(Column::from_operation(&add.column));
            if add.column.primary_key {
                table.primary_key = Some(PrimaryKey {
                    name: None,
                    columns: vec![name.clone()],
                });
            }
            if add.column.unique {
                table.unique_constraints.push(UniqueConstraint {
                    name: None,
                    columns: vec![name.clone()],
                });
            }
        });
        Ok(())
    }

    pub(super) fn drop_column(&mut self, drop: &DropColumn) -> Result<(), SchemaError> {
        let op = "drop_column";
        let table = self.existing(op, &drop.table)?;
        let column = &drop.column;
        table.require_column(op, column)?;
        if table.columns.len() == 1 {
            return Err(SchemaError::OnlyColumn {
                op,
                table: table.name.clone(),
                column: column.clone(),
            });
        }
        for (holder, foreign_key) in self.foreign_keys_referencing(&drop.table) {
            let references_column = foreign_key.references_columns.contains(column);
            // A key of this very table that lists the column is dropped along with it.
            let goes_too = holder.name == drop.table && foreign_key.columns.contains(column);
            if references_column && !goes_too {
                return Err(SchemaError::ColumnReferenced {
                    op,
                    table: drop.table.clone(),
                    column: column.clone(),
                    referencing_table: holder.name.clone(),
                    foreign_key: foreign_key.label(),
                });
            }
        }
        self.change(&drop.table, |table| {
            let lists = |columns: &Vec<String>| columns.contains(column);
            table.columns.retain(|c| &c.name != column);
            if table
                .primary_key
                .as_ref()
                .is_some_and(|pk| lists(&pk.columns))
            {
                table.primary_key = None;
            }
            table.indexes.retain(|i| !lists(&i.columns));
            table.unique_constraints.retain(|u| !lists(&u.columns));
            table.foreign_keys.retain(|f| !lists(&f.columns));
        });
        Ok(())
    }

    pub(super) fn alter_column(&mut self, alter: &AlterColumn) -> Result<(), SchemaError> {
        let op = "alter_column";
        let table = self.existing(op, &alter.table)?;
        table.require_column(op, &alter.column)?;
        if alter.default.is_some() && alter.drop_default {
            return Err(SchemaError::ContradictoryDefault {
                op,
                table: table.name.clone(),
                column: alter.column.clone(),
            });
        }
        if let Some(new_name) = &alter.new_name {
            if table.column(new_name).is_some() {
                return Err(SchemaError::ColumnExists {
                    op,
                    table: table.name.clone(),
                    column: new_name.clone(),
                });
            }
        }
        if alter.nullable == Some(true) && table.in_primary_key(&alter.column) {
            return Err(SchemaError::NullablePrimaryKey {
                op,
                table: table.name.clone(),
                column: alter.column.clone(),
            });
        }
        self.change(&alter.table, |table| {
            let Some(column) = table.columns.iter_mut().find(|c| c.name == alter.column) else {
                return;
            };
            if let Some(new_type) = &alter.new_type {
                column.column_type = new_type.clone();
            }
            if let Some(nullable) = alter.nullable {
                column.nullable = nullable;
            }
            if alter.drop_default {
                column.default = None;
            }
            if let Some(default) = &alter.default {
                column.default = Some(default.clone());
            }
        });
        if let Some(new_name) = &alter.new_name {
            self.rename_column(&alter.table, &alter.column, new_name);
        }
        Ok(())
    }

    /// Renames a column of `table` wherever a column list names it: the table's key,
    /// indexes, constraints and foreign keys, and every foreign key that references it.
    fn rename_column(&mut self, table: &str, old: &str, new: &str) {
        self.change(table, |table| {
            for column in &mut table.columns {
                if column.name == old {
                    column.name = new.to_owned();
                }
            }
            if let Some(pk) = &mut table.primary_key {
                rename_in(&mut pk.columns, old, new);
            }
            for index in &mut table.indexes {
                rename_in(&mut index.columns, old, new);
            }
            for unique in &mut table.unique_constraints {
                rename_in(&mut unique.columns, old, new);
            }
            for foreign_key in &mut table.foreign_keys {
                rename_in(&mut foreign_key.columns, old, new);
            }
        });
        for holder in self.tables.values_mut() {
            // Only a table whose foreign keys reference this one is changed (and so unshared).
            if !holder
                .foreign_keys
                .iter()
                .any(|fk| fk.references_table == table)
            {
                continue;
            }
            let holder = std::sync::Arc::make_mut(holder);
            let mut touched = false;
            for foreign_key in &mut holder.foreign_keys {
                if foreign_key.references_table == table {
                    touched |= rename_in(&mut foreign_key.references_columns, old, new);
                }
            }
            if touched {
                holder.normalize();
            }
        }
    }
}

/// Renames `old` to `new` in a column list; true if it was there.
fn rename_in(columns: &mut [String], old: &str, new: &str) -> bool {
    let mut found = false;
    for column in columns.iter_mut().filter(|c| *c == old) {
        *column = new.to_owned();
        found = true;
    }
    found
}
