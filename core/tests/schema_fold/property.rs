//! Column operations followed by their inverses give the schema back, and every step
//! leaves the schema consistent.

use super::{base_then, table};
use proptest::collection::vec;
use proptest::prelude::*;
use retort_core::revision::ops::{AddColumn, AlterColumn, DropColumn, Operation};
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{Applied, Schema, Table};
use std::collections::{BTreeMap, HashMap};

/// One random column step on `users`, interpreted against the current schema.
#[derive(Debug, Clone)]
enum Step {
    Add {
        kind: usize,
        nullable: bool,
        default: Option<i64>,
    },
    Drop(usize),
    Alter {
        pick: usize,
        kind: Option<usize>,
        nullable: Option<bool>,
        default: Option<Option<i64>>,
        rename: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (
            any::<usize>(),
            any::<bool>(),
            proptest::option::of(-5i64..5)
        )
            .prop_map(|(kind, nullable, default)| Step::Add {
                kind,
                nullable,
                default
            }),
        any::<usize>().prop_map(Step::Drop),
        (
            any::<usize>(),
            proptest::option::of(any::<usize>()),
            proptest::option::of(any::<bool>()),
            proptest::option::of(proptest::option::of(-5i64..5)),
            any::<bool>(),
        )
            .prop_map(|(pick, kind, nullable, default, rename)| Step::Alter {
                pick,
                kind,
                nullable,
                default,
                rename
            }),
    ]
}

fn column_type(kind: usize) -> ColumnType {
    let per_dialect = BTreeMap::from([
        ("postgres".to_owned(), "citext".to_owned()),
        ("default".to_owned(), "text".to_owned()),
    ]);
    match kind % 6 {
        0 => ColumnType::Neutral(NeutralType::Integer),
        1 => ColumnType::Neutral(NeutralType::BigInt),
        2 => ColumnType::Neutral(NeutralType::Text),
        3 => ColumnType::Neutral(NeutralType::Varchar(20)),
        4 => ColumnType::Native("tsvector".into()),
        _ => ColumnType::PerDialect(per_dialect),
    }
}

/// The operation a step stands for and its inverse, or `None` when it does not apply.
fn plan(schema: &Schema, step: &Step, fresh: &str) -> Option<(Operation, Operation)> {
    let users = schema.table("users")?;
    let name_at = |pick: usize| users.columns[pick % users.columns.len()].name.clone();
    let table = "users".to_owned();
    Some(match step {
        Step::Add {
            kind,
            nullable,
            default,
        } => {
            let mut column = retort_core::schema::Column {
                name: fresh.to_owned(),
                column_type: column_type(*kind),
                nullable: *nullable,
                default: default.map(DefaultValue::Integer),
                autoincrement: false,
                comment: None,
            }
            .to_operation();
            column.comment = Some("added".into());
            let drop = DropColumn {
                table: table.clone(),
                column: fresh.to_owned(),
            };
            (
                Operation::AddColumn(AddColumn { table, column }),
                Operation::DropColumn(drop),
            )
        }
        Step::Drop(pick) => {
            let referenced = |c: &str| {
                schema
                    .foreign_keys_referencing("users")
                    .any(|(_, fk)| fk.references_columns.iter().any(|r| r == c))
            };
            let droppable: Vec<_> = users
                .columns
                .iter()
                .filter(|c| !users.column_is_used(&c.name) && !referenced(&c.name))
                .collect();
            if droppable.is_empty() || users.columns.len() < 2 {
                return None;
            }
            let column = droppable[pick % droppable.len()];
            let add = AddColumn {
                table: table.clone(),
                column: column.to_operation(),
            };
            let drop = DropColumn {
                table,
                column: column.name.clone(),
            };
            (Operation::DropColumn(drop), Operation::AddColumn(add))
        }
        Step::Alter {
            pick,
            kind,
            nullable,
            default,
            rename,
        } => {
            let old = users.column(&name_at(*pick))?.clone();
            // A key column stays NOT NULL.
            let nullable = nullable.map(|n| n && !users.in_primary_key(&old.name));
            let new_name = rename.then(|| fresh.to_owned());
            let forward = AlterColumn {
                table: table.clone(),
                column: old.name.clone(),
                new_type: kind.map(column_type),
                nullable: nullable.or(Some(old.nullable)),
                default: default.flatten().map(DefaultValue::Integer),
                drop_default: *default == Some(None),
                new_name: new_name.clone(),
            };
            let inverse = AlterColumn {
                table,
                column: new_name.clone().unwrap_or_else(|| old.name.clone()),
                new_type: kind.map(|_| old.column_type.clone()),
                nullable: Some(old.nullable),
                default: default.and(old.default.clone()),
                drop_default: default.is_some() && old.default.is_none(),
                new_name: new_name.map(|_| old.name.clone()),
            };
            (
                Operation::AlterColumn(forward),
                Operation::AlterColumn(inverse),
            )
        }
    })
}

/// Every column list names columns that exist, in its own table and, for a foreign key,
/// in the referenced table when the model knows it.
fn assert_consistent(schema: &Schema) -> Result<(), TestCaseError> {
    for t in schema.tables() {
        let lists = t
            .primary_key
            .iter()
            .map(|k| &k.columns)
            .chain(t.indexes.iter().map(|i| &i.columns))
            .chain(t.unique_constraints.iter().map(|u| &u.columns))
            .chain(t.foreign_keys.iter().map(|f| &f.columns));
        for column in lists.flatten() {
            prop_assert!(
                t.column(column).is_some(),
                "`{}` lists missing column `{column}`",
                t.name
            );
        }
        for fk in &t.foreign_keys {
            if let Some(target) = schema.table(&fk.references_table) {
                for column in &fk.references_columns {
                    prop_assert!(
                        target.column(column).is_some(),
                        "{fk:?} references a missing column"
                    );
                }
            }
        }
    }
    Ok(())
}

fn sorted_columns(table: &Table) -> Table {
    let mut sorted = table.clone();
    sorted.columns.sort_by(|a, b| a.name.cmp(&b.name));
    sorted
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Column steps on `users` (whose `id` another table references), then their inverses
    /// in reverse: the schema comes back, exactly unless a column that was there at the
    /// start was dropped (re-adding appends it, so only the column order differs then).
    #[test]
    fn column_operations_then_their_inverses_give_the_schema_back(steps in vec(step(), 0..25)) {
        let original = base_then(
            "[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"bio\", type = \"text\" }\n\n\
             [[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"age\", type = \"integer\", default = 0 }\n",
        );
        let mut schema = original.clone();
        let mut inverses = Vec::new();
        // Whether each current column of `users` was there at the start.
        let mut from_start: HashMap<String, bool> =
            table(&original, "users").column_names().map(|c| (c.to_owned(), true)).collect();
        let mut reordered = false;
        for (i, step) in steps.iter().enumerate() {
            let fresh = format!("n{i}");
            let Some((forward, inverse)) = plan(&schema, step, &fresh) else { continue };
            match &forward {
                Operation::AddColumn(add) => { from_start.insert(add.column.name.clone(), false); }
                Operation::DropColumn(drop) => reordered |= from_start.get(&drop.column) == Some(&true),
                Operation::AlterColumn(AlterColumn { column, new_name: Some(new_name), .. }) => {
                    let was = from_start.remove(column).unwrap_or(false);
                    from_start.insert(new_name.clone(), was);
                }
                _ => {}
            }
            prop_assert_eq!(schema.apply(&forward), Ok(Applied::Exact), "{:?}", forward);
            assert_consistent(&schema)?;
            inverses.push(inverse);
        }
        for inverse in inverses.iter().rev() {
            prop_assert_eq!(schema.apply(inverse), Ok(Applied::Exact), "{:?}", inverse);
            assert_consistent(&schema)?;
        }
        prop_assert_eq!(schema.table("orders"), original.table("orders"));
        if reordered {
            prop_assert_eq!(sorted_columns(table(&schema, "users")), sorted_columns(table(&original, "users")));
        } else {
            prop_assert_eq!(schema, original);
        }
    }
}
