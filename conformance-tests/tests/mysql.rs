//! The conformance suite against the MySQL/MariaDB driver three ways: linked in statically,
//! through the in-process plugin adapter, and loaded from the built shared library. Needs
//! `RETORT_TEST_MYSQL_URL`; every case gets its own database, created through that URL
//! and dropped afterwards.

use retort_conformance::factories::ServerDatabases;
use retort_conformance::servers::url_from_env;
use retort_conformance::{assert_all_pass, cdylib};
use retort_core::plugin;
use retort_mysql::MysqlDialect;

const URL_VAR: &str = "RETORT_TEST_MYSQL_URL";

/// The server URL, or `None` (after saying so) when the test is to be skipped.
fn server_url(test: &str) -> Option<String> {
    url_from_env(URL_VAR, test)
}

#[test]
fn every_case_passes_on_mysql() {
    let Some(base) = server_url("every_case_passes_on_mysql") else {
        return;
    };
    let factory = ServerDatabases::new(Box::new(MysqlDialect::new()), &base);
    assert_all_pass(&factory, "mysql (static)");
}

#[test]
fn every_case_passes_on_mysql_through_the_in_process_adapter() {
    let Some(base) = server_url("every_case_passes_on_mysql_through_the_in_process_adapter") else {
        return;
    };
    let dialect =
        retort_core::in_process_dialect!(MysqlDialect::new()).expect("in-process adapter");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, "mysql (in-process adapter)");
}

#[test]
fn every_case_passes_on_mysql_loaded_as_a_plugin() {
    let Some(base) = server_url("every_case_passes_on_mysql_loaded_as_a_plugin") else {
        return;
    };
    let library = cdylib::build("retort-mysql-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    assert_eq!(dialect.plugin_name(), "retort-mysql-plugin");
    let factory = ServerDatabases::new(Box::new(dialect), &base);
    assert_all_pass(&factory, "mysql (loaded plugin)");
}
