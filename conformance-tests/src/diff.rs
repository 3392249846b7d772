//! Readable differences between two schemas: one line per difference, naming the table,
//! the column or constraint, and the property, with what was expected and what was found
//! (`table `t`, column `c`, nullable: expected false, found true`). Never a dump.

use retort_core::schema::{Column, Schema, Table};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every difference between `expected` and `found`, one line each; empty when they are
/// equal. When they differ only in order, says so.
pub fn schema_differences(expected: &Schema, found: &Schema) -> Vec<String> {
    let mut lines = Vec::new();
    for table in expected.tables() {
        match found.table(&table.name) {
            None => lines.push(format!("table `{}`: expected, not found", table.name)),
            Some(other) => table_differences(table, other, &mut lines),
        }
    }
    for table in found.tables() {
        if expected.table(&table.name).is_none() {
            lines.push(format!("table `{}`: found, not expected", table.name));
        }
    }
    if lines.is_empty() && expected != found {
        lines.push(String::from(
            "the schemas hold the same things but differ in their order",
        ));
    }
    lines
}

fn table_differences(expected: &Table, found: &Table, lines: &mut Vec<String>) {
    let table = &expected.name;
    for column in &expected.columns {
        match found.columns.iter().find(|c| c.name == column.name) {
            None => lines.push(format!(
                "table `{table}`, column `{}`: expected, not found",
                column.name
            )),
            Some(other) => column_differences(table, column, other, lines),
        }
    }
    for column in &found.columns {
        if !expected.columns.iter().any(|c| c.name == column.name) {
            lines.push(format!(
                "table `{table}`, column `{}`: found, not expected",
                column.name
            ));
        }
    }
    let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    let (expected_order, found_order) = (names(expected), names(found));
    let mut sorted_expected = expected_order.clone();
    let mut sorted_found = found_order.clone();
    sorted_expected.sort();
    sorted_found.sort();
    if sorted_expected == sorted_found && expected_order != found_order {
        lines.push(format!(
            "table `{table}`, column order: expected {}, found {}",
            expected_order.join(", "),
            found_order.join(", ")
        ));
    }
    property(
        lines,
        table,
        "primary key",
        &expected.primary_key,
        &found.primary_key,
    );
    property(lines, table, "comment", &expected.comment, &found.comment);
    property(
        lines,
        table,
        "triggers",
        &expected.triggers,
        &found.triggers,
    );
    property(
        lines,
        table,
        "unrepresented parts",
        &expected.unrepresented,
        &found.unrepresented,
    );
    named_items(
        lines,
        table,
        "index",
        &expected.indexes,
        &found.indexes,
        |i| Some(i.name.clone()),
    );
    named_items(
        lines,
        table,
        "unique constraint",
        &expected.unique_constraints,
        &found.unique_constraints,
        |u| u.name.clone(),
    );
    named_items(
        lines,
        table,
        "check",
        &expected.checks,
        &found.checks,
        |c| c.name.clone(),
    );
    named_items(
        lines,
        table,
        "foreign key",
        &expected.foreign_keys,
        &found.foreign_keys,
        |f| f.name.clone(),
    );
}

fn column_differences(table: &str, expected: &Column, found: &Column, lines: &mut Vec<String>) {
    let at = format!("table `{table}`, column `{}`", expected.name);
    let mut differ = |name: &str, expected: String, found: String| {
        if expected != found {
            lines.push(format!("{at}, {name}: expected {expected}, found {found}"));
        }
    };
    differ(
        "type",
        shown(&expected.column_type),
        shown(&found.column_type),
    );
    differ(
        "nullable",
        expected.nullable.to_string(),
        found.nullable.to_string(),
    );
    differ("default", shown(&expected.default), shown(&found.default));
    differ(
        "autoincrement",
        expected.autoincrement.to_string(),
        found.autoincrement.to_string(),
    );
    differ("comment", shown(&expected.comment), shown(&found.comment));
}

/// One property of a table compared as a whole.
fn property<T: Serialize + PartialEq>(
    lines: &mut Vec<String>,
    table: &str,
    name: &str,
    expected: &T,
    found: &T,
) {
    if expected != found {
        lines.push(format!(
            "table `{table}`, {name}: expected {}, found {}",
            shown(expected),
            shown(found)
        ));
    }
}

/// Indexes or constraints, matched by name (unnamed ones by their whole description).
fn named_items<T: Serialize + PartialEq>(
    lines: &mut Vec<String>,
    table: &str,
    kind: &str,
    expected: &[T],
    found: &[T],
    name: impl Fn(&T) -> Option<String>,
) {
    let key = |item: &T| name(item).map_or_else(|| shown(item), |n| format!("`{n}`"));
    let by_key = |items: &[T]| -> BTreeMap<String, String> {
        items.iter().map(|item| (key(item), shown(item))).collect()
    };
    let (expected_items, found_items) = (by_key(expected), by_key(found));
    for (key, description) in &expected_items {
        match found_items.get(key) {
            None => lines.push(format!(
                "table `{table}`, {kind} {key}: expected {description}, not found"
            )),
            Some(other) if other != description => lines.push(format!(
                "table `{table}`, {kind} {key}: expected {description}, found {other}"
            )),
            Some(_) => {}
        }
    }
    for (key, description) in &found_items {
        if !expected_items.contains_key(key) {
            lines.push(format!(
                "table `{table}`, {kind} {key}: found {description}, not expected"
            ));
        }
    }
}

/// A value as compact JSON (`"varchar(40)"`, `null`, `{"columns":["id"]}`): short, exact,
/// and the same spelling for every kind of value.
fn shown<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("(not describable: {e})"))
}

#[cfg(test)]
mod tests {
    use super::schema_differences;
    use retort_core::schema::Schema;

    fn schema(toml_ops: &str) -> Schema {
        let text = format!("revision = \"a\"\nmessage = \"m\"\n\n{toml_ops}");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.toml"), text).expect("write");
        let scratch_graph = retort_core::load::read_headers(dir.path()).expect("headers");
        let header = &scratch_graph[0];
        let retort_core::load::Revision::Toml(rev) =
            retort_core::load::read_revision(header).expect("revision")
        else {
            panic!("not TOML");
        };
        Schema::fold(&rev.upgrade).expect("folds").0
    }

    #[test]
    fn a_changed_property_is_named_with_both_values() {
        let expected = schema(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"c\", type = \"integer\", nullable = false }]\n",
        );
        let found = schema(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"c\", type = \"integer\" }]\n",
        );
        assert_eq!(
            schema_differences(&expected, &found),
            vec!["table `t`, column `c`, nullable: expected false, found true"]
        );
        assert!(schema_differences(&expected, &expected).is_empty());
    }

    #[test]
    fn missing_and_unexpected_tables_columns_and_indexes_are_listed() {
        let expected = schema(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n\n\
             [[upgrade]]\nop = \"create_index\"\nname = \"ix\"\ntable = \"t\"\ncolumns = [\"a\"]\n",
        );
        let found = schema(
            "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"b\", type = \"integer\" }]\n\n\
             [[upgrade]]\nop = \"create_table\"\ntable = \"u\"\ncolumns = [{ name = \"a\", type = \"integer\" }]\n",
        );
        let lines = schema_differences(&expected, &found);
        assert_eq!(
            lines,
            vec![
                "table `t`, column `a`: expected, not found",
                "table `t`, column `b`: found, not expected",
                "table `t`, index `ix`: expected {\"name\":\"ix\",\"columns\":[\"a\"]}, not found",
                "table `u`: found, not expected",
            ],
            "{lines:#?}"
        );
    }
}
