//! The conformance kit against the SQLite driver three ways: linked in statically, through
//! the in-process plugin adapter, and loaded from the built shared library. Each test is
//! also the child process of the kill -9 case (see `ChildCommand::test_binary`): started
//! with the child's environment it runs one upgrade and returns.

use retort_conformance::child::upgrade_from_env;
use retort_conformance::factories::FileDatabases;
use retort_conformance::{assert_all_pass, cdylib, ChildCommand, Options};
use retort_core::plugin;
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;

/// The options of a run whose kill -9 child is this test binary, running `test`.
fn options(test: &str) -> Options {
    Options {
        child: Some(ChildCommand::test_binary(test).expect("the test binary")),
        ..Options::default()
    }
}

/// Runs the child's upgrade when this process is the child: `true` then.
fn served_as_child(dialect: &dyn Dialect) -> bool {
    upgrade_from_env(dialect).expect("the child upgrade")
}

#[test]
fn every_case_passes_on_sqlite() {
    if served_as_child(&SqliteDialect::new()) {
        return;
    }
    let factory =
        FileDatabases::new(Box::new(SqliteDialect::new()), "sqlite").expect("temporary directory");
    let report = assert_all_pass(
        &factory,
        &options("every_case_passes_on_sqlite"),
        "sqlite (static)",
    );
    assert_eq!(report.skipped(), 3, "{}", report.to_text());
}

#[test]
fn every_case_passes_on_sqlite_through_the_in_process_adapter() {
    let dialect =
        retort_core::in_process_dialect!(SqliteDialect::new()).expect("in-process adapter");
    if served_as_child(&dialect) {
        return;
    }
    let factory = FileDatabases::new(Box::new(dialect), "sqlite").expect("temporary directory");
    assert_all_pass(
        &factory,
        &options("every_case_passes_on_sqlite_through_the_in_process_adapter"),
        "sqlite (in-process adapter)",
    );
}

#[test]
fn every_case_passes_on_sqlite_loaded_as_a_plugin() {
    let library = cdylib::build("retort-sqlite-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    if served_as_child(&dialect) {
        return;
    }
    assert_eq!(dialect.plugin_name(), "retort-sqlite-plugin");
    let factory = FileDatabases::new(Box::new(dialect), "sqlite").expect("temporary directory");
    assert_all_pass(
        &factory,
        &options("every_case_passes_on_sqlite_loaded_as_a_plugin"),
        "sqlite (loaded plugin)",
    );
}
