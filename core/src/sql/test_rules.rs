//! Lexical rules for the tests of this module: the generic rules and three sets that
//! reproduce the built-in drivers' declarations (the drivers' own values are pinned by the
//! golden tests in `cli/tests/sql_lexing_golden.rs`).

use super::{PlaceholderStyle, SqlSyntax};

/// A set of lexical rules, by the database whose rules it copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Like {
    Generic,
    Postgres,
    Mysql,
    Sqlite,
}

impl Like {
    pub(crate) fn syntax(self) -> SqlSyntax {
        let mut syntax = SqlSyntax::new();
        match self {
            Like::Generic => {}
            Like::Postgres => {
                syntax.placeholders = PlaceholderStyle::DollarNumber;
                syntax.backtick_identifiers = false;
                syntax.escape_strings = true;
                syntax.nested_block_comments = true;
                syntax.delimiter_lines = false;
            }
            Like::Mysql => {
                syntax.identifier_quote = '`';
                syntax.double_quoted_strings = true;
                syntax.backslash_escapes = true;
                syntax.dollar_quoting = false;
                syntax.hash_comments = true;
                syntax.dash_dash_needs_space = true;
                syntax.executable_comments = true;
            }
            Like::Sqlite => {
                syntax.bracket_identifiers = true;
                syntax.dollar_quoting = false;
                syntax.delimiter_lines = false;
            }
        }
        syntax
    }
}
