//! The conformance kit against the MySQL/MariaDB driver three ways: linked in statically,
//! through the in-process plugin adapter, and loaded from the built shared library. Needs
//! `RETORT_TEST_MYSQL_URL`; every case gets its own database, created through that URL and dropped
//! afterwards. Each test is also the child process of the kill -9 case (see
//! `ChildCommand::test_binary`): started with the child's environment it runs one upgrade
//! and returns.

use retort_conformance::child::upgrade_from_env;
use retort_conformance::factories::ServerDatabases;
use retort_conformance::servers::url_from_env;
use retort_conformance::{assert_all_pass, cdylib, ChildCommand, Options};
use retort_core::plugin;
use retort_core::Dialect;
use retort_mysql::MysqlDialect;

/// The one case that does not apply: DDL commits implicitly, so a run is never one
/// transaction.
const SKIPPED: usize = 1;

const URL_VAR: &str = "RETORT_TEST_MYSQL_URL";

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
fn every_case_passes_on_mysql() {
    if served_as_child(&MysqlDialect::new()) {
        return;
    }
    let Some(base) = server_url("every_case_passes_on_mysql") else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(MysqlDialect::new()), &base);
    let report = assert_all_pass(
        &factory,
        &options("every_case_passes_on_mysql"),
        "mysql (static)",
    );
    assert_eq!(report.skipped(), SKIPPED, "{}", report.to_text());
}

#[test]
fn every_case_passes_on_mysql_through_the_in_process_adapter() {
    let dialect =
        retort_core::in_process_dialect!(MysqlDialect::new()).expect("in-process adapter");
    if served_as_child(&dialect) {
        return;
    }
    let test = "every_case_passes_on_mysql_through_the_in_process_adapter";
    let Some(base) = server_url(test) else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, &options(test), "mysql (in-process adapter)");
}

#[test]
fn every_case_passes_on_mysql_loaded_as_a_plugin() {
    let library = cdylib::build("retort-mysql-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    if served_as_child(&dialect) {
        return;
    }
    let test = "every_case_passes_on_mysql_loaded_as_a_plugin";
    let Some(base) = server_url(test) else {
        return;
    };
    assert_eq!(dialect.plugin_name(), "retort-mysql-plugin");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, &options(test), "mysql (loaded plugin)");
}
