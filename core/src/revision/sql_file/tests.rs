//! Tests of SQL revision parsing: good files, sections, canonical form, and test helpers.

use std::path::{Path, PathBuf};

use time::macros::datetime;

use super::*;
use crate::location::LineCol;

pub(super) const PATH: &str = "migrations/20261122_0915_9a8b7c6d5e4f_backfill.sql";

pub(super) fn path() -> PathBuf {
    PathBuf::from(PATH)
}

pub(super) fn revision(text: &str) -> SqlRevision {
    match parse_sql_revision(Path::new(PATH), text) {
        Ok(revision) => revision,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// The error for `text`, checking that the header-only reader agrees when the error is
/// in the header.
pub(super) fn error(text: &str) -> FileError {
    match parse_sql_revision(Path::new(PATH), text) {
        Ok(revision) => panic!("expected an error, got {revision:?}"),
        Err(e) => e,
    }
}

pub(super) fn assert_error_at(text: &str, line: usize, column: usize, message_part: &str) {
    let e = error(text);
    assert_eq!(e.path, path());
    assert_eq!(e.at, Some(LineCol { line, column }), "{e}");
    assert!(e.message.contains(message_part), "{e}");
}

/// Same, for an error the header alone already shows.
pub(super) fn assert_header_error_at(text: &str, line: usize, column: usize, message_part: &str) {
    assert_error_at(text, line, column, message_part);
    assert_eq!(
        parse_sql_header(Path::new(PATH), text).err(),
        Some(error(text))
    );
}

const SPEC_EXAMPLE: &str = "\
-- retort:revision 9a8b7c6d5e4f
-- retort:down_revision 5cd038a8f131
-- retort:message backfill display names
-- retort:dialect postgres
-- retort:transactional false

-- retort:upgrade
UPDATE users SET display_name = email WHERE display_name IS NULL;

-- retort:downgrade
UPDATE users SET display_name = NULL;
";

#[test]
fn the_spec_example_parses() {
    let parsed = revision(SPEC_EXAMPLE);
    let header = &parsed.header;
    assert_eq!(header.id, "9a8b7c6d5e4f");
    assert_eq!(header.down_revisions, ["5cd038a8f131"]);
    assert_eq!(header.message, "backfill display names");
    assert_eq!(header.dialect.as_deref(), Some("postgres"));
    assert!(!header.transactional);
    assert_eq!(header.format, FileFormat::Sql);
    assert_eq!(header.path, path());
    assert_eq!(parsed.syntax, SqlSyntax::default());
    let upgrade: Vec<_> = parsed
        .upgrade
        .iter()
        .map(|s| (s.sql.as_str(), s.line))
        .collect();
    assert_eq!(
        upgrade,
        [(
            "UPDATE users SET display_name = email WHERE display_name IS NULL",
            8
        )]
    );
    let downgrade: Vec<_> = parsed
        .downgrade
        .iter()
        .flatten()
        .map(|s| (s.sql.as_str(), s.line))
        .collect();
    assert_eq!(downgrade, [("UPDATE users SET display_name = NULL", 11)]);
    assert!(
        SPEC_EXAMPLE[parsed.downgrade.as_ref().expect("a downgrade")[0].offset..]
            .starts_with("UPDATE users SET display_name = NULL")
    );
    assert_eq!(
        parse_sql_header(Path::new(PATH), SPEC_EXAMPLE),
        Ok(parsed.header)
    );
}

#[test]
fn a_merge_with_every_key() {
    let text = "\
/* A merge
   of two branches. */
--retort:revision   merge_01
-- retort:down_revision a1b2c3d4e5f6 ,0f1e2d3c4b5a
-- an ordinary comment
-- retort:depends_on  ab12cd34ef56
-- retort:branch_labels billing , audit
-- retort:created 2026-11-21T17:40:00+01:00
-- retort:message  merge: billing (and audit)  
-- retort:transactional true
-- retort:upgrade
";
    let header = revision(text).header;
    assert_eq!(header.id, "merge_01");
    assert_eq!(header.down_revisions, ["a1b2c3d4e5f6", "0f1e2d3c4b5a"]);
    assert_eq!(header.depends_on, ["ab12cd34ef56"]);
    assert_eq!(header.branch_labels, ["billing", "audit"]);
    assert_eq!(header.created, Some(datetime!(2026-11-21 17:40:00 +01:00)));
    assert_eq!(header.message, "merge: billing (and audit)");
    assert!(header.transactional);
    assert_eq!(header.dialect, None);
}

#[test]
fn optional_keys_have_defaults_and_downgrade_is_optional() {
    let parsed =
        revision("\u{feff}-- retort:revision r1\r\n\r\n-- retort:upgrade\r\nSELECT 1;\r\n");
    assert_eq!(parsed.header.id, "r1");
    assert!(parsed.header.down_revisions.is_empty());
    assert!(parsed.header.depends_on.is_empty() && parsed.header.branch_labels.is_empty());
    assert_eq!(
        (parsed.header.created, parsed.header.transactional),
        (None, true)
    );
    assert_eq!(parsed.syntax, SqlSyntax::default());
    assert_eq!(parsed.upgrade.len(), 1);
    assert_eq!(parsed.upgrade[0].line, 4);
    // No `-- retort:downgrade` marker: irreversible, not an empty downgrade.
    assert_eq!(parsed.downgrade, None);
}

#[test]
fn the_header_reader_stops_at_the_first_section() {
    let text = "-- retort:revision r1\n-- retort:upgrade\nSELECT 'unterminated;\n";
    assert_eq!(
        parse_sql_header(Path::new(PATH), text).map(|h| h.id),
        Ok("r1".to_owned())
    );
    assert_error_at(text, 3, 8, "unterminated string literal");
}

#[test]
fn sections_are_split_with_the_dialects_rules() {
    let text = "\
-- retort:revision r1
-- retort:dialect mysql
-- retort:upgrade
DELIMITER //
CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //
DELIMITER ;
SELECT 'a\\';b' # a comment; still a comment
;
-- retort:downgrade

DROP PROCEDURE p;
";
    let mut syntaxes = DialectSyntaxes::new();
    syntaxes.add(["mysql"], crate::sql::test_rules::Like::Mysql.syntax());
    let parsed = match parse_sql_revision_with(&path(), text, &syntaxes) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{e}"),
    };
    let upgrade: Vec<_> = parsed
        .upgrade
        .iter()
        .map(|s| (s.sql.as_str(), s.line))
        .collect();
    assert_eq!(
        upgrade,
        [
            ("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", 5),
            ("SELECT 'a\\';b' # a comment; still a comment", 7),
        ]
    );
    let downgrade = parsed.downgrade.expect("a downgrade");
    assert_eq!(downgrade[0].line, 11);
    assert!(text[downgrade[0].offset..].starts_with("DROP PROCEDURE p;"));
}

#[test]
fn split_errors_point_at_the_file_line() {
    let text = "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\n-- retort:downgrade\n\n  SELECT \"x;\n";
    assert_error_at(text, 6, 10, "unterminated quoted identifier");
}

#[test]
fn the_canonical_form_ignores_comments_layout_and_line_endings() {
    let reformatted = SPEC_EXAMPLE
        .replace(
            "display_name IS NULL;",
            "display_name IS NULL -- only the missing ones\n;",
        )
        .replace(
            "UPDATE users SET display_name = NULL",
            "UPDATE users\n    SET display_name = NULL",
        )
        .replace('\n', "\r\n");
    assert_eq!(
        revision(&reformatted).canonical_form(),
        revision(SPEC_EXAMPLE).canonical_form()
    );
    assert_eq!(
        revision(SPEC_EXAMPLE).canonical_form(),
        "-- retort:upgrade\n\
         UPDATE users SET display_name = email WHERE display_name IS NULL;\n\
         -- retort:downgrade\n\
         UPDATE users SET display_name = NULL;\n"
    );
}

#[test]
fn the_canonical_form_notices_a_statement_moving_between_sections() {
    let both =
        "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\n-- retort:downgrade\nSELECT 2;\n";
    let moved =
        "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\nSELECT 2;\n-- retort:downgrade\n";
    assert_ne!(
        revision(both).canonical_form(),
        revision(moved).canonical_form()
    );
    let changed = both.replace("SELECT 2", "SELECT 3");
    assert_ne!(
        revision(both).canonical_form(),
        revision(&changed).canonical_form()
    );
}

#[test]
fn revision_id_rule() {
    for good in ["5cd038a8f131", "A_1", "_", "headline", "0"] {
        assert!(is_valid_revision_id(good), "{good}");
    }
    for bad in [
        "", "a-b", "a b", "a@b", "a+1", "é", "head", "HEADS", "Base", "a,b",
    ] {
        assert!(!is_valid_revision_id(bad), "{bad}");
    }
}

#[test]
fn limits_are_read_from_the_header_and_left_out_of_the_checksum() {
    let plain = "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\n";
    let limited = "-- retort:revision r1\n-- retort:lock_wait 30s\n\
                   -- retort:statement_timeout 0\n-- retort:upgrade\nSELECT 1;\n";
    let header = parse_sql_header(Path::new(PATH), limited).expect("valid");
    assert_eq!(
        header.limits.lock_wait,
        Some(std::time::Duration::from_secs(30))
    );
    assert_eq!(
        header.limits.statement_timeout,
        Some(std::time::Duration::ZERO)
    );
    assert_eq!(revision(plain).header.limits, Default::default());
    assert_eq!(
        revision(plain).canonical_form(),
        revision(limited).canonical_form()
    );
}

#[test]
fn sections_are_split_with_the_syntax_of_the_declared_dialect() {
    let text = "-- retort:revision r1\n-- retort:dialect hashdb\n-- retort:upgrade\n\
                SELECT 1 # one; two\n;\nSELECT 2;\n";
    let mut hashes = SqlSyntax::new();
    hashes.hash_comments = true;
    let mut syntaxes = DialectSyntaxes::new();
    syntaxes.add(["hashdb"], hashes);
    let declared = match parse_sql_revision_with(&path(), text, &syntaxes) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(declared.syntax, hashes);
    let sqls: Vec<_> = declared.upgrade.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sqls, ["SELECT 1 # one; two", "SELECT 2"]);
    // Unknown to the table: the generic rules, for which `#` is no comment.
    let generic = match parse_sql_revision_with(&path(), text, &DialectSyntaxes::new()) {
        Ok(parsed) => parsed,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(generic.syntax, SqlSyntax::default());
    let sqls: Vec<_> = generic.upgrade.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sqls, ["SELECT 1 # one", "two", "SELECT 2"]);
    assert_ne!(declared.canonical_form(), generic.canonical_form());
}
