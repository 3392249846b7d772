//! retort-conformance: the conformance kit. One catalogue of cases that proves a dialect
//! driver against a real database, whether the driver is linked in, run through the plugin
//! adapter, or loaded as a shared library; `retort plugin check` runs it against any
//! plugin, and a plugin crate runs it from its own `cargo test` with [`check`].
//!
//! - [`cases`]: the catalogue; each [`Case`] says which capabilities it needs, and is
//!   skipped, with the reason, where they are missing.
//! - [`Factory`]: hands out fresh, empty databases ([`factories`] has the two kinds, one
//!   file per case or one database per case on a server); every case gets its own, so
//!   cases run in parallel.
//! - [`run`] / [`check`]: run the selected cases into a [`Report`]: per case passed,
//!   failed with readable differences, or skipped with why.
//! - [`ChildCommand`]: the second process the kill -9 case kills.

mod cases;
pub mod cdylib;
pub mod child;
mod diff;
pub mod factories;
mod report;
mod scratch;
pub mod servers;

pub use child::ChildCommand;
pub use diff::schema_differences;
pub use report::{CaseResult, Outcome, Report};
pub use scratch::Scratch;

use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Capabilities;
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

/// What a case gets: the dialect, its own fresh database, and the child command if any.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The dialect under test.
    pub dialect: &'a dyn Dialect,
    /// The case's database, empty at the start.
    pub url: &'a DatabaseUrl,
    /// The command that runs an upgrade in a second process, when one was named.
    pub child: Option<&'a ChildCommand>,
}

/// One conformance case.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// A name that says what is checked.
    pub name: &'static str,
    /// `Some(reason)` when the case does not apply to a dialect with these capabilities.
    pub applies: fn(&Capabilities) -> Option<&'static str>,
    /// It starts a second process ([`ChildCommand`]); skipped without one.
    pub needs_child: bool,
    /// Timing matters to it: it runs after the others, alone.
    pub alone: bool,
    /// The check: `Err` says what went wrong.
    pub run: fn(&Context<'_>) -> Result<(), String>,
}

/// Every case, in a fixed order.
pub fn cases() -> Vec<Case> {
    cases::all()
}

/// What to run, and with what.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run only the cases whose name contains one of these (all when empty).
    pub select: Vec<String>,
    /// The second process of the kill -9 case; without it the case is skipped.
    pub child: Option<ChildCommand>,
}

/// The cases `select` picks (each a whole name or part of one; all when empty), or an
/// error naming a filter that matches none and listing the names.
pub fn select(select: &[String]) -> Result<Vec<Case>, String> {
    let all = cases();
    if select.is_empty() {
        return Ok(all);
    }
    for filter in select {
        if !all.iter().any(|case| case.name.contains(filter.as_str())) {
            let names: Vec<&str> = all.iter().map(|case| case.name).collect();
            return Err(format!(
                "no conformance case matches `{filter}`; the cases are: {}",
                names.join(", ")
            ));
        }
    }
    Ok(all
        .into_iter()
        .filter(|case| select.iter().any(|f| case.name.contains(f.as_str())))
        .collect())
}

/// Runs one case on a fresh database of `factory`'s driver, or says why it is skipped.
pub fn run_case(factory: &dyn Factory, case: &Case, child: Option<&ChildCommand>) -> Outcome {
    if let Some(reason) = (case.applies)(&factory.dialect().capabilities()) {
        return Outcome::Skipped(reason.to_string());
    }
    if case.needs_child && child.is_none() {
        return Outcome::Skipped(String::from(
            "it kills a second process, and no child command was named (`retort plugin \
             check` names itself; a library caller passes Options::child)",
        ));
    }
    let database = match factory.create(case.name) {
        Ok(database) => database,
        Err(error) => return Outcome::Failed(format!("making its database: {error}")),
    };
    let context = Context {
        dialect: factory.dialect(),
        url: &database.url,
        child,
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (case.run)(&context)))
        .unwrap_or_else(|_| Err("the case panicked".into()));
    factory.dispose(database);
    match result {
        Ok(()) => Outcome::Passed,
        Err(message) => Outcome::Failed(message),
    }
}

/// Runs the selected cases, each on its own database: the others in parallel threads,
/// then the timing-sensitive ones alone.
pub fn run(factory: &dyn Factory, options: &Options) -> Result<Report, String> {
    let selected = select(&options.select)?;
    let child = options.child.as_ref();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; selected.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = selected
            .iter()
            .enumerate()
            .filter(|(_, case)| !case.alone)
            .map(|(i, case)| (i, scope.spawn(move || run_case(factory, case, child))))
            .collect();
        for (i, handle) in handles {
            outcomes[i] = Some(
                handle
                    .join()
                    .unwrap_or_else(|_| Outcome::Failed("the case panicked".into())),
            );
        }
    });
    for (i, case) in selected.iter().enumerate().filter(|(_, c)| c.alone) {
        outcomes[i] = Some(run_case(factory, case, child));
    }
    Ok(Report {
        cases: selected
            .iter()
            .zip(outcomes)
            .map(|(case, outcome)| CaseResult {
                name: case.name,
                outcome: outcome.unwrap_or_else(|| Outcome::Failed("the case did not run".into())),
            })
            .collect(),
    })
}

/// The kit as a plugin crate calls it from its own `cargo test`: every case against
/// `dialect`, on databases made from `url` (a server URL: one database per case on that
/// server; a file URL: one file per case in a temporary directory).
pub fn check(dialect: Box<dyn Dialect>, url: &str, options: &Options) -> Result<Report, String> {
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    let factory = factories::for_url(dialect, &url)?;
    run(factory.as_ref(), options)
}

/// Runs every case and panics with the report if any failed or none passed: the body of
/// a test.
pub fn assert_all_pass(factory: &dyn Factory, options: &Options, label: &str) -> Report {
    let report = match run(factory, options) {
        Ok(report) => report,
        Err(error) => panic!("{label}: {error}"),
    };
    let text = report.to_text();
    eprintln!("{label}:\n{text}");
    assert!(report.failed() == 0, "{label}: some cases failed:\n{text}");
    assert!(report.passed() > 0, "{label}: no case passed");
    report
}
