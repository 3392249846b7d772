//! `retort check` (SPEC 7): exit 3 when the graph, the files or the database are not as
//! they should be, with every problem listed. The rules are [`retort_core::check`]'s; this
//! command connects, prints and chooses the exit code.

use crate::args::GlobalArgs;
use crate::database::{migrate_error, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, load_config, Project};
use retort_core::check::Finding;
use serde::Serialize;
use serde_json::json;

/// A finding as `check` shows it (and serializes it for `--format json`).
#[derive(Debug, Serialize)]
struct Problem {
    kind: &'static str,
    message: String,
}

impl From<&Finding> for Problem {
    fn from(finding: &Finding) -> Self {
        Problem {
            kind: finding.kind(),
            message: finding.message_with(&display_path),
        }
    }
}

pub(crate) fn check(out: &Output, global: &GlobalArgs) -> CliResult {
    let config = load_config(global)?;
    // An invalid URL stops `check` before the header cache is written.
    crate::database::selected_url(&config, global)?;
    let mut problems = Vec::new();
    let notices = match Project::from_config(config, global.verbose) {
        Err(message) => {
            problems.push(Problem::from(&Finding::InvalidGraph { message }));
            Vec::new()
        }
        Ok(project) => check_project(&project, global, &mut problems)?,
    };
    for notice in &notices {
        eprintln!("notice: {notice}");
    }
    let ok = problems.is_empty();
    out.emit(
        |_| {
            if ok {
                "ok: one head, the database is at head, no applied file changed, and the schema \
                 is what schema.toml and the applied revisions say\n"
                    .to_string()
            } else {
                problems
                    .iter()
                    .map(|p| format!("problem ({}): {}\n", p.kind, p.message))
                    .collect()
            }
        },
        || json!({ "ok": ok, "problems": problems, "notices": notices }),
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

/// Adds the project's problems to `problems`; returns the notices about comparisons that
/// could not be made.
fn check_project(
    project: &Project,
    global: &GlobalArgs,
    problems: &mut Vec<Problem>,
) -> CliResult<Vec<String>> {
    let database = Database::for_project(project, global)?;
    let mut conn = database.connect_read_only()?;
    let migrator = database.migrator(project, None, false);
    let findings = retort_core::check::check(
        &project.graph,
        &migrator,
        conn.as_mut(),
        &project.config.migrations.dir,
    )
    .map_err(migrate_error)?;
    problems.extend(findings.iter().map(Problem::from));
    let drift = crate::commands::drift::drift(project, &database, conn.as_mut())?;
    problems.extend(
        drift
            .problems
            .into_iter()
            .map(|(kind, message)| Problem { kind, message }),
    );
    Ok(drift.notices)
}
