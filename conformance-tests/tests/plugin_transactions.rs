//! The PostgreSQL driver loaded as a plugin runs a revision's statements in one call, as the
//! linked driver does (ABI 2.1's `execute_transaction` slot and the description's
//! `transaction_elapsed_ms`), with the same outcome: a failing statement named by its
//! index with the server's message, and nothing of the batch kept. Needs
//! `RETORT_TEST_POSTGRES_URL`.

use retort_conformance::cdylib;
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{BatchError, Statement};
use retort_core::plugin;
use retort_core::revision::values::Value;
use retort_core::Dialect;
use retort_postgres::PostgresDialect;

#[test]
fn the_postgres_plugin_runs_a_transaction_in_one_call_as_the_linked_driver_does() {
    let Some(server) = url_from_env(
        "RETORT_TEST_POSTGRES_URL",
        "the_postgres_plugin_runs_a_transaction_in_one_call_as_the_linked_driver_does",
    ) else {
        return;
    };
    let library = cdylib::build("retort-postgres-plugin").expect("building the plugin");
    let dialect = plugin::load(&library).expect("loading the plugin");
    assert!(dialect.has_execute_transaction());
    assert_eq!(
        dialect.transaction_elapsed_ms(),
        PostgresDialect::new().transaction_elapsed_ms(),
        "the migrator batches only with the server's clock"
    );

    let name = format!("retort_plugin_batch_{}", std::process::id());
    let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("url");
    let _ = dialect.drop_database(&url);
    dialect
        .create_database(&url)
        .expect("creating the database");
    let outcome = std::panic::catch_unwind(|| {
        let mut conn = dialect.connect(&url).expect("connects");
        let failing = Statement::with_params(
            "INSERT INTO no_such_table (x) VALUES ($1)",
            vec![Value::Integer(1)],
        );
        let batch = [
            Statement::new("CREATE TABLE half_done (id int)"),
            Statement::with_params("INSERT INTO half_done VALUES ($1)", vec![Value::Integer(1)]),
            failing,
            Statement::new("CREATE TABLE after_it (id int)"),
        ];
        let error = conn
            .execute_transaction(&batch)
            .expect_err("the batch fails");
        let BatchError::Statement { index, error } = error else {
            panic!("not a statement's failure: {error:?}");
        };
        assert_eq!(index, 2);
        assert_eq!(
            error.message,
            "statement failed: relation \"no_such_table\" does not exist"
        );
        assert!(
            !conn.table_exists(None, "half_done").expect("asks"),
            "nothing kept"
        );

        conn.execute_transaction(&batch[..2])
            .expect("a good batch commits");
        let rows = conn
            .query(&Statement::new("SELECT id FROM half_done"))
            .expect("reads");
        assert_eq!(rows, vec![vec![Value::Integer(1)]]);
    });
    dialect.drop_database(&url).expect("dropping the database");
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
