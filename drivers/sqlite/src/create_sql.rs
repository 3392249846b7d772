//! What `PRAGMA`s do not tell: constraint names, check expressions and AUTOINCREMENT, read
//! from the `CREATE TABLE` text SQLite keeps in `sqlite_master`.
//!
//! Not a full parser: it reads the text with core's SQL lexer (SQLite's quotes and
//! comments) and understands parentheses and the shapes `[CONSTRAINT name] UNIQUE (...)`,
//! `CHECK (...)`, `FOREIGN KEY (...) REFERENCES t`, and column-level
//! `[CONSTRAINT name] CHECK (...)` and `AUTOINCREMENT`.

use retort_core::schema::CheckConstraint;
use retort_core::sql::{tokens, unquote, TokenKind};
use retort_core::Dialect as _;
use std::borrow::Cow;

/// What the `CREATE TABLE` text adds to the pragmas.
#[derive(Debug, Default)]
pub(crate) struct CreateInfo {
    /// Check constraints, table- and column-level, expressions as written.
    pub(crate) checks: Vec<CheckConstraint>,
    /// Named unique constraints: name and columns.
    pub(crate) named_uniques: Vec<(String, Vec<String>)>,
    /// Named foreign keys: name, columns, referenced table.
    pub(crate) named_foreign_keys: Vec<(String, Vec<String>, String)>,
    /// The column declared AUTOINCREMENT.
    pub(crate) autoincrement: Option<String>,
    /// Columns whose neutral type a `/* retort:type=... */` comment gives.
    pub(crate) type_hints: Vec<(String, String)>,
}

/// The comment with which earlier versions kept an autoincrement column's neutral type
/// beside the exact `INTEGER` SQLite requires: read from databases that carry it, never
/// written.
pub(crate) const TYPE_HINT: &str = "retort:type=";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A `/* retort:type=... */` comment.
    Hint,
    Word,
    Quoted,
    Str,
    Open,
    Close,
    Comma,
    Other,
}

#[derive(Debug)]
struct Token<'a> {
    kind: Kind,
    /// The identifier it spells (unquoted), or the raw text (borrowed: most tokens are
    /// words and punctuation, and a schema of many tables has many of them).
    value: Cow<'a, str>,
    start: usize,
    end: usize,
}

/// The tokens of `sql` that matter here, read by SQLite's lexical rules: whitespace and
/// comments dropped, except a type hint. The text is SQLite's own copy of a statement it
/// accepted, so an unterminated quote cannot occur; one would end the list.
fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for token in tokens(sql, &crate::SqliteDialect.syntax()) {
        let Ok(token) = token else { break };
        let text = token.text(sql);
        let (kind, value) = match token.kind {
            TokenKind::BlockComment => {
                let inner = text
                    .strip_prefix("/*")
                    .and_then(|t| t.strip_suffix("*/"))
                    .unwrap_or_default();
                match inner.trim().strip_prefix(TYPE_HINT) {
                    Some(hint) => (Kind::Hint, Cow::Borrowed(hint.trim())),
                    None => continue,
                }
            }
            kind if kind.is_trivia() => continue,
            TokenKind::String => (Kind::Str, unquoted(text)),
            TokenKind::QuotedIdentifier => (Kind::Quoted, unquoted(text)),
            TokenKind::Word => (Kind::Word, Cow::Borrowed(text)),
            _ => match text {
                "(" => (Kind::Open, Cow::Borrowed(text)),
                ")" => (Kind::Close, Cow::Borrowed(text)),
                "," => (Kind::Comma, Cow::Borrowed(text)),
                _ => (Kind::Other, Cow::Borrowed(text)),
            },
        };
        out.push(Token {
            kind,
            value,
            start: token.start,
            end: token.end,
        });
    }
    out
}

/// The text a quoted token spells, borrowed when no doubled quote had to be undone.
fn unquoted(text: &str) -> Cow<'_, str> {
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .unwrap_or_default();
    let quote = text.chars().next().unwrap_or('"');
    if text.len() >= 2 && quote != '[' && !inner.contains(quote) {
        Cow::Borrowed(inner)
    } else {
        unquote(text).map_or(Cow::Borrowed(text), Cow::Owned)
    }
}

fn is_word(token: Option<&Token>, word: &str) -> bool {
    token.is_some_and(|t| t.kind == Kind::Word && t.value.eq_ignore_ascii_case(word))
}

/// The index of the `)` closing the `(` at `open`.
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (index, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return index;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// Identifiers in the parenthesized list at `open`.
fn names_in(tokens: &[Token], open: usize) -> Vec<String> {
    let close = closing(tokens, open);
    tokens[open + 1..close]
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted | Kind::Str))
        .filter(|t| {
            !["ASC", "DESC", "COLLATE"]
                .iter()
                .any(|w| t.kind == Kind::Word && t.value.eq_ignore_ascii_case(w))
        })
        .map(|t| t.value.to_string())
        .collect()
}

/// Reads a `CREATE TABLE` statement's text.
pub(crate) fn read_create_table(sql: &str) -> CreateInfo {
    let tokens = tokenize(sql);
    let mut info = CreateInfo::default();
    let Some(open) = tokens.iter().position(|t| t.kind == Kind::Open) else {
        return info;
    };
    let close = closing(&tokens, open);
    // Split the body at commas of depth one.
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut item_start = open + 1;
    for (index, token) in tokens.iter().enumerate().take(close).skip(open + 1) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Comma if depth == 0 => {
                items.push((item_start, index));
                item_start = index + 1;
            }
            _ => {}
        }
    }
    items.push((item_start, close));
    for (start, end) in items {
        read_item(sql, &tokens[start..end], &mut info);
    }
    info
}

fn read_item(sql: &str, item: &[Token], info: &mut CreateInfo) {
    let mut name: Option<String> = None;
    let mut index = 0;
    if is_word(item.first(), "CONSTRAINT") {
        name = item.get(1).map(|t| t.value.to_string());
        index = 2;
    }
    let first = item.get(index);
    if is_word(first, "PRIMARY") {
        return;
    }
    if is_word(first, "UNIQUE") {
        if let (Some(name), Some(open)) = (name, item.iter().position(|t| t.kind == Kind::Open)) {
            info.named_uniques.push((name, names_in(item, open)));
        }
        return;
    }
    if is_word(first, "FOREIGN") {
        let Some(open) = item.iter().position(|t| t.kind == Kind::Open) else {
            return;
        };
        let references = item.iter().position(|t| is_word(Some(t), "REFERENCES"));
        if let (Some(name), Some(r)) = (name, references) {
            if let Some(table) = item.get(r + 1) {
                info.named_foreign_keys
                    .push((name, names_in(item, open), table.value.to_string()));
            }
        }
        return;
    }
    if is_word(first, "CHECK") {
        if let Some(check) = check_at(sql, item, index, name) {
            info.checks.push(check);
        }
        return;
    }
    // A column definition: its name, then constraints.
    let column = first.map(|t| t.value.to_string()).unwrap_or_default();
    let mut pending: Option<String> = None;
    let mut position = index + 1;
    while position < item.len() {
        let token = &item[position];
        if is_word(Some(token), "CONSTRAINT") {
            pending = item.get(position + 1).map(|t| t.value.to_string());
            position += 2;
            continue;
        }
        if is_word(Some(token), "CHECK") {
            if let Some(check) = check_at(sql, item, position, pending.take()) {
                info.checks.push(check);
            }
        } else if is_word(Some(token), "AUTOINCREMENT") {
            info.autoincrement = Some(column.to_string());
        } else if token.kind == Kind::Hint {
            info.type_hints
                .push((column.clone(), token.value.to_string()));
        }
        if token.kind == Kind::Open {
            position = closing(item, position) + 1;
        } else {
            position += 1;
        }
    }
}

/// The check whose `CHECK` keyword is at `at`: the text between its parentheses.
fn check_at(sql: &str, item: &[Token], at: usize, name: Option<String>) -> Option<CheckConstraint> {
    let open = at + 1;
    if item.get(open).map(|t| t.kind) != Some(Kind::Open) {
        return None;
    }
    let close = closing(item, open);
    let from = item.get(open)?.end;
    let to = item.get(close)?.start;
    Some(CheckConstraint {
        name,
        expr: sql.get(from..to)?.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_tokens_spell_their_names_borrowed_or_not() {
        assert_eq!(unquoted("\"plain\""), "plain");
        assert!(matches!(unquoted("\"plain\""), Cow::Borrowed(_)));
        assert_eq!(unquoted("\"a\"\"b\""), "a\"b");
        assert_eq!(unquoted("`a``b`"), "a`b");
        assert_eq!(unquoted("[x y]"), "x y");
        assert_eq!(unquoted("'it''s'"), "it's");
    }

    #[test]
    fn quoted_names_comments_and_hints_are_read_as_sqlite_does() {
        let sql = "CREATE TABLE \"t(1\" (\n\
                   [id, x] INTEGER /* retort:type=bigint */ PRIMARY KEY AUTOINCREMENT,\n\
                   `a``b` TEXT CONSTRAINT \"c)\" CHECK (`a``b` <> ')'), -- a comment, (\n\
                   CONSTRAINT 'u''q' UNIQUE (\"a\"\"z\", [id, x])\n)";
        let info = read_create_table(sql);
        assert_eq!(info.autoincrement.as_deref(), Some("id, x"));
        assert_eq!(
            info.type_hints,
            [(String::from("id, x"), String::from("bigint"))]
        );
        assert_eq!(info.checks.len(), 1);
        assert_eq!(info.checks[0].name.as_deref(), Some("c)"));
        assert_eq!(info.checks[0].expr, "`a``b` <> ')'");
        assert_eq!(
            info.named_uniques,
            [(
                String::from("u'q"),
                vec![String::from("a\"z"), String::from("id, x")]
            )]
        );
    }
}
