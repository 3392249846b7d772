//! Against a live server (`RETORT_TEST_POSTGRES_URL`): what is PostgreSQL's own (the lock
//! without a transaction, schemas, TLS). Server behaviour every driver shares is tested
//! once, in retort-conformance.

mod common;

use common::{fresh_database, rows};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;
use std::time::Duration;

/// The advisory lock is held by the session, not by a transaction left open (which would
/// hold a snapshot, and make `CREATE INDEX CONCURRENTLY` of another run wait for it). The
/// lock's timeout and release are conformance cases.
#[test]
fn the_lock_keeps_no_transaction_open() {
    let Some(db) = fresh_database("lock") else {
        return;
    };
    let mut first = PostgresDialect.connect(&db.url).expect("connects");
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
    first.unlock().expect("unlocks");
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
