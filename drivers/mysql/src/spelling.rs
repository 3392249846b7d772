//! What is only spelling on MySQL and MariaDB: the index the server adds for a foreign key
//! is not the user's, a unique constraint is a unique index, and `current_timestamp(6)` on
//! a fractional-seconds column is the `CURRENT_TIMESTAMP` the declaration says (MySQL
//! requires the precision to be the column's, so it adds nothing).

use retort_core::diff::{LexicalSpelling, Spelling};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{Index, Table};
use retort_core::sql::SqlSyntax;

/// MySQL's [`Spelling`].
pub(crate) struct MysqlSpelling {
    expressions: LexicalSpelling,
}

impl MysqlSpelling {
    pub(crate) fn new(syntax: SqlSyntax) -> Self {
        MysqlSpelling {
            expressions: LexicalSpelling::new(syntax),
        }
    }

    /// The expression's tokens with `current_timestamp(N)` read as `current_timestamp`.
    fn key(&self, expr: &str) -> Vec<String> {
        let words = self.expressions.expression_key(expr);
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let with_precision = words[i] == "current_timestamp"
                && words.get(i + 1).is_some_and(|w| w == "(")
                && words
                    .get(i + 2)
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
                && words.get(i + 3).is_some_and(|w| w == ")");
            out.push(words[i].clone());
            i += if with_precision { 4 } else { 1 };
        }
        out
    }
}

impl Spelling for MysqlSpelling {
    fn same_default(&self, current: &DefaultValue, target: &DefaultValue) -> bool {
        match (current, target) {
            (DefaultValue::Sql(a), DefaultValue::Sql(b)) => self.same_expression(a, b),
            _ => current == target,
        }
    }

    fn same_expression(&self, current: &str, target: &str) -> bool {
        current == target || self.key(current) == self.key(target)
    }

    /// A plain index on exactly a foreign key's columns, named as the server names the one
    /// it adds (after the constraint, or after the first column, with `_2`... when taken).
    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        if index.unique || index.predicate.is_some() {
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
        true
    }
}

#[cfg(test)]
mod tests {
    use retort_core::revision::values::DefaultValue;
    use retort_core::Dialect;

    #[test]
    fn precision_of_current_timestamp_is_the_columns() {
        let spelling = crate::MysqlDialect.spelling();
        let sql = |s: &str| DefaultValue::Sql(s.to_string());
        assert!(spelling.same_default(&sql("current_timestamp(6)"), &sql("CURRENT_TIMESTAMP")));
        assert!(spelling.same_default(&sql("current_timestamp()"), &sql("now()")));
        assert!(!spelling.same_default(&sql("current_timestamp(6)"), &sql("'2020-01-01'")));
        assert!(spelling.same_expression("`a` > 0", "a > 0"));
    }
}
