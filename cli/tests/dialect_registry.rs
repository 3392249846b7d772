//! The dialect registry of `retort-core`, filled with the real built-in drivers as the CLI
//! fills it: lookup by name and scheme, conflicts, the syntax of each dialect, and URLs
//! read in the form their dialect declares.
#![cfg(all(feature = "sqlite", feature = "postgres", feature = "mysql"))]

use retort_core::db_url::{DatabaseUrl, FileLocation, UrlForm};
use retort_core::registry::{DialectRegistry, RegistryError};
use retort_core::Dialect;

fn builtins() -> DialectRegistry {
    let mut registry = DialectRegistry::new();
    let dialects: [Box<dyn Dialect>; 3] = [
        Box::new(retort_sqlite::SqliteDialect::new()),
        Box::new(retort_postgres::PostgresDialect::new()),
        Box::new(retort_mysql::MysqlDialect::new()),
    ];
    for dialect in dialects {
        if let Err(error) = registry.add_builtin(dialect) {
            panic!("{error}");
        }
    }
    registry
}

#[test]
fn dialects_are_found_by_name_and_by_any_of_their_schemes() {
    let registry = builtins();
    let name = |found: Option<&dyn Dialect>| found.map(|d| d.name().to_string());
    assert_eq!(
        name(registry.by_name("postgres")).as_deref(),
        Some("postgres")
    );
    assert_eq!(
        name(registry.by_name("PostgreSQL")).as_deref(),
        Some("postgres")
    );
    assert_eq!(
        name(registry.by_scheme("mariadb")).as_deref(),
        Some("mysql")
    );
    assert_eq!(name(registry.by_name("duckdb")), None);
    assert_eq!(
        registry.schemes(),
        ["sqlite", "postgres", "postgresql", "mysql", "mariadb"]
    );
}

#[test]
fn a_scheme_claimed_twice_is_an_error_naming_both() {
    let mut registry = builtins();
    let error = match registry.add_builtin(Box::new(retort_sqlite::SqliteDialect::new())) {
        Err(error) => error,
        Ok(()) => panic!("a second SQLite dialect was accepted"),
    };
    assert!(matches!(error, RegistryError::SchemeClaimedTwice { .. }));
    assert!(
        error.to_string().starts_with(
            "the URL scheme `sqlite` is claimed by both the built-in sqlite dialect and \
             the built-in sqlite dialect"
        ),
        "{error}"
    );
}

#[test]
fn the_syntaxes_are_the_dialects_own_under_every_name() {
    let syntaxes = builtins().syntaxes();
    let mysql = retort_mysql::MysqlDialect::new().syntax();
    assert_eq!(syntaxes.for_dialect(Some("mysql")), mysql);
    assert_eq!(syntaxes.for_dialect(Some("mariadb")), mysql);
    assert_eq!(
        syntaxes.for_dialect(Some("postgresql")),
        retort_postgres::PostgresDialect::new().syntax()
    );
    assert_eq!(syntaxes.for_dialect(Some("duckdb")), Default::default());
}

#[test]
fn a_url_is_read_in_the_form_its_dialect_declares() -> Result<(), Box<dyn std::error::Error>> {
    let registry = builtins();
    let file = DatabaseUrl::parse_relative_to("sqlite://data/app.db", "/project".as_ref())?;
    let sqlite = registry.for_url(&file)?;
    assert_eq!(UrlForm::of(&sqlite.capabilities()), UrlForm::LocalFile);
    assert_eq!(
        file.local_file()?,
        &FileLocation::File("/project/data/app.db".into())
    );
    let server = DatabaseUrl::parse("postgresql://app:pw@db:6543/prod")?;
    let postgres = registry.for_url(&server)?;
    assert_eq!(UrlForm::of(&postgres.capabilities()), UrlForm::Server);
    server.check(UrlForm::Server)?;
    assert_eq!((server.host(), server.port()), (Some("db"), Some(6543)));
    let unknown = DatabaseUrl::parse("duckdb://u:secret@h/x")?;
    let error = match registry.take_for_url(&unknown) {
        Err(error) => error.to_string(),
        Ok(dialect) => panic!("{} serves duckdb://", dialect.name()),
    };
    assert_eq!(
        error,
        "no dialect serves the URL scheme `duckdb` (in duckdb://u:***@h/x); known schemes: \
         sqlite, postgres, postgresql, mysql, mariadb"
    );
    Ok(())
}
