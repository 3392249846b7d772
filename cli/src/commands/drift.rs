//! Drift, for `retort check` (SPEC 7, 8): the live schema compared with `schema.toml`, and
//! with the schema its applied revisions produce (somebody altered the database by hand).

use crate::commands::diff::{describe, live_declarable_schema, with_dialect_limit};
use crate::commands::rendered_checks::diff_live;
use crate::database::{migrate_error, Database};
use crate::error::{CliError, CliResult};
use crate::project::{display_path, Project};
use retort_core::declared::{read_declared, schema_of_applied_revisions, RevisionsSchemaError};
use retort_core::dialect::spelling_of;
use retort_core::diff::DiffOptions;
use retort_core::Connection;

/// What the comparisons found: problems as (kind, message), and notices for a comparison
/// that could not be made.
#[derive(Debug, Default)]
pub(crate) struct Drift {
    pub(crate) problems: Vec<(&'static str, String)>,
    pub(crate) notices: Vec<String>,
}

/// Compares the database behind `conn` with `schema.toml` (when it declares a table) and
/// with its applied revisions.
pub(crate) fn drift(
    project: &Project,
    database: &Database,
    conn: &mut dyn Connection,
) -> CliResult<Drift> {
    let mut found = Drift::default();
    let file = &project.config.schema.file;
    let declared = read_declared(file).map_err(CliError::input)?;
    let live = live_declarable_schema(database, conn, &project.config)?;
    let spelling = spelling_of(database.dialect.as_ref());

    if !declared.is_empty() {
        let options = with_dialect_limit(declared.diff_options(), database);
        let to_declared = diff_live(conn, &live, &declared.schema, &options, spelling);
        for operation in &to_declared.operations {
            found.problems.push((
                "schema_drift",
                format!(
                    "the database differs from {}: it needs `{}`",
                    display_path(file),
                    describe(operation)
                ),
            ));
        }
    }

    let state = database
        .migrator(project, None, false)
        .read_state(conn)
        .map_err(migrate_error)?;
    if let Some(dirty) = state.dirty() {
        found.notices.push(format!(
            "not compared with the applied revisions: revision {} is dirty",
            dirty.revision
        ));
        return Ok(found);
    }
    let applied = state.applied();
    let expected = match schema_of_applied_revisions(&project.graph, &applied) {
        Ok(schema) => schema,
        Err(
            RevisionsSchemaError::SqlRevision { revision, path }
            | RevisionsSchemaError::Execute { revision, path },
        ) => {
            found.notices.push(format!(
                "not compared with the applied revisions: revision {revision} ({}) runs SQL \
                 whose effect on the schema retort cannot compute",
                display_path(&path)
            ));
            return Ok(found);
        }
        Err(other) => {
            found
                .notices
                .push(format!("not compared with the applied revisions: {other}"));
            return Ok(found);
        }
    };
    // Hints describe schema.toml's past, not the revisions'; the ignored tables hold here too.
    let mut options = DiffOptions::new();
    options.ignore_tables = declared.ignore_tables.clone();
    let options = with_dialect_limit(options, database);
    let to_expected = diff_live(conn, &live, &expected, &options, spelling);
    for operation in &to_expected.operations {
        found.problems.push((
            "altered_schema",
            format!(
                "the database differs from what its applied revisions produce (altered outside \
                 retort?): `{}` would restore it",
                describe(operation)
            ),
        ));
    }
    Ok(found)
}
