//! Tokens of SQL text: just enough lexing to know what is a literal, a comment or a word,
//! following a dialect's [`SqlSyntax`]. The splitter and the canonical form use it, and so
//! do drivers that read SQL text back from their database ([`tokens`]).
//!
//! Works on bytes: every character that ends or starts a token is ASCII, and UTF-8 never
//! uses ASCII bytes inside a multi-byte character, so token bounds are always char bounds.

use std::fmt;
use std::ops::Range;

use super::{Construct, SqlSyntax};

/// What kind of text a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// A run of ASCII whitespace.
    Whitespace,
    /// `-- ...` or `# ...` (with [`SqlSyntax::hash_comments`]), up to but excluding the
    /// line break.
    LineComment,
    /// `/* ... */`.
    BlockComment,
    /// `/*! ... */` and `/*+ ... */` with [`SqlSyntax::executable_comments`]: comments the
    /// server reads, so they are code.
    ExecutableComment,
    /// A string literal, quotes included: `'...'`, `E'...'`, `$tag$...$tag$`, and `"..."`
    /// with [`SqlSyntax::double_quoted_strings`].
    String,
    /// A quoted identifier, quotes included: `"..."`, `` `...` `` or `[...]`.
    QuotedIdentifier,
    /// A keyword, identifier or number (letters, digits, `_`, `$`, non-ASCII).
    Word,
    /// Any other single (ASCII) character.
    Punct,
}

impl TokenKind {
    /// Whitespace and comments: what separates tokens without being one. (Executable
    /// comments are code, not trivia.)
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

/// A token: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Token {
    /// What kind of text it is.
    pub kind: TokenKind,
    /// The byte offset of its first character.
    pub start: usize,
    /// The byte offset just past its last character.
    pub end: usize,
}

impl Token {
    /// Its byte range in the text.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Its text, taken from the `text` it was read from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    /// Whether it is the word `keyword`, ignoring ASCII case.
    pub fn is_keyword(&self, text: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(text).eq_ignore_ascii_case(keyword)
    }
}

/// A quote or comment that was opened and never closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unterminated {construct} starting at byte {start}; expected a closing `{closer}`")]
#[non_exhaustive]
pub struct Unterminated {
    /// What was left open.
    pub construct: Construct,
    /// The text that would have closed it.
    pub closer: String,
    /// The byte offset where it was opened.
    pub start: usize,
}

/// The tokens of `text`, read with `syntax`'s rules, in order. An unterminated quote or
/// comment is the last item.
pub fn tokens<'a>(text: &'a str, syntax: &SqlSyntax) -> Tokens<'a> {
    Tokens {
        lexer: Lexer::new(text, syntax),
        failed: false,
    }
}

/// The iterator returned by [`tokens`].
#[derive(Debug)]
pub struct Tokens<'a> {
    lexer: Lexer<'a>,
    failed: bool,
}

impl Iterator for Tokens<'_> {
    type Item = Result<Token, Unterminated>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.lexer.next_token(None)?;
        self.failed = next.is_err();
        Some(next)
    }
}

/// What a quoted identifier or simple string token spells: the text between its quotes,
/// with doubled quotes undone (`"a""b"` is `a"b`, `[x]` is `x`, `'it''s'` is `it's`).
/// `None` for any other text, including strings with a prefix or dollar quotes. Backslash
/// escapes are left as they are.
pub fn unquote(token_text: &str) -> Option<String> {
    let mut chars = token_text.chars();
    let open = chars.next()?;
    let close = match open {
        '"' | '`' | '\'' => open,
        '[' => ']',
        _ => return None,
    };
    let inner = chars.as_str().strip_suffix(close)?;
    Some(if open == '[' {
        inner.to_owned()
    } else {
        inner.replace(&format!("{close}{close}"), &close.to_string())
    })
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenKind::Whitespace => "whitespace",
            TokenKind::LineComment => "line comment",
            TokenKind::BlockComment => "block comment",
            TokenKind::ExecutableComment => "executable comment",
            TokenKind::String => "string literal",
            TokenKind::QuotedIdentifier => "quoted identifier",
            TokenKind::Word => "word",
            TokenKind::Punct => "punctuation",
        })
    }
}

/// Reads tokens one at a time; the caller may move `pos` (e.g. past a delimiter).
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    syntax: SqlSyntax,
    /// The byte offset of the next token.
    pub(crate) pos: usize,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_tag_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `text`.
    pub(crate) fn new(text: &'a str, syntax: &SqlSyntax) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            syntax: *syntax,
            pos: 0,
        }
    }

    /// The text being lexed.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The next token, `None` at the end. `stop_word_at` ends a word early where that text
    /// starts (a custom delimiter such as `$$` glued to `END`).
    pub(crate) fn next_token(
        &mut self,
        stop_word_at: Option<&str>,
    ) -> Option<Result<Token, Unterminated>> {
        let start = self.pos;
        let first = *self.bytes.get(start)?;
        let second = self.bytes.get(start + 1).copied();
        let result = match first {
            b if b.is_ascii_whitespace() => {
                Ok(self.run_while(start, |b| b.is_ascii_whitespace(), TokenKind::Whitespace))
            }
            b'-' if second == Some(b'-') && self.dash_dash_is_comment(start) => {
                Ok(self.line_comment(start))
            }
            b'#' if self.syntax.hash_comments => Ok(self.line_comment(start)),
            b'/' if second == Some(b'*') => self.block_comment(start),
            b'\'' => self.quoted(start, start, b'\'', self.syntax.backslash_escapes),
            b'"' if self.syntax.double_quoted_strings => {
                self.quoted(start, start, b'"', self.syntax.backslash_escapes)
            }
            b'"' => self.quoted(start, start, b'"', false),
            b'`' if self.syntax.backtick_identifiers => self.quoted(start, start, b'`', false),
            b'[' if self.syntax.bracket_identifiers => self.bracketed(start),
            b'$' if self.syntax.dollar_quoting => match self.dollar_tag_end(start) {
                Some(tag_end) => self.dollar_quoted(start, tag_end),
                None => Ok(self.single(start)),
            },
            b if is_word_byte(b) => self.word(start, stop_word_at),
            _ => Ok(self.single(start)),
        };
        if let Ok(token) = &result {
            self.pos = token.end;
        }
        Some(result)
    }

    fn token(&self, kind: TokenKind, start: usize, end: usize) -> Token {
        Token { kind, start, end }
    }

    fn single(&self, start: usize) -> Token {
        self.token(TokenKind::Punct, start, start + 1)
    }

    fn run_while(&self, start: usize, keep: impl Fn(u8) -> bool, kind: TokenKind) -> Token {
        let len = self.bytes[start..].iter().take_while(|&&b| keep(b)).count();
        self.token(kind, start, start + len)
    }

    /// Some databases (MySQL) read `--` as a comment only when whitespace, a control
    /// character or the end follows it.
    fn dash_dash_is_comment(&self, start: usize) -> bool {
        !self.syntax.dash_dash_needs_space
            || match self.bytes.get(start + 2) {
                Some(b) => b.is_ascii_whitespace() || b.is_ascii_control(),
                None => true,
            }
    }

    fn line_comment(&self, start: usize) -> Token {
        self.run_while(start, |b| b != b'\n' && b != b'\r', TokenKind::LineComment)
    }

    fn block_comment(&self, start: usize) -> Result<Token, Unterminated> {
        let nested = self.syntax.nested_block_comments;
        let kind = match self.bytes.get(start + 2) {
            Some(b'!' | b'+') if self.syntax.executable_comments => TokenKind::ExecutableComment,
            _ => TokenKind::BlockComment,
        };
        let mut depth = 1usize;
        let mut i = start + 2;
        while i < self.bytes.len() {
            match (self.bytes[i], self.bytes.get(i + 1)) {
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        return Ok(self.token(kind, start, i));
                    }
                }
                (b'/', Some(b'*')) if nested => {
                    depth += 1;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        Err(Unterminated {
            construct: Construct::BlockComment,
            closer: "*/".to_owned(),
            start,
        })
    }

    /// A literal or identifier quoted with `quote` at `quote_at` (the token starts at
    /// `start`, before any `E` prefix); a doubled quote stands for itself, and with
    /// `backslash_escapes` a backslash escapes the next byte.
    fn quoted(
        &self,
        start: usize,
        quote_at: usize,
        quote: u8,
        backslash_escapes: bool,
    ) -> Result<Token, Unterminated> {
        let mut i = quote_at + 1;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if b == quote {
                if self.bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                    continue;
                }
                return Ok(self.token(self.quoted_kind(quote), start, i + 1));
            }
            i += if b == b'\\' && backslash_escapes {
                2
            } else {
                1
            };
        }
        let construct = match (quote, self.quoted_kind(quote)) {
            (_, TokenKind::String) => Construct::String,
            (b'"', _) => Construct::QuotedIdentifier,
            _ => Construct::BacktickIdentifier,
        };
        Err(Unterminated {
            construct,
            closer: char::from(quote).to_string(),
            start,
        })
    }

    /// What a run quoted with `quote` is: a string or an identifier.
    fn quoted_kind(&self, quote: u8) -> TokenKind {
        match quote {
            b'\'' => TokenKind::String,
            b'"' if self.syntax.double_quoted_strings => TokenKind::String,
            _ => TokenKind::QuotedIdentifier,
        }
    }

    fn bracketed(&self, start: usize) -> Result<Token, Unterminated> {
        match self.bytes[start..].iter().position(|&b| b == b']') {
            Some(len) => Ok(self.token(TokenKind::QuotedIdentifier, start, start + len + 1)),
            None => Err(Unterminated {
                construct: Construct::BracketIdentifier,
                closer: "]".to_owned(),
                start,
            }),
        }
    }

    /// The end (after the closing `$`) of a dollar-quote tag starting at `start`, if this
    /// `$` opens one: `$$` or `$name$`, never a `$1` parameter.
    fn dollar_tag_end(&self, start: usize) -> Option<usize> {
        let rest = &self.bytes[start + 1..];
        match rest.first() {
            Some(b'$') => Some(start + 2),
            Some(&b) if is_tag_start(b) => {
                let len = rest
                    .iter()
                    .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
                    .count();
                (rest.get(len) == Some(&b'$')).then_some(start + 1 + len + 1)
            }
            _ => None,
        }
    }

    fn dollar_quoted(&self, start: usize, tag_end: usize) -> Result<Token, Unterminated> {
        let tag = &self.text[start..tag_end];
        match self.text[tag_end..].find(tag) {
            Some(at) => Ok(self.token(TokenKind::String, start, tag_end + at + tag.len())),
            None => Err(Unterminated {
                construct: Construct::DollarQuote,
                closer: tag.to_owned(),
                start,
            }),
        }
    }

    fn word(&self, start: usize, stop_at: Option<&str>) -> Result<Token, Unterminated> {
        let mut end = start + 1;
        while end < self.bytes.len() && is_word_byte(self.bytes[end]) {
            if stop_at.is_some_and(|stop| self.bytes[end..].starts_with(stop.as_bytes())) {
                break;
            }
            end += 1;
        }
        let is_escape_string_prefix = self.syntax.escape_strings
            && end == start + 1
            && matches!(self.bytes[start], b'E' | b'e')
            && self.bytes.get(end) == Some(&b'\'');
        if is_escape_string_prefix {
            return self.quoted(start, end, b'\'', true);
        }
        Ok(self.token(TokenKind::Word, start, end))
    }
}
