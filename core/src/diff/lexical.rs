//! Expressions compared by their tokens, read with a dialect's lexical rules: what a
//! server's re-rendering changes without changing the meaning, taken away from both sides.
//!
//! The rules are deliberately light, and err towards reporting a difference: a check the
//! server rewrote beyond them shows up as drop + create, never as "the same" when it is not.

use super::spelling::Spelling;
use crate::sql::{tokens, unquote, SqlSyntax, TokenKind};

/// A [`Spelling`] that compares expressions (checks, index predicates, SQL defaults) token
/// by token under a dialect's [`SqlSyntax`]:
///
/// - whitespace and comments do not count;
/// - unquoted words compare without case (keywords, function names and identifiers folded
///   by the server alike), a quoted identifier as its unquoted name;
/// - a pair of parentheses around one token, or around the whole expression, does not count
///   (`((a) > 0)` is `a > 0`);
/// - a niladic datetime function written with or without `()` is one
///   (`current_timestamp()`), and `now()` is `current_timestamp`;
/// - with [`LexicalSpelling::strip_casts`], `::type` casts do not count (PostgreSQL writes
///   `'x'::text` for `'x'`);
/// - with [`LexicalSpelling::timestamp_precision_is_the_columns`], `current_timestamp(6)`
///   is `current_timestamp` (MySQL requires the precision to be the column's).
#[derive(Debug, Clone, Copy)]
pub struct LexicalSpelling {
    syntax: SqlSyntax,
    strip_casts: bool,
    strip_timestamp_precision: bool,
}

impl LexicalSpelling {
    /// Compares under `syntax`'s lexical rules.
    pub fn new(syntax: SqlSyntax) -> Self {
        LexicalSpelling {
            syntax,
            strip_casts: false,
            strip_timestamp_precision: false,
        }
    }

    /// Also ignores `::type` casts.
    pub fn strip_casts(mut self) -> Self {
        self.strip_casts = true;
        self
    }

    /// Also reads `current_timestamp(N)` as `current_timestamp`.
    pub fn timestamp_precision_is_the_columns(mut self) -> Self {
        self.strip_timestamp_precision = true;
        self
    }

    /// The tokens by which `expr` compares. An unterminated quote keeps the rest verbatim.
    pub fn expression_key(&self, expr: &str) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for token in tokens(expr, &self.syntax) {
            let token = match token {
                Ok(token) => token,
                Err(unterminated) => {
                    words.push(expr[unterminated.start..].to_string());
                    break;
                }
            };
            let text = token.text(expr);
            match token.kind {
                kind if kind.is_trivia() => {}
                TokenKind::QuotedIdentifier => {
                    words.push(unquote(text).unwrap_or_else(|| text.to_string()))
                }
                TokenKind::Word => words.push(text.to_ascii_lowercase()),
                _ => words.push(text.to_string()),
            }
        }
        if self.strip_casts {
            words = without_casts(words);
        }
        words = without_call_parentheses(words, self.strip_timestamp_precision);
        words = without_single_token_parentheses(words);
        words = without_parentheses_around_terms(words);
        strip_enclosing(words)
    }
}

/// Niladic datetime functions, which servers write with or without `()`.
const NILADIC: &[&str] = &[
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
];

/// `now()` → `current_timestamp`; `current_timestamp()` → `current_timestamp`; with
/// `and_precision`, also `current_timestamp(6)` → `current_timestamp`.
fn without_call_parentheses(words: Vec<String>, and_precision: bool) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let empty_call = words.get(i + 1).is_some_and(|w| w == "(")
            && words.get(i + 2).is_some_and(|w| w == ")");
        if word == "now" && empty_call {
            out.push(String::from("current_timestamp"));
            i += 3;
        } else if NILADIC.contains(&word) && empty_call {
            out.push(word.to_string());
            i += 3;
        } else if and_precision && word == "current_timestamp" && with_precision(&words[i + 1..]) {
            out.push(word.to_string());
            i += 4;
        } else {
            out.push(words[i].clone());
            i += 1;
        }
    }
    out
}

/// Whether `words` start with `(N)`, N a number.
fn with_precision(words: &[String]) -> bool {
    matches!(words, [open, n, close, ..]
        if open == "(" && close == ")" && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Drops `::` and the type name after it (one or more words, with an optional `(n, m)`
/// and `[]`).
fn without_casts(words: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if words[i] == ":" && words.get(i + 1).is_some_and(|w| w == ":") {
            i += 2;
            while words.get(i).is_some_and(|w| is_word(w)) {
                i += 1;
            }
            if words.get(i).is_some_and(|w| w == "(") {
                while i < words.len() && words[i] != ")" {
                    i += 1;
                }
                i += 1;
            }
            while words.get(i).is_some_and(|w| w == "[")
                && words.get(i + 1).is_some_and(|w| w == "]")
            {
                i += 2;
            }
        } else {
            out.push(words[i].clone());
            i += 1;
        }
    }
    out
}

fn is_word(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || !c.is_ascii())
}

/// `( x )` → `x` where `x` is one token and the `(` does not call a function.
fn without_single_token_parentheses(mut words: Vec<String>) -> Vec<String> {
    loop {
        let found = (0..words.len().saturating_sub(2)).find(|&i| {
            words[i] == "("
                && words[i + 2] == ")"
                && words[i + 1] != "("
                && words[i + 1] != ")"
                && !(i > 0 && is_word(&words[i - 1]) && !is_operator_word(&words[i - 1]))
        });
        match found {
            Some(i) => {
                words.remove(i + 2);
                words.remove(i);
            }
            None => return words,
        }
    }
}

/// `a AND (b > 0)` → `a AND b > 0`: parentheses between `AND`s / `OR`s (or the ends) around
/// an expression with no `AND` / `OR` of its own, which binds tighter than both anyway.
fn without_parentheses_around_terms(mut words: Vec<String>) -> Vec<String> {
    let is_junction = |w: &str| w == "and" || w == "or";
    let mut i = 0;
    while i < words.len() {
        let opens_term =
            words[i] == "(" && (i == 0 || is_junction(&words[i - 1]) || words[i - 1] == "(");
        if !opens_term {
            i += 1;
            continue;
        }
        let mut depth = 0usize;
        let mut close = None;
        let mut has_junction = false;
        for (j, w) in words.iter().enumerate().skip(i) {
            match w.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                w if depth == 1 && is_junction(w) => has_junction = true,
                _ => {}
            }
        }
        let Some(close) = close else { break };
        let ends_term =
            close + 1 == words.len() || is_junction(&words[close + 1]) || words[close + 1] == ")";
        if ends_term && !has_junction && close > i + 1 {
            words.remove(close);
            words.remove(i);
        } else {
            i += 1;
        }
    }
    words
}

/// Words that are operators rather than function names, after which `(` only groups.
fn is_operator_word(word: &str) -> bool {
    matches!(
        word,
        "and" | "or" | "not" | "in" | "is" | "like" | "between" | "when" | "then" | "else"
    )
}

/// Removes parentheses that enclose the whole expression, as often as they do.
fn strip_enclosing(mut words: Vec<String>) -> Vec<String> {
    while words.len() >= 2 && words[0] == "(" && words[words.len() - 1] == ")" {
        let mut depth = 0usize;
        let closes_early = words[..words.len() - 1].iter().enumerate().any(|(i, w)| {
            if w == "(" {
                depth += 1;
            } else if w == ")" {
                depth = depth.saturating_sub(1);
            }
            i > 0 && depth == 0
        });
        if closes_early {
            break;
        }
        words.pop();
        words.remove(0);
    }
    words
}

impl Spelling for LexicalSpelling {
    fn same_expression(&self, current: &str, target: &str) -> bool {
        current == target || self.expression_key(current) == self.expression_key(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) -> bool {
        LexicalSpelling::new(SqlSyntax::default())
            .strip_casts()
            .same_expression(a, b)
    }

    #[test]
    fn what_servers_rewrite_is_not_a_difference() {
        assert!(same("email <> ''", "(email <> ''::text)"));
        assert!(same("price>0", "((price) > (0))"));
        assert!(same("a > 0 AND b > 0", "A > 0 and B > 0"));
        assert!(same("\"Total\" >= 0", "(\"Total\" >= 0)"));
        assert!(same("CURRENT_TIMESTAMP", "now()"));
        assert!(same("current_timestamp()", "CURRENT_TIMESTAMP"));
        assert!(same("'x'", "'x'::character varying"));
        assert!(same("n", "(n)::numeric(10,2)"));
        assert!(same(
            "score >= 0 and score < 100",
            "((score >= (0)::double precision) AND (score < (100)::double precision))"
        ));
        assert!(same(
            "a = 1 or (b = 2 and c = 3)",
            "(a = 1) OR ((b = 2) AND (c = 3))"
        ));
    }

    #[test]
    fn what_changes_meaning_is_a_difference() {
        assert!(!same("a > 0", "a >= 0"));
        assert!(!same("(a + b) * c", "a + b * c"));
        assert!(!same("name = 'X'", "name = 'x'"));
        assert!(!same("lower(a) = 'x'", "lower a = 'x'"));
        assert!(!same("(a > 0) or (b > 0)", "a > 0"));
        assert!(!same("a and (b or c)", "a and b or c"));
        assert!(!same("(a = b) = c", "a = b = c"));
        assert!(!same("\"Total\" >= 0", "\"total\" >= 0"));
    }
}
