//! Quoting: every identifier and every string literal goes through here.

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
    let mut out = String::with_capacity(bytes.len() * 2 + 12);
    out.push_str("'\\x");
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out.push_str("'::bytea");
    out
}

/// Column names, quoted, separated by `, `.
pub(crate) fn quote_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| quote_identifier(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
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
