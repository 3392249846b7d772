//! Operations on the wire, externally tagged (`{"create_table": {...}}`).
//!
//! [`Operation`] is internally tagged (`op = "create_table"` beside its fields, as revision
//! files spell it), which serde can only decode by buffering every field first. The plan a
//! migrator renders ahead crosses the ABI as this form instead, which decodes in one pass:
//! about half the cost, on the path every operation of a run takes. Each variant's fields
//! are those of the operation in a TOML revision file.

use crate::revision::ops::{self, Operation};
use serde::{Deserialize, Serialize};

macro_rules! wire_operations {
    ($($variant:ident),* $(,)?) => {
        /// An [`Operation`] as the plugin reads it.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum WireOperation {
            $(
                #[allow(missing_docs)]
                $variant(ops::$variant),
            )*
        }

        /// An [`Operation`] as the host writes it, borrowed.
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub(crate) enum WireOperationRef<'a> {
            $($variant(&'a ops::$variant),)*
        }

        impl From<WireOperation> for Operation {
            fn from(op: WireOperation) -> Self {
                match op {
                    $(WireOperation::$variant(inner) => Operation::$variant(inner),)*
                }
            }
        }

        impl From<&Operation> for WireOperation {
            fn from(op: &Operation) -> Self {
                match op {
                    $(Operation::$variant(inner) => WireOperation::$variant(inner.clone()),)*
                }
            }
        }

        impl<'a> From<&'a Operation> for WireOperationRef<'a> {
            fn from(op: &'a Operation) -> Self {
                match op {
                    $(Operation::$variant(inner) => WireOperationRef::$variant(inner),)*
                }
            }
        }
    };
}

wire_operations!(
    CreateTable,
    DropTable,
    RenameTable,
    AddColumn,
    DropColumn,
    AlterColumn,
    CreateIndex,
    DropIndex,
    CreateForeignKey,
    CreateUniqueConstraint,
    CreateCheckConstraint,
    DropConstraint,
    Execute,
    BulkInsert,
);
