//! Quoting: every identifier and every string literal goes through here.

use retort_core::render::{self, hex_digits, HexCase};
use retort_core::sql::SqlSyntax;
use retort_core::Dialect;

/// `name` as a double-quoted SQLite identifier, inner `"` doubled.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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

/// The dialect's declared syntax, which quotes exactly as [`quote_identifier`] does.
pub(crate) fn syntax() -> SqlSyntax {
    crate::SqliteDialect.syntax()
}

#[cfg(test)]
mod syntax_tests {
    use retort_core::Dialect;

    /// The syntax the dialect declares quotes exactly as its renderer does.
    #[test]
    fn declared_syntax_quotes_as_the_renderer() {
        let syntax = crate::SqliteDialect.syntax();
        for name in ["plain", "a\"b", "a`b", "a'b", "ä ö", "[x]", ""] {
            assert_eq!(syntax.quote_identifier(name), super::quote_identifier(name));
        }
        assert_eq!(syntax.placeholder(2), "?");
    }
}
