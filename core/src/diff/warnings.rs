//! Warnings: what an operation may do to existing rows, and what the operations cannot say.

use crate::revision::types::{ColumnType, NeutralType};
use crate::schema::Table;
use serde::Serialize;
use std::fmt;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A table is dropped, with its rows.
    DroppedTable,
    /// A column is dropped, with its values.
    DroppedColumn,
    /// A column's type narrows (or changes family): existing values may not fit.
    NarrowingType,
    /// A column becomes NOT NULL, or a NOT NULL column without a default is added to an
    /// existing table: existing rows make it fail.
    NotNullWithoutDefault,
    /// A unique constraint or unique index is added to an existing table: duplicates
    /// make it fail.
    NewUnique,
    /// A table or column is dropped and one like it added: perhaps a rename without a
    /// `renamed_from` hint.
    SuspectedRename,
    /// A difference no operation can express (a primary key, a comment, autoincrement).
    NotExpressible,
}

/// One warning, for people (`message`) and for scripts (the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// A sentence saying what and why.
    pub message: String,
    /// The table it concerns.
    pub table: String,
    /// The column it concerns, if one.
    pub column: Option<String>,
}

impl Warning {
    pub(super) fn new(
        kind: WarningKind,
        message: String,
        table: &str,
        column: Option<&str>,
    ) -> Warning {
        Warning {
            kind,
            message,
            table: table.to_string(),
            column: column.map(str::to_string),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A created table whose columns are those of a dropped one: a rename without a hint?
pub(super) fn suspected_table_renames(dropped: &[&Table], created: &[&Table]) -> Vec<Warning> {
    // Alike: the same column types in the same order (names may have changed too).
    let shape = |table: &Table| {
        table
            .columns
            .iter()
            .map(|c| c.column_type.clone())
            .collect::<Vec<_>>()
    };
    let mut warnings = Vec::new();
    for new in created {
        for old in dropped.iter().filter(|old| shape(old) == shape(new)) {
            warnings.push(Warning::new(
                WarningKind::SuspectedRename,
                format!(
                    "table `{}` is dropped and `{}`, with columns of the same types, created: if it was \
                     renamed, say `renamed_from = \"{}\"` on `{}` to keep its rows",
                    old.name, new.name, old.name, new.name
                ),
                &new.name,
                None,
            ));
        }
    }
    warnings
}

/// A column type as a message names it.
pub(super) fn describe_type(column_type: &ColumnType) -> String {
    match column_type {
        ColumnType::Neutral(neutral) => neutral.to_string(),
        ColumnType::Native(native) => native.clone(),
        ColumnType::PerDialect(_) => String::from("a per-dialect type"),
    }
}

/// True unless every value of `current` surely fits `target` (a wider type of the same
/// family); changes between families are treated as narrowing.
pub(super) fn narrows(current: &ColumnType, target: &ColumnType) -> bool {
    use NeutralType as N;
    let (ColumnType::Neutral(current), ColumnType::Neutral(target)) = (current, target) else {
        return true;
    };
    let integer_width = |t: &N| match t {
        N::SmallInt => Some(2),
        N::Integer => Some(4),
        N::BigInt => Some(8),
        _ => None,
    };
    match (current, target) {
        (a, b) if a == b => false,
        (a, b) if integer_width(a).is_some() && integer_width(b).is_some() => {
            integer_width(b) < integer_width(a)
        }
        (N::Varchar(a), N::Varchar(b)) | (N::Char(a), N::Varchar(b)) => b < a,
        (N::Varchar(_) | N::Char(_), N::Text) => false,
        (N::Real, N::Double) => false,
        (N::Timestamp, N::TimestampTz) => false,
        (
            N::Numeric {
                precision: Some(p1),
                scale: s1,
            },
            N::Numeric {
                precision: p2,
                scale: s2,
            },
        ) => {
            let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
            match p2 {
                None => false,
                Some(p2) => s2 < s1 || p2.saturating_sub(s2) < p1.saturating_sub(s1),
            }
        }
        (
            a,
            N::Numeric {
                precision: None, ..
            },
        ) => integer_width(a).is_none(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::narrows;
    use crate::revision::types::{ColumnType, NeutralType};

    fn t(text: &str) -> ColumnType {
        ColumnType::Neutral(NeutralType::parse(text).expect("a neutral type"))
    }

    #[test]
    fn widening_is_not_narrowing() {
        assert!(!narrows(&t("integer"), &t("bigint")));
        assert!(!narrows(&t("varchar(10)"), &t("varchar(20)")));
        assert!(!narrows(&t("varchar(10)"), &t("text")));
        assert!(!narrows(&t("numeric(10,2)"), &t("numeric(12,2)")));
        assert!(!narrows(&t("integer"), &t("numeric")));
        assert!(narrows(&t("bigint"), &t("integer")));
        assert!(narrows(&t("varchar(20)"), &t("varchar(10)")));
        assert!(narrows(&t("text"), &t("varchar(10)")));
        assert!(narrows(&t("numeric(10,2)"), &t("numeric(10,3)")));
        assert!(narrows(&t("text"), &t("integer")));
    }
}
