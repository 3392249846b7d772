//! Check expressions between standard SQL and MySQL's spelling.
//!
//! The model writes identifiers in check expressions the standard way (`"order" >= 0`),
//! which MySQL, without `ANSI_QUOTES`, would read as a string. Rendering turns them into
//! backtick-quoted identifiers. Reading back, the server returns its own rendering with
//! every identifier in backticks (`` `balance` >= 0 ``): identifiers that need no quoting
//! are written bare again, the others in double quotes, so that what was declared reads
//! back equal. (The server also lower-cases keywords; those do not round-trip.)

/// `"x"` outside string literals as `` `x` ``.
pub(crate) fn to_backticks(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '`' => {
                out.push(c);
                copy_quoted(&mut chars, &mut out, c);
            }
            '"' => {
                let mut name = String::new();
                while let Some(n) = chars.next() {
                    if n == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            name.push('"');
                            continue;
                        }
                        break;
                    }
                    name.push(n);
                }
                out.push_str(&crate::quote::quote_identifier(&name));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Copies a quoted run up to and including its closing `quote`, with its escapes.
fn copy_quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
    quote: char,
) {
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' && quote == '\'' {
            if let Some(escaped) = chars.next() {
                out.push(escaped);
            }
        } else if c == quote {
            if chars.peek() == Some(&quote) {
                out.extend(chars.next());
            } else {
                return;
            }
        }
    }
}

/// The server's `` `x` `` as `x` where that reads the same, else `"x"`.
pub(crate) fn from_backticks(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len());
    let mut chars = expr.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                copy_quoted(&mut chars, &mut out, c);
            }
            '`' => {
                let mut name = String::new();
                while let Some(n) = chars.next() {
                    if n == '`' {
                        if chars.peek() == Some(&'`') {
                            chars.next();
                            name.push('`');
                            continue;
                        }
                        break;
                    }
                    name.push(n);
                }
                if needs_quotes(&name) {
                    out.push_str(&format!("\"{}\"", name.replace('"', "\"\"")));
                } else {
                    out.push_str(&name);
                }
            }
            _ => out.push(c),
        }
    }
    out
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
    }
}
