//! Tests of the canonical form: what it ignores and what it notices.

use super::test_rules::Like;
use super::*;

fn canonical(text: &str, flavor: Like) -> String {
    match canonical_form_of_text(text, &flavor.syntax()) {
        Ok(canonical) => canonical,
        Err(e) => panic!("split failed: {e}"),
    }
}

const ORIGINAL: &str = "CREATE TABLE users (\n    id bigint PRIMARY KEY,\n    \
                        name text NOT NULL DEFAULT 'a  b'\n);\n\
                        INSERT INTO users (id, name) VALUES (1, 'x\ny');\n";

#[test]
fn the_canonical_form_is_one_line_per_statement() {
    assert_eq!(
        canonical(ORIGINAL, Like::Generic),
        "CREATE TABLE users ( id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'a  b' );\n\
         INSERT INTO users (id, name) VALUES (1, 'x\ny');\n"
    );
    assert_eq!(canonical(" ; -- nothing\n", Like::Generic), "");
}

#[test]
fn comments_and_reformatting_do_not_change_it() {
    let reformatted = "-- users\nCREATE TABLE users ( /* the key */ id bigint PRIMARY KEY,\n\
                       \tname text NOT NULL   DEFAULT 'a  b' -- display name\n\
                       )  ;\n\n\n  INSERT INTO users (id, name)\n  VALUES (1, 'x\ny')\n;";
    let expected = canonical(ORIGINAL, Like::Generic);
    assert_eq!(canonical(reformatted, Like::Generic), expected);
    let nested = reformatted.replace("/* the key */", "/* the /* nested */ key */");
    assert_eq!(canonical(&nested, Like::Postgres), expected);
    let hashed = reformatted.replace("-- display name", "# display name");
    assert_eq!(canonical(&hashed, Like::Mysql), expected);
}

#[test]
fn crlf_and_lone_cr_line_breaks_do_not_change_it_even_inside_literals() {
    let expected = canonical(ORIGINAL, Like::Generic);
    let crlf = ORIGINAL.replace('\n', "\r\n");
    assert_eq!(canonical(&crlf, Like::Generic), expected);
    let cr = ORIGINAL.replace('\n', "\r");
    assert_eq!(canonical(&cr, Like::Generic), expected);
    let with_comment = format!("-- note\r\n{crlf}");
    assert_eq!(canonical(&with_comment, Like::Mysql), expected);
}

#[test]
fn any_change_to_a_literal_or_a_token_changes_it() {
    let original = canonical(ORIGINAL, Like::Generic);
    let changes = [
        ("'a  b'", "'a b'"),   // whitespace inside a literal
        ("'x\ny'", "'x y'"),   // a line break inside a literal
        ("'a  b'", "'A  b'"),  // case inside a literal
        ("bigint", "BIGINT"),  // no case folding
        ("bigint", "integer"), // a token
        ("(id, name)", "(id,name)"),
        ("id bigint", "idbigint"),
        ("NOT NULL", "NOT NULL, x int"),
    ];
    for (from, to) in changes {
        let changed = ORIGINAL.replacen(from, to, 1);
        assert_ne!(
            canonical(&changed, Like::Generic),
            original,
            "{from} -> {to}"
        );
    }
    // Moving a statement boundary changes it too.
    let merged = "SELECT 1; SELECT 2;";
    assert_ne!(
        canonical(merged, Like::Generic),
        canonical("SELECT 1 SELECT 2;", Like::Generic)
    );
}

#[test]
fn quoted_identifiers_and_dollar_quotes_are_kept_verbatim() {
    let text = "SELECT \"a  b\", `c  d` FROM t;\nDO $$\n  x   y\n$$;";
    assert_eq!(
        canonical(text, Like::Generic),
        "SELECT \"a  b\", `c  d` FROM t;\nDO $$\n  x   y\n$$;\n"
    );
    let changed = text.replace("  x   y", " x y");
    assert_ne!(
        canonical(&changed, Like::Postgres),
        canonical(text, Like::Postgres)
    );
}

#[test]
fn a_comment_between_tokens_counts_as_a_space() {
    assert_eq!(
        canonical("SELECT a/* c */b", Like::Generic),
        canonical("SELECT a b", Like::Generic)
    );
    assert_ne!(
        canonical("SELECT a/* c */b", Like::Generic),
        canonical("SELECT ab", Like::Generic)
    );
}

#[test]
fn mysql_executable_comments_are_code() {
    let text = "/*!40101 SET NAMES utf8 */;\nSELECT /*+ NO_INDEX(t) */ 1 FROM t;";
    assert_eq!(
        canonical(text, Like::Mysql),
        "/*!40101 SET NAMES utf8 */;\nSELECT /*+ NO_INDEX(t) */ 1 FROM t;\n"
    );
}

#[test]
fn canonical_statement_tolerates_hand_made_unterminated_text() {
    assert_eq!(
        canonical_statement("SELECT  'a  \r\n b", &Like::Generic.syntax()),
        "SELECT 'a  \n b"
    );
}

#[test]
fn the_canonical_form_of_delimited_statements_is_the_same_as_with_semicolons() {
    let plain = "CREATE TABLE t (x int);\nSELECT 1;";
    let delimited = "DELIMITER //\nCREATE TABLE t (x int)//\nSELECT 1//\nDELIMITER ;";
    assert_eq!(
        canonical(plain, Like::Mysql),
        canonical(delimited, Like::Mysql)
    );
}

proptest::proptest! {
    #[test]
    fn separators_between_tokens_do_not_change_it(
        tokens in proptest::collection::vec(
            proptest::sample::select(vec!["SELECT", "x", "1", "(", ")", ",", "'a  b'", "\"q  r\"", "$$ z ; $$", ";"]),
            1..20,
        ),
        separators in proptest::collection::vec(
            proptest::sample::select(vec![" ", "\n    ", "\r\n", " /* c */ ", " -- c\n", "\t/* a /* b */ c */"]),
            20,
        ),
    ) {
        let plain = tokens.join(" ");
        let mut spaced = String::new();
        for (token, separator) in tokens.iter().zip(&separators) {
            spaced.push_str(token);
            spaced.push_str(separator);
        }
        for flavor in [Like::Postgres, Like::Generic] {
            let spaced = if flavor == Like::Postgres { spaced.clone() } else { spaced.replace("/* a /* b */ c */", "/* a b c */") };
            proptest::prop_assert_eq!(canonical(&spaced, flavor), canonical(&plain, flavor));
        }
    }
}
