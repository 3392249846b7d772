//! One test per SQL revision error, each asserting the line and column it names.

use std::path::Path;

use super::tests::{assert_error_at, assert_header_error_at, error, PATH};
use super::*;

#[test]
fn unknown_key() {
    assert_header_error_at(
        "-- retort:revision r1\n-- retort:revison r2\n-- retort:upgrade\n",
        2,
        11,
        "unknown header key `revison`; expected one of revision, down_revision",
    );
    assert_header_error_at(
        "-- retort: revision r1\n",
        1,
        11,
        "expected a key right after",
    );
}

#[test]
fn duplicate_key() {
    let text =
        "-- retort:revision r1\n-- retort:message a\n  -- retort:message b\n-- retort:upgrade\n";
    assert_header_error_at(text, 3, 13, "`message` given twice; first on line 2");
}

#[test]
fn missing_value() {
    let text = "-- retort:revision r1\n-- retort:message   \n-- retort:upgrade\n";
    assert_header_error_at(
        text,
        2,
        18,
        "missing value for `message`; expected a message",
    );
    assert_header_error_at("-- retort:down_revision\n", 1, 24, "expected revision ids");
}

#[test]
fn bad_bool() {
    let text = "-- retort:revision r1\n-- retort:transactional no\n-- retort:upgrade\n";
    assert_header_error_at(
        text,
        2,
        25,
        "`transactional` must be `true` or `false`, found `no`",
    );
    let text = "-- retort:transactional false   (optional)\n";
    assert_header_error_at(text, 1, 33, "unexpected text after `false`");
}

#[test]
fn bad_created_timestamp() {
    let text = "-- retort:created 2026-13-01T00:00:00Z\n";
    assert_header_error_at(text, 1, 19, "must be an RFC 3339 timestamp");
    assert_header_error_at(
        "-- retort:created 2026-11-21\n",
        1,
        19,
        "found `2026-11-21`",
    );
}

#[test]
fn bad_revision_id() {
    assert_header_error_at(
        "-- retort:revision ab-cd\n",
        1,
        20,
        "`ab-cd` is not a valid revision id",
    );
    assert_header_error_at(
        "-- retort:revision head\n",
        1,
        20,
        "not `head`, `heads` or `base`",
    );
    assert_header_error_at(
        "-- retort:revision a1 b2\n",
        1,
        23,
        "unexpected text after `a1`",
    );
}

#[test]
fn bad_id_lists() {
    assert_header_error_at(
        "-- retort:down_revision a1, b-2\n",
        1,
        29,
        "`b-2` is not a valid revision id",
    );
    assert_header_error_at(
        "-- retort:down_revision a1,,b2\n",
        1,
        28,
        "empty item in the list",
    );
    assert_header_error_at("-- retort:depends_on a1,\n", 1, 25, "empty item");
    assert_header_error_at(
        "-- retort:depends_on a1 b2\n",
        1,
        25,
        "expected a comma after `a1`",
    );
    assert_header_error_at(
        "-- retort:down_revision a1, a1\n",
        1,
        29,
        "`a1` is listed twice",
    );
    assert_header_error_at(
        "-- retort:branch_labels x@y\n",
        1,
        25,
        "not a valid branch label",
    );
}

#[test]
fn bad_dialect() {
    assert_header_error_at(
        "-- retort:dialect Postgres\n",
        1,
        19,
        "expected a lowercase name",
    );
    let text = "-- retort:dialect postgres            (optional: refuse to run elsewhere)\n";
    assert_header_error_at(text, 1, 39, "unexpected text after `postgres`");
}

#[test]
fn missing_revision() {
    let text = "-- retort:message no id\n\n-- retort:upgrade\nSELECT 1;\n";
    assert_header_error_at(text, 1, 1, "missing `-- retort:revision ID`");
}

#[test]
fn sql_before_the_first_section() {
    let text = "-- retort:revision r1\n\n  CREATE TABLE t (x int);\n-- retort:upgrade\n";
    assert_header_error_at(text, 3, 3, "SQL before the first section");
    let text = "-- retort:revision r1\n/* a\n -- retort:message ignored\n*/ DROP TABLE t;\n";
    assert_header_error_at(text, 4, 4, "SQL before the first section");
}

#[test]
fn header_line_after_a_section_started() {
    let text = "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\n -- retort:dialect sqlite\n";
    assert_error_at(
        text,
        4,
        12,
        "header line `-- retort:dialect` after the first section (line 2)",
    );
    assert!(parse_sql_header(Path::new(PATH), text).is_ok());
    let text = "-- retort:revision r1\n-- retort:upgrade\n-- retort:upgrad\n";
    assert_error_at(text, 3, 11, "unknown header key `upgrad`");
}

#[test]
fn missing_upgrade_section() {
    assert_header_error_at("-- retort:revision r1\nSELECT 1;\n", 2, 1, "SQL before");
    assert_header_error_at(
        "-- retort:revision r1\n",
        2,
        1,
        "missing `-- retort:upgrade`",
    );
    assert_header_error_at(
        "-- retort:revision r1",
        1,
        22,
        "missing `-- retort:upgrade`",
    );
    let text = "-- retort:revision r1\n-- retort:downgrade\nSELECT 1;\n-- retort:upgrade\n";
    assert_header_error_at(
        text,
        2,
        11,
        "`-- retort:downgrade` before any `-- retort:upgrade`",
    );
}

#[test]
fn repeated_section_markers() {
    let text = "-- retort:revision r1\n-- retort:upgrade\nSELECT 1;\n-- retort:upgrade\n";
    assert_error_at(
        text,
        4,
        11,
        "second `-- retort:upgrade` marker; that section already started on line 2",
    );
    let text =
        "-- retort:revision r1\n-- retort:upgrade\n-- retort:downgrade\n\n-- retort:downgrade\n";
    assert_error_at(text, 5, 11, "already started on line 3");
}

#[test]
fn section_markers_stand_alone() {
    assert_header_error_at(
        "-- retort:revision r1\n-- retort:upgrade   now\n",
        2,
        21,
        "unexpected text after `-- retort:upgrade`",
    );
    let text = "-- retort:revision r1\n-- retort:upgrade\n-- retort:downgrade (optional)\n";
    assert_error_at(text, 3, 21, "a section marker stands alone on its line");
}

#[test]
fn errors_display_as_path_line_column() {
    let e = error("-- retort:revision ab-cd\n");
    assert_eq!(
        e.to_string(),
        format!(
            "{PATH}:1:20: `ab-cd` is not a valid revision id; expected 1 to 64 letters, \
             digits and `_` (and not `head`, `heads` or `base`)"
        )
    );
}

#[test]
fn bad_limits() {
    let text = "-- retort:revision r1\n-- retort:lock_wait 5 s\n-- retort:upgrade\n";
    assert_header_error_at(text, 2, 23, "unexpected text after `5`");
    let text = "-- retort:revision r1\n-- retort:statement_timeout soon\n-- retort:upgrade\n";
    assert_header_error_at(
        text,
        2,
        29,
        "`statement_timeout`: `soon` is not a duration: expected a duration such as 500ms",
    );
    let text = "-- retort:revision r1\n-- retort:lock_wait\n-- retort:upgrade\n";
    assert_header_error_at(
        text,
        2,
        20,
        "missing value for `lock_wait`; expected a duration such as 500ms",
    );
}
