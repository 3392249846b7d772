//! A dialect's SQL syntax as data: how identifiers are quoted, how parameters are written,
//! and the lexical rules (quotes, comments, escapes) by which SQL text is split into
//! statements and checksummed.
//!
//! It is data rather than trait methods so that the host can apply it without calling into
//! a plugin, and so that core needs no knowledge of any particular database: each driver
//! declares its own [`SqlSyntax`], and a SQL revision that names no dialect is read with
//! [`SqlSyntax::default`], which understands the constructs of every built-in dialect.

use serde::{Deserialize, Serialize};

/// How the dialect writes the placeholder of a bound parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlaceholderStyle {
    /// `?` for every parameter.
    #[default]
    QuestionMark,
    /// `$1`, `$2`, ... numbered from 1.
    DollarNumber,
}

/// A dialect's quoting and lexical rules. Every field has a default, so that a plugin built
/// before a rule existed reads with the generic behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SqlSyntax {
    /// The character that opens and closes a quoted identifier; inside, it is doubled.
    pub identifier_quote: char,
    /// How bound parameters are written.
    pub placeholders: PlaceholderStyle,
    /// `"..."` is a string literal, not an identifier.
    pub double_quoted_strings: bool,
    /// A backslash escapes the next character inside `'...'` (and `"..."` strings).
    pub backslash_escapes: bool,
    /// `` `...` `` quotes an identifier.
    pub backtick_identifiers: bool,
    /// `[...]` quotes an identifier.
    pub bracket_identifiers: bool,
    /// `$tag$ ... $tag$` quotes a string.
    pub dollar_quoting: bool,
    /// `E'...'` is a string with backslash escapes.
    pub escape_strings: bool,
    /// `#` starts a comment to the end of the line.
    pub hash_comments: bool,
    /// `--` starts a comment only when whitespace, a control character or the end follows.
    pub dash_dash_needs_space: bool,
    /// `/* ... */` comments nest.
    pub nested_block_comments: bool,
    /// `/*! ... */` and `/*+ ... */` are executable comments, kept as part of a statement.
    pub executable_comments: bool,
    /// A `DELIMITER x` line changes the statement terminator.
    pub delimiter_lines: bool,
}

impl Default for SqlSyntax {
    /// The generic rules, for SQL that names no dialect: `'...'` strings, `"..."` and
    /// backtick identifiers, `--` and `/* */` comments, dollar quoting and `DELIMITER`
    /// lines are all understood.
    fn default() -> Self {
        SqlSyntax {
            identifier_quote: '"',
            placeholders: PlaceholderStyle::QuestionMark,
            double_quoted_strings: false,
            backslash_escapes: false,
            backtick_identifiers: true,
            bracket_identifiers: false,
            dollar_quoting: true,
            escape_strings: false,
            hash_comments: false,
            dash_dash_needs_space: false,
            nested_block_comments: false,
            executable_comments: false,
            delimiter_lines: true,
        }
    }
}

impl SqlSyntax {
    /// The generic rules ([`SqlSyntax::default`]), to change field by field (the struct is
    /// non-exhaustive for plugins' sake).
    pub fn new() -> Self {
        SqlSyntax::default()
    }

    /// `name` quoted as an identifier, whatever characters it contains.
    pub fn quote_identifier(&self, name: &str) -> String {
        let quote = self.identifier_quote;
        let mut out = String::with_capacity(name.len() + 2);
        out.push(quote);
        for c in name.chars() {
            if c == quote {
                out.push(quote);
            }
            out.push(c);
        }
        out.push(quote);
        out
    }

    /// A possibly schema-qualified table name, quoted.
    pub fn qualified_table(&self, schema: Option<&str>, table: &str) -> String {
        match schema {
            Some(schema) => format!(
                "{}.{}",
                self.quote_identifier(schema),
                self.quote_identifier(table)
            ),
            None => self.quote_identifier(table),
        }
    }

    /// The placeholder of the `index`-th (1-based) bound parameter.
    pub fn placeholder(&self, index: usize) -> String {
        match self.placeholders {
            PlaceholderStyle::QuestionMark => String::from("?"),
            PlaceholderStyle::DollarNumber => format!("${index}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_the_quote_character() {
        let mut backticks = SqlSyntax::new();
        backticks.identifier_quote = '`';
        assert_eq!(backticks.quote_identifier("a`b\"c"), "`a``b\"c`");
        assert_eq!(SqlSyntax::new().quote_identifier("a\"b`c"), "\"a\"\"b`c\"");
        assert_eq!(
            SqlSyntax::new().qualified_table(Some("s\""), "t"),
            "\"s\"\"\".\"t\""
        );
    }

    #[test]
    fn placeholders_follow_the_style() {
        let mut numbered = SqlSyntax::new();
        numbered.placeholders = PlaceholderStyle::DollarNumber;
        assert_eq!(numbered.placeholder(3), "$3");
        assert_eq!(SqlSyntax::new().placeholder(3), "?");
    }

    #[test]
    fn missing_fields_read_as_the_generic_rules() -> Result<(), serde_json::Error> {
        let read: SqlSyntax = serde_json::from_str(r#"{"identifier_quote":"`"}"#)?;
        assert_eq!(read.identifier_quote, '`');
        assert!(read.dollar_quoting && read.delimiter_lines && !read.hash_comments);
        Ok(())
    }
}
