//! The conformance suite against the SQLite driver, linked in statically.

use retort_conformance::{cases, run_case, Factory, TestDatabase};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;

struct SqliteFiles {
    dialect: SqliteDialect,
    dir: tempfile::TempDir,
}

impl Factory for SqliteFiles {
    fn dialect(&self) -> &dyn Dialect {
        &self.dialect
    }

    fn create(&self, case: &str) -> Result<TestDatabase, String> {
        let path = self.dir.path().join(format!("{case}.db"));
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
            .map_err(|e| e.to_string())?;
        Ok(TestDatabase {
            url,
            handle: path.display().to_string(),
        })
    }

    fn dispose(&self, database: TestDatabase) {
        let _ = std::fs::remove_file(&database.handle);
    }
}

/// One test per case, so a failure names its case.
#[test]
fn every_case_passes_on_sqlite() {
    let factory = SqliteFiles {
        dialect: SqliteDialect::new(),
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let mut failures = Vec::new();
    for case in cases() {
        if let Err(error) = run_case(&factory, &case) {
            failures.push(format!("{}: {error}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
