//! The checks an operation passes before it changes anything: tables, columns, column
//! lists, constraint names and foreign keys.

use super::model::{constraint_label, Column, ForeignKey, Table, UniqueConstraint};
use super::{Schema, SchemaError};
use std::collections::HashSet;

impl Schema {
    /// Checks a foreign key `holder` is to hold: its columns, their pairing, its name, and
    /// the referenced columns when the referenced table is known (`holder` itself included).
    pub(super) fn check_foreign_key(
        &self,
        op: &'static str,
        holder: &Table,
        foreign_key: &ForeignKey,
    ) -> Result<(), SchemaError> {
        let label = foreign_key.label();
        holder.require_columns(op, &label, &foreign_key.columns)?;
        if foreign_key.columns.len() != foreign_key.references_columns.len() {
            return Err(SchemaError::ForeignKeyArity {
                op,
                table: holder.name.clone(),
                foreign_key: label,
                columns: foreign_key.columns.len(),
                references: foreign_key.references_columns.len(),
            });
        }
        let referenced = if foreign_key.references_table == holder.name {
            Some(holder)
        } else {
            self.table(&foreign_key.references_table)
        };
        if let Some(referenced) = referenced {
            let missing = foreign_key
                .references_columns
                .iter()
                .find(|c| referenced.column(c).is_none());
            if let Some(column) = missing {
                return Err(SchemaError::NoSuchReferencedColumn {
                    op,
                    foreign_key: format!("{label} of table `{}`", holder.name),
                    references_table: referenced.name.clone(),
                    column: column.clone(),
                    known: referenced.columns.iter().map(|c| c.name.clone()).collect(),
                });
            }
        }
        holder.require_free_constraint_name(op, foreign_key.name.as_deref())
    }
}

impl Table {
    /// The column named `column`, or the error naming the columns there are.
    pub(super) fn require_column(
        &self,
        op: &'static str,
        column: &str,
    ) -> Result<&Column, SchemaError> {
        self.column(column)
            .ok_or_else(|| SchemaError::NoSuchColumn {
                op,
                table: self.name.clone(),
                column: column.to_owned(),
                known: self.columns.iter().map(|c| c.name.clone()).collect(),
            })
    }

    /// Checks a column list of a key, index or constraint (`what`): not empty, every
    /// column present, none twice.
    pub(super) fn require_columns(
        &self,
        op: &'static str,
        what: &str,
        columns: &[String],
    ) -> Result<(), SchemaError> {
        if columns.is_empty() {
            return Err(SchemaError::NoColumns {
                op,
                table: self.name.clone(),
                what: what.to_owned(),
            });
        }
        let mut seen = HashSet::new();
        for column in columns {
            self.require_column(op, column)?;
            if !seen.insert(column) {
                return Err(SchemaError::RepeatedColumn {
                    op,
                    table: self.name.clone(),
                    what: what.to_owned(),
                    column: column.clone(),
                });
            }
        }
        Ok(())
    }

    /// Checks that no constraint of this table is already called `name`.
    pub(super) fn require_free_constraint_name(
        &self,
        op: &'static str,
        name: Option<&str>,
    ) -> Result<(), SchemaError> {
        let Some(name) = name else { return Ok(()) };
        match self.constraint_kind_named(name) {
            Some(existing) => Err(SchemaError::ConstraintExists {
                op,
                table: self.name.clone(),
                name: name.to_owned(),
                existing,
            }),
            None => Ok(()),
        }
    }

    pub(super) fn check_unique(
        &self,
        op: &'static str,
        unique: &UniqueConstraint,
    ) -> Result<(), SchemaError> {
        let what = constraint_label("unique constraint", unique.name.as_deref());
        self.require_columns(op, &what, &unique.columns)?;
        self.require_free_constraint_name(op, unique.name.as_deref())
    }
}
