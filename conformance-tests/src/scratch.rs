//! A throw-away project: revision files in a temporary directory, and the graph and
//! migrator over them.

use retort_core::db_url::DatabaseUrl;
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::migrate::{DbState, Migrator, MigratorSettings, Step};
use retort_core::{Connection, Dialect};
use std::path::PathBuf;

/// A temporary migrations directory.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// An empty project.
    pub fn new() -> Result<Scratch, String> {
        Ok(Scratch {
            dir: tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?,
        })
    }

    /// Writes a TOML revision `id` on `parent` with the given `[[upgrade]]`/`[[downgrade]]` body.
    pub fn revision(&self, id: &str, parent: Option<&str>, body: &str) -> Result<PathBuf, String> {
        let parent = parent
            .map(|p| format!("down_revision = \"{p}\"\n"))
            .unwrap_or_default();
        let text = format!("revision = \"{id}\"\n{parent}message = \"{id}\"\n\n{body}");
        self.file(&format!("{id}.toml"), &text)
    }

    /// Writes any file into the migrations directory.
    pub fn file(&self, name: &str, text: &str) -> Result<PathBuf, String> {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        Ok(path)
    }

    /// The graph of the revisions written so far.
    pub fn graph(&self) -> Result<Graph, String> {
        let headers = read_headers(self.dir.path()).map_err(|e| e.to_string())?;
        Graph::new(headers).map_err(|e| e.to_string())
    }
}

/// Connects, naming the URL on failure.
pub(crate) fn connect(
    dialect: &dyn Dialect,
    url: &DatabaseUrl,
) -> Result<Box<dyn Connection>, String> {
    dialect
        .connect(url)
        .map_err(|e| format!("connecting to {}: {e}", url.redacted()))
}

/// `upgrade TARGET` with default settings; the error as text.
pub(crate) fn upgrade(
    dialect: &dyn Dialect,
    graph: &Graph,
    conn: &mut dyn Connection,
    target: &str,
) -> Result<Vec<Step>, String> {
    Migrator::new(dialect, graph, MigratorSettings::default())
        .upgrade(conn, target, false, &mut |_| {})
        .map_err(|e| e.to_string())
}

/// `downgrade TARGET` with default settings; the error as text.
pub(crate) fn downgrade(
    dialect: &dyn Dialect,
    graph: &Graph,
    conn: &mut dyn Connection,
    target: &str,
) -> Result<Vec<Step>, String> {
    Migrator::new(dialect, graph, MigratorSettings::default())
        .downgrade(conn, target, false, &mut |_| {})
        .map_err(|e| e.to_string())
}

/// The recorded state.
pub(crate) fn state(
    dialect: &dyn Dialect,
    graph: &Graph,
    conn: &mut dyn Connection,
) -> Result<DbState, String> {
    Migrator::new(dialect, graph, MigratorSettings::default())
        .read_state(conn)
        .map_err(|e| e.to_string())
}
