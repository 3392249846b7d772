//! Quoting: every identifier and every string literal goes through here.

use retort_core::render::{self, hex_digits, HexCase};
use retort_core::sql::SqlSyntax;
use retort_core::Dialect;

/// `name` as a double-quoted SQLite identifier, inner `"` doubled.
pub fn quote_identifier(name: &str) -> String {
    syntax().quote_identifier(name)
}

/// `text` as a single-quoted SQLite string literal, inner `'` doubled. Text holding a NUL
/// character, which the SQL tokenizer would stop at, is spelled as a hex blob cast to text.
pub fn quote_string(text: &str) -> String {
    if text.contains('\0') {
        format!("CAST({} AS TEXT)", hex_blob(text.as_bytes()))
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// `bytes` as an `X'..'` blob literal.
pub(crate) fn hex_blob(bytes: &[u8]) -> String {
    format!("X'{}'", hex_digits(bytes, HexCase::Upper))
}

/// Column names, quoted, separated by `, `.
pub(crate) fn quote_list<S: AsRef<str>>(names: &[S]) -> String {
    render::quote_list(&syntax(), names)
}

/// The dialect's declared syntax: the one source of its quoting rules.
pub(crate) fn syntax() -> SqlSyntax {
    crate::SqliteDialect.syntax()
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
        assert_eq!(crate::SqliteDialect.syntax().placeholder(2), "?");
    }
}
