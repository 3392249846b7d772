//! Parentheses that enclose a whole SQL expression, as databases write check expressions
//! back (`((balance >= 0))`), found with the lexer so that a parenthesis inside a literal,
//! a quoted identifier or a comment does not count.

use super::lexer::{tokens, TokenKind};
use super::SqlSyntax;

/// `expr` without the parentheses that enclose all of it, as many pairs as there are, and
/// trimmed: `((a > 0))` is `a > 0`, while `(a) + (b)` and `(')'` stay as they are (the
/// first pair does not enclose the whole; the second never closes). Read with `syntax`.
pub fn strip_enclosing_parentheses<'a>(expr: &'a str, syntax: &SqlSyntax) -> &'a str {
    let mut expr = expr.trim();
    while let Some(inner) = expr.strip_prefix('(').and_then(|e| e.strip_suffix(')')) {
        if !balanced(inner, syntax) {
            break;
        }
        expr = inner.trim();
    }
    expr
}

/// Whether every `(` of `text` outside literals, quoted identifiers and comments is closed
/// by a later `)`, and no `)` closes nothing; an unterminated quote never balances.
fn balanced(text: &str, syntax: &SqlSyntax) -> bool {
    let mut depth = 0usize;
    for token in tokens(text, syntax) {
        let Ok(token) = token else { return false };
        if token.kind != TokenKind::Punct {
            continue;
        }
        match token.text(text) {
            "(" => depth += 1,
            ")" => match depth.checked_sub(1) {
                Some(less) => depth = less,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_parentheses_around_the_whole_are_stripped() {
        let syntax = SqlSyntax::default();
        let strip = |expr| strip_enclosing_parentheses(expr, &syntax);
        assert_eq!(strip(" ((a > 0)) "), "a > 0");
        assert_eq!(strip("( (a) )"), "a");
        assert_eq!(strip("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip("(s <> ')')"), "s <> ')'");
        assert_eq!(strip("(\"x(\" > 0)"), "\"x(\" > 0");
        assert_eq!(strip("(a /* ) */ > 0)"), "a /* ) */ > 0");
        assert_eq!(strip("(')"), "(')");
        assert_eq!(strip("a > 0"), "a > 0");
    }
}
