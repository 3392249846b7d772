//! How long an identifier may be, and the names a dialect derives for objects the user
//! left unnamed, shortened the way PostgreSQL shortens them.
//!
//! PostgreSQL keeps 63 bytes of an identifier and silently cuts the rest; MySQL and
//! MariaDB refuse more than 64 characters. A derived name (`t_a_fkey`) built by gluing
//! parts and cutting the end can therefore become the table's own name, or two derived
//! names the same one. [`object_name`] follows PostgreSQL's `makeObjectName`: it shortens
//! the longer of the table part and the column part, keeps the label whole, and cuts on
//! character boundaries, so that a name that fits is exactly the glued one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest identifier a database keeps, in the unit it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierLimit {
    /// At most this many bytes of UTF-8 (PostgreSQL: 63).
    Bytes(usize),
    /// At most this many characters (MySQL, MariaDB: 64).
    Characters(usize),
}

impl IdentifierLimit {
    /// The limit, in its unit.
    pub fn max(self) -> usize {
        match self {
            IdentifierLimit::Bytes(n) | IdentifierLimit::Characters(n) => n,
        }
    }

    /// The length of `name` in this limit's unit.
    pub fn length(self, name: &str) -> usize {
        match self {
            IdentifierLimit::Bytes(_) => name.len(),
            IdentifierLimit::Characters(_) => name.chars().count(),
        }
    }

    /// True when the database keeps `name` whole.
    pub fn fits(self, name: &str) -> bool {
        self.length(name) <= self.max()
    }

    /// The longest prefix of `name` at most `units` long, cut on a character boundary.
    pub fn clip(self, name: &str, units: usize) -> &str {
        let end = match self {
            IdentifierLimit::Bytes(_) => {
                let mut end = units.min(name.len());
                while !name.is_char_boundary(end) {
                    end -= 1;
                }
                end
            }
            IdentifierLimit::Characters(_) => name
                .char_indices()
                .nth(units)
                .map_or(name.len(), |(index, _)| index),
        };
        &name[..end]
    }

    /// The unit, plural: "bytes" or "characters".
    fn unit(self) -> &'static str {
        match self {
            IdentifierLimit::Bytes(_) => "bytes",
            IdentifierLimit::Characters(_) => "characters",
        }
    }
}

impl fmt::Display for IdentifierLimit {
    /// "63 bytes", "64 characters".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.max(), self.unit())
    }
}

/// The length of `name` said in `limit`'s unit: "64 bytes".
pub fn describe_length(limit: IdentifierLimit, name: &str) -> String {
    format!("{} {}", limit.length(name), limit.unit())
}

/// `table_col1_col2_label`, shortened to fit `limit` as PostgreSQL's `makeObjectName`
/// does: while too long, the longer of the table part and the column part loses one unit;
/// the label stays whole. Without columns, `table_label`.
pub fn object_name(table: &str, columns: &[String], label: &str, limit: IdentifierLimit) -> String {
    // PostgreSQL cuts the joined column names to the limit first (ChooseIndexNameAddition).
    let joined = columns.join("_");
    let columns = (!columns.is_empty()).then(|| limit.clip(&joined, limit.max()));
    let overhead = usize::from(columns.is_some()) + limit.length(label) + 1;
    let available = limit.max().saturating_sub(overhead);
    let mut table_units = limit.length(table);
    let mut column_units = columns.map_or(0, |c| limit.length(c));
    while table_units + column_units > available {
        if table_units > column_units {
            table_units -= 1;
        } else {
            column_units -= 1;
        }
    }
    let mut name = limit.clip(table, table_units).to_string();
    if let Some(columns) = columns {
        name.push('_');
        name.push_str(limit.clip(columns, column_units));
    }
    name.push('_');
    name.push_str(label);
    name
}

/// [`object_name`], numbered as PostgreSQL's `ChooseRelationName` numbers it when `taken`
/// says the name is used: `label1`, `label2`, … in place of `label`.
pub fn choose_object_name(
    table: &str,
    columns: &[String],
    label: &str,
    limit: IdentifierLimit,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut name = object_name(table, columns, label, limit);
    let mut pass = 0usize;
    while taken(&name) {
        pass += 1;
        name = object_name(table, columns, &format!("{label}{pass}"), limit);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG: IdentifierLimit = IdentifierLimit::Bytes(63);
    const MYSQL: IdentifierLimit = IdentifierLimit::Characters(64);

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn names_that_fit_are_the_parts_joined() {
        assert_eq!(object_name("users", &[], "pkey", PG), "users_pkey");
        assert_eq!(
            object_name("users", &cols(&["a", "b"]), "key", PG),
            "users_a_b_key"
        );
        let exact = format!("{}_pkey", "t".repeat(58));
        assert_eq!(object_name(&"t".repeat(58), &[], "pkey", PG), exact);
        assert_eq!(exact.len(), 63);
    }

    #[test]
    fn the_table_part_is_shortened_and_the_label_kept() {
        let table = "t".repeat(63);
        let name = object_name(&table, &[], "pkey", PG);
        assert_eq!(name, format!("{}_pkey", "t".repeat(58)));
        assert_ne!(name, table);
    }

    #[test]
    fn the_longer_part_loses_first_as_in_postgresql() {
        // 63 - len("_") - len("_fkey") = 57 units for both parts: 40 + 20 → 37 + 20.
        let name = object_name(&"t".repeat(40), &cols(&[&"c".repeat(20)]), "fkey", PG);
        assert_eq!(name, format!("{}_{}_fkey", "t".repeat(37), "c".repeat(20)));
        // Both long: they end up the same length (58 units → 29 + 29).
        let name = object_name(&"t".repeat(63), &cols(&[&"c".repeat(63)]), "key", PG);
        assert_eq!(name, format!("{}_{}_key", "t".repeat(29), "c".repeat(29)));
        assert_eq!(name.len(), 63);
    }

    #[test]
    fn bytes_are_cut_on_character_boundaries() {
        let table = "é".repeat(40); // 80 bytes
        let name = object_name(&table, &[], "pkey", PG);
        assert!(name.len() <= 63, "{name}");
        assert_eq!(name, format!("{}_pkey", "é".repeat(29)));
    }

    #[test]
    fn characters_are_counted_for_mysql() {
        let table = "é".repeat(64);
        let name = object_name(&table, &cols(&["a"]), "fkey", MYSQL);
        assert_eq!(name, format!("{}_a_fkey", "é".repeat(57)));
        assert!(MYSQL.fits(&name));
        assert!(!PG.fits(&name));
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let table = "t".repeat(63);
        let first = object_name(&table, &[], "pkey", PG);
        let chosen = choose_object_name(&table, &[], "pkey", PG, |n| n == first);
        assert_eq!(chosen, format!("{}_pkey1", "t".repeat(57)));
        assert_eq!(chosen.len(), 63);
    }

    #[test]
    fn limits_read_as_prose_and_travel_as_data() {
        assert_eq!(PG.to_string(), "63 bytes");
        assert_eq!(MYSQL.to_string(), "64 characters");
        assert_eq!(describe_length(PG, "é"), "2 bytes");
        let json = serde_json::to_string(&PG).expect("serialize");
        assert_eq!(json, r#"{"bytes":63}"#);
        assert_eq!(
            serde_json::from_str::<IdentifierLimit>(&json).expect("parse"),
            PG
        );
    }
}
