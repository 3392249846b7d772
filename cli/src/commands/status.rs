//! `retort status` (Flyway's `info`): one line per revision, in upgrade order, saying what
//! the database records of it and what its file says: applied (when, how long), pending,
//! dirty (with its error), changed since applied, irreversible; then the recorded
//! revisions the project has no file for.

use crate::args::GlobalArgs;
use crate::commands::migrate::read_state;
use crate::database::{migrate_error, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, Project};
use retort_core::load::read_revision_with;
use retort_core::migrate::{RowState, VersionRow};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One revision's line, and its entry in `--format json`.
#[derive(Debug, Serialize)]
struct Entry {
    revision: String,
    message: String,
    /// `applied`, `pending`, `dirty` or `unknown` (recorded, but no file).
    state: &'static str,
    applied_at: Option<String>,
    execution_ms: Option<i64>,
    error: Option<String>,
    /// The file differs from what was applied.
    changed: bool,
    /// The file has a downgrade section; null for a revision without a file.
    reversible: Option<bool>,
    file: Option<String>,
}

pub(crate) fn status(out: &Output, project: &Project, global: &GlobalArgs) -> CliResult {
    let state = read_state(project, global)?;
    let database = Database::for_project(project, global)?;
    let changed: HashSet<String> = database
        .migrator(project, None, false)
        .changed_revisions(&state)
        .map_err(migrate_error)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let graph = &project.graph;
    let heads = graph.resolve("heads", &[]).map_err(CliError::input)?;
    let everything = graph
        .plan_upgrade(&HashSet::new(), &heads)
        .map_err(CliError::input)?;
    let rows: HashMap<&str, &VersionRow> = state
        .rows
        .values()
        .map(|row| (row.revision.as_str(), row))
        .collect();
    let mut entries = Vec::with_capacity(everything.len());
    for header in everything {
        let reversible = read_revision_with(header, &database.syntaxes)
            .map_err(CliError::input)?
            .is_reversible();
        let row = rows.get(header.id.as_str());
        entries.push(Entry {
            revision: header.id.clone(),
            message: header.message.clone(),
            state: match row.map(|row| row.state) {
                None => "pending",
                Some(RowState::Applied) => "applied",
                Some(RowState::Dirty) => "dirty",
            },
            applied_at: row.map(|row| row.applied_at.clone()),
            execution_ms: row.map(|row| row.execution_ms),
            error: row.and_then(|row| row.error.clone()),
            changed: changed.contains(&header.id),
            reversible: Some(reversible),
            file: Some(display_path(&header.path)),
        });
    }
    for id in state.unknown(graph) {
        let row = rows.get(id);
        entries.push(Entry {
            revision: id.to_string(),
            message: String::new(),
            state: "unknown",
            applied_at: row.map(|row| row.applied_at.clone()),
            execution_ms: row.map(|row| row.execution_ms),
            error: row.and_then(|row| row.error.clone()),
            changed: false,
            reversible: None,
            file: None,
        });
    }
    out.emit(
        |_| text(&entries),
        || serde_json::json!({ "revisions": entries }),
    );
    Ok(())
}

fn text(entries: &[Entry]) -> String {
    if entries.is_empty() {
        return "No revisions, and none recorded.\n".to_string();
    }
    let mut text = String::new();
    for entry in entries {
        let mut line = format!("{}  {:<7}", entry.revision, entry.state);
        match (entry.state, &entry.applied_at, entry.execution_ms) {
            ("applied" | "dirty", Some(at), Some(ms)) => {
                line.push_str(&format!("  {} ({ms} ms)", to_the_second(at)))
            }
            ("unknown", Some(at), _) => line.push_str(&format!("  {}", to_the_second(at))),
            _ => {}
        }
        if !entry.message.is_empty() {
            line.push_str(&format!("  {}", entry.message));
        }
        let mut notes = Vec::new();
        if entry.changed {
            notes.push("changed since applied".to_string());
        }
        if entry.reversible == Some(false) {
            notes.push("irreversible".to_string());
        }
        if entry.state == "unknown" {
            notes.push("no file in the project".to_string());
        }
        if let Some(error) = &entry.error {
            notes.push(format!("error: {error}"));
        }
        if !notes.is_empty() {
            line.push_str(&format!(" [{}]", notes.join("; ")));
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `2026-12-07T04:09:47.678962786Z` as `2026-12-07T04:09:47Z`: the fraction is noise in a
/// listing (JSON keeps it).
fn to_the_second(at: &str) -> String {
    match at.split_once('.') {
        Some((seconds, rest)) if rest.ends_with('Z') => format!("{seconds}Z"),
        _ => at.to_string(),
    }
}
