//! The names retort gives constraints the user left unnamed, chosen as PostgreSQL chooses
//! them: `t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_check`, shortened to 63 bytes by cutting
//! the longer of the table and column parts (never into the table's own name), and
//! numbered (`t_pkey1`) when the name is already used in the schema.

use retort_core::dialect::{choose_object_name, object_name, IdentifierLimit};
use retort_core::schema::{Schema, Table};
use std::collections::HashSet;

/// The longest identifier PostgreSQL keeps (`NAMEDATALEN - 1` bytes); it cuts the rest.
pub(crate) const IDENTIFIER_LIMIT: IdentifierLimit = IdentifierLimit::Bytes(63);

/// The name PostgreSQL gives an unnamed constraint when nothing else is called that:
/// `table_col1_col2_suffix`, shortened as `makeObjectName` shortens it.
pub fn default_constraint_name(table: &str, columns: &[String], suffix: &str) -> String {
    object_name(table, columns, suffix, IDENTIFIER_LIMIT)
}

/// The label of the unnamed check at `position` among a table's checks: `check`, then
/// `check1`, `check2`…
pub(crate) fn check_label(position: usize) -> String {
    if position == 0 {
        String::from("check")
    } else {
        format!("check{position}")
    }
}

/// Names already used by relations (tables, indexes, which include primary keys and
/// unique constraints) and constraints of the schema, so that a derived name avoids them.
/// Unnamed constraints of the schema count with their default names: the model does not
/// keep the names the database gave them.
#[derive(Debug, Default)]
pub(crate) struct TakenNames(HashSet<String>);

impl TakenNames {
    /// The names `schema` uses.
    pub(crate) fn of(schema: &Schema) -> TakenNames {
        let mut taken = TakenNames::default();
        for table in schema.tables() {
            taken.add_table(table);
        }
        taken
    }

    /// Adds `table`'s name and the names of its indexes and constraints.
    pub(crate) fn add_table(&mut self, table: &Table) {
        let name = &table.name;
        let mut add = |given: Option<&String>, columns: &[String], label: &str| {
            let used = given
                .cloned()
                .unwrap_or_else(|| default_constraint_name(name, columns, label));
            self.0.insert(used);
        };
        if let Some(pk) = &table.primary_key {
            add(pk.name.as_ref(), &[], "pkey");
        }
        for unique in &table.unique_constraints {
            add(unique.name.as_ref(), &unique.columns, "key");
        }
        for fk in &table.foreign_keys {
            add(fk.name.as_ref(), &fk.columns, "fkey");
        }
        for (position, check) in table.checks.iter().enumerate() {
            add(check.name.as_ref(), &[], &check_label(position));
        }
        for index in &table.indexes {
            self.0.insert(index.name.clone());
        }
        self.0.insert(name.clone());
    }

    /// Takes a name away (a constraint dropped before its replacement is named).
    pub(crate) fn release(&mut self, name: &str) {
        self.0.remove(name);
    }

    /// Marks `name` as used.
    pub(crate) fn take(&mut self, name: &str) {
        self.0.insert(name.to_string());
    }

    /// The default name for an unnamed constraint, numbered if used, and now used.
    pub(crate) fn choose(&mut self, table: &str, columns: &[String], label: &str) -> String {
        let name = choose_object_name(table, columns, label, IDENTIFIER_LIMIT, |n| {
            self.0.contains(n)
        });
        self.0.insert(name.clone());
        name
    }
}
