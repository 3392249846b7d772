//! A connection lost during `COMMIT` leaves the outcome unknown to the client: retort says
//! so instead of claiming that nothing was kept, reconnects, and reports what the version
//! table holds.
//!
//! On PostgreSQL the revision's last statement arms a deferred constraint trigger that, at
//! `COMMIT`, terminates its own backend: the server ends the session in the middle of the
//! commit (which it aborts), and the client sees only the connection go.

#![cfg(all(unix, feature = "postgres"))]

mod common;

use common::Project;
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;
use retort_core::Dialect;

const DIES_AT_COMMIT: &str = "\
-- retort:revision c0ffee000002
-- retort:down_revision c0ffee000001
-- retort:dialect postgres

-- retort:upgrade
CREATE FUNCTION end_own_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    -- The termination is taken at the next interrupt check: here, inside the commit.
    PERFORM pg_sleep(5);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER end_session_at_commit AFTER INSERT ON marks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION end_own_session();
INSERT INTO marks VALUES (1);
";

#[test]
fn postgres_connection_lost_during_commit_reports_the_outcome_as_unknown_then_what_is_recorded() {
    let Some(server) = url_from_env("RETORT_TEST_POSTGRES_URL", "commit_lost_pg") else {
        return;
    };
    let dialect = retort_postgres::PostgresDialect::new();
    let name = format!("retort_commit_lost_{}", std::process::id());
    let url = DatabaseUrl::parse(&with_database(&server, &name)).expect("the URL parses");
    let _ = dialect.drop_database(&url);
    dialect.create_database(&url).expect("creates the database");
    struct Dropped<'a>(&'a retort_postgres::PostgresDialect, &'a DatabaseUrl);
    impl Drop for Dropped<'_> {
        fn drop(&mut self) {
            let _ = self.0.drop_database(self.1);
        }
    }
    let _dropped = Dropped(&dialect, &url);

    let project = Project::new();
    project.write(
        "001_marks.sql",
        "-- retort:revision c0ffee000001\n\n-- retort:upgrade\nCREATE TABLE marks (id int);\n",
    );
    project.write("002_dies.sql", DIES_AT_COMMIT);
    let raw_url = url.expose_secret_str();

    let run = project.run(&["--url", raw_url, "upgrade"]);
    run.fails(
        1,
        &[
            "the connection was lost while committing revision c0ffee000002",
            "Whether the commit took effect is unknown",
            "Reconnected and read the version table: c0ffee000002 is not recorded, so the \
             commit did not take effect and nothing of it was kept",
        ],
    );
    assert!(
        !run.stderr.contains("; nothing of it was kept"),
        "no claim before knowing: {}",
        run.stderr
    );

    // What the message says is what the database holds: the first revision, not the second.
    let mut conn = dialect.connect(&url).expect("connects");
    let rows = conn
        .query(&Statement::new(
            "SELECT revision, state FROM retort_version ORDER BY revision",
        ))
        .expect("reads the version table");
    assert_eq!(
        rows,
        vec![vec![
            Value::String("c0ffee000001".into()),
            Value::String("applied".into())
        ]]
    );
    let function = conn
        .query(&Statement::new(
            "SELECT count(*) FROM pg_proc WHERE proname = 'end_own_session'",
        ))
        .expect("looks the function up");
    assert_eq!(function, vec![vec![Value::Integer(0)]]);
}
