//! The keys every file retort reads accepts, read from the very serde structs that reject
//! unknown keys, so that a list (the reference's completeness test) cannot drift from what
//! the parser takes.
//!
//! A derived `Deserialize` hands the names of its fields, renames applied, to
//! `Deserializer::deserialize_struct`; [`struct_fields`] runs it against a deserializer that
//! only records that list and then stops.

use crate::revision::ops::{
    AddColumn, AlterColumn, BulkInsert, CheckConstraint, Column, CreateCheckConstraint,
    CreateForeignKey, CreateIndex, CreateTable, CreateUniqueConstraint, DropColumn, DropConstraint,
    DropIndex, DropTable, Execute, ForeignKeySpec, RenameTable, UniqueConstraint,
};
use serde::de::{self, Deserialize, Visitor};
use std::fmt;

/// The field names of the struct `T`, as its derived `Deserialize` declares them.
pub fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut recorder = FieldRecorder { fields: &[] };
    // The recorder always ends the deserialisation with an error once it has the list.
    let _ = T::deserialize(&mut recorder);
    recorder.fields
}

/// The fields `op = "NAME"` accepts besides `op`; `None` for an unknown operation.
pub fn operation_fields(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "create_table" => struct_fields::<CreateTable>(),
        "drop_table" => struct_fields::<DropTable>(),
        "rename_table" => struct_fields::<RenameTable>(),
        "add_column" => struct_fields::<AddColumn>(),
        "drop_column" => struct_fields::<DropColumn>(),
        "alter_column" => struct_fields::<AlterColumn>(),
        "create_index" => struct_fields::<CreateIndex>(),
        "drop_index" => struct_fields::<DropIndex>(),
        "create_foreign_key" => struct_fields::<CreateForeignKey>(),
        "create_unique_constraint" => struct_fields::<CreateUniqueConstraint>(),
        "create_check_constraint" => struct_fields::<CreateCheckConstraint>(),
        "drop_constraint" => struct_fields::<DropConstraint>(),
        "execute" => struct_fields::<Execute>(),
        "bulk_insert" => struct_fields::<BulkInsert>(),
        _ => return None,
    })
}

/// The nested tables of operations, by the name the reference gives them: a column, and
/// the `unique`, `checks` and `foreign_keys` entries of `create_table`.
pub fn nested_fields() -> [(&'static str, &'static [&'static str]); 4] {
    [
        ("column", struct_fields::<Column>()),
        ("unique", struct_fields::<UniqueConstraint>()),
        ("checks", struct_fields::<CheckConstraint>()),
        ("foreign_keys", struct_fields::<ForeignKeySpec>()),
    ]
}

/// The top-level keys of a TOML revision (`upgrade` and `downgrade` included).
pub fn toml_revision_keys() -> &'static [&'static str] {
    crate::revision::toml_file::header_keys()
}

/// The `-- retort:KEY` header directives of a SQL revision.
pub fn sql_directive_keys() -> Vec<&'static str> {
    crate::revision::sql_file::header_directive_names()
}

/// The keys of `retort.toml`, per table: `database`, `migrations`, `schema`, `plugins`,
/// and `env.NAME`.
pub fn config_keys() -> Vec<(&'static str, &'static [&'static str])> {
    crate::config::known_keys()
}

/// A deserializer that records the field list of the first struct asked of it.
struct FieldRecorder {
    fields: &'static [&'static str],
}

/// The error that stops the deserialisation once the list is recorded.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field names recorded")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for &mut FieldRecorder {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        self.fields = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}
