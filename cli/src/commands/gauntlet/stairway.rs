//! The stairway (SPEC 7 `test`): every revision in upgrade order goes up, down and up
//! again, and after the down the schema must be what it was before the up. Tables a
//! revision's operations name are compared; after raw SQL, everything is.

use super::report::{millis, Check, Outcome, Report, StairStep};
use super::schemas::{differences, snapshot, Scope};
use super::{Gauntlet, Stop};
use crate::project::display_path;
use retort_core::dialect::{RenderMode, Statement};
use retort_core::load::Revision;
use retort_core::migrate::Migrator;
use retort_core::revision::ops::{BulkInsert, Operation};
use retort_core::schema::Schema;
use retort_core::{Connection, RevisionHeader};
use std::collections::BTreeSet;
use std::time::Instant;

/// Runs the stairway on `conn`, an empty database; revisions before `since` (an index
/// into `order`) are only applied.
pub(crate) fn stairway(
    gauntlet: &Gauntlet<'_>,
    migrator: &Migrator<'_>,
    report: &Report<'_>,
    conn: &mut dyn Connection,
    order: &[&RevisionHeader],
    since: usize,
) -> Result<Check, Stop> {
    let mut steps = Vec::new();
    let mut irreversible = 0;
    for (index, header) in order.iter().enumerate() {
        gauntlet.stop_if_interrupted()?;
        if index < since {
            if let Err(error) = migrator.upgrade_only(conn, &header.id, &mut |_| {}) {
                return Ok(Check::failed(
                    "stairway",
                    format!(
                        "revision {} (before --since) could not be applied",
                        header.id
                    ),
                )
                .about(&header.id)
                .with_details(vec![error.to_string()]));
            }
            continue;
        }
        let started = Instant::now();
        let outcome = step(gauntlet, migrator, conn, header);
        let mut stair = StairStep {
            revision: header.id.clone(),
            message: header.message.clone(),
            outcome: Outcome::Passed,
            details: Vec::new(),
            ms: 0,
        };
        let failure = match outcome {
            Ok(Stepped::Reversed) => None,
            Ok(Stepped::Irreversible) => {
                irreversible += 1;
                stair.outcome = Outcome::Irreversible;
                None
            }
            Err(failure) => Some(failure),
        };
        if let Some(failure) = &failure {
            stair.outcome = Outcome::Failed;
            stair.details = std::iter::once(failure.what.clone())
                .chain(failure.details.iter().cloned())
                .collect();
        }
        stair.ms = millis(started.elapsed());
        report.step(&stair);
        steps.push(stair);
        if let Some(failure) = failure {
            let mut check = Check::failed(
                "stairway",
                format!("revision {} {}", header.id, failure.what),
            )
            .about(&header.id)
            .with_details(failure.details);
            check.steps = steps;
            return Ok(check);
        }
    }
    let tested = steps.len() - irreversible;
    let mut check = Check::passed(
        "stairway",
        match irreversible {
            0 => format!("{tested} revision(s) up, down and up again"),
            n => format!(
                "{tested} revision(s) up, down and up again; {n} irreversible, applied only"
            ),
        },
    );
    check.steps = steps;
    Ok(check)
}

/// How a revision's step went.
enum Stepped {
    /// Up, down, up again, with the schema as before after the down.
    Reversed,
    /// Applied; it has no downgrade to take it down with.
    Irreversible,
}

/// Why a revision's step failed: a phrase after "revision ID", and the details.
struct StepFailure {
    what: String,
    details: Vec<String>,
}

impl StepFailure {
    fn new(what: impl Into<String>, detail: impl ToString) -> Self {
        StepFailure {
            what: what.into(),
            details: vec![detail.to_string()],
        }
    }
}

fn step(
    gauntlet: &Gauntlet<'_>,
    migrator: &Migrator<'_>,
    conn: &mut dyn Connection,
    header: &RevisionHeader,
) -> Result<Stepped, StepFailure> {
    let revision = migrator
        .revision(header)
        .map_err(|e| StepFailure::new("cannot be read", e))?;
    let scope = touched_tables(&revision);
    let version_table = gauntlet.version_table();
    let before = snapshot(conn, version_table, &scope)
        .map_err(|e| StepFailure::new("could not be prepared", e))?;
    insert_test_data(gauntlet, conn, header, &before)?;
    migrator
        .upgrade_only(conn, &header.id, &mut |_| {})
        .map_err(|e| StepFailure::new("failed to upgrade", e))?;
    if !revision.is_reversible() {
        return Ok(Stepped::Irreversible);
    }
    migrator
        .revert(conn, &header.id, &mut |_| {})
        .map_err(|e| StepFailure::new("failed to downgrade", e))?;
    let after = snapshot(conn, version_table, &scope)
        .map_err(|e| StepFailure::new("could not be compared", e))?;
    let found = differences(gauntlet.database, &after, &before);
    if !found.is_empty() {
        return Err(StepFailure {
            what: String::from(
                "does not downgrade to the schema it upgraded from (after its downgrade, \
                 compared with before its upgrade)",
            ),
            details: found,
        });
    }
    migrator
        .upgrade_only(conn, &header.id, &mut |_| {})
        .map_err(|e| StepFailure::new("failed to upgrade again after its downgrade", e))?;
    Ok(Stepped::Reversed)
}

/// The tables a revision's operations (both ways) name; every table after raw SQL, whose
/// effect retort cannot know.
fn touched_tables(revision: &Revision) -> Scope {
    let Revision::Toml(toml) = revision else {
        return Scope::All;
    };
    let mut tables = BTreeSet::new();
    for op in toml.upgrade.iter().chain(toml.downgrade.iter().flatten()) {
        match op {
            Operation::Execute(_) => return Scope::All,
            Operation::RenameTable(rename) => {
                tables.insert(rename.table.clone());
                tables.insert(rename.new_name.clone());
            }
            other => {
                if let Some(table) = other.table() {
                    tables.insert(table.to_string());
                }
            }
        }
    }
    Scope::Tables(tables)
}

/// The rows of `test_data/<id>.toml`, inserted right before the revision goes up.
fn insert_test_data(
    gauntlet: &Gauntlet<'_>,
    conn: &mut dyn Connection,
    header: &RevisionHeader,
    before: &Schema,
) -> Result<(), StepFailure> {
    let Some(data) = gauntlet.test_data.get(&header.id) else {
        return Ok(());
    };
    let file = display_path(&data.path);
    let mut full: Option<Schema> = None;
    for insert in &data.inserts {
        let schema = if before.table(&insert.table).is_some() {
            before
        } else {
            // A table the revision does not name: read the whole schema once.
            if full.is_none() {
                full = Some(
                    snapshot(conn, gauntlet.version_table(), &Scope::All)
                        .map_err(|e| StepFailure::new("could not be prepared", e))?,
                );
            }
            full.as_ref().unwrap_or(before)
        };
        let failed = |e: &dyn std::fmt::Display| {
            StepFailure::new(
                format!("could not be given its test data ({file})"),
                format!("inserting into {}: {e}", insert.table),
            )
        };
        let operation = Operation::BulkInsert(BulkInsert {
            table: insert.table.clone(),
            rows: insert.rows.clone(),
        });
        let statements: Vec<Statement> = gauntlet
            .dialect()
            .render_operation(&operation, schema, RenderMode::Online)
            .map_err(|e| failed(&e))?;
        for statement in &statements {
            conn.execute(statement).map_err(|e| failed(&e))?;
        }
    }
    Ok(())
}
