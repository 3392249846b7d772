//! `retort check` (SPEC 7): exit 3 when the graph, the files or the database are not as
//! they should be, with every problem listed.

use crate::args::GlobalArgs;
use crate::database::{migrate_error, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, load_config, Project};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Debug, Serialize)]
struct Problem {
    kind: &'static str,
    message: String,
}

pub(crate) fn check(out: &Output, global: &GlobalArgs) -> CliResult {
    let config = load_config(global)?;
    // An invalid URL stops `check` before the header cache is written.
    crate::database::selected_url(&config, global)?;
    let mut problems = Vec::new();
    match Project::from_config(config, global.verbose) {
        Err(message) => problems.push(Problem {
            kind: "invalid_graph",
            message,
        }),
        Ok(project) => check_project(&project, global, &mut problems)?,
    }
    let ok = problems.is_empty();
    out.emit(
        |_| {
            if ok {
                "ok: one head, the database is at head, and no applied file changed\n".to_string()
            } else {
                problems
                    .iter()
                    .map(|p| format!("problem ({}): {}\n", p.kind, p.message))
                    .collect()
            }
        },
        || json!({ "ok": ok, "problems": problems }),
    );
    if ok {
        Ok(())
    } else {
        Err(CliError::problems_found(format!(
            "check found {} problem(s)",
            problems.len()
        )))
    }
}

fn check_project(project: &Project, global: &GlobalArgs, problems: &mut Vec<Problem>) -> CliResult {
    let graph = &project.graph;
    let heads: Vec<&str> = graph.heads().iter().map(|h| h.id.as_str()).collect();
    if heads.len() > 1 {
        problems.push(Problem {
            kind: "multiple_heads",
            message: format!(
                "the graph has {} heads ({}): merge them with `retort merge heads -m ...`",
                heads.len(),
                heads.join(", ")
            ),
        });
    }
    let database = Database::for_project(project, global)?;
    let mut conn = database.connect_read_only()?;
    let migrator = database.migrator(project, None, false);
    let state = migrator.read_state(conn.as_mut()).map_err(migrate_error)?;
    if let Some(dirty) = state.dirty() {
        problems.push(Problem {
            kind: "dirty",
            message: format!(
                "revision {} is dirty, not applied (a run failed part-way{}): fix the database \
                 by hand, then record its state with `retort stamp`",
                dirty.revision,
                dirty
                    .error
                    .as_ref()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default()
            ),
        });
    }
    // Where the database is, from the applied rows only: a dirty row is not applied.
    let current: BTreeSet<String> = state.heads(graph).into_iter().collect();
    let expected: BTreeSet<String> = heads.iter().map(|h| h.to_string()).collect();
    if current != expected {
        let known_applied = state
            .applied()
            .iter()
            .filter(|id| graph.get(id).is_some())
            .count();
        let pending = graph.len().saturating_sub(known_applied);
        problems.push(Problem {
            kind: "not_at_head",
            message: format!(
                "the database is at {} but the graph's head is {} ({pending} revision(s) not applied): run `retort upgrade`",
                if current.is_empty() { "base".to_string() } else { current.into_iter().collect::<Vec<_>>().join(", ") },
                heads.join(", ")
            ),
        });
    }
    for (id, path) in migrator.changed_revisions(&state).map_err(migrate_error)? {
        problems.push(Problem {
            kind: "changed_file",
            message: format!(
                "applied revision {id} ({}) changed since it ran; after review, \
                 `retort stamp --accept-changed {id}` records it as it is now",
                display_path(&path)
            ),
        });
    }
    let unknown = state.unknown(graph);
    if !unknown.is_empty() {
        problems.push(Problem {
            kind: "unknown_revision",
            message: format!(
                "the version table records revisions with no file in {}: {} (restore the \
                 files, or record the database's real state with `retort stamp --purge TARGET`)",
                display_path(&project.config.migrations.dir),
                unknown.join(", ")
            ),
        });
    }
    Ok(())
}
