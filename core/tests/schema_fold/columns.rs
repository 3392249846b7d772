//! The column operations: add, drop, alter, and a rename followed everywhere.

use super::{base_then, fold, names, table};
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::DefaultValue;
use retort_core::schema::{Column, PrimaryKey, UniqueConstraint};

#[test]
fn add_column_appends_and_moves_key_and_unique_flags_to_the_table() {
    let schema = fold(
        r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "text" }]

[[upgrade]]
op = "add_column"
table = "t"
column = { name = "id", type = "integer", primary_key = true }

[[upgrade]]
op = "add_column"
table = "t"
column = { name = "code", type = "char(3)", unique = true, default = "abc" }
"#,
    );
    let t = table(&schema, "t");
    assert_eq!(t.column_names().collect::<Vec<_>>(), ["a", "id", "code"]);
    assert_eq!(
        t.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: names(&["id"])
        })
    );
    assert_eq!(t.column("id").map(|c| c.nullable), Some(false));
    assert_eq!(
        t.unique_constraints,
        [UniqueConstraint {
            name: None,
            columns: names(&["code"])
        }]
    );
    assert_eq!(
        t.column("code").and_then(|c| c.default.clone()),
        Some(DefaultValue::String("abc".into()))
    );
    assert_eq!(t.column_position("code"), Some(2));
}

#[test]
fn drop_column_takes_along_what_lists_it_and_keeps_checks() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "drop_column"
table = "users"
column = "email"

[[upgrade]]
op = "drop_column"
table = "orders"
column = "user_id"

[[upgrade]]
op = "drop_column"
table = "orders"
column = "parent_id"
"#,
    );
    let users = table(&schema, "users");
    assert_eq!(users.column_names().collect::<Vec<_>>(), ["id", "name"]);
    assert!(
        users.indexes.is_empty(),
        "the two-column index on (name, email) went"
    );
    assert!(users.unique_constraints.is_empty());
    assert_eq!(
        users.checks.len(),
        1,
        "a check's SQL is not read, so it stays"
    );
    let orders = table(&schema, "orders");
    assert!(
        orders.unique_constraints.is_empty(),
        "uq_user_total listed user_id"
    );
    assert!(
        orders.foreign_keys.is_empty(),
        "both keys listed a dropped column"
    );
    assert!(orders.primary_key.is_some());

    // The self-referencing key goes with its own column, the primary key with its column.
    let schema = base_then(
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"orders\"\ncolumn = \"parent_id\"\n\n\
         [[upgrade]]\nop = \"drop_column\"\ntable = \"users\"\ncolumn = \"name\"\n",
    );
    assert_eq!(table(&schema, "orders").foreign_keys.len(), 1);
    let schema = fold(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"t\"\n\
         columns = [{ name = \"a\", type = \"text\", primary_key = true }, { name = \"b\", type = \"text\" }]\n\n\
         [[upgrade]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"a\"\n",
    );
    assert_eq!(table(&schema, "t").primary_key, None);
}

#[test]
fn alter_column_changes_only_what_it_names() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "alter_column"
table = "orders"
column = "total"
type = "numeric(12,2)"
nullable = false

[[upgrade]]
op = "alter_column"
table = "orders"
column = "parent_id"
default = { sql = "0" }

[[upgrade]]
op = "alter_column"
table = "orders"
column = "total"
drop_default = true
"#,
    );
    let orders = table(&schema, "orders");
    let total = orders.column("total").cloned();
    assert_eq!(
        total,
        Some(Column {
            name: "total".into(),
            column_type: ColumnType::Neutral(NeutralType::Numeric {
                precision: Some(12),
                scale: Some(2)
            }),
            nullable: false,
            default: None,
            autoincrement: false,
            comment: None,
        })
    );
    let parent = orders.column("parent_id").cloned();
    assert_eq!(
        parent.as_ref().and_then(|c| c.default.clone()),
        Some(DefaultValue::Sql("0".into()))
    );
    assert_eq!(parent.map(|c| c.nullable), Some(true));
}

#[test]
fn renaming_a_column_renames_it_in_keys_indexes_constraints_and_foreign_keys_elsewhere() {
    let schema = base_then(
        r#"
[[upgrade]]
op = "alter_column"
table = "users"
column = "id"
new_name = "user_key"

[[upgrade]]
op = "alter_column"
table = "users"
column = "email"
new_name = "mail"

[[upgrade]]
op = "alter_column"
table = "orders"
column = "id"
new_name = "order_id"

[[upgrade]]
op = "alter_column"
table = "orders"
column = "user_id"
new_name = "buyer"
"#,
    );
    let users = table(&schema, "users");
    assert_eq!(
        users.column_names().collect::<Vec<_>>(),
        ["user_key", "mail", "name"]
    );
    assert_eq!(
        users.primary_key.as_ref().map(|k| &k.columns[..]),
        Some(&names(&["user_key"])[..])
    );
    assert_eq!(
        users.index("ix_users_name").map(|i| &i.columns[..]),
        Some(&names(&["name", "mail"])[..])
    );
    assert_eq!(users.unique_constraints[0].columns, names(&["mail"]));
    assert_eq!(
        users.check("ck_name").map(|c| c.expr.as_str()),
        Some("name <> ''")
    );

    let orders = table(&schema, "orders");
    let user_fk = orders.foreign_key("fk_orders_user").cloned();
    assert_eq!(
        user_fk.as_ref().map(|f| &f.columns[..]),
        Some(&names(&["buyer"])[..])
    );
    assert_eq!(
        user_fk.map(|f| f.references_columns),
        Some(names(&["user_key"]))
    );
    assert_eq!(
        orders
            .foreign_key("fk_orders_parent")
            .map(|f| &f.references_columns[..]),
        Some(&names(&["order_id"])[..]),
        "a self-reference follows the rename too"
    );
    assert_eq!(
        orders
            .unique_constraint("uq_user_total")
            .map(|u| &u.columns[..]),
        Some(&names(&["buyer", "total"])[..])
    );
}
