//! The normal form's order and primary-key nullability, restored after every change.

use super::model::{ForeignKey, Table};
use crate::revision::ops::ReferentialAction;

impl Table {
    /// Brings the table into normal form: primary key columns not nullable; indexes sorted
    /// by name; unique constraints, checks and foreign keys by name (unnamed first), then by
    /// content. Column order is kept. Introspection calls this (through
    /// [`Schema::insert_table`](super::Schema::insert_table)) so that its tables compare
    /// equal to folded ones.
    pub fn normalize(&mut self) {
        if let Some(pk) = &self.primary_key {
            for column in &mut self.columns {
                if pk.columns.contains(&column.name) {
                    column.nullable = false;
                }
            }
        }
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.triggers.sort();
        self.unique_constraints
            .sort_by(|a, b| (&a.name, &a.columns).cmp(&(&b.name, &b.columns)));
        self.checks
            .sort_by(|a, b| (&a.name, &a.expr).cmp(&(&b.name, &b.expr)));
        self.foreign_keys
            .sort_by(|a, b| foreign_key_order(a).cmp(&foreign_key_order(b)));
    }
}

type ForeignKeyOrder<'a> = (
    &'a Option<String>,
    &'a [String],
    &'a str,
    &'a [String],
    u8,
    u8,
);

fn foreign_key_order(fk: &ForeignKey) -> ForeignKeyOrder<'_> {
    (
        &fk.name,
        &fk.columns,
        &fk.references_table,
        &fk.references_columns,
        rank(fk.on_delete),
        rank(fk.on_update),
    )
}

/// A fixed order of actions, only so that sorting is total.
fn rank(action: ReferentialAction) -> u8 {
    match action {
        ReferentialAction::NoAction => 0,
        ReferentialAction::Restrict => 1,
        ReferentialAction::Cascade => 2,
        ReferentialAction::SetNull => 3,
        ReferentialAction::SetDefault => 4,
    }
}
