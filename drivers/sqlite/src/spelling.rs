//! What is only spelling on SQLite: every integer type is one 64-bit integer (an
//! `INTEGER PRIMARY KEY` is a `bigint` key), and expressions compare by their tokens.

use retort_core::diff::{LexicalSpelling, Spelling};
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::DefaultValue;
use retort_core::sql::SqlSyntax;

/// SQLite's [`Spelling`].
pub(crate) struct SqliteSpelling {
    expressions: LexicalSpelling,
}

impl SqliteSpelling {
    pub(crate) fn new(syntax: SqlSyntax) -> Self {
        SqliteSpelling {
            expressions: LexicalSpelling::new(syntax),
        }
    }
}

fn is_integer(column_type: &ColumnType) -> bool {
    matches!(
        column_type,
        ColumnType::Neutral(NeutralType::SmallInt | NeutralType::Integer | NeutralType::BigInt)
    )
}

impl Spelling for SqliteSpelling {
    fn same_type(&self, current: &ColumnType, target: &ColumnType) -> bool {
        current == target || (is_integer(current) && is_integer(target))
    }

    fn same_default(&self, current: &DefaultValue, target: &DefaultValue) -> bool {
        self.expressions.same_default(current, target)
    }

    fn same_expression(&self, current: &str, target: &str) -> bool {
        self.expressions.same_expression(current, target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::Dialect;

    #[test]
    fn integer_types_are_one_and_others_are_not() {
        let spelling = crate::SqliteDialect.spelling();
        let t = |s: &str| ColumnType::Neutral(NeutralType::parse(s).expect("a neutral type"));
        assert!(spelling.same_type(&t("integer"), &t("bigint")));
        assert!(spelling.same_type(&t("smallint"), &t("bigint")));
        assert!(!spelling.same_type(&t("integer"), &t("text")));
        assert!(spelling.same_expression("\"a\" > 0", "(a > 0)"));
    }
}
