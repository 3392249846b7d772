//! A dialect's spelling rules as data: what its server changes in what it stores without
//! changing the meaning. Data rather than code so that the host applies the rules of a
//! plugin dialect without calling into it, as it does with [`SqlSyntax`].

use super::lexical::LexicalSpelling;
use super::spelling::Spelling;
use crate::revision::types::ColumnType;
use crate::schema::{Index, Table};
use crate::sql::SqlSyntax;
use serde::{Deserialize, Serialize};

/// What is only spelling on a dialect, beyond the token rules every dialect gets
/// ([`LexicalSpelling`]). Every rule is off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SpellingRules {
    /// `::type` casts the server writes into stored expressions (`'x'::text`) are spelling
    /// (PostgreSQL).
    pub casts_are_spelling: bool,
    /// `smallint`, `integer` and `bigint` are one 64-bit type, and an `INTEGER PRIMARY KEY`
    /// is a `bigint` key (SQLite).
    pub integer_types_are_one: bool,
    /// A unique constraint is a unique index on the same columns (MySQL).
    pub unique_index_is_constraint: bool,
    /// The server adds a plain index for a foreign key, named after the constraint or its
    /// first column (`org_id`, `org_id_2`); it is not the user's (MySQL).
    pub foreign_keys_bring_indexes: bool,
    /// `current_timestamp(6)` is `current_timestamp`: the precision is the column's
    /// (MySQL).
    pub timestamp_precision_is_the_columns: bool,
}

impl SpellingRules {
    /// No rule beyond the token rules.
    pub fn new() -> Self {
        SpellingRules::default()
    }
}

/// The [`Spelling`] of a dialect: its [`SqlSyntax`] and its [`SpellingRules`].
#[derive(Debug, Clone, Copy)]
pub struct DialectSpelling {
    expressions: LexicalSpelling,
    rules: SpellingRules,
}

impl DialectSpelling {
    /// The spelling a dialect with this syntax and these rules has.
    pub fn new(syntax: SqlSyntax, rules: SpellingRules) -> Self {
        let mut expressions = LexicalSpelling::new(syntax);
        if rules.casts_are_spelling {
            expressions = expressions.strip_casts();
        }
        if rules.timestamp_precision_is_the_columns {
            expressions = expressions.timestamp_precision_is_the_columns();
        }
        DialectSpelling { expressions, rules }
    }
}

impl Spelling for DialectSpelling {
    fn same_type(&self, current: &ColumnType, target: &ColumnType) -> bool {
        current == target
            || (self.rules.integer_types_are_one && current.is_integer() && target.is_integer())
    }

    fn same_expression(&self, current: &str, target: &str) -> bool {
        self.expressions.same_expression(current, target)
    }

    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        if !self.rules.foreign_keys_bring_indexes || index.unique || index.predicate.is_some() {
            return false;
        }
        table.foreign_keys.iter().any(|fk| {
            let first = fk.columns.first().map(String::as_str).unwrap_or_default();
            let server_named = index.name == first
                || index.name.strip_prefix(first).is_some_and(|rest| {
                    rest.strip_prefix('_')
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                });
            fk.columns == index.columns
                && (fk.name.as_deref() == Some(index.name.as_str()) || server_named)
        })
    }

    fn unique_index_is_constraint(&self) -> bool {
        self.rules.unique_index_is_constraint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::types::NeutralType;
    use crate::revision::values::DefaultValue;

    fn spelling(rules: SpellingRules) -> DialectSpelling {
        DialectSpelling::new(SqlSyntax::default(), rules)
    }

    #[test]
    fn integer_types_are_one_only_where_the_rule_says() {
        let t = |s: &str| ColumnType::Neutral(NeutralType::parse(s).expect("a neutral type"));
        let mut rules = SpellingRules::new();
        assert!(!spelling(rules).same_type(&t("integer"), &t("bigint")));
        rules.integer_types_are_one = true;
        assert!(spelling(rules).same_type(&t("integer"), &t("bigint")));
        assert!(!spelling(rules).same_type(&t("integer"), &t("text")));
    }

    #[test]
    fn timestamp_precision_and_casts_only_where_the_rules_say() {
        let sql = |s: &str| DefaultValue::Sql(s.to_string());
        let mut rules = SpellingRules::new();
        let (precise, plain) = (sql("current_timestamp(6)"), sql("CURRENT_TIMESTAMP"));
        assert!(!spelling(rules).same_default(&precise, &plain));
        assert!(!spelling(rules).same_expression("a <> ''::text", "a <> ''"));
        rules.timestamp_precision_is_the_columns = true;
        rules.casts_are_spelling = true;
        assert!(spelling(rules).same_default(&precise, &plain));
        assert!(spelling(rules).same_expression("a <> ''::text", "a <> ''"));
        assert!(!spelling(rules).same_default(&precise, &sql("'2020-01-01'")));
    }

    #[test]
    fn the_index_a_foreign_key_brings_is_not_the_users() {
        use crate::schema::ForeignKey;
        let mut table = Table::new("users".to_string(), Vec::new());
        table.foreign_keys.push(ForeignKey {
            name: Some("fk_org".into()),
            columns: vec!["org_id".into()],
            references_table: "orgs".into(),
            references_columns: vec!["id".into()],
            on_delete: crate::revision::ops::ReferentialAction::NoAction,
            on_update: crate::revision::ops::ReferentialAction::NoAction,
        });
        let index = |name: &str, unique: bool| Index {
            name: name.into(),
            columns: vec!["org_id".into()],
            unique,
            predicate: None,
        };
        let mut rules = SpellingRules::new();
        assert!(!spelling(rules).is_implicit_index(&table, &index("org_id", false)));
        rules.foreign_keys_bring_indexes = true;
        let mysql = spelling(rules);
        for name in ["org_id", "org_id_2", "fk_org"] {
            assert!(
                mysql.is_implicit_index(&table, &index(name, false)),
                "{name}"
            );
        }
        assert!(!mysql.is_implicit_index(&table, &index("ix_org", false)));
        assert!(!mysql.is_implicit_index(&table, &index("org_id", true)));
    }
}
