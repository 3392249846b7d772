//! Against a live server (`RETORT_TEST_POSTGRES_URL`): typed values, the lock, schemas.

mod common;

use common::{fresh_database, ops, rows};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{RenderMode, Statement};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;
use std::time::Duration;

#[test]
fn bulk_insert_reaches_typed_columns_and_reads_back() {
    let Some(db) = fresh_database("typed") else {
        return;
    };
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    let all = ops(r#"
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
"#);
    let mut schema = Schema::new();
    for op in &all {
        for statement in PostgresDialect
            .render_operation(op, &schema, RenderMode::Online)
            .expect("renders")
        {
            conn.execute(&statement)
                .unwrap_or_else(|e| panic!("{}: {e}", statement.sql));
        }
        schema.apply(op).expect("folds");
    }
    let read = rows(
        conn.as_mut(),
        "SELECT id, n, d, ts, u, j, b, s, f, ok FROM t",
    );
    assert_eq!(
        read,
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
    assert_eq!(conn.introspect().expect("introspects"), schema);
}

#[test]
fn lock_times_out_while_another_session_holds_it_and_holds_no_transaction() {
    let Some(db) = fresh_database("lock") else {
        return;
    };
    let mut first = PostgresDialect.connect(&db.url).expect("connects");
    let mut second = PostgresDialect.connect(&db.url).expect("connects");
    first.lock(Duration::from_secs(1)).expect("first lock");
    let open = rows(
        first.as_mut(),
        "SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() AND xact_start IS NOT NULL AND state <> 'active'",
    );
    assert_eq!(
        open,
        vec![vec![Value::Integer(0)]],
        "the lock keeps no transaction open"
    );
    let error = second
        .lock(Duration::from_millis(200))
        .expect_err("the second run waits, then gives up");
    assert!(error.lock_timeout, "{error}");
    assert!(error.message.contains("--lock-timeout"), "{error}");
    first.unlock().expect("unlocks");
    second.lock(Duration::from_secs(1)).expect("free again");
    second.unlock().expect("unlocks");
}

#[test]
fn schema_in_the_url_sets_the_search_path_for_tables_and_introspection() {
    let Some(db) = fresh_database("schema") else {
        return;
    };
    let mut conn = PostgresDialect.connect(&db.url).expect("connects");
    conn.execute(&Statement::new(
        "CREATE SCHEMA app; CREATE TABLE public.outside (id integer)",
    ))
    .expect("schema made");
    let in_app = DatabaseUrl::parse(&format!("{}?schema=app", db.url.expose_secret_str()))
        .expect("url parses");
    let mut app = PostgresDialect.connect(&in_app).expect("connects to app");
    app.execute(&Statement::new("CREATE TABLE inside (id integer)"))
        .expect("creates in app");
    assert!(app.table_exists(None, "inside").expect("looks up"));
    assert!(!app.table_exists(None, "outside").expect("looks up"));
    assert!(app
        .table_exists(Some("public"), "outside")
        .expect("looks up"));
    let names: Vec<String> = app
        .introspect()
        .expect("introspects")
        .table_names()
        .map(String::from)
        .collect();
    assert_eq!(names, vec!["inside"]);
    let options = DatabaseUrl::parse(&format!(
        "{}?options=-csearch_path%3Dapp",
        db.url.expose_secret_str()
    ))
    .expect("url parses");
    let mut via_options = PostgresDialect.connect(&options).expect("connects");
    assert!(via_options.table_exists(None, "inside").expect("looks up"));
}

#[test]
fn create_and_drop_database_say_whether_they_did_anything() {
    let Some(db) = fresh_database("createdrop") else {
        return;
    };
    assert!(!PostgresDialect
        .create_database(&db.url)
        .expect("create again"));
    assert!(PostgresDialect.drop_database(&db.url).expect("drops"));
    assert!(!PostgresDialect.drop_database(&db.url).expect("drop again"));
}

/// Whether the session is encrypted, as the server sees it.
fn encrypted(url: &str) -> Result<bool, String> {
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    let mut conn = PostgresDialect.connect(&url).map_err(|e| e.to_string())?;
    match rows(
        conn.as_mut(),
        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    )
    .as_slice()
    {
        [row] => Ok(row == &vec![Value::Boolean(true)]),
        other => Err(format!("pg_stat_ssl: {other:?}")),
    }
}

#[test]
fn sslmode_in_the_url_decides_whether_the_session_is_encrypted() {
    let Some(db) = fresh_database("tls") else {
        return;
    };
    let base = db.url.expose_secret_str().to_string();
    let with = |params: &str| format!("{base}?{params}");
    assert!(!encrypted(&with("sslmode=disable")).expect("connects without TLS"));
    let server_has_tls = encrypted(&base).expect("connects with the default, prefer");
    if !server_has_tls {
        let error = encrypted(&with("sslmode=require")).expect_err("no TLS, no connection");
        eprintln!("SKIPPED the TLS half: the server does not offer TLS ({error})");
        return;
    }
    assert!(encrypted(&with("sslmode=require")).expect("connects with TLS"));
    // The server's certificate is self-signed and not issued for 127.0.0.1: verification
    // must refuse it, with or without the certificate as root.
    let error = encrypted(&with("sslmode=verify-full")).expect_err("an unknown issuer");
    assert!(error.contains("cannot connect"), "{error}");
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    if std::path::Path::new(snakeoil).exists() {
        let error = encrypted(&with(&format!(
            "sslmode=verify-full&sslrootcert={snakeoil}"
        )))
        .expect_err("a certificate for another name");
        assert!(error.contains("cannot connect"), "{error}");
    }
    let error = encrypted(&with("sslmode=verify-ca")).expect_err("not supported");
    assert!(error.contains("verify-full"), "{error}");
    let error = encrypted(&with("sslmode=sometimes")).expect_err("not a mode");
    assert!(error.contains("sslmode=`sometimes`"), "{error}");
    let error = encrypted(&with("sslmode=require&sslrootcert=/nonexistent.pem"))
        .expect_err("an unreadable root certificate");
    assert!(error.contains("/nonexistent.pem"), "{error}");
}
