//! Splitting SQL text into statements at delimiters outside quotes, comments and
//! trigger or routine bodies, following `DELIMITER` lines.

use super::lexer::{Lexer, Token, TokenKind, Unterminated};
use super::{SplitError, SplitErrorKind, SqlSyntax, Statement};
use crate::location::LineCol;

const DEFAULT_DELIMITER: &str = ";";

/// Splits `text` into its statements, read with `syntax`'s quoting and comment rules.
///
/// Statements end at `;` outside quotes and comments, except inside the `BEGIN ... END`
/// body of a `CREATE [OR REPLACE] [TEMP|TEMPORARY] [DEFINER=...] TRIGGER / PROCEDURE /
/// FUNCTION / EVENT` statement (`BEGIN` and `CASE` open a block, `END` closes one unless
/// followed by `IF`, `LOOP`, `WHILE` or `REPEAT`). With [`SqlSyntax::delimiter_lines`]
/// (MySQL's, and the generic rules), a line `DELIMITER xx` makes `xx` the delimiter until the next `DELIMITER` line; a custom
/// delimiter ends a statement wherever it appears outside quotes and comments, as in the
/// `mysql` client. Empty statements are dropped. Runs in time linear in the text's length.
///
/// # Errors
///
/// A quote, quoted identifier, comment or dollar quote that is never closed, a block
/// opened in a routine body that is never closed, and a malformed `DELIMITER` line.
pub fn split_statements(text: &str, syntax: &SqlSyntax) -> Result<Vec<Statement>, SplitError> {
    Splitter {
        lexer: Lexer::new(text, syntax),
        reads_delimiter_lines: syntax.delimiter_lines,
        delimiter: DEFAULT_DELIMITER.to_owned(),
        current: None,
        statements: Vec::new(),
        counted_upto: 0,
        line: 1,
    }
    .run()
}

/// What the first words of a statement say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// After `CREATE` and its modifiers, before the kind of object.
    AfterCreate,
    /// Inside `DEFINER = user@host`, which ends at the next whitespace.
    Definer { value_seen: bool },
    /// A trigger, procedure, function or event: its body may hold delimiters.
    Routine,
    /// Anything else: the first delimiter ends it.
    Plain,
}

/// The statement being read.
#[derive(Debug)]
struct InProgress {
    start: usize,
    /// The end of its last token other than whitespace (comments count).
    end: usize,
    shape: Shape,
    /// Byte offsets of the `BEGIN` / `CASE` keywords not yet closed.
    open_blocks: Vec<usize>,
    /// An `END` was seen; the next token tells whether it closes a block (`END IF` does not).
    pending_end: bool,
}

fn is_keyword(text: &str, token: &Token, keywords: &[&str]) -> bool {
    token.kind == TokenKind::Word
        && keywords
            .iter()
            .any(|k| text[token.start..token.end].eq_ignore_ascii_case(k))
}

impl InProgress {
    fn new(text: &str, first: &Token) -> Self {
        let shape = if is_keyword(text, first, &["CREATE"]) {
            Shape::AfterCreate
        } else {
            Shape::Plain
        };
        InProgress {
            start: first.start,
            end: first.end,
            shape,
            open_blocks: Vec::new(),
            pending_end: false,
        }
    }

    /// Follows a token (trivia included) after the first one.
    fn observe(&mut self, text: &str, token: &Token) {
        if token.kind != TokenKind::Whitespace {
            self.end = token.end;
        }
        match self.shape {
            Shape::AfterCreate if token.kind.is_trivia() => {}
            Shape::AfterCreate => {
                const MODIFIERS: &[&str] = &[
                    "OR",
                    "REPLACE",
                    "TEMP",
                    "TEMPORARY",
                    "CONSTRAINT",
                    "AGGREGATE",
                ];
                const ROUTINES: &[&str] = &["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"];
                self.shape = if is_keyword(text, token, MODIFIERS) {
                    Shape::AfterCreate
                } else if is_keyword(text, token, &["DEFINER"]) {
                    Shape::Definer { value_seen: false }
                } else if is_keyword(text, token, ROUTINES) {
                    Shape::Routine
                } else {
                    Shape::Plain
                };
            }
            Shape::Definer { value_seen } => {
                if token.kind.is_trivia() {
                    if value_seen {
                        self.shape = Shape::AfterCreate;
                    }
                } else if &text[token.start..token.end] != "=" {
                    self.shape = Shape::Definer { value_seen: true };
                }
            }
            Shape::Routine => self.count_blocks(text, token),
            Shape::Plain => {}
        }
    }

    fn count_blocks(&mut self, text: &str, token: &Token) {
        if token.kind.is_trivia() {
            return;
        }
        if self.pending_end {
            self.pending_end = false;
            if is_keyword(text, token, &["IF", "LOOP", "WHILE", "REPEAT"]) {
                return; // `END IF` closes an `IF`, which was never counted.
            }
            self.open_blocks.pop();
            if is_keyword(text, token, &["CASE"]) {
                return; // `END CASE` closes the `CASE`; it opens nothing.
            }
        }
        if is_keyword(text, token, &["BEGIN", "CASE"]) {
            self.open_blocks.push(token.start);
        } else if is_keyword(text, token, &["END"]) && !self.open_blocks.is_empty() {
            self.pending_end = true;
        }
    }

    /// Whether a `;` here ends the statement (no block left open).
    fn at_top_level(&mut self) -> bool {
        if self.pending_end {
            self.pending_end = false;
            self.open_blocks.pop();
        }
        self.open_blocks.is_empty()
    }
}

#[derive(Debug)]
struct Splitter<'a> {
    lexer: Lexer<'a>,
    reads_delimiter_lines: bool,
    delimiter: String,
    current: Option<InProgress>,
    statements: Vec<Statement>,
    /// Line numbers are counted incrementally (statement starts only move forward).
    counted_upto: usize,
    line: usize,
}

impl Splitter<'_> {
    fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        let text = self.lexer.text();
        loop {
            let pos = self.lexer.pos;
            let custom = self.delimiter != DEFAULT_DELIMITER;
            if text.as_bytes()[pos..].starts_with(self.delimiter.as_bytes()) {
                let ends_statement = match &mut self.current {
                    Some(current) => custom || current.at_top_level(),
                    None => true,
                };
                if ends_statement {
                    self.finish_statement();
                    self.lexer.pos = pos + self.delimiter.len();
                    continue;
                }
            }
            let stop_word_at = custom.then_some(self.delimiter.as_str());
            let token = match self.lexer.next_token(stop_word_at) {
                None => break,
                Some(Ok(token)) => token,
                Some(Err(unterminated)) => return Err(self.unterminated(unterminated)),
            };
            let reads_delimiter_lines = self.reads_delimiter_lines;
            match &mut self.current {
                Some(current) if custom => {
                    if token.kind != TokenKind::Whitespace {
                        current.end = token.end;
                    }
                }
                Some(current) => current.observe(text, &token),
                None if token.kind.is_trivia() => {}
                None if reads_delimiter_lines && is_keyword(text, &token, &["DELIMITER"]) => {
                    self.delimiter_line(&token)?;
                }
                None => self.current = Some(InProgress::new(text, &token)),
            }
        }
        if let Some(current) = &mut self.current {
            if !current.at_top_level() {
                let opener = current.open_blocks.last().copied().unwrap_or(current.start);
                let keyword = text[opener..].chars().take_while(char::is_ascii_alphabetic);
                let keyword = keyword.collect();
                return Err(self.error_at(opener, SplitErrorKind::UnclosedBlock { keyword }));
            }
        }
        self.finish_statement();
        Ok(self.statements)
    }

    fn finish_statement(&mut self) {
        let Some(current) = self.current.take() else {
            return;
        };
        let text = self.lexer.text();
        self.line += text.as_bytes()[self.counted_upto..current.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.counted_upto = current.start;
        self.statements.push(Statement {
            sql: text[current.start..current.end].to_owned(),
            line: self.line,
            offset: current.start,
        });
    }

    /// Reads `DELIMITER xx` (the `DELIMITER` word already read) up to the end of its line.
    fn delimiter_line(&mut self, word: &Token) -> Result<(), SplitError> {
        let text = self.lexer.text();
        let line_end = text[word.end..]
            .find('\n')
            .map_or(text.len(), |i| word.end + i);
        let is_blank = |c: char| c == ' ' || c == '\t' || c == '\r';
        let rest = &text[word.end..line_end];
        let after_blanks = rest.trim_start_matches(is_blank);
        let delimiter_start = line_end - after_blanks.len();
        let delimiter_len = after_blanks
            .find(char::is_whitespace)
            .unwrap_or(after_blanks.len());
        if delimiter_len == 0 {
            return Err(self.error_at(word.start, SplitErrorKind::MissingDelimiter));
        }
        let delimiter = &after_blanks[..delimiter_len];
        let trailing = &after_blanks[delimiter_len..];
        let trailing_text = trailing.trim_start_matches(is_blank);
        if !trailing_text.is_empty() {
            let at = line_end - trailing_text.len();
            let delimiter = delimiter.to_owned();
            return Err(self.error_at(at, SplitErrorKind::TextAfterDelimiter { delimiter }));
        }
        self.delimiter = text[delimiter_start..delimiter_start + delimiter_len].to_owned();
        self.lexer.pos = line_end;
        Ok(())
    }

    fn unterminated(&self, unterminated: Unterminated) -> SplitError {
        let Unterminated {
            construct,
            closer,
            start,
        } = unterminated;
        self.error_at(start, SplitErrorKind::Unterminated { construct, closer })
    }

    fn error_at(&self, offset: usize, kind: SplitErrorKind) -> SplitError {
        SplitError {
            at: LineCol::of_offset(self.lexer.text(), offset),
            kind,
        }
    }
}
