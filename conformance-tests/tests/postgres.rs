//! The conformance kit against the PostgreSQL driver three ways: linked in statically,
//! through the in-process plugin adapter, and loaded from the built shared library. Needs
//! `RETORT_TEST_POSTGRES_URL`; every case gets its own database, created through that URL and dropped
//! afterwards. Each test is also the child process of the kill -9 case (see
//! `ChildCommand::test_binary`): started with the child's environment it runs one upgrade
//! and returns.

use retort_conformance::child::upgrade_from_env;
use retort_conformance::factories::ServerDatabases;
use retort_conformance::servers::url_from_env;
use retort_conformance::{assert_all_pass, cdylib, ChildCommand, Options};
use retort_core::plugin;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;

/// The one case that does not apply: DDL is transactional, so nothing is left dirty.
const SKIPPED: usize = 1;

const URL_VAR: &str = "RETORT_TEST_POSTGRES_URL";

/// The server URL, or `None` (after saying so) when the test is to be skipped.
fn server_url(test: &str) -> Option<String> {
    url_from_env(URL_VAR, test)
}

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
fn every_case_passes_on_postgres() {
    if served_as_child(&PostgresDialect::new()) {
        return;
    }
    let Some(base) = server_url("every_case_passes_on_postgres") else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(PostgresDialect::new()), &base);
    let report = assert_all_pass(
        &factory,
        &options("every_case_passes_on_postgres"),
        "postgres (static)",
    );
    assert_eq!(report.skipped(), SKIPPED, "{}", report.to_text());
}

#[test]
fn every_case_passes_on_postgres_through_the_in_process_adapter() {
    let dialect =
        retort_core::in_process_dialect!(PostgresDialect::new()).expect("in-process adapter");
    if served_as_child(&dialect) {
        return;
    }
    let test = "every_case_passes_on_postgres_through_the_in_process_adapter";
    let Some(base) = server_url(test) else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, &options(test), "postgres (in-process adapter)");
}

#[test]
fn every_case_passes_on_postgres_loaded_as_a_plugin() {
    let library = cdylib::build("retort-postgres-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    if served_as_child(&dialect) {
        return;
    }
    let test = "every_case_passes_on_postgres_loaded_as_a_plugin";
    let Some(base) = server_url(test) else {
        return;
    };
    assert_eq!(dialect.plugin_name(), "retort-postgres-plugin");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, &options(test), "postgres (loaded plugin)");
}
