//! Quoting: every identifier and every string literal goes through here.

use retort_core::render::{self, hex_digits, HexCase};
use retort_core::sql::SqlSyntax;
use retort_core::Dialect;

/// `name` as a backtick-quoted MySQL identifier, inner backticks doubled.
pub fn quote_identifier(name: &str) -> String {
    syntax().quote_identifier(name)
}

/// `text` as a string literal for a session without `NO_BACKSLASH_ESCAPES` (retort sets
/// the mode so, online and in offline scripts): backslash, quote and NUL escaped.
pub fn quote_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            '\0' => out.push_str("\\0"),
            // Control characters the `mysql` client would otherwise mangle in a script (it
            // drops a CR before a line feed).
            '\u{1a}' => out.push_str("\\Z"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `bytes` as a hex literal, `X'..'`.
pub(crate) fn hex_literal(bytes: &[u8]) -> String {
    format!("X'{}'", hex_digits(bytes, HexCase::Lower))
}

/// Column names, quoted, separated by `, `.
pub(crate) fn quote_list<S: AsRef<str>>(names: &[S]) -> String {
    render::quote_list(&syntax(), names)
}

/// The dialect's declared syntax: the one source of its quoting rules.
pub(crate) fn syntax() -> SqlSyntax {
    crate::MysqlDialect.syntax()
}

/// The SQL that makes backslashes escapes in string literals, whatever the server's
/// default `sql_mode` (it removes `NO_BACKSLASH_ESCAPES`, keeping every other mode).
pub const SQL_MODE_WITH_ESCAPES: &str = "SET SESSION sql_mode = TRIM(BOTH ',' FROM \
REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_what_would_break_out() {
        assert_eq!(quote_identifier("a`b"), "`a``b`");
        assert_eq!(quote_string("it's \\ \0"), "'it''s \\\\ \\0'");
        assert_eq!(quote_string("a\r\nb"), "'a\\r\nb'");
        assert_eq!(hex_literal(&[0, 255]), "X'00ff'");
    }
}

#[cfg(test)]
mod syntax_tests {
    use retort_core::Dialect;

    /// Identifiers are quoted by the declared syntax, with the dialect's own quote doubled
    /// inside and every other character kept.
    #[test]
    fn identifiers_are_quoted_by_the_declared_syntax() {
        assert_eq!(super::quote_identifier("plain"), "`plain`");
        assert_eq!(super::quote_identifier(r#"a"b"#), r#"`a"b`"#);
        assert_eq!(super::quote_identifier("a`b"), "`a``b`");
        assert_eq!(super::quote_identifier(""), "``");
        assert_eq!(crate::MysqlDialect.syntax().placeholder(2), "?");
    }
}
