//! The sample project run through the real Migrator on a SQLite file: up, down, up again.

mod common;

use common::{open, rows};
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::revision::values::Value;
use retort_core::{Migrator, MigratorSettings};
use retort_sqlite::SqliteDialect;
use std::path::Path;

fn shop_graph() -> Graph {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop/migrations");
    Graph::new(read_headers(&dir).expect("headers load")).expect("graph builds")
}

fn tables(conn: &mut dyn retort_core::Connection) -> Vec<Vec<Value>> {
    rows(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
}

#[test]
fn the_shop_upgrades_downgrades_and_upgrades_again() {
    for per_revision in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut conn = open(&dir);
        let graph = shop_graph();
        let mut settings = MigratorSettings::default();
        settings.transaction_per_migration = per_revision;
        let migrator = Migrator::new(&SqliteDialect, &graph, settings);
        let steps = migrator
            .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("upgrade (per revision: {per_revision}): {e}"));
        assert_eq!(steps.len(), graph.len());
        let after_up = tables(conn.as_mut());
        assert!(
            after_up.contains(&vec![Value::String("retort_version".into())]),
            "{after_up:?}"
        );
        migrator
            .downgrade(conn.as_mut(), "base", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("downgrade: {e}"));
        assert_eq!(
            tables(conn.as_mut()),
            vec![vec![Value::String("retort_version".into())]]
        );
        migrator
            .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
            .unwrap_or_else(|e| panic!("second upgrade: {e}"));
        assert_eq!(tables(conn.as_mut()), after_up);
    }
}
