//! What counts as the same thing spelled differently: decided by the dialect, because only
//! the dialect knows how its server re-renders types, defaults and expressions.

use crate::revision::ops::ReferentialAction;
use crate::revision::types::ColumnType;
use crate::revision::values::DefaultValue;
use crate::schema::{Index, Table};

/// The comparisons a dialect may loosen. Every method has an exact default.
pub trait Spelling {
    /// Whether two column types are the same type (`int4` and `integer`).
    fn same_type(&self, current: &ColumnType, target: &ColumnType) -> bool {
        current == target
    }

    /// Whether two defaults are the same default (`'x'::text` and `'x'`). SQL expressions
    /// compare as [`Spelling::same_expression`] compares them.
    fn same_default(&self, current: &DefaultValue, target: &DefaultValue) -> bool {
        match (current, target) {
            (DefaultValue::Sql(a), DefaultValue::Sql(b)) => self.same_expression(a, b),
            _ => current == target,
        }
    }

    /// Whether two check expressions (or index predicates) are the same expression as the
    /// server renders them.
    fn same_expression(&self, current: &str, target: &str) -> bool {
        current == target
    }

    /// Whether two referential actions are the same. Absent, `NO ACTION` and `RESTRICT`
    /// are one, as MySQL reports `RESTRICT` for an absent action.
    fn same_action(&self, current: ReferentialAction, target: ReferentialAction) -> bool {
        let lenient = |action| match action {
            ReferentialAction::Restrict => ReferentialAction::NoAction,
            other => other,
        };
        lenient(current) == lenient(target)
    }

    /// Whether `index` of the live `table` exists only because the database made it (the
    /// index MySQL creates for a foreign key), so that it is not a difference.
    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        let _ = (table, index);
        false
    }

    /// Whether a unique constraint and a unique, non-partial index on the same columns are
    /// one thing (MySQL, where a unique constraint is a unique index).
    fn unique_index_is_constraint(&self) -> bool {
        false
    }
}

/// Compares exactly as written, with the referential-action rule of [`Spelling`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSpelling;

impl Spelling for ExactSpelling {}
