//! The canonical form of SQL statements: the text a SQL revision's checksum covers.

use std::borrow::Cow;

use super::lexer::Lexer;
use super::{split_statements, SplitError, SqlSyntax, Statement};

/// The canonical form of one statement's SQL.
///
/// Line breaks are normalised to LF everywhere (inside literals too, so a CRLF checkout
/// does not change a checksum), comments are dropped, every run of whitespace and comments
/// outside literals and quoted identifiers becomes one space, and the ends are trimmed.
/// Nothing else changes: no case folding, and whitespace inside a literal is kept.
/// Executable comments (`/*! ... */`, `/*+ ... */`, with
/// [`SqlSyntax::executable_comments`]) are code to the server and are kept.
pub fn canonical_statement(sql: &str, syntax: &SqlSyntax) -> String {
    let sql = normalize_line_breaks(sql);
    let mut lexer = Lexer::new(&sql, syntax);
    let mut out = String::with_capacity(sql.len());
    let mut separated = false;
    while let Some(token) = lexer.next_token(None) {
        let token = match token {
            Ok(token) => token,
            Err(unterminated) => {
                // Split statements never hold one; keep the rest verbatim rather than fail.
                push_separated(&mut out, &mut separated, &sql[unterminated.start..]);
                break;
            }
        };
        if token.kind.is_trivia() {
            separated = true;
        } else {
            push_separated(&mut out, &mut separated, &sql[token.start..token.end]);
        }
    }
    out
}

fn push_separated(out: &mut String, separated: &mut bool, token: &str) {
    if *separated && !out.is_empty() {
        out.push(' ');
    }
    *separated = false;
    out.push_str(token);
}

/// The canonical form of a list of statements: each statement's canonical form
/// ([`canonical_statement`]) followed by `;` and a line feed.
pub fn canonical_form(statements: &[Statement], syntax: &SqlSyntax) -> String {
    let mut out = String::new();
    for statement in statements {
        let canonical = canonical_statement(&statement.sql, syntax);
        if !canonical.is_empty() {
            out.push_str(&canonical);
            out.push_str(";\n");
        }
    }
    out
}

/// Splits `text` ([`split_statements`]) and returns the canonical form of its statements.
///
/// # Errors
///
/// Whatever [`split_statements`] reports.
pub fn canonical_form_of_text(text: &str, syntax: &SqlSyntax) -> Result<String, SplitError> {
    Ok(canonical_form(&split_statements(text, syntax)?, syntax))
}

/// `text` with CRLF and lone CR turned into LF.
fn normalize_line_breaks(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}
