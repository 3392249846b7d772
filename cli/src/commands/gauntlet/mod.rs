//! `retort test` (SPEC 7): the migration gauntlet, on scratch databases it creates beside
//! the configured one and always drops.
//!
//! The checks, in the order they run and are reported:
//! 1. `graph`: the revisions load into a valid graph with a single head (several only with
//!    `--heads`);
//! 2. `fresh`: an empty database goes to head;
//! 3. `stairway`: each revision goes up, down and up again, the schema after the down being
//!    the one before the up ([`stairway`]), with its test data inserted first;
//! 4. `declared`: head's schema is what `schema.toml` declares (when it declares tables);
//! 5. `adopt`: head's schema created without revisions, stamped at head, upgrades to nothing;
//! 6. `downgrade`: head → base leaves nothing but the version table;
//! 7. `offline`: `upgrade --sql` from base, run through the driver, gives the schema and the
//!    version rows of the online run.

mod checks;
mod report;
mod schemas;
mod scratch;
mod script;
mod stairway;

use crate::args::{GlobalArgs, TestArgs};
use crate::database::Database;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{load_config, Project};
use report::{Check, Report};
use retort_core::declared::{read_declared, DeclaredSchema};
use retort_core::graph::Target;
use retort_core::migrate::Migrator;
use retort_core::test_data::{read_test_data, TestData};
use retort_core::{Connection, Dialect, RevisionHeader};
use scratch::Scratch;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Why the gauntlet stopped before its end.
pub(crate) enum Stop {
    /// SIGINT or SIGTERM.
    Interrupted,
    /// A scratch database could not be created or reached.
    Failed(CliError),
}

impl From<CliError> for Stop {
    fn from(error: CliError) -> Self {
        Stop::Failed(error)
    }
}

/// What every check works with.
pub(crate) struct Gauntlet<'a> {
    project: &'a Project,
    database: &'a Database,
    migrator: Migrator<'a>,
    test_data: BTreeMap<String, TestData>,
    declared: DeclaredSchema,
    interrupted: Arc<AtomicBool>,
}

impl Gauntlet<'_> {
    fn dialect(&self) -> &dyn Dialect {
        self.database.dialect.as_ref()
    }

    fn version_table(&self) -> &str {
        &self.project.config.migrations.version_table
    }

    fn stop_if_interrupted(&self) -> Result<(), Stop> {
        if self.interrupted.load(Ordering::SeqCst) {
            Err(Stop::Interrupted)
        } else {
            Ok(())
        }
    }

    /// A connection to a scratch database, which is thrown away afterwards: its commits
    /// need not wait for the disk.
    fn connect(&self, url: &retort_core::db_url::DatabaseUrl) -> Result<Box<dyn Connection>, Stop> {
        let failed = |e: &dyn std::fmt::Display| {
            Stop::Failed(CliError::runtime(format!(
                "cannot connect to the scratch database {}: {e}",
                url.redacted()
            )))
        };
        let mut conn = self.dialect().connect(url).map_err(|e| failed(&e))?;
        conn.trade_durability_for_speed().map_err(|e| failed(&e))?;
        Ok(conn)
    }
}

/// `retort test`.
pub(crate) fn run(out: &Output, global: &GlobalArgs, args: &TestArgs) -> CliResult {
    let started = Instant::now();
    let config = load_config(global)?;
    let database = Database::for_config(&config, global)?;
    let mut report = Report::new(out);
    let project = match Project::from_config(config, global.verbose) {
        Ok(project) => project,
        Err(message) => {
            report.add(Check::failed("graph", message), started.elapsed());
            return conclude(&report, args, started, &[]);
        }
    };
    // Bad input stops the run before any scratch database exists.
    let test_data =
        read_test_data(&test_data_dir(&project), &project.graph).map_err(CliError::input)?;
    let declared = read_declared(&project.config.schema.file).map_err(CliError::input)?;
    let heads: Vec<String> = project.graph.heads().iter().map(|h| h.id.clone()).collect();
    let order = project
        .graph
        .plan_upgrade(&HashSet::new(), &Target::Revisions(heads.clone()))
        .map_err(CliError::runtime)?;
    let since = since_index(&project, &order, args.since.as_deref())?;
    report.add(graph_check(&project, &heads, args.heads), started.elapsed());

    let mut scratch = Scratch::new(&database, args.keep, global.verbose > 0)?;
    let gauntlet = Gauntlet {
        project: &project,
        database: &database,
        migrator: database.migrator(&project, None, false),
        test_data,
        declared,
        interrupted: scratch.interruption(),
    };
    let outcome = run_checks(&gauntlet, &mut scratch, &mut report, &order, since);
    let created = scratch.created();
    for failure in scratch.finish() {
        eprintln!("warning: {failure}");
    }
    let kept = if args.keep {
        created.clone()
    } else {
        Vec::new()
    };
    match outcome {
        Ok(()) => conclude(&report, args, started, &created),
        Err(Stop::Failed(mut error)) => {
            if !kept.is_empty() {
                error.message = format!(
                    "{}\n  kept the scratch databases {}",
                    error.message,
                    kept.join(", ")
                );
            }
            Err(error)
        }
        Err(Stop::Interrupted) => {
            if let Some(path) = &args.junit {
                let _ = report.write_junit(path, started.elapsed());
            }
            Err(CliError::interrupted(
                scratch.signal(),
                if kept.is_empty() {
                    "interrupted: the scratch databases were dropped".to_string()
                } else {
                    format!(
                        "interrupted: kept the scratch databases {}",
                        kept.join(", ")
                    )
                },
            ))
        }
    }
}

/// Checks 2 to 7, each on the scratch database it needs.
fn run_checks(
    gauntlet: &Gauntlet<'_>,
    scratch: &mut Scratch<'_>,
    report: &mut Report<'_>,
    order: &[&RevisionHeader],
    since: usize,
) -> Result<(), Stop> {
    let timed = Instant::now();
    let (check, head) = checks::fresh(gauntlet, scratch)?;
    report.add(check, timed.elapsed());

    gauntlet.stop_if_interrupted()?;
    let timed = Instant::now();
    let url = scratch.create("stairway")?;
    let check = {
        let mut conn = gauntlet.connect(&url)?;
        // The stairway's database has no other writer: each run starts from the schema
        // and version rows the one before left, instead of reading them all again.
        let migrator = gauntlet
            .database
            .migrator(gauntlet.project, None, false)
            .as_sole_writer();
        stairway::stairway(gauntlet, &migrator, report, conn.as_mut(), order, since)?
    };
    report.add(check, timed.elapsed());

    let later: [(&'static str, checks::Later); 4] = [
        ("declared", checks::declared),
        ("adopt", checks::adopt),
        ("downgrade", checks::downgrade),
        ("offline", checks::offline),
    ];
    let Some(head) = head else {
        for (name, _) in later {
            report.add(
                Check::skipped(name, "the fresh database did not reach head"),
                std::time::Duration::ZERO,
            );
        }
        return Ok(());
    };
    for (_, check) in later {
        gauntlet.stop_if_interrupted()?;
        let timed = Instant::now();
        let found = check(gauntlet, scratch, &head)?;
        report.add(found, timed.elapsed());
    }
    Ok(())
}

/// Check 1: one head, unless `--heads` allows several.
fn graph_check(project: &Project, heads: &[String], several_allowed: bool) -> Check {
    let revisions = project.graph.len();
    match heads {
        [_] | [] => Check::passed(
            "graph",
            format!("valid, one head ({revisions} revision(s))"),
        ),
        several if several_allowed => Check::passed(
            "graph",
            format!(
                "valid, {} heads as --heads allows ({revisions} revision(s))",
                several.len()
            ),
        ),
        several => Check::failed(
            "graph",
            format!(
                "{} heads: {}; join them with `retort merge -m MESSAGE heads`, or pass --heads \
                 if the branches are meant to stay apart",
                several.len(),
                several.join(", ")
            ),
        ),
    }
}

/// Where `--since` starts the stairway in `order`; 0 without it.
fn since_index(
    project: &Project,
    order: &[&RevisionHeader],
    since: Option<&str>,
) -> CliResult<usize> {
    let Some(since) = since else {
        return Ok(0);
    };
    let target = project
        .graph
        .resolve(since, &[])
        .map_err(|e| CliError::input(format!("--since {since}: {e}")))?;
    let Target::Revisions(ids) = target else {
        return Ok(0);
    };
    let [id] = ids.as_slice() else {
        return Err(CliError::input(format!(
            "--since {since} names {} revisions ({}): give one",
            ids.len(),
            ids.join(", ")
        )));
    };
    Ok(order.iter().position(|h| h.id == *id).unwrap_or(0))
}

/// `test_data/` beside the migrations directory (not inside it, where every file is a
/// revision).
fn test_data_dir(project: &Project) -> PathBuf {
    let migrations = &project.config.migrations.dir;
    migrations
        .parent()
        .map_or_else(|| PathBuf::from("test_data"), |dir| dir.join("test_data"))
}

/// The summary (or JSON document), the JUnit file, and the exit code; `scratch` lists
/// the scratch databases the run created.
fn conclude(
    report: &Report<'_>,
    args: &TestArgs,
    started: Instant,
    scratch: &[String],
) -> CliResult {
    report.finish(started.elapsed(), scratch, args.keep);
    if let Some(path) = &args.junit {
        report.write_junit(path, started.elapsed()).map_err(|e| {
            CliError::runtime(format!(
                "cannot write the JUnit report {}: {e}",
                crate::project::display_path(path)
            ))
        })?;
    }
    if report.ok() {
        Ok(())
    } else {
        let failed: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.status == report::Status::Failed)
            .map(|c| c.name)
            .collect();
        Err(CliError::problems_found(format!(
            "the gauntlet failed: {}",
            failed.join(", ")
        )))
    }
}
