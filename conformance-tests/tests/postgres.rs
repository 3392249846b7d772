//! The conformance suite against the PostgreSQL driver three ways: linked in statically,
//! through the in-process plugin adapter, and loaded from the built shared library. Needs
//! `RETORT_TEST_POSTGRES_URL`; every case gets its own database, created through that URL
//! and dropped afterwards.

use retort_conformance::factories::ServerDatabases;
use retort_conformance::servers::url_from_env;
use retort_conformance::{assert_all_pass, cdylib};
use retort_core::plugin;
use retort_postgres::PostgresDialect;

const URL_VAR: &str = "RETORT_TEST_POSTGRES_URL";

/// The server URL, or `None` (after saying so) when the test is to be skipped.
fn server_url(test: &str) -> Option<String> {
    url_from_env(URL_VAR, test)
}

#[test]
fn every_case_passes_on_postgres() {
    let Some(base) = server_url("every_case_passes_on_postgres") else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(PostgresDialect::new()), &base);
    assert_all_pass(&factory, "postgres (static)");
}

#[test]
fn every_case_passes_on_postgres_through_the_in_process_adapter() {
    let Some(base) = server_url("every_case_passes_on_postgres_through_the_in_process_adapter")
    else {
        return;
    };
    let dialect =
        retort_core::in_process_dialect!(PostgresDialect::new()).expect("in-process adapter");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, "postgres (in-process adapter)");
}

#[test]
fn every_case_passes_on_postgres_loaded_as_a_plugin() {
    let Some(base) = server_url("every_case_passes_on_postgres_loaded_as_a_plugin") else {
        return;
    };
    let library = cdylib::build("retort-postgres-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    assert_eq!(dialect.plugin_name(), "retort-postgres-plugin");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, "postgres (loaded plugin)");
}
