//! The conformance suite against the SQLite driver three ways: linked in statically,
//! through the in-process plugin adapter, and loaded from the built shared library.

use retort_conformance::factories::FileDatabases;
use retort_conformance::{assert_all_pass, cdylib};
use retort_core::plugin;
use retort_sqlite::SqliteDialect;

#[test]
fn every_case_passes_on_sqlite() {
    let factory =
        FileDatabases::new(Box::new(SqliteDialect::new()), "sqlite").expect("temporary directory");
    assert_all_pass(&factory, "sqlite (static)");
}

#[test]
fn every_case_passes_on_sqlite_through_the_in_process_adapter() {
    let dialect =
        retort_core::in_process_dialect!(SqliteDialect::new()).expect("in-process adapter");
    let factory = FileDatabases::new(Box::new(dialect), "sqlite").expect("temporary directory");
    assert_all_pass(&factory, "sqlite (in-process adapter)");
}

#[test]
fn every_case_passes_on_sqlite_loaded_as_a_plugin() {
    let library = cdylib::build("retort-sqlite-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    assert_eq!(dialect.plugin_name(), "retort-sqlite-plugin");
    let factory = FileDatabases::new(Box::new(dialect), "sqlite").expect("temporary directory");
    assert_all_pass(&factory, "sqlite (loaded plugin)");
}
