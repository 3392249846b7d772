//! The conformance suite against the MySQL/MariaDB driver, linked in statically. Needs
//! `RETORT_TEST_MYSQL_URL`; every case gets its own database, created through that URL
//! and dropped afterwards.

use retort_conformance::{cases, run_case, Factory, TestDatabase};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;
use retort_mysql::MysqlDialect;
use std::sync::atomic::{AtomicUsize, Ordering};

const URL_VAR: &str = "RETORT_TEST_MYSQL_URL";

struct MysqlDatabases {
    dialect: MysqlDialect,
    /// The server URL as given; its database is not used.
    base: String,
    counter: AtomicUsize,
}

impl MysqlDatabases {
    /// The URL of database `name` on the same server.
    fn url_of(&self, name: &str) -> Result<DatabaseUrl, String> {
        let (without_query, query) = match self.base.split_once('?') {
            Some((head, query)) => (head, format!("?{query}")),
            None => (self.base.as_str(), String::new()),
        };
        let authority_end = without_query
            .find("://")
            .map(|i| i + 3)
            .and_then(|start| without_query[start..].find('/').map(|i| start + i))
            .unwrap_or(without_query.len());
        DatabaseUrl::parse(&format!(
            "{}/{name}{query}",
            &without_query[..authority_end]
        ))
        .map_err(|e| e.to_string())
    }
}

impl Factory for MysqlDatabases {
    fn dialect(&self) -> &dyn Dialect {
        &self.dialect
    }

    fn create(&self, case: &str) -> Result<TestDatabase, String> {
        let name = format!(
            "retort_{}_{}_{}",
            std::process::id(),
            self.counter.fetch_add(1, Ordering::SeqCst),
            case.chars().take(30).collect::<String>()
        );
        let url = self.url_of(&name)?;
        self.dialect
            .create_database(&url)
            .map_err(|e| format!("creating database {name}: {e}"))?;
        Ok(TestDatabase { url, handle: name })
    }

    fn dispose(&self, database: TestDatabase) {
        if let Err(error) = self.dialect.drop_database(&database.url) {
            eprintln!("could not drop test database {}: {error}", database.handle);
        }
    }
}

/// The server URL, or `None` (after saying so) when the test is to be skipped.
fn server_url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("RETORT_REQUIRE_ALL_BACKENDS").as_deref() != Ok("1"),
                "{URL_VAR} is not set, and RETORT_REQUIRE_ALL_BACKENDS=1 requires it"
            );
            eprintln!("SKIPPED every_case_passes_on_mariadb: {URL_VAR} not set");
            None
        }
    }
}

#[test]
fn every_case_passes_on_mariadb() {
    let Some(base) = server_url() else {
        return;
    };
    let factory = MysqlDatabases {
        dialect: MysqlDialect::new(),
        base,
        counter: AtomicUsize::new(0),
    };
    let mut failures = Vec::new();
    let mut passed = Vec::new();
    for case in cases() {
        match run_case(&factory, &case) {
            Ok(()) => passed.push(case.name),
            Err(error) => failures.push(format!("{}: {error}", case.name)),
        }
    }
    eprintln!("passed on mysql/mariadb: {passed:?}");
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
