//! Plain SQL text: splitting into statements, and the canonical form that checksums cover.
//!
//! A small lexer ([`tokens`]) reads a dialect's quotes and comments as its [`SqlSyntax`]
//! declares them; [`split_statements`] uses it to find statement boundaries, and
//! [`canonical_form`] uses it to drop comments and collapse whitespace without touching
//! literals. Nothing here knows a particular database: SQL that names no dialect is read
//! with [`SqlSyntax::default`].

mod canonical;
mod lexer;
mod parens;
mod split;
mod syntax;
mod syntaxes;

#[cfg(test)]
mod canonical_tests;
#[cfg(test)]
mod lexer_tests;
#[cfg(test)]
mod split_block_tests;
#[cfg(test)]
mod split_tests;
#[cfg(test)]
pub(crate) mod test_rules;

use std::fmt;

use crate::location::LineCol;

pub use canonical::{canonical_form, canonical_form_of_text, canonical_statement};
pub use lexer::{tokens, unquote, Token, TokenKind, Tokens, Unterminated};
pub use parens::strip_enclosing_parentheses;
pub use split::split_statements;
pub use syntax::{PlaceholderStyle, SqlSyntax};
pub use syntaxes::DialectSyntaxes;

/// One statement of a SQL text, as sent to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement: from its first token to its last, without the delimiter that ended it.
    /// Comments inside it are kept; comments before its first token are not part of it.
    pub sql: String,
    /// The 1-based line of the text on which the statement's first token stands.
    pub line: usize,
    /// The byte offset of the statement's first token in the text.
    pub offset: usize,
}

/// A construct that opens with one token and must be closed by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Construct {
    /// A `'...'` string (or `E'...'`, or a `"..."` string where double quotes make strings).
    String,
    /// A `"..."` quoted identifier.
    QuotedIdentifier,
    /// A `` `...` `` quoted identifier.
    BacktickIdentifier,
    /// A `[...]` quoted identifier.
    BracketIdentifier,
    /// A `/* ... */` comment.
    BlockComment,
    /// A `$$ ... $$` or `$tag$ ... $tag$` string.
    DollarQuote,
}

impl fmt::Display for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Construct::String => "string literal",
            Construct::QuotedIdentifier => "quoted identifier",
            Construct::BacktickIdentifier => "backtick-quoted identifier",
            Construct::BracketIdentifier => "bracket-quoted identifier",
            Construct::BlockComment => "/* comment",
            Construct::DollarQuote => "dollar-quoted string",
        })
    }
}

/// What went wrong while splitting, without the position (see [`SplitError`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SplitErrorKind {
    /// A quote or comment opened and never closed.
    #[error("unterminated {construct} starting here; expected a closing `{closer}`")]
    Unterminated {
        /// What was left open.
        construct: Construct,
        /// The text that would have closed it.
        closer: String,
    },
    /// A `BEGIN` or `CASE` in a trigger or routine body without its `END`.
    #[error(
        "`{keyword}` block starting here is never closed by `END`; \
         close it, or end the statement with a `DELIMITER` line (MySQL)"
    )]
    UnclosedBlock {
        /// The opening keyword as written.
        keyword: String,
    },
    /// `DELIMITER` with nothing after it.
    #[error("`DELIMITER` needs a delimiter after it on the same line, e.g. `DELIMITER //`")]
    MissingDelimiter,
    /// Text after the new delimiter on a `DELIMITER` line.
    #[error("unexpected text after the new delimiter `{delimiter}`; expected the end of the line")]
    TextAfterDelimiter {
        /// The delimiter the line declared.
        delimiter: String,
    },
}

/// An error found while splitting SQL into statements: what, and where in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {kind}", at.line, at.column)]
pub struct SplitError {
    /// Where the offending construct starts (1-based line and character column).
    pub at: LineCol,
    /// What is wrong.
    pub kind: SplitErrorKind,
}
