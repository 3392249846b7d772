//! `revision` and `merge`: write new revision files (SPEC 3, 7).

use crate::args::{GlobalArgs, RevisionArgs};
use crate::commands::graph::resolve_single;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, Project};
use retort_core::authoring::{
    file_stem, random_revision_id, sql_revision_text, toml_revision_text,
    toml_revision_with_operations, NewRevision,
};
use retort_core::graph::Graph;
use retort_core::revision::sql_file::parse_sql_header;
use retort_core::revision::toml_file::parse_toml_header;
use retort_core::revision::{check_branch_label, check_revision_id};
use serde_json::json;
use std::io::Write as _;
use time::OffsetDateTime;

pub(crate) fn revision(
    out: &Output,
    global: &GlobalArgs,
    project: &Project,
    args: &RevisionArgs,
) -> CliResult {
    let graph = &project.graph;
    let down_revisions = parents(graph, args.head.as_deref(), args.splice)?;
    let depends_on = args
        .depends_on
        .iter()
        .map(|spec| resolve_single(graph, spec).map(|rev| rev.id.clone()))
        .collect::<CliResult<Vec<_>>>()?;
    let new = new_revision(
        graph,
        args.rev_id.as_deref(),
        &args.message,
        down_revisions,
        depends_on,
        &args.branch_label,
    )?;
    let (text, extension) = if args.autogenerate {
        let comparison = crate::commands::diff::compare(project, global, args.from)?;
        if comparison.found.is_empty() {
            out.emit(
                |_| String::from("No changes: the schema already matches schema.toml; no revision written.\n"),
                || json!({ "revision": null, "file": null }),
            );
            return Ok(());
        }
        for warning in &comparison.found.warnings {
            eprintln!("warning: {warning}");
        }
        let downgrade = comparison.reverse();
        let warnings: Vec<String> = comparison
            .found
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect();
        let text = toml_revision_with_operations(
            &new,
            &comparison.found.operations,
            &downgrade.operations,
            &warnings,
        )
        .map_err(|e| CliError::runtime(format!("while writing the operations as TOML: {e}")))?;
        check_round_trip(&text, &comparison.found.operations, &downgrade.operations)?;
        (text, "toml")
    } else if args.sql {
        (sql_revision_text(&new), "sql")
    } else {
        (toml_revision_text(&new), "toml")
    };
    write_revision(out, project, &new, &text, extension)
}

pub(crate) fn merge(
    out: &Output,
    project: &Project,
    message: &str,
    rev_id: Option<&str>,
    branch_labels: &[String],
    specs: &[String],
) -> CliResult {
    let graph = &project.graph;
    let mut joined: Vec<String> = Vec::new();
    for spec in specs {
        let ids: Vec<String> = if spec == "heads" {
            graph
                .heads()
                .into_iter()
                .map(|rev| rev.id.clone())
                .collect()
        } else {
            vec![resolve_single(graph, spec)?.id.clone()]
        };
        for id in ids {
            if !joined.contains(&id) {
                joined.push(id);
            }
        }
    }
    if joined.len() < 2 {
        return Err(CliError::input(format!(
            "a merge joins at least two revisions, and {} named {}: nothing to merge",
            specs.join(" "),
            if joined.is_empty() {
                "none".to_string()
            } else {
                format!("only {}", joined.join(", "))
            }
        )));
    }
    for (i, a) in joined.iter().enumerate() {
        for b in &joined[i + 1..] {
            for (lower, upper) in [(a, b), (b, a)] {
                if graph
                    .history_range(Some(lower), Some(upper))
                    .is_ok_and(|between| !between.is_empty())
                {
                    return Err(CliError::input(format!(
                        "{lower} is an ancestor of {upper}: a merge joins revisions on separate branches"
                    )));
                }
            }
        }
    }
    let new = new_revision(graph, rev_id, message, joined, Vec::new(), branch_labels)?;
    write_revision(out, project, &new, &toml_revision_text(&new), "toml")
}

/// The parents of a new revision: `--head`, or the single head. Refuses to guess.
fn parents(graph: &Graph, head: Option<&str>, splice: bool) -> CliResult<Vec<String>> {
    match head {
        Some("base") => Ok(Vec::new()),
        Some("head") if graph.is_empty() => Ok(Vec::new()),
        Some(spec) => {
            let parent = resolve_single(graph, spec)?;
            if !graph.is_head(&parent.id) && !splice {
                return Err(CliError::input(format!(
                    "`{spec}` ({}) is not a head: a revision on it starts a new branch. Pass --splice \
                     to do that deliberately",
                    parent.id
                )));
            }
            Ok(vec![parent.id.clone()])
        }
        None => {
            match graph.heads().as_slice() {
                [] => Ok(Vec::new()),
                [head] => Ok(vec![head.id.clone()]),
                heads => Err(CliError::input(format!(
                "the graph has {} heads ({}): choose the parent with --head REV (or LABEL@head), \
                 or join them first with `retort merge heads -m MESSAGE`",
                heads.len(),
                heads.iter().map(|h| h.id.as_str()).collect::<Vec<_>>().join(", ")
            ))),
            }
        }
    }
}

fn new_revision(
    graph: &Graph,
    rev_id: Option<&str>,
    message: &str,
    down_revisions: Vec<String>,
    depends_on: Vec<String>,
    branch_labels: &[String],
) -> CliResult<NewRevision> {
    let id = match rev_id {
        Some(id) => {
            check_revision_id(id).map_err(|m| CliError::input(format!("--rev-id: {m}")))?;
            if let Some(existing) = graph.get(id) {
                return Err(CliError::input(format!(
                    "--rev-id `{id}` is already used by {}",
                    display_path(&existing.path)
                )));
            }
            id.to_string()
        }
        None => loop {
            let id = random_revision_id()
                .map_err(|e| CliError::runtime(format!("while choosing a revision id: {e}")))?;
            if graph.get(&id).is_none() {
                break id;
            }
        },
    };
    for label in branch_labels {
        check_branch_label(label).map_err(|m| CliError::input(format!("--branch-label: {m}")))?;
        if let Some(owner) = graph.labelled(label) {
            return Err(CliError::input(format!(
                "branch label `{label}` is already declared by {} ({})",
                owner.id,
                display_path(&owner.path)
            )));
        }
    }
    let now = OffsetDateTime::now_utc();
    let created = now.replace_nanosecond(0).unwrap_or(now);
    Ok(NewRevision {
        id,
        down_revisions,
        depends_on,
        branch_labels: branch_labels.to_vec(),
        message: message.to_string(),
        created,
    })
}

/// The written operations must read back as the very operations generated: a revision
/// that says something else than what was reviewed in `diff` is never written.
fn check_round_trip(
    text: &str,
    upgrade: &[retort_core::revision::ops::Operation],
    downgrade: &[retort_core::revision::ops::Operation],
) -> CliResult {
    let read = retort_core::revision::toml_file::parse_toml_revision(
        std::path::Path::new("generated revision"),
        text,
    )
    .map_err(|e| CliError::runtime(format!("the generated revision does not read back: {e}")))?;
    if read.upgrade != upgrade || read.downgrade.as_deref().unwrap_or_default() != downgrade {
        return Err(CliError::runtime(
            "the generated revision reads back differently from the operations found; nothing \
             was written (please report this)",
        ));
    }
    Ok(())
}

fn write_revision(
    out: &Output,
    project: &Project,
    new: &NewRevision,
    text: &str,
    extension: &str,
) -> CliResult {
    let stem = file_stem(&project.config.migrations.file_template, new).map_err(|m| {
        CliError::input(format!(
            "{}: [migrations] {m}",
            display_path(&project.config.path)
        ))
    })?;
    let path = project
        .config
        .migrations
        .dir
        .join(format!("{stem}.{extension}"));
    validate_before_writing(project, &path, text)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| CliError::runtime(format!("while creating {}: {e}", display_path(&path))))?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::runtime(format!("while writing {}: {e}", display_path(&path))))?;
    let file = display_path(&path);
    out.emit(
        |_| format!("{file}\n"),
        || json!({ "revision": new.id, "file": file }),
    );
    Ok(())
}

/// Reads the new file back and checks the graph with it, so that `revision` and `merge`
/// never write a file that every later command would reject.
fn validate_before_writing(project: &Project, path: &std::path::Path, text: &str) -> CliResult {
    let header = if path.extension().is_some_and(|e| e == "sql") {
        parse_sql_header(path, text)
    } else {
        parse_toml_header(path, text)
    }
    .map_err(|e| CliError::input(format!("the new revision would be invalid: {e}")))?;
    let mut headers = project.graph.revisions().to_vec();
    headers.push(header);
    Graph::new(headers)
        .map_err(|e| CliError::input(format!("the new revision would break the graph: {e}")))?;
    Ok(())
}

/// `retort edit REV` (Alembic's `edit`): opens the revision's file in `$VISUAL`, else
/// `$EDITOR`, else `vi`, run through `sh` so that an editor with arguments (`code -w`)
/// works as it does for git.
pub(crate) fn edit(project: &Project, spec: &str) -> CliResult {
    let revision = resolve_single(&project.graph, spec)?;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("retort-edit")
        .arg(&revision.path)
        .status()
        .map_err(|e| CliError::runtime(format!("cannot start the editor `{editor}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(CliError::runtime(format!(
            "the editor `{editor}` exited with {status} while editing {}",
            display_path(&revision.path)
        )))
    }
}
