//! The differ: for every pair of schemas here, applying the operations it emits to the
//! current schema gives the target schema, the operations run in an order the fold
//! accepts, and the warnings name what may lose data.

use retort_core::diff::{diff, Diff, DiffOptions, ExactSpelling, WarningKind};
use retort_core::revision::ops::Operation;
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::schema::{Schema, Table};
use std::path::Path;

fn schema(body: &str) -> Schema {
    let text = format!("revision = \"aaaa0001\"\n{body}");
    let revision = parse_toml_revision(Path::new("test.toml"), &text)
        .unwrap_or_else(|e| panic!("test revision does not parse: {e}"));
    Schema::fold(&revision.upgrade)
        .unwrap_or_else(|e| panic!("test schema does not fold: {e}"))
        .0
}

/// Diffs `current` → `target` and checks the oracle: the operations fold onto `current`
/// in order and give `target`.
#[track_caller]
fn checked_diff(current: &Schema, target: &Schema, options: &DiffOptions) -> Diff {
    let result = diff(current, target, options, &ExactSpelling);
    let mut folded = current.clone();
    for op in &result.operations {
        if let Err(e) = folded.apply(op) {
            panic!(
                "operation `{}` does not apply in order: {e}\nall: {:#?}",
                op.name(),
                result.operations
            );
        }
    }
    assert_eq!(
        column_order_ignored(&folded),
        column_order_ignored(target),
        "applying {:#?} does not give the target",
        result.operations
    );
    result
}

/// The tables with columns sorted by name: `add_column` appends, and no operation moves a
/// column, so column order is not a difference (as in Alembic).
fn column_order_ignored(schema: &Schema) -> Vec<Table> {
    schema
        .tables()
        .map(|table| {
            let mut table = table.clone();
            table.columns.sort_by(|a, b| a.name.cmp(&b.name));
            table
        })
        .collect()
}

fn names(diff: &Diff) -> Vec<&'static str> {
    diff.operations.iter().map(Operation::name).collect()
}

fn kinds(diff: &Diff) -> Vec<WarningKind> {
    diff.warnings.iter().map(|w| w.kind).collect()
}

const USERS: &str = r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "name", type = "varchar(100)" },
]
"#;

const ORDERS: &str = r#"
[[upgrade]]
op = "create_table"
table = "orders"
columns = [
  { name = "id", type = "bigint", primary_key = true },
  { name = "user_id", type = "bigint", nullable = false },
]
foreign_keys = [{ name = "fk_orders_user", columns = ["user_id"], references_table = "users", references_columns = ["id"] }]

[[upgrade]]
op = "create_index"
name = "ix_orders_user"
table = "orders"
columns = ["user_id"]
"#;

#[test]
fn equal_schemas_give_nothing_to_do() {
    let both = schema(&format!("{USERS}{ORDERS}"));
    let result = checked_diff(&both, &both, &DiffOptions::new());
    assert!(
        result.is_empty() && result.warnings.is_empty(),
        "{result:?}"
    );
}

#[test]
fn new_tables_come_before_the_tables_that_reference_them() {
    // `orders` sorts before `users` by name, but references it.
    let target = schema(&format!("{USERS}{ORDERS}"));
    let result = checked_diff(&Schema::new(), &target, &DiffOptions::new());
    assert_eq!(
        names(&result),
        ["create_table", "create_table", "create_index"]
    );
    let Operation::CreateTable(first) = &result.operations[0] else {
        panic!("not a create_table")
    };
    assert_eq!(first.table, "users");
}

#[test]
fn dropped_tables_go_after_the_tables_that_reference_them_and_warn() {
    let current = schema(&format!("{USERS}{ORDERS}"));
    let result = checked_diff(&current, &Schema::new(), &DiffOptions::new());
    assert_eq!(names(&result), ["drop_table", "drop_table"]);
    let Operation::DropTable(first) = &result.operations[0] else {
        panic!("not a drop_table")
    };
    assert_eq!(first.table, "orders");
    assert_eq!(
        kinds(&result),
        [WarningKind::DroppedTable, WarningKind::DroppedTable]
    );
}

#[test]
fn a_reference_cycle_is_closed_with_create_foreign_key() {
    let target = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "a"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "b_id", type = "integer" }]

[[upgrade]]
op = "create_table"
table = "b"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "a_id", type = "integer" }]
foreign_keys = [{ name = "fk_b_a", columns = ["a_id"], references_table = "a", references_columns = ["id"] }]

[[upgrade]]
op = "create_foreign_key"
name = "fk_a_b"
table = "a"
columns = ["b_id"]
references_table = "b"
references_columns = ["id"]
"#,
    );
    let result = checked_diff(&Schema::new(), &target, &DiffOptions::new());
    assert_eq!(
        names(&result),
        ["create_table", "create_table", "create_foreign_key"]
    );
}

#[test]
fn columns_added_dropped_and_altered_with_their_warnings() {
    let current = schema(USERS);
    let target = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(100)", nullable = false, default = "" },
  { name = "age", type = "integer", nullable = false },
]
"#,
    );
    let result = checked_diff(&current, &target, &DiffOptions::new());
    assert_eq!(
        names(&result),
        ["add_column", "alter_column", "drop_column"]
    );
    let found = kinds(&result);
    for expected in [
        WarningKind::NotNullWithoutDefault,
        WarningKind::DroppedColumn,
        WarningKind::NarrowingType,
    ] {
        assert!(found.contains(&expected), "{expected:?} missing: {found:?}");
    }
    let narrowing = result
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::NarrowingType)
        .expect("a narrowing warning");
    assert_eq!(narrowing.column.as_deref(), Some("email"));
    assert!(narrowing.message.contains("varchar(255) to varchar(100)"));
}

#[test]
fn rename_hints_rename_instead_of_drop_and_add() {
    let current = schema(USERS);
    let target = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "people"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "varchar(255)", nullable = false },
  { name = "display_name", type = "varchar(100)" },
]
"#,
    );
    let unhinted = checked_diff(&current, &target, &DiffOptions::new());
    assert_eq!(names(&unhinted), ["drop_table", "create_table"]);
    assert!(kinds(&unhinted).contains(&WarningKind::SuspectedRename));

    let mut options = DiffOptions::new();
    options
        .table_renames
        .insert("people".into(), "users".into());
    options
        .column_renames
        .insert(("people".into(), "display_name".into()), "name".into());
    let hinted = checked_diff(&current, &target, &options);
    assert_eq!(names(&hinted), ["rename_table", "alter_column"]);
    assert!(hinted.warnings.is_empty(), "{:?}", hinted.warnings);

    // Once applied, the hints match nothing and change nothing.
    let again = checked_diff(&target, &target, &options);
    assert!(again.is_empty());
}

#[test]
fn an_unnamed_declared_constraint_matches_a_named_live_one() {
    let current = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "integer" }]
unique = [{ name = "t_a_key", columns = ["a"] }]
checks = [{ name = "t_b_check", expr = "b > 0" }]
"#,
    );
    let target = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "a", type = "integer" }, { name = "b", type = "integer" }]
unique = [{ columns = ["a"] }]
checks = [{ expr = "b > 0" }]
"#,
    );
    let result = diff(&current, &target, &DiffOptions::new(), &ExactSpelling);
    assert!(result.is_empty(), "{:#?}", result.operations);
}

#[test]
fn changed_constraints_and_indexes_are_dropped_then_created() {
    let current = schema(&format!("{USERS}{ORDERS}"));
    let target = schema(&format!(
        "{USERS}{}",
        ORDERS
            .replace(
                "columns = [\"user_id\"]\n",
                "columns = [\"user_id\"]\nunique = true\n"
            )
            .replace(
                "references_columns = [\"id\"] }",
                "references_columns = [\"id\"], on_delete = \"cascade\" }"
            )
    ));
    let result = checked_diff(&current, &target, &DiffOptions::new());
    assert_eq!(
        names(&result),
        [
            "drop_constraint",
            "drop_index",
            "create_index",
            "create_foreign_key"
        ]
    );
    assert!(kinds(&result).contains(&WarningKind::NewUnique));
}

#[test]
fn ignored_tables_are_never_touched() {
    let current = schema(&format!("{USERS}{ORDERS}"));
    let target = schema(USERS);
    let mut options = DiffOptions::new();
    options.ignore_tables.push("ord*".into());
    let result = diff(&current, &target, &options, &ExactSpelling);
    assert!(result.is_empty(), "{:#?}", result.operations);
}

#[test]
fn restrict_and_no_action_are_one_action() {
    let restrict = schema(&format!(
        "{USERS}{}",
        ORDERS.replace(
            "references_columns = [\"id\"] }",
            "references_columns = [\"id\"], on_delete = \"restrict\" }"
        )
    ));
    let none = schema(&format!("{USERS}{ORDERS}"));
    assert!(diff(&restrict, &none, &DiffOptions::new(), &ExactSpelling).is_empty());
}

#[test]
fn the_reverse_diff_undoes_the_forward_one() {
    let current = schema(&format!("{USERS}{ORDERS}"));
    let target = schema(
        r#"
[[upgrade]]
op = "create_table"
table = "users"
columns = [
  { name = "id", type = "bigint", primary_key = true, autoincrement = true },
  { name = "email", type = "text", nullable = false },
  { name = "nickname", type = "varchar(20)", default = "x" },
]
checks = [{ name = "ck_email", expr = "email <> ''" }]

[[upgrade]]
op = "create_index"
name = "ix_users_email"
table = "users"
columns = ["email"]
"#,
    );
    checked_diff(&current, &target, &DiffOptions::new());
    checked_diff(&target, &current, &DiffOptions::new());
}

/// Random schemas over a small universe of tables, columns, indexes and constraints.
mod random {
    use super::{checked_diff, schema};
    use proptest::prelude::*;
    use retort_core::diff::DiffOptions;

    const TYPES: [&str; 4] = ["integer", "bigint", "text", "varchar(20)"];

    /// Per table: present, then per column (present, type, nullable, default), an index
    /// on the first present column (unique?), a check, and a reference to another table.
    type TableSpec = (
        bool,
        Vec<(bool, usize, bool, bool)>,
        Option<bool>,
        bool,
        Option<usize>,
    );

    fn table_spec() -> impl Strategy<Value = TableSpec> {
        (
            any::<bool>(),
            proptest::collection::vec(
                (any::<bool>(), 0..TYPES.len(), any::<bool>(), any::<bool>()),
                3,
            ),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            proptest::option::of(0usize..3),
        )
    }

    fn render(tables: &[TableSpec]) -> String {
        let present: Vec<usize> = (0..tables.len()).filter(|&i| tables[i].0).collect();
        let mut text = String::new();
        for &i in &present {
            let (_, columns, index, check, reference) = &tables[i];
            let mut cols = vec![String::from(
                "{ name = \"id\", type = \"integer\", primary_key = true }",
            )];
            let mut names = Vec::new();
            for (n, (here, kind, nullable, default)) in columns.iter().enumerate() {
                if !here {
                    continue;
                }
                let default = match (default, TYPES[*kind]) {
                    (true, "text" | "varchar(20)") => ", default = \"d\"",
                    (true, _) => ", default = 1",
                    _ => "",
                };
                cols.push(format!(
                    "{{ name = \"c{n}\", type = \"{}\", nullable = {nullable}{default} }}",
                    TYPES[*kind]
                ));
                names.push(format!("c{n}"));
            }
            let target = reference.filter(|r| *r != i && present.contains(r));
            if target.is_some() {
                cols.push(String::from("{ name = \"ref\", type = \"integer\" }"));
            }
            text.push_str(&format!(
                "[[upgrade]]\nop = \"create_table\"\ntable = \"t{i}\"\ncolumns = [{}]\n",
                cols.join(", ")
            ));
            if *check {
                text.push_str(
                    "checks = [{ name = \"ck_t{i}\", expr = \"id > 0\" }]\n"
                        .replace("{i}", &i.to_string())
                        .as_str(),
                );
            }
            text.push('\n');
            if let (Some(unique), Some(first)) = (index, names.first()) {
                text.push_str(&format!(
                    "[[upgrade]]\nop = \"create_index\"\nname = \"ix_t{i}\"\ntable = \"t{i}\"\ncolumns = [\"{first}\"]\nunique = {unique}\n\n"
                ));
            }
        }
        // Foreign keys last, so that a reference never names a table not yet created.
        for &i in &present {
            if let Some(r) = tables[i].4.filter(|r| *r != i && present.contains(r)) {
                text.push_str(&format!(
                    "[[upgrade]]\nop = \"create_foreign_key\"\nname = \"fk_t{i}\"\ntable = \"t{i}\"\ncolumns = [\"ref\"]\nreferences_table = \"t{r}\"\nreferences_columns = [\"id\"]\n\n"
                ));
            }
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn applying_the_diff_gives_the_target(
            current in proptest::collection::vec(table_spec(), 3),
            target in proptest::collection::vec(table_spec(), 3),
        ) {
            let (current, target) = (schema(&render(&current)), schema(&render(&target)));
            checked_diff(&current, &target, &DiffOptions::new());
        }
    }
}
