//! The file format of `schema.toml` (SPEC 8) as serde reads it: the vocabulary of
//! `create_table`, plus `indexes` and `renamed_from` hints. Unknown keys are errors.

use crate::revision::ops::{self, CheckConstraint, ForeignKeySpec, UniqueConstraint};
use crate::revision::types::ColumnType;
use crate::revision::values::DefaultValue;
use serde::Deserialize;
use toml::Spanned;

/// One file: ignored-table globs and tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) ignore_tables: Vec<String>,
    #[serde(default)]
    pub(super) table: Vec<Spanned<RawTable>>,
}

/// `[[table]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTable {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) comment: Option<String>,
    #[serde(default)]
    pub(super) renamed_from: Option<Spanned<String>>,
    pub(super) columns: Vec<Spanned<RawColumn>>,
    #[serde(default)]
    pub(super) primary_key: Option<Vec<String>>,
    #[serde(default)]
    pub(super) indexes: Vec<Spanned<RawIndex>>,
    #[serde(default)]
    pub(super) unique: Vec<UniqueConstraint>,
    #[serde(default)]
    pub(super) checks: Vec<CheckConstraint>,
    #[serde(default)]
    pub(super) foreign_keys: Vec<Spanned<ForeignKeySpec>>,
}

/// A column: `create_table`'s keys plus `renamed_from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawColumn {
    pub(super) name: Spanned<String>,
    #[serde(rename = "type")]
    pub(super) column_type: ColumnType,
    #[serde(default = "yes")]
    pub(super) nullable: bool,
    #[serde(default)]
    pub(super) default: Option<DefaultValue>,
    #[serde(default)]
    pub(super) primary_key: bool,
    #[serde(default)]
    pub(super) autoincrement: bool,
    #[serde(default)]
    pub(super) unique: bool,
    #[serde(default)]
    pub(super) comment: Option<String>,
    #[serde(default)]
    pub(super) renamed_from: Option<Spanned<String>>,
}

fn yes() -> bool {
    true
}

/// An entry of `indexes`: `create_index`'s keys without `table`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndex {
    pub(super) name: String,
    pub(super) columns: Vec<String>,
    #[serde(default)]
    pub(super) unique: bool,
    #[serde(rename = "where", default)]
    pub(super) predicate: Option<String>,
}

impl RawColumn {
    pub(super) fn to_operation(&self) -> ops::Column {
        ops::Column {
            name: self.name.get_ref().clone(),
            column_type: self.column_type.clone(),
            nullable: self.nullable,
            default: self.default.clone(),
            primary_key: self.primary_key,
            autoincrement: self.autoincrement,
            unique: self.unique,
            comment: self.comment.clone(),
        }
    }
}
