//! Tokens of SQL text: just enough lexing to know what is a literal, a comment or a word.
//!
//! Works on bytes: every character that ends or starts a token is ASCII, and UTF-8 never
//! uses ASCII bytes inside a multi-byte character, so token bounds are always char bounds.

use super::{Construct, SqlFlavor};

/// What kind of text a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of ASCII whitespace.
    Whitespace,
    /// `-- ...` or (MySQL) `# ...`, up to but excluding the line break.
    LineComment,
    /// `/* ... */`.
    BlockComment,
    /// MySQL `/*! ... */` and `/*+ ... */`: comments the server reads, so they are code.
    ExecutableComment,
    /// A string literal, a quoted identifier or a dollar-quoted string, quotes included.
    Quoted,
    /// A keyword, identifier or number (letters, digits, `_`, `$`, non-ASCII).
    Word,
    /// Any other single (ASCII) character.
    Punct,
}

impl TokenKind {
    /// Whitespace and comments: what separates tokens without being one.
    pub(crate) fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment
        )
    }
}

/// A token: its kind and its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A quote or comment that was opened at byte `start` and never closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unterminated {
    pub(crate) construct: Construct,
    pub(crate) closer: String,
    pub(crate) start: usize,
}

/// Reads tokens one at a time; the caller may move `pos` (e.g. past a delimiter).
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    flavor: SqlFlavor,
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
    pub(crate) fn new(text: &'a str, flavor: SqlFlavor) -> Self {
        Lexer {
            text,
            bytes: text.as_bytes(),
            flavor,
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
            b'#' if self.flavor == SqlFlavor::Mysql => Ok(self.line_comment(start)),
            b'/' if second == Some(b'*') => self.block_comment(start),
            b'\'' => self.quoted(start, start, b'\'', self.flavor == SqlFlavor::Mysql),
            b'"' if self.flavor == SqlFlavor::Mysql => self.quoted(start, start, b'"', true),
            b'"' => self.quoted(start, start, b'"', false),
            b'`' if self.flavor != SqlFlavor::Postgres => self.quoted(start, start, b'`', false),
            b'[' if self.flavor == SqlFlavor::Sqlite => self.bracketed(start),
            b'$' if matches!(self.flavor, SqlFlavor::Postgres | SqlFlavor::Generic) => {
                match self.dollar_tag_end(start) {
                    Some(tag_end) => self.dollar_quoted(start, tag_end),
                    None => Ok(self.single(start)),
                }
            }
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

    /// MySQL reads `--` as a comment only when whitespace (or the end) follows it.
    fn dash_dash_is_comment(&self, start: usize) -> bool {
        self.flavor != SqlFlavor::Mysql
            || match self.bytes.get(start + 2) {
                Some(b) => b.is_ascii_whitespace() || b.is_ascii_control(),
                None => true,
            }
    }

    fn line_comment(&self, start: usize) -> Token {
        self.run_while(start, |b| b != b'\n' && b != b'\r', TokenKind::LineComment)
    }

    fn block_comment(&self, start: usize) -> Result<Token, Unterminated> {
        let nested = self.flavor == SqlFlavor::Postgres;
        let kind = match self.bytes.get(start + 2) {
            Some(b'!' | b'+') if self.flavor == SqlFlavor::Mysql => TokenKind::ExecutableComment,
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
                return Ok(self.token(TokenKind::Quoted, start, i + 1));
            }
            i += if b == b'\\' && backslash_escapes {
                2
            } else {
                1
            };
        }
        let construct = match quote {
            b'\'' => Construct::String,
            b'"' if self.flavor == SqlFlavor::Mysql => Construct::String,
            b'"' => Construct::QuotedIdentifier,
            _ => Construct::BacktickIdentifier,
        };
        Err(Unterminated {
            construct,
            closer: char::from(quote).to_string(),
            start,
        })
    }

    fn bracketed(&self, start: usize) -> Result<Token, Unterminated> {
        match self.bytes[start..].iter().position(|&b| b == b']') {
            Some(len) => Ok(self.token(TokenKind::Quoted, start, start + len + 1)),
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
            Some(at) => Ok(self.token(TokenKind::Quoted, start, tag_end + at + tag.len())),
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
        let is_escape_string_prefix = self.flavor == SqlFlavor::Postgres
            && end == start + 1
            && matches!(self.bytes[start], b'E' | b'e')
            && self.bytes.get(end) == Some(&b'\'');
        if is_escape_string_prefix {
            return self.quoted(start, end, b'\'', true);
        }
        Ok(self.token(TokenKind::Word, start, end))
    }
}
