//! Graph queries: `history`, `heads`, `branches`, `show` (SPEC 4, 7, 7.1).

use crate::commands::migrate::{unknown_marker, warn_unknown};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, Project};
use retort_core::graph::{Graph, Target};
use retort_core::migrate::{DbState, RowState};
use retort_core::RevisionHeader;
use serde::Serialize;
use std::fmt::Write as _;
use time::format_description::well_known::Rfc3339;

/// One entry of `history --format json` (SPEC 7.1).
#[derive(Debug, Serialize)]
pub(crate) struct HistoryEntry<'a> {
    revision: &'a str,
    down_revisions: &'a [String],
    depends_on: &'a [String],
    message: &'a str,
    branch_labels: &'a [String],
    created: Option<String>,
    file: String,
    head: bool,
    base: bool,
    branchpoint: bool,
    mergepoint: bool,
    /// Null unless `-i` read the database; false for a dirty row, which is not applied.
    applied: Option<bool>,
}

pub(crate) fn history_entry<'a>(
    graph: &Graph,
    rev: &'a RevisionHeader,
    state: Option<RevisionState>,
) -> HistoryEntry<'a> {
    HistoryEntry {
        revision: &rev.id,
        down_revisions: &rev.down_revisions,
        depends_on: &rev.depends_on,
        message: &rev.message,
        branch_labels: &rev.branch_labels,
        created: rev.created.and_then(|c| c.format(&Rfc3339).ok()),
        file: display_path(&rev.path),
        head: graph.is_head(&rev.id),
        base: graph.is_base(&rev.id),
        branchpoint: graph.is_branch_point(&rev.id),
        mergepoint: graph.is_merge_point(&rev.id),
        applied: state.map(|s| s == RevisionState::Applied),
    }
}

/// What the version table says of a revision, for `history -i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RevisionState {
    /// No row.
    NotApplied,
    /// Recorded as applied.
    Applied,
    /// Recorded dirty: not applied.
    Dirty,
}

impl RevisionState {
    fn of(state: &DbState, id: &str) -> RevisionState {
        match state.rows.get(id).map(|row| row.state) {
            None => RevisionState::NotApplied,
            Some(RowState::Applied) => RevisionState::Applied,
            Some(RowState::Dirty) => RevisionState::Dirty,
        }
    }
}

/// `id (label) (head)` with the markers that apply.
fn id_with_markers(out: &Output, graph: &Graph, rev: &RevisionHeader) -> String {
    let mut text = out.bold(&rev.id);
    if !rev.branch_labels.is_empty() {
        let _ = write!(text, " ({})", rev.branch_labels.join(", "));
    }
    for (applies, marker) in [
        (graph.is_head(&rev.id), "(head)"),
        (graph.is_branch_point(&rev.id), "(branchpoint)"),
        (graph.is_merge_point(&rev.id), "(mergepoint)"),
    ] {
        if applies {
            let _ = write!(text, " {}", out.marker(marker));
        }
    }
    text
}

/// Alembic's one-line form: `1f0e2d3c4b5a -> 5cd038a8f131 (head), create users`.
fn history_line(out: &Output, graph: &Graph, rev: &RevisionHeader) -> String {
    let parents = match rev.down_revisions.as_slice() {
        [] => "<base>".to_string(),
        [one] => one.clone(),
        many => many.join(", "),
    };
    format!(
        "{parents} -> {}, {}\n",
        id_with_markers(out, graph, rev),
        rev.message
    )
}

/// The multi-line form of `history --verbose` and `show`.
fn verbose_block(out: &Output, graph: &Graph, rev: &RevisionHeader) -> String {
    let mut text = format!("Rev: {}\n", id_with_markers(out, graph, rev));
    let parents = if rev.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        rev.down_revisions.join(", ")
    };
    let _ = writeln!(text, "Parent: {parents}");
    if !rev.depends_on.is_empty() {
        let _ = writeln!(text, "Depends on: {}", rev.depends_on.join(", "));
    }
    if !rev.branch_labels.is_empty() {
        let _ = writeln!(text, "Branch labels: {}", rev.branch_labels.join(", "));
    }
    if let Some(created) = rev.created.and_then(|c| c.format(&Rfc3339).ok()) {
        let _ = writeln!(text, "Created: {created}");
    }
    if !rev.transactional {
        text.push_str("Transactional: false\n");
    }
    let _ = writeln!(
        text,
        "Path: {}\n\n    {}\n",
        display_path(&rev.path),
        rev.message
    );
    text
}

pub(crate) fn history(
    out: &Output,
    project: &Project,
    range: Option<&str>,
    state: Option<&DbState>,
) -> CliResult {
    let graph = &project.graph;
    let revisions = match range {
        None => graph.history(),
        Some(range) => {
            let Some((lower, upper)) = range.split_once(':') else {
                return Err(CliError::input(format!(
                    "-r `{range}`: expected A:B, A: or :B"
                )));
            };
            if upper.trim() == "base" {
                return Err(CliError::input(format!(
                    "-r `{range}`: the upper end cannot be base (nothing lies below it); \
                     try `:{}` or leave the end open",
                    lower.trim()
                )));
            }
            let lower_id = resolve_one_or_open(graph, lower)?;
            let upper_id = resolve_one_or_open(graph, upper)?;
            let revisions = graph
                .history_range(lower_id.as_deref(), upper_id.as_deref())
                .map_err(CliError::input)?;
            if revisions.is_empty() {
                return Err(CliError::input(format!(
                    "-r `{range}`: no revision lies between {} and {}: is the lower end above the upper one, \
                     or on another branch?",
                    lower.trim(),
                    upper.trim()
                )));
            }
            revisions
        }
    };
    if let Some(state) = state {
        warn_unknown(out, project, state);
    }
    out.emit(
        |out| {
            let render = if out.verbose > 0 {
                verbose_block
            } else {
                history_line
            };
            let current: Vec<String> = state.map(|s| s.heads(graph)).unwrap_or_default();
            // Recorded revisions without a file come first (they are not in the graph, and
            // most often newer than what it holds), unless a range was asked for.
            let mut text: String = match (state, range) {
                (Some(state), None) => state
                    .unknown(graph)
                    .iter()
                    .map(|id| format!("{id} {}\n", unknown_marker(project)))
                    .collect(),
                _ => String::new(),
            };
            for rev in &revisions {
                let mut entry = render(out, graph, rev);
                let marker = match state.map(|s| RevisionState::of(s, &rev.id)) {
                    Some(RevisionState::Dirty) => Some("(dirty)"),
                    _ if current.contains(&rev.id) => Some("(current)"),
                    _ => None,
                };
                if let Some(marker) = marker {
                    // Alembic's `-i` marker, after the id's other markers: before the
                    // message on a history line, at the end of the first line of a block.
                    let at = if entry.starts_with("Rev: ") {
                        entry.find('\n').unwrap_or(entry.len())
                    } else {
                        let id_at = entry.find(" -> ").map_or(0, |i| i + 4);
                        entry[id_at..].find(", ").map_or(entry.len(), |i| id_at + i)
                    };
                    entry.insert_str(at, &format!(" {}", out.marker(marker)));
                }
                text.push_str(&entry);
            }
            text
        },
        || {
            revisions
                .iter()
                .map(|rev| history_entry(graph, rev, state.map(|s| RevisionState::of(s, &rev.id))))
                .collect::<Vec<_>>()
        },
    );
    Ok(())
}

fn resolve_one_or_open(graph: &Graph, spec: &str) -> CliResult<Option<String>> {
    match spec.trim() {
        "" | "base" => Ok(None),
        spec => match graph.resolve(spec, &[]).map_err(CliError::input)? {
            Target::Base => Ok(None),
            Target::Revisions(ids) => match ids.as_slice() {
                [one] => Ok(Some(one.clone())),
                _ => Err(CliError::input(format!(
                    "`{spec}` names several revisions ({}); name one revision",
                    ids.join(", ")
                ))),
            },
        },
    }
}

/// Resolves a target that must be exactly one revision (`show`, `--head`, `merge`).
pub(crate) fn resolve_single<'g>(graph: &'g Graph, spec: &str) -> CliResult<&'g RevisionHeader> {
    match resolve_one_or_open(graph, spec)? {
        Some(id) => graph.get(&id).ok_or_else(|| {
            CliError::input(format!(
                "`{spec}` resolved to `{id}`, which is not in the graph"
            ))
        }),
        None => Err(CliError::input(format!(
            "`{spec}` is not a revision: name one revision"
        ))),
    }
}

#[derive(Serialize)]
struct HeadEntry<'a> {
    revision: &'a str,
    message: &'a str,
    branch_labels: &'a [String],
}

pub(crate) fn heads(out: &Output, project: &Project) -> CliResult {
    let graph = &project.graph;
    let heads = graph.heads();
    out.emit(
        |out| {
            heads
                .iter()
                .map(|rev| {
                    if out.verbose > 0 {
                        verbose_block(out, graph, rev)
                    } else {
                        format!("{}, {}\n", id_with_markers(out, graph, rev), rev.message)
                    }
                })
                .collect()
        },
        || {
            heads
                .iter()
                .map(|rev| HeadEntry {
                    revision: &rev.id,
                    message: &rev.message,
                    branch_labels: &rev.branch_labels,
                })
                .collect::<Vec<_>>()
        },
    );
    Ok(())
}

#[derive(Serialize)]
struct BranchPointEntry<'a> {
    revision: &'a str,
    message: &'a str,
    branch_labels: &'a [String],
    children: Vec<&'a str>,
}

pub(crate) fn branches(out: &Output, project: &Project) -> CliResult {
    let graph = &project.graph;
    let points: Vec<&RevisionHeader> = graph
        .history()
        .into_iter()
        .filter(|rev| graph.is_branch_point(&rev.id))
        .collect();
    out.emit(
        |out| {
            let mut text = String::new();
            for point in &points {
                let _ = writeln!(
                    text,
                    "{}, {}",
                    id_with_markers(out, graph, point),
                    point.message
                );
                for child in graph.children(&point.id) {
                    let _ = writeln!(
                        text,
                        "  -> {}, {}",
                        id_with_markers(out, graph, child),
                        child.message
                    );
                }
            }
            text
        },
        || {
            points
                .iter()
                .map(|rev| BranchPointEntry {
                    revision: &rev.id,
                    message: &rev.message,
                    branch_labels: &rev.branch_labels,
                    children: graph
                        .children(&rev.id)
                        .into_iter()
                        .map(|c| c.id.as_str())
                        .collect(),
                })
                .collect::<Vec<_>>()
        },
    );
    Ok(())
}

pub(crate) fn show(
    out: &Output,
    project: &Project,
    global: &crate::args::GlobalArgs,
    spec: &str,
) -> CliResult {
    let graph = &project.graph;
    let rev = resolve_single(graph, spec)?;
    // SQL for a dialect is read, and checksummed, with that dialect's rules when it is
    // available, as `upgrade` does.
    let syntaxes = crate::dialects::load(global, Some(&project.config))?.syntaxes();
    let contents = crate::project::read_revision(rev, &syntaxes)?;
    out.emit(
        |out| {
            let mut text = verbose_block(out, graph, rev);
            text.push_str(&contents.describe());
            text
        },
        || {
            let mut entry =
                serde_json::to_value(history_entry(graph, rev, None)).unwrap_or_default();
            if let serde_json::Value::Object(map) = &mut entry {
                map.extend(contents.to_json());
            }
            entry
        },
    );
    Ok(())
}
