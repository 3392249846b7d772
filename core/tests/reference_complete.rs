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

/// The fenced blocks of `doc` in language `lang`.
fn code_blocks<'a>(doc: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    doc.split(fence.as_str())
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect()
}

#[test]
fn every_toml_example_in_the_reference_is_accepted() {
    use retort_core::config::{Config, Environment};
    use retort_core::revision::toml_file::parse_toml_revision;
    let doc = reference();
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut revisions, mut configs, mut declared) = (0, 0, 0);
    for block in code_blocks(&doc, "toml") {
        let path = dir.path().join("example.toml");
        if block.contains("[[table]]") {
            // A `schema.toml` example.
            if let Err(error) = retort_core::declared::parse_declared(&[(&path, block)]) {
                panic!("the reference's schema.toml example is refused: {error}\n{block}");
            }
            declared += 1;
        } else if block.contains("op = ") || block.starts_with("columns = [") {
            // Operation examples stand alone in the reference; give them a header (and the
            // column list a table) as a revision file has.
            let mut text = String::new();
            if !block.contains("revision = ") {
                text.push_str("revision = \"aaaa00000001\"\n");
            }
            if block.starts_with("columns = [") {
                text.push_str("[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\n");
            }
            text.push_str(block);
            if let Err(error) = parse_toml_revision(&path, &text) {
                panic!("the reference's example does not parse: {error}\n{text}");
            }
            revisions += 1;
        } else {
            std::fs::write(&path, block).expect("write");
            let environment = Environment::from_pairs([
                ("DB_PASSWORD", "x"),
                ("PROD_DATABASE_URL", "sqlite://p.db"),
            ]);
            if let Err(error) = Config::load(&path, &environment) {
                panic!("the reference's configuration example is refused: {error}\n{block}");
            }
            configs += 1;
        }
    }
    assert!(
        revisions >= 15 && configs >= 5 && declared >= 1,
        "{revisions} revision, {configs} configuration and {declared} schema.toml examples"
    );
}

#[test]
fn the_sql_revision_example_in_the_reference_is_accepted() {
    use retort_core::revision::sql_file::parse_sql_revision;
    let doc = reference();
    let blocks = code_blocks(&doc, "sql");
    assert!(!blocks.is_empty());
    for block in blocks {
        if let Err(error) = parse_sql_revision(std::path::Path::new("example.sql"), block) {
            panic!("the reference's SQL example does not parse: {error}\n{block}");
        }
    }
}
