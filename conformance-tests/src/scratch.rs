//! A throw-away project: revision files in a temporary directory, the graph and migrator
//! over them, and the few reads every case makes of the database (the live schema, the
//! version table). One place for them, so that no case sets up a project its own way.

use crate::diff::schema_differences;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::spelling_of;
use retort_core::diff::{diff, DiffOptions};
use retort_core::graph::Graph;
use retort_core::load::{read_headers, read_revision, Revision};
use retort_core::migrate::{DbState, Migrator, MigratorSettings, RowState, Step};
use retort_core::schema::Schema;
use retort_core::{Connection, Dialect};
use std::path::{Path, PathBuf};

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

    /// Writes a chain of TOML revisions, one per body, with ids `{prefix}0001`, `{prefix}0002`,
    /// ...; returns the ids.
    pub fn chain(&self, prefix: &str, bodies: &[&str]) -> Result<Vec<String>, String> {
        let mut ids: Vec<String> = Vec::new();
        for (n, body) in bodies.iter().enumerate() {
            let id = format!("{prefix}{:04}", n + 1);
            self.revision(&id, ids.last().map(String::as_str), body)?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// Writes any file into the migrations directory.
    pub fn file(&self, name: &str, text: &str) -> Result<PathBuf, String> {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
        Ok(path)
    }

    /// The migrations directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The graph of the revisions written so far.
    pub fn graph(&self) -> Result<Graph, String> {
        let headers = read_headers(self.dir.path()).map_err(|e| e.to_string())?;
        Graph::new(headers).map_err(|e| e.to_string())
    }

    /// The schema the TOML revisions' upgrade operations describe, folded in graph order.
    pub fn folded(&self) -> Result<Schema, String> {
        let graph = self.graph()?;
        let mut ops = Vec::new();
        for header in graph.revisions() {
            if let Revision::Toml(rev) = read_revision(header).map_err(|e| e.to_string())? {
                ops.extend(rev.upgrade);
            }
        }
        Schema::fold(&ops)
            .map(|(schema, _)| schema)
            .map_err(|e| e.to_string())
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
    upgrade_with(dialect, graph, conn, target, MigratorSettings::default())
}

/// `upgrade TARGET` with `settings`; the error as text.
pub(crate) fn upgrade_with(
    dialect: &dyn Dialect,
    graph: &Graph,
    conn: &mut dyn Connection,
    target: &str,
    settings: MigratorSettings,
) -> Result<Vec<Step>, String> {
    Migrator::new(dialect, graph, settings)
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

/// The live schema without the version table.
pub(crate) fn live_schema(conn: &mut dyn Connection) -> Result<Schema, String> {
    let mut schema = conn
        .introspect()
        .map_err(|e| format!("introspecting: {e}"))?;
    schema.remove_table(&MigratorSettings::default().version_table);
    Ok(schema)
}

/// `Err` listing every difference unless the live schema is the expected one as
/// `dialect` spells it (SPEC 8: a check the server re-rendered, a name it gave an unnamed
/// constraint, a type alias are not differences; what the differ would change or warn
/// about is); `context` says when (e.g. "after step 3").
pub(crate) fn ensure_schema(
    dialect: &dyn Dialect,
    live: &Schema,
    expected: &Schema,
    context: &str,
) -> Result<(), String> {
    if live == expected {
        return Ok(());
    }
    let left = diff(live, expected, &DiffOptions::new(), &spelling_of(dialect));
    if left.operations.is_empty() && left.warnings.is_empty() {
        return Ok(());
    }
    let mut lines = schema_differences(expected, live);
    lines.extend(left.warnings.iter().map(ToString::to_string));
    Err(format!(
        "{context}, the database differs from the declared schema:\n  {}",
        lines.join("\n  ")
    ))
}

/// The version table as prose: `aaaa0001 applied, aaaa0002 dirty`, or `no rows`.
pub(crate) fn describe_state(state: &DbState) -> String {
    if state.rows.is_empty() {
        return String::from("no rows");
    }
    state
        .rows
        .values()
        .map(|row| {
            let what = match row.state {
                RowState::Applied => "applied",
                RowState::Dirty => "dirty",
            };
            format!("{} {what}", row.revision)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names of the tables of `schema`, as prose.
pub(crate) fn describe_tables(schema: &Schema) -> String {
    if schema.is_empty() {
        return String::from("no tables");
    }
    schema
        .table_names()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Err(message)` unless `condition`.
pub(crate) fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message())
    }
}

/// `Err` unless `text` contains every fragment; `what` names the text ("the error").
pub(crate) fn ensure_mentions(text: &str, what: &str, fragments: &[&str]) -> Result<(), String> {
    for fragment in fragments {
        ensure(text.contains(fragment), || {
            format!("{what} lacks `{fragment}`: {text}")
        })?;
    }
    Ok(())
}
