//! Against a live server (`RETORT_TEST_MYSQL_URL`): what is MySQL's own (values through
//! backslash escapes, NUL and comments, credentials, TLS). Server behaviour every driver
//! shares is tested once, in retort-conformance.

mod common;

use common::{fresh_database, ops, rows};
use retort_core::dialect::RenderMode;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::Dialect;
use retort_mysql::MysqlDialect;

#[test]
fn typed_values_with_backslashes_nul_and_comments_read_back_exactly() {
    let Some(db) = fresh_database("typed") else {
        return;
    };
    let mut conn = MysqlDialect.connect(&db.url).expect("connects");
    let all = ops(r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "smallint" }, { name = "n", type = "numeric(10,2)" }, { name = "d", type = "date" },
  { name = "ts", type = "timestamptz" }, { name = "dt", type = "timestamp" }, { name = "tm", type = "time" },
  { name = "u", type = "uuid" }, { name = "j", type = "json" },
  { name = "b", type = "blob" }, { name = "s", type = "blob" }, { name = "f", type = "double" }, { name = "ok", type = "boolean" },
  { name = "txt", type = "text", comment = "it's \\ here" }, { name = "dflt", type = "text", default = "x'\\y" }]
comment = "all the types"

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{ id = 7, n = 12.5, d = 2024-02-29, ts = 2024-01-02T03:04:05Z, dt = 2024-01-02T03:04:05.25, tm = 12:30:00,
          u = "8d9c1f0e-0000-4000-8000-000000000001",
          j = '{"a": [1, 2]}', b = { base64 = "AP9c" }, s = "a\\b", f = 0.1, ok = true, txt = "x'\\\u0000y" }]
"#);
    let mut schema = Schema::new();
    for op in &all {
        for statement in MysqlDialect
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
        "SELECT id, n, d, ts, dt, tm, u, j, b, s, f, ok, txt FROM t",
    );
    assert_eq!(
        read,
        vec![vec![
            Value::Integer(7),
            Value::String("12.50".into()),
            Value::DateTime("2024-02-29".into()),
            Value::DateTime("2024-01-02T03:04:05Z".into()),
            Value::DateTime("2024-01-02T03:04:05.25".into()),
            Value::String("12:30:00".into()),
            Value::String("8d9c1f0e-0000-4000-8000-000000000001".into()),
            Value::String("{\"a\": [1, 2]}".into()),
            Value::Bytes(vec![0, 255, 0x5c]),
            Value::Bytes(b"a\\b".to_vec()),
            Value::Float(0.1),
            Value::Integer(1),
            Value::String("x'\\\0y".into()),
        ]]
    );
    assert_eq!(conn.introspect().expect("introspects"), schema);
}

#[test]
fn a_wrong_password_is_not_printed() {
    let Some(db) = fresh_database("password") else {
        return;
    };
    let url = retort_core::db_url::DatabaseUrl::parse(&format!(
        "mysql://nobody_here:s3cret-pw@{}:{}/{}",
        db.url.host().unwrap_or("127.0.0.1"),
        db.url.port().unwrap_or(3306),
        db.url.database().unwrap_or("x")
    ))
    .expect("parses");
    let Err(error) = MysqlDialect.connect(&url) else {
        panic!("an unknown user connected");
    };
    let error = error.to_string();
    assert!(!error.contains("s3cret-pw"), "{error}");
    assert!(error.contains("nobody_here"), "{error}");
}

/// `Ssl_cipher` of the session: empty without TLS.
fn cipher(conn: &mut dyn retort_core::Connection) -> String {
    match rows(conn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        .first()
        .and_then(|row| row.get(1))
    {
        Some(Value::String(cipher)) => cipher.clone(),
        other => panic!("unexpected Ssl_cipher {other:?}"),
    }
}

#[test]
fn ssl_mode_required_gets_tls_or_says_the_server_has_none() {
    let Some(db) = fresh_database("tls") else {
        return;
    };
    let with_mode = |mode: &str| {
        retort_core::db_url::DatabaseUrl::parse(&format!(
            "{}?ssl-mode={mode}",
            db.url.expose_secret_str()
        ))
        .expect("parses")
    };
    let mut plain = MysqlDialect
        .connect(&with_mode("disabled"))
        .expect("connects without TLS");
    assert_eq!(cipher(plain.as_mut()), "");
    let have_ssl = rows(plain.as_mut(), "SELECT @@have_ssl");
    let offered = have_ssl == vec![vec![Value::String("YES".into())]];
    let mut preferred = MysqlDialect
        .connect(&with_mode("preferred"))
        .expect("preferred connects either way");
    assert_eq!(!cipher(preferred.as_mut()).is_empty(), offered);
    match MysqlDialect.connect(&with_mode("required")) {
        Ok(mut conn) => {
            assert!(offered, "required connected to a server without TLS");
            assert!(
                !cipher(conn.as_mut()).is_empty(),
                "required without a cipher"
            );
        }
        Err(error) => {
            assert!(!offered, "required failed on a server with TLS: {error}");
            assert!(error.to_string().contains("TLS"), "{error}");
        }
    }
    let Err(error) = MysqlDialect.connect(&with_mode("sometimes")) else {
        panic!("an unknown ssl-mode was accepted");
    };
    assert!(error.to_string().contains("verify_identity"), "{error}");
}

/// A server with TLS and a certificate for `localhost` signed by the CA in
/// `RETORT_TEST_MYSQL_TLS_CA` (a PEM file), at `RETORT_TEST_MYSQL_TLS_URL`. Optional:
/// CI's server has no certificate.
#[test]
fn verify_identity_checks_the_certificate() {
    let (Ok(url), Ok(ca)) = (
        std::env::var("RETORT_TEST_MYSQL_TLS_URL"),
        std::env::var("RETORT_TEST_MYSQL_TLS_CA"),
    ) else {
        eprintln!(
            "SKIPPED verify_identity_checks_the_certificate: RETORT_TEST_MYSQL_TLS_URL/_CA not set"
        );
        return;
    };
    let parse = |query: &str| {
        retort_core::db_url::DatabaseUrl::parse(&format!("{url}?{query}")).expect("parses")
    };
    let mut conn = MysqlDialect
        .connect(&parse(&format!("ssl-mode=verify_identity&ssl-ca={ca}")))
        .expect("the certificate verifies against the CA");
    assert!(!cipher(conn.as_mut()).is_empty());
    let Err(error) = MysqlDialect.connect(&parse("ssl-mode=verify_identity")) else {
        panic!("a certificate of an unknown CA was trusted");
    };
    assert!(error.to_string().contains("cannot connect"), "{error}");
}
