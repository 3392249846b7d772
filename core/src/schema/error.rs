//! Why an operation does not fit the schema it is applied to.

use crate::revision::ops::ConstraintKind;

/// An operation that does not fit the schema: each names the operation, the table and the
/// thing that is missing or in the way, and what exists instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The operation names a table the schema does not have.
    #[error(
        "{op}: there is no table `{table}` ({})",
        listing("tables", known, "the schema has no tables")
    )]
    NoSuchTable {
        /// The operation (`op = "..."` name).
        op: &'static str,
        /// The table asked for.
        table: String,
        /// The tables there are.
        known: Vec<String>,
    },
    /// A table of that name already exists.
    #[error("{op}: table `{table}` already exists")]
    TableExists {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
    },
    /// The operation names a column its table does not have.
    #[error(
        "{op}: table `{table}` has no column `{column}` ({})",
        listing("columns", known, "it has no columns")
    )]
    NoSuchColumn {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The column asked for.
        column: String,
        /// The columns there are.
        known: Vec<String>,
    },
    /// A foreign key names a column the (known) referenced table does not have.
    #[error(
        "{op}: {foreign_key} references column `{references_table}.{column}`, which does not \
         exist ({})",
        listing(&format!("columns of `{references_table}`"), known, "it has no columns")
    )]
    NoSuchReferencedColumn {
        /// The operation.
        op: &'static str,
        /// The key and the table that holds it: "foreign key `fk` of table `orders`".
        foreign_key: String,
        /// The referenced table.
        references_table: String,
        /// The referenced column that is missing.
        column: String,
        /// The referenced table's columns.
        known: Vec<String>,
    },
    /// A column of that name already exists.
    #[error("{op}: table `{table}` already has a column `{column}`")]
    ColumnExists {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column list names one column twice.
    #[error("{op}: {what} of table `{table}` lists column `{column}` twice")]
    RepeatedColumn {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// What lists it: "index `ix`", "the primary key", ...
        what: String,
        /// The column listed twice.
        column: String,
    },
    /// A table, key, index or constraint with no columns.
    #[error("{op}: {what} of table `{table}` lists no columns")]
    NoColumns {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// What lists none: "the table", "index `ix`", ...
        what: String,
    },
    /// Dropping a table's last column.
    #[error(
        "{op}: `{column}` is the only column of table `{table}`; a table needs at least one \
         column, so drop the table instead"
    )]
    OnlyColumn {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// Its only column.
        column: String,
    },
    /// Dropping a column that a foreign key references.
    #[error(
        "{op}: column `{table}.{column}` is referenced by {foreign_key} of table \
         `{referencing_table}`; drop that foreign key first"
    )]
    ColumnReferenced {
        /// The operation.
        op: &'static str,
        /// The table of the column.
        table: String,
        /// The referenced column.
        column: String,
        /// The table holding the foreign key.
        referencing_table: String,
        /// "foreign key `fk`" or "an unnamed foreign key".
        foreign_key: String,
    },
    /// A second primary key.
    #[error(
        "{op}: table `{table}` already has a primary key ({}); a table has at most one",
        columns.join(", ")
    )]
    PrimaryKeyExists {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The existing key's columns.
        columns: Vec<String>,
    },
    /// `create_table` with both column-level `primary_key = true` and `primary_key = [...]`.
    #[error(
        "{op}: table `{table}` declares its primary key both on columns and in `primary_key`; \
         declare it in one place"
    )]
    PrimaryKeyTwice {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
    },
    /// Making a primary key column nullable.
    #[error(
        "{op}: column `{table}.{column}` is part of the primary key, and key columns are never \
         nullable; leave out `nullable = true`"
    )]
    NullablePrimaryKey {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The key column.
        column: String,
    },
    /// An index name already used in the table.
    #[error("{op}: table `{table}` already has an index named `{name}`")]
    IndexExists {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The index name.
        name: String,
    },
    /// No index of that name in the table.
    #[error(
        "{op}: table `{table}` has no index `{name}` ({})",
        listing("indexes", known, "it has no indexes")
    )]
    NoSuchIndex {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The index asked for.
        name: String,
        /// The table's indexes.
        known: Vec<String>,
    },
    /// A constraint name already used in the table (by any kind of constraint).
    #[error(
        "{op}: table `{table}` already has a constraint named `{name}` (a {existing} constraint)"
    )]
    ConstraintExists {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The name.
        name: String,
        /// The kind of the constraint that has it: "primary key", "unique", ...
        existing: &'static str,
    },
    /// No constraint of that kind and name in the table.
    #[error(
        "{op}: table `{table}` has no {} constraint `{name}` ({})",
        kind_label(kind),
        listing(&format!("its named {} constraints", kind_label(kind)), known, &format!("it has no named {} constraints", kind_label(kind)))
    )]
    NoSuchConstraint {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The kind asked for.
        kind: ConstraintKind,
        /// The name asked for.
        name: String,
        /// The names of the table's constraints of that kind.
        known: Vec<String>,
    },
    /// A foreign key whose two column lists differ in length.
    #[error(
        "{op}: {foreign_key} of table `{table}` has {columns} column(s) but {references} \
         referenced column(s); they pair up one to one"
    )]
    ForeignKeyArity {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// "foreign key `fk`" or "an unnamed foreign key".
        foreign_key: String,
        /// How many referencing columns.
        columns: usize,
        /// How many referenced columns.
        references: usize,
    },
    /// `alter_column` with both `default` and `drop_default = true`.
    #[error(
        "{op}: column `{table}.{column}` is given both `default` and `drop_default = true`; \
         keep one"
    )]
    ContradictoryDefault {
        /// The operation.
        op: &'static str,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
}

/// An operation that did not fit, and where it stands in the folded sequence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "operation {}: {error}{}",
    .index + 1,
    if *.after_opaque {
        " (an earlier `execute` may have made this change: the schema model does not read raw SQL)"
    } else {
        ""
    }
)]
pub struct FoldError {
    /// The position (from 0) of the failing operation.
    pub index: usize,
    /// Whether an `execute` came before it, so that the model may be incomplete.
    pub after_opaque: bool,
    /// Why it failed (boxed: a fold error travels far, and rarely).
    pub error: Box<SchemaError>,
}

/// How many names a message lists before it says how many more there are.
const LISTED: usize = 20;

/// "columns: a, b, c" (at most [`LISTED`] names), or `none` when there are none.
fn listing(what: &str, names: &[String], none: &str) -> String {
    if names.is_empty() {
        return none.to_owned();
    }
    let shown: Vec<&str> = names.iter().take(LISTED).map(String::as_str).collect();
    let more = names.len().saturating_sub(LISTED);
    if more == 0 {
        format!("{what}: {}", shown.join(", "))
    } else {
        format!("{what}: {} and {more} more", shown.join(", "))
    }
}

fn kind_label(kind: &ConstraintKind) -> &'static str {
    match kind {
        ConstraintKind::ForeignKey => "foreign key",
        ConstraintKind::Unique => "unique",
        ConstraintKind::Check => "check",
    }
}
