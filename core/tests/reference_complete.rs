//! docs/reference.md must document every key retort's files accept: each operation (as a
//! heading) with each of its fields, the column and constraint tables, the revision header
//! keys, the SQL directives and every `retort.toml` key, each under its own heading. The
//! key lists come from the parser's own structs (`retort_core::known_keys`), so a field
//! added to the code without a line in the reference fails here.

use retort_core::known_keys;
use retort_core::revision::ops::OPERATION_NAMES;

fn reference() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reference.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The text under the first heading that contains `needle`, up to the next heading of the
/// same or a higher level.
fn section<'a>(doc: &'a str, needle: &str) -> &'a str {
    let mut start = None;
    let mut level = 0;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let is_heading = hashes > 0 && line[hashes..].starts_with(' ');
        match start {
            None if is_heading && line.contains(needle) => {
                start = Some(offset + line.len());
                level = hashes;
            }
            Some(from) if is_heading && hashes <= level => return &doc[from..offset],
            _ => {}
        }
        offset += line.len();
    }
    match start {
        Some(from) => &doc[from..],
        None => panic!("docs/reference.md has no heading containing {needle}"),
    }
}

fn assert_documented(doc: &str, heading: &str, keys: &[&str], missing: &mut Vec<String>) {
    let text = section(doc, heading);
    for key in keys {
        if !text.contains(&format!("`{key}`")) {
            missing.push(format!("`{key}` under the heading {heading}"));
        }
    }
}

#[test]
fn every_operation_and_field_is_documented() {
    let doc = reference();
    let mut missing = Vec::new();
    for op in OPERATION_NAMES {
        let fields = known_keys::operation_fields(op)
            .unwrap_or_else(|| panic!("known_keys::operation_fields lacks {op}"));
        assert!(!fields.is_empty(), "no fields recorded for {op}");
        assert_documented(&doc, &format!("`{op}`"), fields, &mut missing);
    }
    for (name, fields) in known_keys::nested_fields() {
        let heading = match name {
            "column" => "Column fields",
            "unique" | "checks" | "foreign_keys" => "`create_table`",
            other => panic!("no heading chosen for the nested table {other}"),
        };
        assert_documented(&doc, heading, fields, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "docs/reference.md does not document:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_revision_header_key_is_documented() {
    let doc = reference();
    let mut missing = Vec::new();
    assert_documented(
        &doc,
        "TOML revision header",
        known_keys::toml_revision_keys(),
        &mut missing,
    );
    let directives: Vec<String> = known_keys::sql_directive_keys()
        .into_iter()
        .map(|key| format!("-- retort:{key}"))
        .collect();
    let directives: Vec<&str> = directives.iter().map(String::as_str).collect();
    assert_documented(&doc, "SQL revision directives", &directives, &mut missing);
    assert!(
        missing.is_empty(),
        "docs/reference.md does not document:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_configuration_key_is_documented() {
    let doc = reference();
    let mut missing = Vec::new();
    let tables = known_keys::config_keys();
    assert!(tables.len() >= 5, "config tables: {tables:?}");
    for (table, keys) in tables {
        assert!(!keys.is_empty(), "no keys recorded for [{table}]");
        assert_documented(&doc, &format!("`[{table}]`"), keys, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "docs/reference.md does not document:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_recorder_sees_renamed_fields() {
    // `type` and `where` are Rust keywords renamed by serde: the lists must hold the names
    // users write.
    let alter = known_keys::operation_fields("alter_column").unwrap_or_default();
    assert!(alter.contains(&"type"), "{alter:?}");
    let index = known_keys::operation_fields("create_index").unwrap_or_default();
    assert!(index.contains(&"where"), "{index:?}");
    assert_eq!(known_keys::operation_fields("no_such_op"), None);
}
