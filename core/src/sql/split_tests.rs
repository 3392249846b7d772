//! Tests of the statement splitter.

use super::test_rules::Like;
use super::*;

pub(super) fn sqls(text: &str, flavor: Like) -> Vec<String> {
    match split_statements(text, &flavor.syntax()) {
        Ok(statements) => statements.into_iter().map(|s| s.sql).collect(),
        Err(e) => panic!("split failed: {e}"),
    }
}

pub(super) fn split_error(text: &str, flavor: Like) -> SplitError {
    match split_statements(text, &flavor.syntax()) {
        Ok(statements) => panic!("expected an error, got {statements:?}"),
        Err(e) => e,
    }
}

pub(super) fn at(line: usize, column: usize) -> LineCol {
    LineCol { line, column }
}

pub(super) const ALL: [Like; 4] = [Like::Generic, Like::Postgres, Like::Mysql, Like::Sqlite];

#[test]
fn splits_at_semicolons_and_drops_empty_statements() {
    for flavor in ALL {
        let text = "  CREATE TABLE a (id int) ;\n;;\n-- only a comment\n;\nDROP TABLE b";
        assert_eq!(
            sqls(text, flavor),
            ["CREATE TABLE a (id int)", "DROP TABLE b"]
        );
        assert!(sqls("", flavor).is_empty());
        assert!(sqls(" ; /* c */ ; -- x\n", flavor).is_empty());
    }
}

#[test]
fn statements_know_their_line_and_offset() {
    let text = "-- header\n\nSELECT 1;\n  SELECT\n 2; SELECT 3;\n\n\n/* c */ SELECT 4";
    let statements = split_statements(text, &Like::Generic.syntax()).unwrap_or_default();
    let lines: Vec<_> = statements.iter().map(|s| s.line).collect();
    assert_eq!(lines, [3, 4, 5, 8]);
    for statement in &statements {
        assert!(text[statement.offset..].starts_with("SELECT"));
    }
    assert_eq!(statements[1].sql, "SELECT\n 2");
}

#[test]
fn comments_inside_and_before_the_delimiter_are_kept() {
    let text = "-- leading\nSELECT 1 /* inner */ + 2 -- trailing\n;";
    assert_eq!(
        sqls(text, Like::Generic),
        ["SELECT 1 /* inner */ + 2 -- trailing"]
    );
}

#[test]
fn semicolons_and_comment_markers_in_strings_do_not_split() {
    for flavor in ALL {
        let text = "INSERT INTO t VALUES (';', '--', '/*', 'it''s;');SELECT 2";
        assert_eq!(
            sqls(text, flavor),
            [
                "INSERT INTO t VALUES (';', '--', '/*', 'it''s;')",
                "SELECT 2"
            ]
        );
    }
}

#[test]
fn quoted_identifiers_do_not_split() {
    assert_eq!(
        sqls(r#"SELECT "a;""b" FROM t; SELECT 2"#, Like::Postgres),
        [r#"SELECT "a;""b" FROM t"#, "SELECT 2"]
    );
    for flavor in [Like::Mysql, Like::Sqlite, Like::Generic] {
        assert_eq!(
            sqls("SELECT `a;``b` FROM t; SELECT 2", flavor),
            ["SELECT `a;``b` FROM t", "SELECT 2"]
        );
    }
    assert_eq!(
        sqls("SELECT [a;b] FROM t; SELECT 2", Like::Sqlite),
        ["SELECT [a;b] FROM t", "SELECT 2"]
    );
    // Outside SQLite, `[` is an ordinary character (PostgreSQL arrays).
    assert_eq!(
        sqls("SELECT a[1]; SELECT 2", Like::Postgres),
        ["SELECT a[1]", "SELECT 2"]
    );
}

#[test]
fn mysql_backslash_escapes_and_double_quoted_strings() {
    let text = r#"SELECT 'a\';b', "c\";d"; SELECT 2"#;
    assert_eq!(
        sqls(text, Like::Mysql),
        [r#"SELECT 'a\';b', "c\";d""#, "SELECT 2"]
    );
    // Elsewhere a backslash is an ordinary character: the string ends at `\'`.
    assert_eq!(
        sqls(r"SELECT 'a\'; SELECT 2", Like::Sqlite),
        [r"SELECT 'a\'", "SELECT 2"]
    );
}

#[test]
fn postgres_escape_strings() {
    let text = r"SELECT E'a\';b', e'\\'; SELECT 'c\'; SELECT 3";
    assert_eq!(
        sqls(text, Like::Postgres),
        [r"SELECT E'a\';b', e'\\'", r"SELECT 'c\'", "SELECT 3"]
    );
}

#[test]
fn hash_comments_only_in_mysql() {
    assert_eq!(
        sqls("SELECT 1 # a; b\n; SELECT 2", Like::Mysql),
        ["SELECT 1 # a; b", "SELECT 2"]
    );
    assert_eq!(
        sqls("SELECT 1 # a; b", Like::Postgres),
        ["SELECT 1 # a", "b"]
    );
}

#[test]
fn mysql_double_dash_needs_whitespace_to_be_a_comment() {
    assert_eq!(
        sqls("SELECT 1--1; SELECT 2 -- x;\n", Like::Mysql),
        ["SELECT 1--1", "SELECT 2 -- x;"]
    );
    assert_eq!(sqls("SELECT 1--1;\n;", Like::Sqlite), ["SELECT 1--1;"]);
}

#[test]
fn block_comments_nest_only_in_postgres() {
    let text = "SELECT 1 /* a /* b; */ c; */; SELECT 2";
    assert_eq!(
        sqls(text, Like::Postgres),
        ["SELECT 1 /* a /* b; */ c; */", "SELECT 2"]
    );
    assert_eq!(
        sqls(text, Like::Sqlite),
        ["SELECT 1 /* a /* b; */ c", "*/", "SELECT 2"]
    );
}

#[test]
fn mysql_executable_comments_are_statements() {
    let text = "/*!40101 SET NAMES utf8 */;\n/* plain */;\nSELECT 1";
    assert_eq!(
        sqls(text, Like::Mysql),
        ["/*!40101 SET NAMES utf8 */", "SELECT 1"]
    );
}

#[test]
fn dollar_quoted_bodies_keep_their_semicolons() {
    let text = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql;\n\
                SELECT 2";
    let expected = [
        "CREATE FUNCTION f() RETURNS int AS $$ BEGIN; RETURN 1; END $$ LANGUAGE plpgsql",
        "SELECT 2",
    ];
    assert_eq!(sqls(text, Like::Postgres), expected);
    assert_eq!(sqls(text, Like::Generic), expected);
}

#[test]
fn tagged_dollar_quotes_contain_plain_ones() {
    let text = "DO $body$ BEGIN EXECUTE $$ SELECT ';' $$; END $body$; SELECT 2";
    assert_eq!(
        sqls(text, Like::Postgres),
        [
            "DO $body$ BEGIN EXECUTE $$ SELECT ';' $$; END $body$",
            "SELECT 2"
        ]
    );
}

#[test]
fn dollar_parameters_and_identifiers_are_not_quotes() {
    let text = "PREPARE p AS SELECT $1, a$b$c FROM t WHERE x = $2; SELECT 2";
    assert_eq!(
        sqls(text, Like::Postgres),
        [
            "PREPARE p AS SELECT $1, a$b$c FROM t WHERE x = $2",
            "SELECT 2"
        ]
    );
}

#[test]
fn unterminated_constructs_name_where_they_started() {
    let cases = [
        (
            "SELECT 1;\nSELECT 'abc;\n",
            Like::Generic,
            at(2, 8),
            Construct::String,
            "'",
        ),
        (
            "SELECT \"a",
            Like::Sqlite,
            at(1, 8),
            Construct::QuotedIdentifier,
            "\"",
        ),
        ("SELECT \"a", Like::Mysql, at(1, 8), Construct::String, "\""),
        (
            "x;\n  `a",
            Like::Mysql,
            at(2, 3),
            Construct::BacktickIdentifier,
            "`",
        ),
        (
            "SELECT [a",
            Like::Sqlite,
            at(1, 8),
            Construct::BracketIdentifier,
            "]",
        ),
        (
            "é /* x",
            Like::Generic,
            at(1, 3),
            Construct::BlockComment,
            "*/",
        ),
        (
            "/* /* */",
            Like::Postgres,
            at(1, 1),
            Construct::BlockComment,
            "*/",
        ),
        (
            "\nDO $f$ x $$",
            Like::Postgres,
            at(2, 4),
            Construct::DollarQuote,
            "$f$",
        ),
        (
            "SELECT E'\\'",
            Like::Postgres,
            at(1, 8),
            Construct::String,
            "'",
        ),
    ];
    for (text, flavor, position, construct, closer) in cases {
        let e = split_error(text, flavor);
        assert_eq!(e.at, position, "{text}");
        let closer = closer.to_owned();
        assert_eq!(
            e.kind,
            SplitErrorKind::Unterminated { construct, closer },
            "{text}"
        );
    }
}

#[test]
fn a_megabyte_splits_quickly() {
    let unit = "INSERT INTO t VALUES (1, 'a;b', $$x;y$$); -- c\n/* d */\n";
    let text = unit.repeat(1_000_000 / unit.len() + 1);
    let started = std::time::Instant::now();
    let statements = split_statements(&text, &Like::Postgres.syntax()).unwrap_or_default();
    assert_eq!(statements.len(), 1_000_000 / unit.len() + 1);
    assert_eq!(
        statements.last().map(|s| s.line),
        Some(2 * statements.len() - 1)
    );
    // Generous for unoptimised builds on a busy machine; quadratic work would take minutes.
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn deeply_nested_comments_and_blocks_do_not_overflow() {
    let text = format!("SELECT 1 {}{};", "/*".repeat(10_000), "*/".repeat(10_000));
    assert_eq!(sqls(&text, Like::Postgres).len(), 1);
    let body = format!("{}{}", "BEGIN ".repeat(10_000), "END; ".repeat(10_000));
    let text = format!("CREATE TRIGGER t AFTER INSERT ON a {body}; SELECT 2");
    assert_eq!(sqls(&text, Like::Sqlite).len(), 2);
}

proptest::proptest! {
    #[test]
    fn splitting_never_panics_and_positions_agree(
        text in "(DELIMITER |BEGIN |END |CREATE TRIGGER |CASE |E'|\\$a\\$|[a-z ;'\"`\\[\\]$#/*!+\\\\\n\ré-])*",
        flavor in proptest::sample::select(ALL.to_vec()),
    ) {
        if let Ok(statements) = split_statements(&text, &flavor.syntax()) {
            for statement in statements {
                proptest::prop_assert!(!statement.sql.is_empty());
                proptest::prop_assert!(text[statement.offset..].starts_with(&statement.sql));
                proptest::prop_assert_eq!(statement.line, LineCol::of_offset(&text, statement.offset).line);
            }
        }
    }
}
