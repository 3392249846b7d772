//! Model → operations → model, and serde both ways.

use super::{base_then, fold, table, BASE};
use retort_core::revision::ops::Operation;
use retort_core::schema::{Applied, Index, PrimaryKey, Schema};

/// BASE plus every kind of column type, default, key and constraint.
const RICH: &str = r#"
[[upgrade]]
op = "create_table"
table = "memberships"
columns = [
  { name = "user_id", type = "bigint" },
  { name = "group_id", type = "integer" },
  { name = "doc", type = { native = "tsvector" } },
  { name = "nick", type = { postgres = "citext", default = "text" }, default = "anon", comment = "shown" },
  { name = "score", type = "numeric(10,2)", default = 1.5 },
  { name = "active", type = "boolean", default = true, nullable = false },
  { name = "joined", type = "timestamptz", default = { sql = "CURRENT_TIMESTAMP" } },
  { name = "code", type = "char(4)", unique = true },
]
primary_key = ["group_id", "user_id"]
unique = [{ name = "uq_nick", columns = ["nick", "group_id"] }, { columns = ["doc"] }]
checks = [{ expr = "score >= 0" }, { name = "ck_nick", expr = "nick <> ''" }]
foreign_keys = [
  { columns = ["user_id"], references_table = "users", references_columns = ["id"], on_delete = "set_null", on_update = "cascade" },
  { name = "fk_group", columns = ["group_id"], references_table = "groups", references_columns = ["id"], on_delete = "restrict" },
]
comment = "who is where"

[[upgrade]]
op = "create_index"
name = "ix_active"
table = "memberships"
columns = ["active", "joined"]
unique = true
where = "active"
"#;

fn rich() -> Schema {
    base_then(RICH)
}

#[test]
fn a_schema_folds_back_from_its_create_operations() {
    let schema = rich();
    let operations = schema.create_operations();
    let names: Vec<&str> = operations.iter().map(Operation::name).collect();
    assert_eq!(
        names,
        [
            "create_table",
            "create_table",
            "create_table",
            "create_index",
            "create_index"
        ]
    );
    assert_eq!(Schema::fold(&operations), Ok((schema, Applied::Exact)));
}

#[test]
fn a_table_is_recreated_by_its_create_table_and_index_operations() {
    let schema = rich();
    for original in schema.tables() {
        let Operation::CreateTable(create) = original.create_table_operation() else {
            panic!("create_table expected")
        };
        // One key column is written on the column, a composite key in `primary_key`.
        let flagged = create.columns.iter().filter(|c| c.primary_key).count();
        match original.name.as_str() {
            "memberships" => {
                assert_eq!(
                    create.primary_key,
                    Some(vec!["group_id".into(), "user_id".into()])
                );
                assert_eq!(flagged, 0);
            }
            _ => assert_eq!((create.primary_key.is_none(), flagged), (true, 1)),
        }
        assert!(
            create.columns.iter().all(|c| !c.unique),
            "uniqueness is written as constraints"
        );
        let mut rebuilt = Schema::new();
        rebuilt
            .apply(&Operation::CreateTable(create))
            .unwrap_or_else(|e| panic!("{e}"));
        rebuilt
            .apply_all(&original.index_operations())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rebuilt.table(&original.name), Some(original));
    }
}

#[test]
fn a_primary_key_name_is_the_one_thing_operations_cannot_carry() {
    let mut schema = fold(BASE);
    let mut users = table(&schema, "users").clone();
    users.primary_key = Some(PrimaryKey {
        name: Some("users_pkey".into()),
        columns: vec!["id".into()],
    });
    schema.insert_table(users);
    let folded = Schema::fold(&schema.create_operations()).map(|(s, _)| s);
    let key_name = |s: &Schema| {
        table(s, "users")
            .primary_key
            .as_ref()
            .and_then(|k| k.name.clone())
    };
    assert_eq!(folded.as_ref().map(key_name), Ok(None));
    assert_eq!(key_name(&schema).as_deref(), Some("users_pkey"));
}

#[test]
fn serde_round_trips_through_json_and_toml() {
    let schema = rich();
    let json = serde_json::to_string(&schema).unwrap_or_else(|e| panic!("{e}"));
    let from_json: Schema = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_json, schema);
    let toml_text = toml::to_string(&schema).unwrap_or_else(|e| panic!("{e}"));
    let from_toml: Schema =
        toml::from_str(&toml_text).unwrap_or_else(|e| panic!("{e}\n{toml_text}"));
    assert_eq!(from_toml, schema);
    // The normal form's defaults are left out: no `unique`, no NO ACTION, no false flags.
    let value = serde_json::to_value(table(&schema, "users")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        value["columns"][2],
        serde_json::json!({ "name": "name", "type": "text", "nullable": true, "comment": "display name" })
    );
    assert_eq!(
        value["indexes"][0],
        serde_json::json!({ "name": "ix_users_name", "columns": ["name", "email"] })
    );
}

#[test]
fn reading_a_schema_rejects_a_table_listed_twice_and_unknown_keys() {
    let one = r#"{ "name": "a", "columns": [{ "name": "x", "type": "text" }] }"#;
    let twice = format!(r#"{{ "tables": [{one}, {one}] }}"#);
    let error = serde_json::from_str::<Schema>(&twice)
        .err()
        .map(|e| e.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("table `a` is listed twice; each table appears once")),
        "{error:?}"
    );
    let typo = r#"{ "tables": [{ "name": "a", "colums": [] }] }"#;
    let error = serde_json::from_str::<Schema>(typo)
        .err()
        .map(|e| e.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("unknown field `colums`")),
        "{error:?}"
    );
}

#[test]
fn inserted_tables_are_normalized_so_introspected_and_folded_compare_equal() {
    let folded = fold(BASE);
    let mut introspected = table(&folded, "users").clone();
    introspected.indexes.push(Index {
        name: "a_first".into(),
        columns: vec!["email".into()],
        unique: true,
        predicate: None,
    });
    for column in &mut introspected.columns {
        column.nullable = true;
    }
    let schema: Schema = [introspected, table(&folded, "orders").clone()]
        .into_iter()
        .collect();
    let users = table(&schema, "users");
    let index_names: Vec<&str> = users.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(index_names, ["a_first", "ix_users_name"]);
    assert_eq!(
        users.column("id").map(|c| c.nullable),
        Some(false),
        "key columns are NOT NULL"
    );
    assert_eq!(users.column("name").map(|c| c.nullable), Some(true));
    let mut without = schema.clone();
    let removed = without.remove_table("users");
    assert!(removed.is_some() && without.len() == 1);
}
