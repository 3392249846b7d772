//! Quoting: every identifier and every string literal goes through here.

use retort_core::render::{self, hex_digits, HexCase};
use retort_core::sql::SqlSyntax;
use retort_core::Dialect;

/// `name` as a double-quoted PostgreSQL identifier, inner `"` doubled.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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

/// The dialect's declared syntax, which quotes exactly as [`quote_identifier`] does.
pub(crate) fn syntax() -> SqlSyntax {
    crate::PostgresDialect.syntax()
}

#[cfg(test)]
mod syntax_tests {
    use retort_core::Dialect;

    /// The syntax the dialect declares quotes exactly as its renderer does.
    #[test]
    fn declared_syntax_quotes_as_the_renderer() {
        let syntax = crate::PostgresDialect.syntax();
        for name in ["plain", "a\"b", "a`b", "a'b", "ä ö", "[x]", ""] {
            assert_eq!(syntax.quote_identifier(name), super::quote_identifier(name));
        }
        assert_eq!(syntax.placeholder(2), "$2");
    }
}
