//! Quoting: every identifier and every string literal goes through here.

use retort_core::render::{self, hex_digits, HexCase};
use retort_core::sql::SqlSyntax;
use retort_core::Dialect;

/// `name` as a double-quoted PostgreSQL identifier, inner `"` doubled.
pub fn quote_identifier(name: &str) -> String {
    syntax().quote_identifier(name)
}

/// `text` as a standard-conforming string literal (`standard_conforming_strings = on`, the
/// default since PostgreSQL 9.1): inner `'` doubled, backslashes taken literally.
pub fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `bytes` as a hex `bytea` literal, `'\x..'::bytea`.
pub(crate) fn bytea_literal(bytes: &[u8]) -> String {
    format!("'\\x{}'::bytea", hex_digits(bytes, HexCase::Lower))
}

/// Column names, quoted, separated by `, `.
pub(crate) fn quote_list<S: AsRef<str>>(names: &[S]) -> String {
    render::quote_list(&syntax(), names)
}

/// The dialect's declared syntax: the one source of its quoting rules.
pub(crate) fn syntax() -> SqlSyntax {
    crate::PostgresDialect.syntax()
}

#[cfg(test)]
mod syntax_tests {
    use retort_core::Dialect;

    /// Identifiers are quoted by the declared syntax, with the dialect's own quote doubled
    /// inside and every other character kept.
    #[test]
    fn identifiers_are_quoted_by_the_declared_syntax() {
        assert_eq!(super::quote_identifier("plain"), r#""plain""#);
        assert_eq!(super::quote_identifier(r#"a"b"#), r#""a""b""#);
        assert_eq!(super::quote_identifier("a`b"), r#""a`b""#);
        assert_eq!(super::quote_identifier(""), r#""""#);
        assert_eq!(crate::PostgresDialect.syntax().placeholder(2), "$2");
    }
}
