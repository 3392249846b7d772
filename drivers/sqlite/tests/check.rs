//! `retort_core::check::check` as an application embedding retort calls it: a real SQLite
//! file, a project of revision files, and the findings as the database and files change.

mod common;

use common::open;
use retort_core::check::{check, Finding};
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::{Migrator, MigratorSettings};
use retort_sqlite::SqliteDialect;
use std::path::Path;

const FIRST: &str = "revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n";
const SECOND: &str = "revision = \"aaaa0002\"\ndown_revision = \"aaaa0001\"\n\n[[upgrade]]\nop = \"add_column\"\ntable = \"users\"\ncolumn = { name = \"email\", type = \"text\" }\n";

fn graph_of(dir: &Path) -> Graph {
    Graph::new(read_headers(dir).expect("headers load")).expect("graph builds")
}

fn findings(dir: &Path, conn: &mut dyn retort_core::Connection) -> Vec<Finding> {
    let graph = graph_of(dir);
    let migrator = Migrator::new(&SqliteDialect, &graph, MigratorSettings::default());
    check(&graph, &migrator, conn, dir).unwrap_or_else(|e| panic!("check: {e}"))
}

#[test]
fn findings_follow_the_database_and_the_files() {
    let project = tempfile::tempdir().expect("temp dir");
    let data = tempfile::tempdir().expect("temp dir");
    let files = project.path();
    std::fs::write(files.join("1.toml"), FIRST).expect("write");
    std::fs::write(files.join("2.toml"), SECOND).expect("write");
    let mut conn = open(&data);

    // A fresh database is at base, two revisions behind.
    let found = findings(files, conn.as_mut());
    assert_eq!(
        found,
        vec![Finding::NotAtHead {
            current: vec![],
            heads: vec![String::from("aaaa0002")],
            pending: 2,
        }]
    );
    assert_eq!(found[0].kind(), "not_at_head");
    assert_eq!(
        found[0].to_string(),
        "the database is at base but the graph's head is aaaa0002 (2 revision(s) not \
         applied): run `retort upgrade`"
    );

    // At head: nothing to report.
    let graph = graph_of(files);
    Migrator::new(&SqliteDialect, &graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
        .unwrap_or_else(|e| panic!("upgrade: {e}"));
    assert_eq!(findings(files, conn.as_mut()), vec![]);

    // An applied file edited afterwards, and one removed, are both reported.
    std::fs::write(files.join("1.toml"), FIRST.replace("users", "people")).expect("write");
    std::fs::remove_file(files.join("2.toml")).expect("remove");
    let found = findings(files, conn.as_mut());
    let kinds: Vec<&str> = found.iter().map(Finding::kind).collect();
    assert_eq!(kinds, ["changed_file", "unknown_revision"]);
    assert_eq!(
        found[1],
        Finding::UnknownRevisions {
            revisions: vec![String::from("aaaa0002")],
            migrations_dir: files.to_path_buf(),
        }
    );
    let shown = found[0].message_with(&|path| {
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    assert_eq!(
        shown,
        "applied revision aaaa0001 (1.toml) changed since it ran; after review, \
         `retort stamp --accept-changed aaaa0001` records it as it is now"
    );
}
