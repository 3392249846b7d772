//! What `describe` answers: a dialect's fixed facts, its SQL syntax and its offline-script
//! hooks, as wire types of their own so that renaming a field of core's types never changes
//! what crosses the ABI. Every field has a default, so a plugin of an older minor that
//! never heard of one reads as "no" or "none".

use crate::dialect::{Capabilities, IdentifierLimit, OfflineScript};
use crate::diff::SpellingRules;
use crate::sql::{PlaceholderStyle, SqlSyntax};
use serde::{Deserialize, Serialize};

/// What `describe` returns: everything about a dialect that does not change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Description {
    /// [`crate::Dialect::name`].
    pub name: String,
    /// [`crate::Dialect::url_schemes`].
    pub schemes: Vec<String>,
    /// [`crate::Dialect::version`].
    pub version: String,
    /// [`crate::Dialect::capabilities`].
    pub capabilities: WireCapabilities,
    /// [`crate::Dialect::syntax`].
    pub syntax: WireSyntax,
    /// [`crate::Dialect::offline_script`].
    pub offline_script: WireOfflineScript,
    /// [`crate::Dialect::transaction_elapsed_ms`].
    pub transaction_elapsed_ms: Option<String>,
    /// [`crate::Dialect::spelling_rules`] (plugins built before it read as none).
    pub spelling: WireSpellingRules,
}

/// [`SpellingRules`] on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Each field is the same-named one of `SpellingRules`.
pub struct WireSpellingRules {
    pub casts_are_spelling: bool,
    pub integer_types_are_one: bool,
    pub unique_index_is_constraint: bool,
    pub foreign_keys_bring_indexes: bool,
    pub timestamp_precision_is_the_columns: bool,
}

impl From<&SpellingRules> for WireSpellingRules {
    fn from(r: &SpellingRules) -> Self {
        WireSpellingRules {
            casts_are_spelling: r.casts_are_spelling,
            integer_types_are_one: r.integer_types_are_one,
            unique_index_is_constraint: r.unique_index_is_constraint,
            foreign_keys_bring_indexes: r.foreign_keys_bring_indexes,
            timestamp_precision_is_the_columns: r.timestamp_precision_is_the_columns,
        }
    }
}

impl From<&WireSpellingRules> for SpellingRules {
    fn from(r: &WireSpellingRules) -> Self {
        let mut rules = SpellingRules::new();
        rules.casts_are_spelling = r.casts_are_spelling;
        rules.integer_types_are_one = r.integer_types_are_one;
        rules.unique_index_is_constraint = r.unique_index_is_constraint;
        rules.foreign_keys_bring_indexes = r.foreign_keys_bring_indexes;
        rules.timestamp_precision_is_the_columns = r.timestamp_precision_is_the_columns;
        rules
    }
}

/// [`Capabilities`] on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Each field is the same-named one of `Capabilities`.
pub struct WireCapabilities {
    pub transactional_ddl: bool,
    pub partial_indexes: bool,
    pub alter_column_in_place: bool,
    pub alter_constraints_in_place: bool,
    pub comments: bool,
    pub create_database: bool,
    pub non_transactional_revisions: bool,
    pub run_commits_at_unlock: bool,
    pub max_identifier_length: Option<WireIdentifierLimit>,
    pub local_file_database: bool,
}

/// [`IdentifierLimit`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireIdentifierLimit {
    /// [`IdentifierLimit::Bytes`].
    Bytes(usize),
    /// [`IdentifierLimit::Characters`].
    Characters(usize),
}

/// [`SqlSyntax`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Each field is the same-named one of `SqlSyntax`.
pub struct WireSyntax {
    pub identifier_quote: char,
    pub placeholders: WirePlaceholders,
    pub double_quoted_strings: bool,
    pub backslash_escapes: bool,
    pub backtick_identifiers: bool,
    pub bracket_identifiers: bool,
    pub dollar_quoting: bool,
    pub escape_strings: bool,
    pub hash_comments: bool,
    pub dash_dash_needs_space: bool,
    pub nested_block_comments: bool,
    pub executable_comments: bool,
    pub delimiter_lines: bool,
}

impl Default for WireSyntax {
    /// The generic rules of [`SqlSyntax::default`].
    fn default() -> Self {
        WireSyntax::from(&SqlSyntax::default())
    }
}

/// [`PlaceholderStyle`] on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WirePlaceholders {
    /// `?`.
    #[default]
    QuestionMark,
    /// `$1`, `$2`, ...
    DollarNumber,
}

/// [`OfflineScript`] on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WireOfflineScript {
    /// [`OfflineScript::prologue`].
    pub prologue: Vec<String>,
    /// [`OfflineScript::commit_checks`].
    pub commit_checks: Vec<String>,
}

impl From<&Capabilities> for WireCapabilities {
    fn from(c: &Capabilities) -> Self {
        WireCapabilities {
            transactional_ddl: c.transactional_ddl,
            partial_indexes: c.partial_indexes,
            alter_column_in_place: c.alter_column_in_place,
            alter_constraints_in_place: c.alter_constraints_in_place,
            comments: c.comments,
            create_database: c.create_database,
            non_transactional_revisions: c.non_transactional_revisions,
            run_commits_at_unlock: c.run_commits_at_unlock,
            max_identifier_length: c.max_identifier_length.map(|limit| match limit {
                IdentifierLimit::Bytes(n) => WireIdentifierLimit::Bytes(n),
                IdentifierLimit::Characters(n) => WireIdentifierLimit::Characters(n),
            }),
            local_file_database: c.local_file_database,
        }
    }
}

impl From<&WireCapabilities> for Capabilities {
    fn from(c: &WireCapabilities) -> Self {
        let mut capabilities = Capabilities::new();
        capabilities.transactional_ddl = c.transactional_ddl;
        capabilities.partial_indexes = c.partial_indexes;
        capabilities.alter_column_in_place = c.alter_column_in_place;
        capabilities.alter_constraints_in_place = c.alter_constraints_in_place;
        capabilities.comments = c.comments;
        capabilities.create_database = c.create_database;
        capabilities.non_transactional_revisions = c.non_transactional_revisions;
        capabilities.run_commits_at_unlock = c.run_commits_at_unlock;
        capabilities.max_identifier_length = c.max_identifier_length.map(|limit| match limit {
            WireIdentifierLimit::Bytes(n) => IdentifierLimit::Bytes(n),
            WireIdentifierLimit::Characters(n) => IdentifierLimit::Characters(n),
        });
        capabilities.local_file_database = c.local_file_database;
        capabilities
    }
}

impl From<&SqlSyntax> for WireSyntax {
    fn from(s: &SqlSyntax) -> Self {
        WireSyntax {
            identifier_quote: s.identifier_quote,
            placeholders: match s.placeholders {
                PlaceholderStyle::DollarNumber => WirePlaceholders::DollarNumber,
                _ => WirePlaceholders::QuestionMark,
            },
            double_quoted_strings: s.double_quoted_strings,
            backslash_escapes: s.backslash_escapes,
            backtick_identifiers: s.backtick_identifiers,
            bracket_identifiers: s.bracket_identifiers,
            dollar_quoting: s.dollar_quoting,
            escape_strings: s.escape_strings,
            hash_comments: s.hash_comments,
            dash_dash_needs_space: s.dash_dash_needs_space,
            nested_block_comments: s.nested_block_comments,
            executable_comments: s.executable_comments,
            delimiter_lines: s.delimiter_lines,
        }
    }
}

impl From<&WireSyntax> for SqlSyntax {
    fn from(s: &WireSyntax) -> Self {
        let mut syntax = SqlSyntax::new();
        syntax.identifier_quote = s.identifier_quote;
        syntax.placeholders = match s.placeholders {
            WirePlaceholders::QuestionMark => PlaceholderStyle::QuestionMark,
            WirePlaceholders::DollarNumber => PlaceholderStyle::DollarNumber,
        };
        syntax.double_quoted_strings = s.double_quoted_strings;
        syntax.backslash_escapes = s.backslash_escapes;
        syntax.backtick_identifiers = s.backtick_identifiers;
        syntax.bracket_identifiers = s.bracket_identifiers;
        syntax.dollar_quoting = s.dollar_quoting;
        syntax.escape_strings = s.escape_strings;
        syntax.hash_comments = s.hash_comments;
        syntax.dash_dash_needs_space = s.dash_dash_needs_space;
        syntax.nested_block_comments = s.nested_block_comments;
        syntax.executable_comments = s.executable_comments;
        syntax.delimiter_lines = s.delimiter_lines;
        syntax
    }
}

impl From<&OfflineScript> for WireOfflineScript {
    fn from(script: &OfflineScript) -> Self {
        WireOfflineScript {
            prologue: script.prologue.clone(),
            commit_checks: script.commit_checks.clone(),
        }
    }
}

impl From<&WireOfflineScript> for OfflineScript {
    fn from(script: &WireOfflineScript) -> Self {
        let mut offline = OfflineScript::new();
        offline.prologue = script.prologue.clone();
        offline.commit_checks = script.commit_checks.clone();
        offline
    }
}

#[cfg(test)]
mod tests {
    use super::{SpellingRules, WireCapabilities, WireSpellingRules};
    use crate::dialect::Capabilities;

    /// Every capability core knows crosses the wire: a field added to `Capabilities` and
    /// forgotten here would read as "no" from every plugin.
    #[test]
    fn every_capability_crosses_the_wire() -> Result<(), serde_json::Error> {
        let keys = |value: serde_json::Value| -> Vec<String> {
            value
                .as_object()
                .map(|object| object.keys().cloned().collect())
                .unwrap_or_default()
        };
        let core = keys(serde_json::to_value(Capabilities::new())?);
        let wire = keys(serde_json::to_value(WireCapabilities::default())?);
        assert_eq!(core, wire);
        let core = keys(serde_json::to_value(SpellingRules::new())?);
        let wire = keys(serde_json::to_value(WireSpellingRules::default())?);
        assert_eq!(core, wire, "every spelling rule crosses the wire");
        Ok(())
    }
}
