//! Tests of the public lexer: token kinds and spans under different rules.

use super::test_rules::Like;
use super::*;

/// Each token's kind and text.
fn kinds(text: &str, like: Like) -> Vec<(TokenKind, &str)> {
    tokens(text, &like.syntax())
        .map(|token| match token {
            Ok(token) => (token.kind, token.text(text)),
            Err(e) => panic!("{e}"),
        })
        .collect()
}

#[test]
fn tokens_have_kinds_and_spans_that_cover_the_text() {
    let text = "SELECT \"a b\", 'c''d' -- e\n/* f */ x1+$1";
    let read = kinds(text, Like::Generic);
    assert_eq!(
        read,
        [
            (TokenKind::Word, "SELECT"),
            (TokenKind::Whitespace, " "),
            (TokenKind::QuotedIdentifier, "\"a b\""),
            (TokenKind::Punct, ","),
            (TokenKind::Whitespace, " "),
            (TokenKind::String, "'c''d'"),
            (TokenKind::Whitespace, " "),
            (TokenKind::LineComment, "-- e"),
            (TokenKind::Whitespace, "\n"),
            (TokenKind::BlockComment, "/* f */"),
            (TokenKind::Whitespace, " "),
            (TokenKind::Word, "x1"),
            (TokenKind::Punct, "+"),
            // A `$` that opens no dollar quote stands alone, as it always has.
            (TokenKind::Punct, "$"),
            (TokenKind::Word, "1"),
        ]
    );
    let joined: String = read.iter().map(|(_, text)| *text).collect();
    assert_eq!(joined, text);
}

#[test]
fn the_rules_decide_what_a_quote_or_comment_is() {
    assert_eq!(
        kinds("\"s\" # c", Like::Mysql),
        [
            (TokenKind::String, "\"s\""),
            (TokenKind::Whitespace, " "),
            (TokenKind::LineComment, "# c"),
        ]
    );
    assert_eq!(
        kinds("[a b]", Like::Sqlite)[0],
        (TokenKind::QuotedIdentifier, "[a b]")
    );
    assert_eq!(kinds("[a b]", Like::Postgres)[0], (TokenKind::Punct, "["));
    assert_eq!(
        kinds("E'\\''", Like::Postgres),
        [(TokenKind::String, "E'\\''")]
    );
    assert_eq!(
        kinds("$t$ ' $t$", Like::Postgres),
        [(TokenKind::String, "$t$ ' $t$")]
    );
    assert_eq!(
        kinds("/*! 1 */", Like::Mysql),
        [(TokenKind::ExecutableComment, "/*! 1 */")]
    );
    assert!(!TokenKind::ExecutableComment.is_trivia());
}

#[test]
fn an_unterminated_quote_is_the_last_item() {
    let items: Vec<_> = tokens("a 'b", &SqlSyntax::default()).collect();
    assert_eq!(items.len(), 3);
    match &items[2] {
        Err(e) => {
            assert_eq!(
                (e.construct, e.start, e.closer.as_str()),
                (Construct::String, 2, "'")
            );
            assert_eq!(
                e.to_string(),
                "unterminated string literal starting at byte 2; expected a closing `'`"
            );
        }
        Ok(token) => panic!("expected an error, got {token:?}"),
    }
}

#[test]
fn unquote_undoes_the_quoting_of_identifiers_and_strings() {
    assert_eq!(unquote("\"a\"\"b\"").as_deref(), Some("a\"b"));
    assert_eq!(unquote("`a``b`").as_deref(), Some("a`b"));
    assert_eq!(unquote("[a b]").as_deref(), Some("a b"));
    assert_eq!(unquote("'it''s'").as_deref(), Some("it's"));
    assert_eq!(unquote("word"), None);
    assert_eq!(unquote("$$x$$"), None);
    assert_eq!(unquote("\"open"), None);
}
