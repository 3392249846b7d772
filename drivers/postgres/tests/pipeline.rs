//! Against a live server (`RETORT_TEST_POSTGRES_URL`): a transaction's statements sent in
//! one round trip (`Connection::execute_transaction`, PostgreSQL's pipeline) do what the
//! same statements do one at a time, values typed by the server from bare placeholders
//! included. That a failure among them names the statement and keeps nothing is a
//! conformance case, for every driver.

mod common;

use common::{fresh_database, ops, rows};
use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;

const TYPED: &str = r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "smallint" }, { name = "n", type = "numeric(10,2)" }, { name = "d", type = "date" },
  { name = "ts", type = "timestamptz" }, { name = "u", type = "uuid" }, { name = "j", type = "json" },
  { name = "b", type = "blob" }, { name = "s", type = "blob" }, { name = "f", type = "double" }, { name = "ok", type = "boolean" }]

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{ id = 7, n = 12.5, d = 2024-02-29, ts = 2024-01-02T03:04:05Z, u = "8d9c1f0e-0000-4000-8000-000000000001",
          j = '{"a": [1, 2]}', b = { base64 = "AP9c" }, s = "a\\b", f = 0.1, ok = true }]
"#;

fn rendered(body: &str) -> Vec<Statement> {
    let mut schema = Schema::new();
    let mut statements = Vec::new();
    for op in &ops(body) {
        statements.extend(
            PostgresDialect
                .render_operation(op, &schema, RenderMode::Online)
                .expect("renders"),
        );
        schema.apply(op).expect("folds");
    }
    statements
}

#[test]
fn values_bound_in_one_round_trip_reach_their_columns_as_one_at_a_time() {
    let Some(db) = fresh_database("pipe_typed") else {
        return;
    };
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    let mut statements = rendered(TYPED);
    // Values bound to bare placeholders, typed by the server from the table alone.
    statements.push(Statement::new(
        "CREATE TABLE bare (i bigint, x float8, ok boolean, s text, ts timestamptz, b bytea, nothing int)",
    ));
    let bare = vec![
        Value::Integer(-9_007_199_254_740_993),
        Value::Float(-1.5e300),
        Value::Boolean(false),
        Value::String("it's 'quoted' \\ ✓".into()),
        Value::DateTime("2024-01-02T03:04:05+05:30".into()),
        Value::Bytes(vec![0, 1, 0x5c, 255]),
        Value::Null,
    ];
    statements.push(Statement::with_params(
        "INSERT INTO bare VALUES ($1, $2, $3, $4, $5, $6, $7)",
        bare.clone(),
    ));
    conn.execute_transaction(&statements)
        .expect("the batch runs");
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT id, n, d, ts, u, j, b, s, f, ok FROM t"
        ),
        vec![vec![
            Value::Integer(7),
            Value::String("12.50".into()),
            Value::DateTime("2024-02-29".into()),
            Value::DateTime("2024-01-02T03:04:05Z".into()),
            Value::String("8d9c1f0e-0000-4000-8000-000000000001".into()),
            Value::String("{\"a\": [1, 2]}".into()),
            Value::Bytes(vec![0, 255, 0x5c]),
            Value::Bytes(b"a\\b".to_vec()),
            Value::Float(0.1),
            Value::Boolean(true),
        ]]
    );
    assert_eq!(
        rows(
            conn.as_mut(),
            "SELECT i, x, ok, s, ts AT TIME ZONE 'UTC', b, nothing FROM bare"
        ),
        vec![vec![
            bare[0].clone(),
            bare[1].clone(),
            bare[2].clone(),
            bare[3].clone(),
            Value::DateTime("2024-01-01T21:34:05".into()),
            bare[5].clone(),
            Value::Null,
        ]]
    );
}
