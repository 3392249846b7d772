//! An application's view (SPEC 10): migrations compiled into the program, run at start-up
//! through the Migrator with the SQLite driver; nothing is read from disk.

use retort_core::db_url::DatabaseUrl;
use retort_core::graph::Graph;
use retort_core::load::EmbeddedMigrations;
use retort_core::migrate::{Migrator, MigratorSettings};
use retort_core::Dialect;
use retort_sqlite::SqliteDialect;

static SHOP: EmbeddedMigrations = EmbeddedMigrations::new(&[
    (
        "20261101_0900_1f0e2d3c4b5a_create_users.toml",
        include_str!("../../../examples/shop/migrations/20261101_0900_1f0e2d3c4b5a_create_users.toml"),
    ),
    (
        "20261102_1000_5cd038a8f131_create_products.toml",
        include_str!("../../../examples/shop/migrations/20261102_1000_5cd038a8f131_create_products.toml"),
    ),
    (
        "20261103_1100_9a8b7c6d5e4f_create_orders.toml",
        include_str!("../../../examples/shop/migrations/20261103_1100_9a8b7c6d5e4f_create_orders.toml"),
    ),
    (
        "20261103_1400_ab12cd34ef56_add_display_name.sql",
        include_str!("../../../examples/shop/migrations/20261103_1400_ab12cd34ef56_add_display_name.sql"),
    ),
    (
        "20261104_0900_c0ffee000001_merge_orders_and_names.toml",
        include_str!("../../../examples/shop/migrations/20261104_0900_c0ffee000001_merge_orders_and_names.toml"),
    ),
]);

#[test]
fn embedded_migrations_run_at_start_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("app.db").display()))
        .expect("url");
    let dialect = SqliteDialect::new();
    let graph = Graph::new(SHOP.headers().expect("valid embedded revisions")).expect("valid graph");
    let migrator = Migrator::new(&dialect, &graph, MigratorSettings::default()).with_embedded(SHOP);

    let mut conn = dialect.connect(&url).expect("connect");
    let steps = migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("upgrade");
    assert_eq!(steps.len(), 5);
    let state = migrator.read_state(conn.as_mut()).expect("state");
    assert_eq!(state.heads(&graph), ["c0ffee000001"]);
    // A second start-up finds nothing to do.
    assert!(migrator
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("upgrade")
        .is_empty());
    // Without the embedded texts the Migrator would look for files that do not exist.
    let from_disk = Migrator::new(&dialect, &graph, MigratorSettings::default());
    let error = from_disk
        .downgrade(conn.as_mut(), "base", false, &mut |_| {})
        .expect_err("no files on disk");
    assert!(error.to_string().contains("<embedded>"), "{error}");
}
