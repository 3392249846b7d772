//! The schema model: what each operation does to it, in normal form. Column operations
//! are in `schema_fold/columns.rs`, errors in `schema_fold/errors.rs`, round trips and
//! serde in `schema_fold/round_trip.rs`, the property test in `schema_fold/property.rs`.

#[path = "schema_fold/columns.rs"]
mod columns;
#[path = "schema_fold/errors.rs"]
mod errors;
#[path = "schema_fold/property.rs"]
mod property;
#[path = "schema_fold/round_trip.rs"]
mod round_trip;

use retort_core::revision::ops::{Operation, ReferentialAction};
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{
    Applied, CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Schema, Table,
    UniqueConstraint,
};
use std::path::Path;

/// Two tables, a foreign key between them, a self-reference, an index and a check.
const BASE: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false, unique = true },
  { name = "name", type = "text", comment = "display name" },
]
checks = [{ name = "ck_name", expr = "name <> ''" }]
comment = "people"

[[upgrade]]
op = "create_table"
table = "orders"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint", nullable = false },
  { name = "parent_id", type = "bigint" },
  { name = "total", type = "numeric(10,2)", default = 0 },
]
unique = [{ name = "uq_user_total", columns = ["user_id", "total"] }]
foreign_keys = [
  { name = "fk_orders_user", columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "cascade" },
  { name = "fk_orders_parent", columns = ["parent_id"], references_table = "orders", references_columns = ["id"] },
]

[[upgrade]]
op = "create_index"
name = "ix_users_name"
table = "users"
columns = ["name", "email"]
"#;

/// The operations of a revision whose `[[upgrade]]` tables are `body`.
pub fn ops(body: &str) -> Vec<Operation> {
    let text = format!("revision = \"aaaa0001\"\n{body}");
    match parse_toml_revision(Path::new("test.toml"), &text) {
        Ok(revision) => revision.upgrade,
        Err(e) => panic!("test revision does not parse: {e}"),
    }
}

/// The one operation of `body`.
pub fn op(body: &str) -> Operation {
    let mut all = ops(body);
    assert_eq!(all.len(), 1, "expected one operation");
    all.remove(0)
}

/// The schema folded from `body`, which must be exact.
pub fn fold(body: &str) -> Schema {
    match Schema::fold(&ops(body)) {
        Ok((schema, applied)) => {
            assert_eq!(applied, Applied::Exact);
            schema
        }
        Err(e) => panic!("fold failed: {e}"),
    }
}

/// [`BASE`] followed by `more`.
pub fn base_then(more: &str) -> Schema {
    fold(&format!("{BASE}\n{more}"))
}

/// The table `name` of `schema`; panics naming it when absent.
pub fn table<'s>(schema: &'s Schema, name: &str) -> &'s Table {
    schema
        .table(name)
        .unwrap_or_else(|| panic!("no table `{name}`"))
}

/// A column of a neutral type without default or comment.
pub fn column(name: &str, neutral: NeutralType, nullable: bool) -> Column {
    Column {
        name: name.into(),
        column_type: ColumnType::Neutral(neutral),
        nullable,
        default: None,
        autoincrement: false,
        comment: None,
    }
}

/// Owned column names.
pub fn names(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn create_table_folds_into_normal_form() {
    let schema = fold(BASE);
    assert_eq!(
        schema.table_names().collect::<Vec<_>>(),
        ["orders", "users"]
    );
    let users = Table {
        name: "users".into(),
        columns: vec![
            // A key column is never nullable, though `nullable` defaulted to true.
            Column {
                autoincrement: true,
                ..column("id", NeutralType::BigInt, false)
            },
            column("email", NeutralType::Varchar(255), false),
            Column {
                comment: Some("display name".into()),
                ..column("name", NeutralType::Text, true)
            },
        ],
        primary_key: Some(PrimaryKey {
            name: None,
            columns: names(&["id"]),
        }),
        indexes: vec![Index {
            name: "ix_users_name".into(),
            columns: names(&["name", "email"]),
            unique: false,
            predicate: None,
        }],
        unique_constraints: vec![UniqueConstraint {
            name: None,
            columns: names(&["email"]),
        }],
        checks: vec![CheckConstraint {
            name: Some("ck_name".into()),
            expr: "name <> ''".into(),
        }],
        foreign_keys: vec![],
        comment: Some("people".into()),
        triggers: vec![],
        unrepresented: vec![],
    };
    assert_eq!(table(&schema, "users"), &users);

    let orders = table(&schema, "orders");
    assert_eq!(
        orders.column("total").map(|c| &c.default),
        Some(&Some(DefaultValue::Integer(0)))
    );
    // Sorted by name; an absent action is NO ACTION.
    assert_eq!(
        orders.foreign_keys,
        [
            ForeignKey {
                name: Some("fk_orders_parent".into()),
                columns: names(&["parent_id"]),
                references_table: "orders".into(),
                references_columns: names(&["id"]),
                on_delete: ReferentialAction::NoAction,
                on_update: ReferentialAction::NoAction,
            },
            ForeignKey {
                name: Some("fk_orders_user".into()),
                columns: names(&["user_id"]),
                references_table: "users".into(),
                references_columns: names(&["id"]),
                on_delete: ReferentialAction::Cascade,
                on_update: ReferentialAction::NoAction,
            },
        ]
    );
    assert_eq!(
        orders
            .unique_constraint("uq_user_total")
            .map(|u| &u.columns[..]),
        Some(&names(&["user_id", "total"])[..])
    );
}

#[test]
fn a_composite_primary_key_keeps_its_order_and_columns_become_not_null() {
    let schema = fold(
        r#"
[[upgrade]]
op = "create_table"
table = "memberships"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "integer" }]
primary_key = ["b", "a"]
"#,
    );
    let memberships = table(&schema, "memberships");
    assert_eq!(
        memberships.primary_key.as_ref().map(|k| &k.columns[..]),
        Some(&names(&["b", "a"])[..])
    );
    assert!(memberships.columns.iter().all(|c| !c.nullable));
    assert!(memberships.in_primary_key("a") && memberships.in_primary_key("b"));
}

#[test]
fn drop_table_removes_it_and_leaves_foreign_keys_that_pointed_at_it() {
    let schema = base_then("[[upgrade]]\nop = \"drop_table\"\ntable = \"users\"\n");
    assert!(schema.table("users").is_none());
    assert_eq!(schema.len(), 1);
    assert!(table(&schema, "orders")
        .foreign_key("fk_orders_user")
        .is_some());
}

#[test]
fn rename_table_rewrites_the_foreign_keys_that_reference_it_self_references_included() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "rename_table"
table = "users"
new_name = "members"

[[upgrade]]
op = "rename_table"
table = "orders"
new_name = "purchases"
"#,
    );
    assert_eq!(
        schema.table_names().collect::<Vec<_>>(),
        ["members", "purchases"]
    );
    let members = table(&schema, "members");
    assert_eq!(members.name, "members");
    assert!(
        members.index("ix_users_name").is_some(),
        "indexes move with the table"
    );
    let purchases = table(&schema, "purchases");
    let target = |fk: &str| {
        purchases
            .foreign_key(fk)
            .map(|f| f.references_table.as_str())
    };
    assert_eq!(target("fk_orders_user"), Some("members"));
    assert_eq!(target("fk_orders_parent"), Some("purchases"));
    let referencing: Vec<_> = schema
        .foreign_keys_referencing("members")
        .map(|(holder, fk)| (holder.name.as_str(), fk.name.as_deref()))
        .collect();
    assert_eq!(referencing, [("purchases", Some("fk_orders_user"))]);
}

#[test]
fn indexes_are_created_and_dropped_by_table_and_name() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "create_index"
name = "ix_a"
table = "orders"
columns = ["total"]
unique = true
where = "total > 0"

[[upgrade]]
op = "create_index"
name = "ix_users_name"
table = "orders"
columns = ["user_id"]

[[upgrade]]
op = "drop_index"
name = "ix_users_name"
table = "users"
"#,
    );
    assert!(table(&schema, "users").indexes.is_empty());
    let orders = table(&schema, "orders");
    assert_eq!(
        orders
            .indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        ["ix_a", "ix_users_name"]
    );
    assert_eq!(
        orders.index("ix_a"),
        Some(&Index {
            name: "ix_a".into(),
            columns: names(&["total"]),
            unique: true,
            predicate: Some("total > 0".into())
        })
    );
}

#[test]
fn constraints_are_created_and_dropped_by_kind_and_name() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "create_unique_constraint"
name = "uq_name"
table = "users"
columns = ["name"]

[[upgrade]]
op = "create_check_constraint"
name = "ck_total"
table = "orders"
expr = "total >= 0"

[[upgrade]]
op = "create_foreign_key"
name = "fk_self"
table = "users"
columns = ["email"]
references_table = "users"
references_columns = ["email"]
on_update = "restrict"
"#,
    );
    let users = table(&schema, "users");
    assert_eq!(users.unique_constraints.len(), 2);
    assert_eq!(
        users.unique_constraint("uq_name").map(|u| &u.columns[..]),
        Some(&names(&["name"])[..])
    );
    assert_eq!(
        users.foreign_key("fk_self").map(|f| f.on_update),
        Some(ReferentialAction::Restrict)
    );
    assert_eq!(
        table(&schema, "orders")
            .check("ck_total")
            .map(|c| c.expr.as_str()),
        Some("total >= 0")
    );

    let mut dropped = schema.clone();
    for (kind, table_name, name) in [
        ("unique", "users", "uq_name"),
        ("check", "orders", "ck_total"),
        ("foreign_key", "users", "fk_self"),
        ("check", "users", "ck_name"),
    ] {
        let drop = op(&format!(
            "[[upgrade]]\nop = \"drop_constraint\"\nname = \"{name}\"\ntable = \"{table_name}\"\nkind = \"{kind}\"\n"
        ));
        assert_eq!(dropped.apply(&drop), Ok(Applied::Exact));
    }
    let users = table(&dropped, "users");
    assert!(users.unique_constraint("uq_name").is_none() && users.unique_constraints.len() == 1);
    assert!(users.foreign_keys.is_empty() && users.checks.is_empty());
    assert!(table(&dropped, "orders").check("ck_total").is_none());
}

#[test]
fn a_foreign_key_may_reference_a_table_the_model_does_not_know() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "create_foreign_key"
name = "fk_auth"
table = "users"
columns = ["id"]
references_table = "auth_accounts"
references_columns = ["account_id"]
"#,
    );
    assert!(table(&schema, "users").foreign_key("fk_auth").is_some());
}

#[test]
fn execute_is_opaque_and_bulk_insert_changes_nothing() {
    let before = fold(BASE);
    let mut schema = before.clone();
    let execute =
        op("[[upgrade]]\nop = \"execute\"\nsql = \"ALTER TABLE users ADD COLUMN x int\"\n");
    assert_eq!(schema.apply(&execute), Ok(Applied::Opaque));
    let insert = op("[[upgrade]]\nop = \"bulk_insert\"\ntable = \"users\"\nrows = [{ id = 1, email = \"a@b\" }]\n");
    assert_eq!(schema.apply(&insert), Ok(Applied::Exact));
    assert_eq!(schema, before);

    let all = ops(&format!(
        "{BASE}\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n"
    ));
    let folded = Schema::fold(&all).map(|(s, applied)| (s == before, applied));
    assert_eq!(folded, Ok((true, Applied::Opaque)));
    assert_eq!(Applied::Exact.and(Applied::Exact), Applied::Exact);
    assert_eq!(Applied::Exact.and(Applied::Opaque), Applied::Opaque);
    assert_eq!(Applied::Opaque.and(Applied::Exact), Applied::Opaque);
}

#[test]
fn apply_all_continues_a_schema_across_revisions() {
    let mut schema = fold(BASE);
    let next = ops("[[upgrade]]\nop = \"drop_table\"\ntable = \"orders\"\n");
    assert_eq!(schema.apply_all(&next), Ok(Applied::Exact));
    assert_eq!(schema.table_names().collect::<Vec<_>>(), ["users"]);
    assert!(!schema.is_empty());
    assert!(Schema::new().is_empty());
}
