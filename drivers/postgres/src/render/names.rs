//! The names retort gives constraints the user left unnamed, chosen as PostgreSQL chooses
//! them: `t_pkey`, `t_a_b_key`, `t_a_fkey`, `t_check`, shortened to 63 bytes by cutting
//! the longer of the table and column parts (never into the table's own name), and then
//! numbered (`t_pkey1`) when the shortened name is already used in the schema.

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
/// unique constraints) and constraints of a schema, so that a shortened derived name
/// avoids them. Unnamed constraints of the schema count with their default names: the
/// model does not keep the names the database gave them.
///
/// Only shortened names are checked: a name that fits is the parts joined, exactly as it
/// always was. A shortened name is looked up in the schema without gathering its names,
/// and default names are worked out only for tables whose names begin as the table's own
/// does (no other can produce the same shortened name): a plan of a thousand tables stays
/// linear.
#[derive(Debug)]
pub(crate) struct TakenNames<'s> {
    schema: &'s Schema,
    /// Names given or chosen while rendering the operation.
    chosen: HashSet<String>,
}

impl<'s> TakenNames<'s> {
    /// The names `schema` uses.
    pub(crate) fn of(schema: &'s Schema) -> TakenNames<'s> {
        TakenNames {
            schema,
            chosen: HashSet::new(),
        }
    }

    /// Marks `name` as used.
    pub(crate) fn take(&mut self, name: &str) {
        self.chosen.insert(name.to_string());
    }

    /// The default name for an unnamed constraint of `table`: the parts joined when they
    /// fit, else shortened and numbered if used; now used.
    pub(crate) fn choose(&mut self, table: &str, columns: &[String], label: &str) -> String {
        let mut joined = table.to_string();
        for column in columns {
            joined.push('_');
            joined.push_str(column);
        }
        joined.push('_');
        joined.push_str(label);
        if IDENTIFIER_LIMIT.fits(&joined) {
            self.chosen.insert(joined.clone());
            return joined;
        }
        let name = choose_object_name(table, columns, label, IDENTIFIER_LIMIT, |n| {
            self.chosen.contains(n) || used_in(self.schema, table, n)
        });
        self.chosen.insert(name.clone());
        name
    }
}

/// Whether a table, index or constraint of `schema` is called `candidate`, a name derived
/// for a constraint of `table`.
fn used_in(schema: &Schema, table: &str, candidate: &str) -> bool {
    schema.tables().any(|other| {
        let named = |name: Option<&String>| name.is_some_and(|n| n == candidate);
        other.name == candidate
            || other.indexes.iter().any(|i| i.name == candidate)
            || other
                .primary_key
                .as_ref()
                .is_some_and(|pk| named(pk.name.as_ref()))
            || other
                .unique_constraints
                .iter()
                .any(|u| named(u.name.as_ref()))
            || other.foreign_keys.iter().any(|f| named(f.name.as_ref()))
            || other.checks.iter().any(|c| named(c.name.as_ref()))
            || (same_start(&other.name, table) && default_names(other).any(|n| n == candidate))
    })
}

/// Whether two table names can give the same shortened name: its table part keeps at
/// least 20 bytes of a longer name (the longer part gives way first, and at least 50 of
/// the 63 bytes are left for the two parts), or all of a shorter one.
fn same_start(a: &str, b: &str) -> bool {
    let length = a.len().min(b.len()).min(20);
    a.as_bytes()[..length] == b.as_bytes()[..length]
}

/// The default names of `table`'s unnamed constraints.
fn default_names(table: &Table) -> impl Iterator<Item = String> + '_ {
    let name = &table.name;
    let key = table
        .primary_key
        .iter()
        .filter(|pk| pk.name.is_none())
        .map(move |_| default_constraint_name(name, &[], "pkey"));
    let unique = table
        .unique_constraints
        .iter()
        .filter(|u| u.name.is_none())
        .map(move |u| default_constraint_name(name, &u.columns, "key"));
    let foreign = table
        .foreign_keys
        .iter()
        .filter(|f| f.name.is_none())
        .map(move |f| default_constraint_name(name, &f.columns, "fkey"));
    let checks = table
        .checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.name.is_none())
        .map(move |(position, _)| default_constraint_name(name, &[], &check_label(position)));
    key.chain(unique).chain(foreign).chain(checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over tables that first differ at every position, of many lengths, with
    /// short and long column parts: when two tables' derived names meet, their names begin
    /// alike, so the filter in `used_in` never skips a table that could take a name.
    #[test]
    fn tables_whose_names_begin_differently_never_derive_the_same_name() {
        let mut derived: std::collections::HashMap<String, Vec<String>> = Default::default();
        for differ_at in 0..64 {
            let word: String = (0..64)
                .map(|i| if i == differ_at { 'b' } else { 'a' })
                .collect();
            for length in [1, 2, 5, 12, 19, 20, 21, 25, 30, 40, 50, 58, 62, 63] {
                let table = word[..length].to_string();
                for column_length in [0, 3, 20, 40, 60] {
                    let columns: Vec<String> = (column_length > 0)
                        .then(|| "c".repeat(column_length))
                        .into_iter()
                        .collect();
                    for label in ["pkey", "key", "fkey", "check", "check12", "key1"] {
                        let name = object_name(&table, &columns, label, IDENTIFIER_LIMIT);
                        let tables = derived.entry(name).or_default();
                        if !tables.contains(&table) {
                            tables.push(table.clone());
                        }
                    }
                }
            }
        }
        let mut met = 0;
        for (name, tables) in &derived {
            for table in tables {
                for other in tables.iter().filter(|other| *other != table) {
                    met += 1;
                    assert!(same_start(table, other), "{table} and {other} give {name}");
                }
            }
        }
        assert!(met > 0, "no two tables met: the test proves nothing");
    }
}
