//! The neutral schema model (SPEC 3.2, 3.4, 8): what the database looks like at a revision,
//! computed by folding operations from base, and the same model `schema.toml` and
//! introspection produce, so that declared and introspected schemas compare equal.
//!
//! # Normal form
//!
//! Several spellings of one schema fold into one model value, the same one introspection
//! is to produce:
//!
//! - **Primary key**: only [`Table::primary_key`]. A column's `primary_key = true` in
//!   `create_table` or `add_column` becomes the table's key (columns in table order), and
//!   every key column is `nullable = false`, whatever the operation said.
//! - **Uniqueness**: a column's `unique = true` becomes an unnamed single-column
//!   [`UniqueConstraint`]; model columns have no `unique` flag. A `create_index` with
//!   `unique = true` stays an [`Index`]: it has a name and may be partial.
//! - **Referential actions**: an absent `on_delete` / `on_update` is
//!   [`ReferentialAction::NoAction`](crate::revision::ops::ReferentialAction::NoAction),
//!   which is also what every database reports for it.
//! - **Order**: columns keep their order (it is visible in SQL). Indexes are sorted by name;
//!   unique constraints, checks and foreign keys by name, unnamed ones first and then by
//!   their content. Order carries no meaning there, and sorting makes `==` ignore it.
//!   Tables are kept by name ([`BTreeMap`]): creation order is not recoverable from a live
//!   database, and rendering in dependency order is the job of whoever emits operations.
//! - **Names** are compared exactly as written: every dialect quotes identifiers.
//!
//! # Namespaces
//!
//! Tables are unique by name in the schema, columns by name in their table. Index names are
//! unique within their table, and looked up by (table, name) as `drop_index` gives both;
//! PostgreSQL and SQLite also want them unique across the schema, which the database itself
//! enforces. Named constraints (primary key, unique, check, foreign key) share a second
//! namespace per table.
//!
//! # What the fold cannot see
//!
//! `execute` runs SQL the model does not parse: [`Schema::apply`] returns
//! [`Applied::Opaque`] for it and changes nothing. Check expressions and index predicates
//! are SQL text too: renaming or dropping a column does not rewrite or drop them.
//! A foreign key may reference a table the model does not know (another schema, or one made
//! by `execute`); when the referenced table is known, its columns must exist.

mod apply;
mod checks;
mod columns;
mod error;
mod inverse;
mod model;
mod sorting;

pub use error::{FoldError, SchemaError};
pub use model::{CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint};

use crate::revision::ops::Operation;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every table of a database schema, by name.
///
/// Tables are shared between clones until one changes (`Arc`), so that cloning a schema
/// is cheap and the plugin adapter tells an unchanged table from a changed one without
/// comparing them.
///
/// Serialized as `{ tables = [...] }` in name order; reading one back rejects two tables
/// with the same name.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    #[serde(
        default,
        serialize_with = "serialize_tables",
        deserialize_with = "deserialize_tables"
    )]
    tables: BTreeMap<String, Arc<Table>>,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema")
            .field("tables", &self.tables)
            .finish()
    }
}

/// What applying one operation did to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The model now matches what the database will hold.
    Exact,
    /// The operation (`execute`) may have changed the database in ways the model cannot see.
    Opaque,
}

impl Applied {
    /// `Opaque` if either is: the combined effect of two steps.
    pub fn and(self, other: Applied) -> Applied {
        if self == Applied::Opaque || other == Applied::Opaque {
            Applied::Opaque
        } else {
            Applied::Exact
        }
    }
}

impl Schema {
    /// An empty schema: the database at base.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Folds operations, in order, from an empty schema.
    ///
    /// Returns the schema and whether it is exact (no `execute` among the operations).
    pub fn fold<'a, I>(operations: I) -> Result<(Schema, Applied), FoldError>
    where
        I: IntoIterator<Item = &'a Operation>,
    {
        let mut schema = Schema::new();
        let applied = schema.apply_all(operations)?;
        Ok((schema, applied))
    }

    /// Applies operations in order; `Opaque` if any of them was.
    ///
    /// On error, the operations before the failing one stay applied and the failing one
    /// changed nothing; the error gives its position.
    pub fn apply_all<'a, I>(&mut self, operations: I) -> Result<Applied, FoldError>
    where
        I: IntoIterator<Item = &'a Operation>,
    {
        let mut applied = Applied::Exact;
        for (index, operation) in operations.into_iter().enumerate() {
            match self.apply(operation) {
                Ok(step) => applied = applied.and(step),
                Err(error) => {
                    return Err(FoldError {
                        index,
                        after_opaque: applied == Applied::Opaque,
                        error: Box::new(error),
                    })
                }
            }
        }
        Ok(applied)
    }

    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name).map(Arc::as_ref)
    }

    /// Every table, in name order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.tables.values().map(Arc::as_ref)
    }

    /// Every table with its name, shared, in name order (for the plugin adapter's copy).
    pub(crate) fn shared_tables(&self) -> impl Iterator<Item = (&String, &Arc<Table>)> {
        self.tables.iter()
    }

    /// Whether `a` and `b` are the very same table value, shared since one was cloned from
    /// the other (false says nothing: equal tables may be separate values).
    pub(crate) fn same_table(a: &Arc<Table>, b: &Arc<Table>) -> bool {
        Arc::ptr_eq(a, b)
    }

    /// Every table name, in order.
    pub fn table_names(&self) -> impl Iterator<Item = &str> {
        self.tables.keys().map(String::as_str)
    }

    /// The number of tables.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// True when there are no tables.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// Puts `table` into the schema under its name, as introspection does, and returns
    /// the table it replaces. The table is normalized first (see the module docs).
    pub fn insert_table(&mut self, mut table: Table) -> Option<Table> {
        table.normalize();
        self.tables
            .insert(table.name.clone(), Arc::new(table))
            .map(Arc::unwrap_or_clone)
    }

    /// Keeps only the tables whose name `keep` accepts.
    pub fn retain_tables(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.tables.retain(|name, _| keep(name));
    }

    /// Takes the table named `name` out of the schema.
    pub fn remove_table(&mut self, name: &str) -> Option<Table> {
        self.tables.remove(name).map(Arc::unwrap_or_clone)
    }

    /// Every foreign key, in any table (`table` itself included), that references `table`,
    /// with the table that holds it: what the SQLite rebuild and a drop must look at.
    pub fn foreign_keys_referencing<'s>(
        &'s self,
        table: &'s str,
    ) -> impl Iterator<Item = (&'s Table, &'s ForeignKey)> + 's {
        self.tables
            .values()
            .map(Arc::as_ref)
            .flat_map(move |holder| {
                holder
                    .foreign_keys
                    .iter()
                    .filter(move |fk| fk.references_table == table)
                    .map(move |fk| (holder, fk))
            })
    }
}

impl FromIterator<Table> for Schema {
    /// A schema of these tables; of two with one name, the later wins.
    fn from_iter<I: IntoIterator<Item = Table>>(tables: I) -> Schema {
        let mut schema = Schema::new();
        for table in tables {
            schema.insert_table(table);
        }
        schema
    }
}

fn serialize_tables<S: Serializer>(
    tables: &BTreeMap<String, Arc<Table>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(tables.values().map(Arc::as_ref))
}

fn deserialize_tables<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, Arc<Table>>, D::Error> {
    let list = Vec::<Table>::deserialize(deserializer)?;
    let mut tables = BTreeMap::new();
    for mut table in list {
        let name = table.name.clone();
        table.normalize();
        if tables.insert(name.clone(), Arc::new(table)).is_some() {
            return Err(serde::de::Error::custom(format!(
                "table `{name}` is listed twice; each table appears once"
            )));
        }
    }
    Ok(tables)
}
