//! Check expressions between standard SQL and MySQL's spelling.
//!
//! The model writes identifiers in check expressions the standard way (`"order" >= 0`),
//! which MySQL, without `ANSI_QUOTES`, would read as a string. Rendering turns them into
//! backtick-quoted identifiers. Reading back, the server returns its own rendering with
//! every identifier in backticks (`` `balance` >= 0 ``): identifiers that need no quoting
//! are written bare again, the others in double quotes, so that what was declared reads
//! back equal. (The server also lower-cases keywords; those do not round-trip.)

use retort_core::sql::{tokens, unquote, SqlSyntax, TokenKind};
use retort_core::Dialect as _;

/// MySQL's lexical rules, with `"` quoting identifiers (standard SQL, as the model writes
/// check expressions) or strings (as the server reads them).
fn syntax(double_quoted_strings: bool) -> SqlSyntax {
    let mut syntax = crate::MysqlDialect.syntax();
    syntax.double_quoted_strings = double_quoted_strings;
    syntax
}

/// `expr` with every quoted identifier that `rewrite` returns text for replaced by that
/// text; literals, comments and everything else copied as they are. An unterminated quote
/// or comment is copied to the end.
fn rewrite_identifiers(
    expr: &str,
    syntax: &SqlSyntax,
    rewrite: impl Fn(&str, String) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut copied_to = 0;
    for token in tokens(expr, syntax) {
        let Ok(token) = token else { break };
        let text = token.text(expr);
        if token.kind == TokenKind::QuotedIdentifier {
            if let Some(new) = unquote(text).and_then(|name| rewrite(text, name)) {
                out.push_str(&new);
                copied_to = token.end;
                continue;
            }
        }
        out.push_str(text);
        copied_to = token.end;
    }
    out.push_str(&expr[copied_to..]);
    out
}

/// `"x"` outside string literals as `` `x` ``.
pub(crate) fn to_backticks(expr: &str) -> String {
    rewrite_identifiers(expr, &syntax(false), |text, name| {
        text.starts_with('"')
            .then(|| crate::quote::quote_identifier(&name))
    })
}

/// The server's `` `x` `` as `x` where that reads the same, else `"x"`.
pub(crate) fn from_backticks(expr: &str) -> String {
    rewrite_identifiers(expr, &syntax(true), |text, name| {
        text.starts_with('`').then(|| {
            if needs_quotes(&name) {
                format!("\"{}\"", name.replace('"', "\"\""))
            } else {
                name
            }
        })
    })
}

/// Words that cannot stand bare as identifiers in standard SQL or MySQL (the common ones).
const RESERVED: &[&str] = &[
    "add",
    "all",
    "alter",
    "and",
    "as",
    "asc",
    "between",
    "by",
    "case",
    "check",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "delete",
    "desc",
    "distinct",
    "drop",
    "else",
    "end",
    "exists",
    "false",
    "for",
    "foreign",
    "from",
    "group",
    "having",
    "in",
    "index",
    "inner",
    "insert",
    "interval",
    "into",
    "is",
    "join",
    "key",
    "left",
    "like",
    "limit",
    "not",
    "null",
    "on",
    "or",
    "order",
    "primary",
    "references",
    "right",
    "select",
    "set",
    "table",
    "then",
    "to",
    "true",
    "union",
    "unique",
    "update",
    "user",
    "using",
    "values",
    "when",
    "where",
    "with",
];

fn needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    let simple = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    !simple || RESERVED.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_change_quotes_both_ways() {
        assert_eq!(
            to_backticks("\"order\" >= 0 AND s <> '\"x\"'"),
            "`order` >= 0 AND s <> '\"x\"'"
        );
        assert_eq!(to_backticks("\"a\"\"b`\" = 1"), "`a\"b``` = 1");
        assert_eq!(from_backticks("`order` >= 0"), "\"order\" >= 0");
        assert_eq!(from_backticks("`balance` >= 0"), "balance >= 0");
        assert_eq!(
            from_backticks("`Upper` <> 'it''s `x`'"),
            "\"Upper\" <> 'it''s `x`'"
        );
        // Backslash escapes in strings, and comments, are not mistaken for quotes.
        assert_eq!(
            to_backticks("s <> 'a\\'\"b' /* \"c\" */ AND \"d\" > 0"),
            "s <> 'a\\'\"b' /* \"c\" */ AND `d` > 0"
        );
        assert_eq!(to_backticks("\"never closed"), "\"never closed");
    }
}
