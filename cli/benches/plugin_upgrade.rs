//! Benchmark: the 1,000-revision SQLite upgrade with the SQLite driver linked in statically
//! against the same driver loaded as a plugin (`libretort_sqlite_plugin`), through the
//! library's `Migrator` in this process, so that the difference is the plugin ABI alone
//! (JSON across the function table for every call).
//!
//! `cargo bench -p retort-cli --bench plugin_upgrade` builds the plugin with the bench's
//! profile, generates the revisions of `sqlite_upgrade` (a `create_table` with three
//! columns plus a `create_index` each), every tenth of them with an `execute` as well
//! (after which the migrator reads the live schema back and renders one operation at a
//! time) and every tenth, another, with a `drop_column` (a SQLite table rebuild, rendered
//! from the table's current shape), and runs both variants in interleaved rounds, a fresh
//! database file each run, printing the medians and their ratio (target: within 5%).
//! A third variant runs the linked driver through the in-process adapter: the same ABI
//! code without `dlopen`, which separates the cost of the JSON calls from that of the
//! separately linked library.

mod workload;

use retort_core::db_url::DatabaseUrl;
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::{Dialect, Migrator, MigratorSettings};
use std::path::Path;
use std::time::{Duration, Instant};
use workload::revision_file;

const REVISIONS: usize = 1_000;
const ROUNDS: usize = 15;
const RATIO_TARGET: f64 = 1.05;

fn generate(migrations: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(migrations)?;
    let mut parent: Option<String> = None;
    for n in 0..REVISIONS {
        let id = format!("{n:012x}");
        let mut text = revision_file(&id, parent.as_slice(), n);
        match n % 10 {
            3 => text.push_str(&format!(
                "\n[[upgrade]]\nop = \"execute\"\n\
                 sql = \"INSERT INTO t{n} (id, name) VALUES (1, 'first')\"\n"
            )),
            8 => text.push_str(&format!(
                "\n[[upgrade]]\nop = \"drop_column\"\ntable = \"t{n}\"\ncolumn = \"created_at\"\n"
            )),
            _ => {}
        }
        std::fs::write(
            migrations.join(format!("20260101_0000_{id}_revision_{n}.toml")),
            text,
        )?;
        parent = Some(id);
    }
    Ok(())
}

/// One upgrade from an empty file to head; its wall time.
fn upgrade(dialect: &dyn Dialect, graph: &Graph, db: &Path) -> Duration {
    let _ = std::fs::remove_file(db);
    let url = DatabaseUrl::parse(&format!("sqlite://{}", db.display())).expect("url");
    let started = Instant::now();
    let mut conn = dialect.connect(&url).expect("connect");
    let steps = Migrator::new(dialect, graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("upgrade");
    drop(conn);
    let elapsed = started.elapsed();
    assert_eq!(steps.len(), REVISIONS);
    elapsed
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let library =
        retort_conformance::cdylib::build("retort-sqlite-plugin").expect("building the plugin");
    let plugin = retort_core::plugin::load(&library).expect("loading the plugin");
    let linked = retort_sqlite::SqliteDialect::new();
    let adapted =
        retort_core::in_process_dialect!(retort_sqlite::SqliteDialect::new()).expect("adapter");

    let dir = tempfile::tempdir().expect("temporary directory");
    let migrations = dir.path().join("migrations");
    generate(&migrations).expect("generating revisions");
    let graph = Graph::new(read_headers(&migrations).expect("headers")).expect("graph");
    let db = dir.path().join("bench.db");

    // One warm-up run each (page cache, lazy initialisation), then interleaved rounds.
    upgrade(&linked, &graph, &db);
    upgrade(&plugin, &graph, &db);
    upgrade(&adapted, &graph, &db);
    let mut linked_times = Vec::new();
    let mut plugin_times = Vec::new();
    let mut adapted_times = Vec::new();
    // The order rotates each round, so that no variant always follows the same one (the
    // file system still works off the previous run's deleted file).
    for round in 0..ROUNDS {
        for variant in 0..3 {
            match (round + variant) % 3 {
                0 => linked_times.push(upgrade(&linked, &graph, &db)),
                1 => plugin_times.push(upgrade(&plugin, &graph, &db)),
                _ => adapted_times.push(upgrade(&adapted, &graph, &db)),
            }
        }
    }
    let linked_ms = median(linked_times).as_secs_f64() * 1e3;
    let plugin_ms = median(plugin_times).as_secs_f64() * 1e3;
    let adapted_ms = median(adapted_times).as_secs_f64() * 1e3;
    let ratio = plugin_ms / linked_ms;
    println!(
        "{REVISIONS}-revision SQLite upgrade ({} with an execute, {} with a table rebuild), median of {ROUNDS}:",
        REVISIONS / 10,
        REVISIONS / 10
    );
    println!("  statically linked:   {linked_ms:9.1} ms");
    println!(
        "  plugin ({}): {plugin_ms:9.1} ms",
        library
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    println!("  in-process adapter:  {adapted_ms:9.1} ms (the ABI without dlopen)");
    println!(
        "  ratio plugin/linked: {ratio:9.3} (target <= {RATIO_TARGET}: {})",
        if ratio <= RATIO_TARGET {
            "met"
        } else {
            "NOT met"
        }
    );
}
