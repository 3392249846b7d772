//! retort-conformance: one catalogue of cases that every dialect driver must pass, whether
//! linked in, run through the plugin adapter, or loaded as a shared library.
//!
//! A driver provides a [`Factory`] that hands out fresh, empty databases; every case gets
//! its own and the factory disposes of it afterwards, so cases run in parallel.

mod cases;
pub mod cdylib;
pub mod factories;
mod scratch;
pub mod servers;

pub use scratch::Scratch;

use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;

/// A fresh, empty database of one driver.
#[derive(Debug)]
pub struct TestDatabase {
    /// Where it is.
    pub url: DatabaseUrl,
    /// Whatever the factory needs to drop it again (a database name, a file).
    pub handle: String,
}

/// Hands out fresh databases of one driver.
pub trait Factory: Sync + std::fmt::Debug {
    /// The driver's dialect.
    fn dialect(&self) -> &dyn Dialect;

    /// A new, empty database.
    fn create(&self, case: &str) -> Result<TestDatabase, String>;

    /// Drops a database made by [`Factory::create`].
    fn dispose(&self, database: TestDatabase);
}

/// One conformance case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// A name that says what is checked.
    pub name: &'static str,
    /// The check: `Err` says what went wrong.
    pub run: fn(&dyn Dialect, &DatabaseUrl) -> Result<(), String>,
}

/// Every case, in a fixed order.
pub fn cases() -> Vec<Case> {
    cases::all()
}

/// The outcome of a whole suite run.
#[derive(Debug, Default)]
pub struct Report {
    /// Names of the cases that passed.
    pub passed: Vec<&'static str>,
    /// Names and errors of the cases that failed.
    pub failed: Vec<(&'static str, String)>,
}

impl Report {
    /// `N passed, M failed`, the closing line of `retort plugin check`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed.len(), self.failed.len())
    }
}

/// Runs one case on a fresh database of `factory`'s driver.
pub fn run_case(factory: &dyn Factory, case: &Case) -> Result<(), String> {
    let database = factory.create(case.name)?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (case.run)(factory.dialect(), &database.url)
    }))
    .unwrap_or_else(|_| Err("the case panicked".into()));
    factory.dispose(database);
    result
}

/// Runs every case and panics with every failure if any failed: the body of a test.
pub fn assert_all_pass(factory: &dyn Factory, label: &str) {
    let report = run_all(factory);
    let failures: Vec<String> = report
        .failed
        .iter()
        .map(|(name, error)| format!("{name}: {error}"))
        .collect();
    eprintln!("{label}: {}", report.summary());
    assert!(
        failures.is_empty(),
        "{label}: {} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(!report.passed.is_empty(), "{label}: no case ran");
}

/// Runs every case (each on its own database), in parallel threads.
pub fn run_all(factory: &dyn Factory) -> Report {
    let cases = cases();
    let results: Vec<(&'static str, Result<(), String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .iter()
            .map(|case| (case.name, scope.spawn(move || run_case(factory, case))))
            .collect();
        handles
            .into_iter()
            .map(|(name, handle)| {
                (
                    name,
                    handle
                        .join()
                        .unwrap_or_else(|_| Err("the case panicked".into())),
                )
            })
            .collect()
    });
    let mut report = Report::default();
    for (name, result) in results {
        match result {
            Ok(()) => report.passed.push(name),
            Err(error) => report.failed.push((name, error)),
        }
    }
    report
}
