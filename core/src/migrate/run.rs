//! Running a plan: each revision in its own transaction (or one for the run), or, where
//! DDL cannot be transactional, behind a dirty row that records how far it got.

use super::dirty_row::{Chain, Handover};
use super::error::RevisionFailure;
use super::limits::unlimit;
use super::live_schema::LiveSchema;
use super::prepare::{check_direction, database, position, Loaded, Unit};
use super::{
    Carried, DbState, Direction, MigrateError, Migrator, Progress, RowState, Step, VersionRow,
};
use crate::dialect::{Connection, DbError, DbErrorCategory, RenderMode, Statement};
use crate::graph::Target;
use crate::revision::RevisionHeader;
use std::time::Instant;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where a run goes.
#[derive(Debug, Clone, Copy)]
enum Goal<'t> {
    /// A target as the command line gives it (SPEC 4).
    Target(&'t str),
    /// One revision applied alone.
    Apply(&'t str),
    /// One revision reverted, with what needs it.
    Revert(&'t str),
}

impl Migrator<'_> {
    /// `upgrade TARGET` (SPEC 4, 6): applies what the target needs, under the lock.
    /// With `dry_run`, plans and returns the steps without executing anything.
    pub fn upgrade(
        &self,
        conn: &mut dyn Connection,
        target: &str,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Step>, MigrateError> {
        self.run(
            conn,
            Goal::Target(target),
            Direction::Upgrade,
            dry_run,
            progress,
        )
    }

    /// `downgrade TARGET` (SPEC 4, 6): reverts what stands above the target, under the lock.
    pub fn downgrade(
        &self,
        conn: &mut dyn Connection,
        target: &str,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Step>, MigrateError> {
        self.run(
            conn,
            Goal::Target(target),
            Direction::Downgrade,
            dry_run,
            progress,
        )
    }

    /// Applies the revision `id` alone, under the lock; its parents and dependencies must
    /// be applied. Unlike `upgrade ID`, its plan costs what the revision's own parents
    /// cost, not a walk of the graph: `retort test` takes each revision of its stairway up
    /// this way.
    pub fn upgrade_only(
        &self,
        conn: &mut dyn Connection,
        id: &str,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Step>, MigrateError> {
        self.run(conn, Goal::Apply(id), Direction::Upgrade, false, progress)
    }

    /// Reverts the applied revision `id` and whatever applied revision needs it, and
    /// nothing else, under the lock: `retort test` takes each revision of its stairway
    /// down this way, whatever branch the others are on.
    pub fn revert(
        &self,
        conn: &mut dyn Connection,
        id: &str,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Step>, MigrateError> {
        self.run(
            conn,
            Goal::Revert(id),
            Direction::Downgrade,
            false,
            progress,
        )
    }

    fn run(
        &self,
        conn: &mut dyn Connection,
        goal: Goal<'_>,
        direction: Direction,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Vec<Step>, MigrateError> {
        if let Goal::Target(target) = goal {
            check_direction(target, direction)?;
        }
        // Steps that ran but wait for the lock's release to be durable (SQLite's run is one
        // transaction): reported only once that commit returned, so that what retort prints
        // as done is done (SPEC 6).
        let mut ran: Vec<Step> = Vec::new();
        let (result, unlocked) = self.locked_apart(conn, |conn| {
            // Every file the run needs is read, checked and rendered before the first
            // write, the version table's creation included: bad input leaves the database
            // exactly as it was.
            let carried = self.take_carried();
            let state_was_carried = carried.state.is_some();
            let mut state = match carried.state {
                Some(state) => state,
                None => self.read_state(conn)?,
            };
            if let Some(dirty) = state.dirty() {
                return Err(MigrateError::Dirty {
                    revision: dirty.revision.clone(),
                    error: dirty.error.clone(),
                });
            }
            if !state_was_carried {
                // A sole writer's runs write only revisions of its graph.
                self.check_known(&state, false)?;
            }
            let plan = self.plan(&state, goal, direction)?;
            if direction == Direction::Upgrade && !state_was_carried {
                // A sole writer recorded those checksums itself, from the files it read.
                self.check_unchanged(&state)?;
            }
            let loaded = self.load(&plan)?;
            self.check_transactional(&loaded)?;
            self.check_identifiers(&loaded, direction)?;
            self.check_reversible(&loaded, direction)?;
            if loaded.is_empty() {
                if !dry_run {
                    self.ensure_version_table(conn)?;
                }
                // Nothing changed: what was carried still holds (the rows only once the
                // version table surely exists).
                self.carry(Carried {
                    schema: carried.schema,
                    state: (!dry_run).then_some(state),
                });
                progress(Progress::Planned(&[]));
                return Ok(Vec::new());
            }
            let schema = match carried.schema {
                Some(schema) => schema,
                None => conn
                    .introspect()
                    .map_err(database("reading the database's schema"))?,
            };
            let ahead = self.render_ahead(schema.clone(), &loaded, direction)?;
            let mut schema = LiveSchema::new(schema, ahead);
            let mut steps: Vec<Step> = loaded
                .iter()
                .map(|rev| Step {
                    direction,
                    revision: rev.header().id.clone(),
                    message: rev.header().message.clone(),
                    ms: None,
                })
                .collect();
            progress(Progress::Planned(&steps));
            if dry_run {
                // The rows are not carried: a dry run does not make the version table, and
                // a carried state tells the next run that it exists.
                self.carry(Carried {
                    schema: schema.into_schema(),
                    state: None,
                });
                return Ok(steps);
            }
            let capabilities = self.dialect.capabilities();
            if !state_was_carried {
                // A sole writer's earlier run made it.
                self.ensure_version_table(conn)?;
            }
            let whole_run = !self.settings.transaction_per_migration
                && capabilities.transactional_ddl
                && loaded.iter().all(|rev| rev.header().transactional);
            if whole_run {
                conn.begin()
                    .map_err(database("starting the run's transaction"))?;
            }
            let mut uncommitted = Vec::new();
            let mut limits = None;
            // The current revision's dirty row was committed with the previous one's record.
            let mut marked = false;
            for (index, revision) in loaded.iter().enumerate() {
                progress(Progress::Started(index));
                let next = loaded.get(index + 1).filter(|next| {
                    self.behind_dirty_row(revision.header()) && self.behind_dirty_row(next.header())
                });
                let applied = self
                    .limit(conn, &mut limits, revision.header())
                    .and_then(|()| {
                        let chain = Chain {
                            marked,
                            next,
                            limits: &mut limits,
                        };
                        self.apply(conn, revision, direction, &mut schema, whole_run, chain)
                    });
                let (ms, handover) = match applied {
                    Ok(applied) => applied,
                    Err(error) => {
                        if whole_run {
                            let _ = conn.rollback();
                        }
                        unlimit(conn, limits);
                        return Err(error);
                    }
                };
                steps[index].ms = Some(ms);
                if whole_run {
                    uncommitted.push(steps[index].clone());
                } else if capabilities.run_commits_at_unlock {
                    ran.push(steps[index].clone());
                } else {
                    progress(Progress::Finished(index, &steps[index]));
                }
                marked = handover.next_marked;
                if let Some(error) = handover.deferred {
                    unlimit(conn, limits);
                    return Err(error);
                }
            }
            let committed = if whole_run {
                conn.commit().map_err(|error| {
                    if error.category != DbErrorCategory::ConnectionLost {
                        return database("committing the run")(error);
                    }
                    let revisions: Vec<String> =
                        steps.iter().map(|step| step.revision.clone()).collect();
                    MigrateError::CommitOutcomeUnknown {
                        what: format!("the run (revisions {})", revisions.join(", ")),
                        revisions,
                        direction,
                        source: error,
                    }
                })
            } else {
                Ok(())
            };
            unlimit(conn, limits);
            committed?;
            if self.carried.is_some() {
                for revision in &loaded {
                    let id = &revision.header().id;
                    match direction {
                        Direction::Upgrade => {
                            let row = self.row(revision, RowState::Applied, 0, None);
                            state.rows.insert(id.clone(), row);
                        }
                        Direction::Downgrade => {
                            state.rows.remove(id);
                        }
                    }
                }
                self.carry(Carried {
                    schema: schema.into_schema(),
                    state: Some(state),
                });
            }
            if whole_run {
                if capabilities.run_commits_at_unlock {
                    ran.append(&mut uncommitted);
                } else {
                    for (index, step) in uncommitted.iter().enumerate() {
                        progress(Progress::Finished(index, step));
                    }
                }
            }
            if !ran.is_empty() {
                progress(Progress::Committing(ran.len()));
            }
            Ok(steps)
        });
        if unlocked.is_ok() {
            for (index, step) in ran.iter().enumerate() {
                progress(Progress::Finished(index, step));
            }
        }
        if result.is_err() || unlocked.is_err() {
            // What the database holds now is not known to be what the run folded.
            self.carry(Carried::default());
        }
        // A failed revision's error says more than a failed release after it; the revisions
        // before it are not reported then, as none of them is known to be kept.
        let steps = result?;
        unlocked?;
        Ok(steps)
    }

    /// `transactional = false` revisions need a dialect that can run outside a transaction
    /// under the lock; elsewhere they are refused before anything runs.
    pub(super) fn check_transactional(&self, loaded: &[Loaded]) -> Result<(), MigrateError> {
        if self.dialect.capabilities().non_transactional_revisions {
            return Ok(());
        }
        match loaded.iter().find(|rev| !rev.header().transactional) {
            None => Ok(()),
            Some(rev) => Err(MigrateError::Unsupported {
                revision: rev.header().id.clone(),
                file: rev.header().path.clone(),
                source: crate::dialect::DialectError::new(
                    self.dialect.name(),
                    "run a revision outside a transaction",
                    "the migration lock is itself a transaction on this database; remove \
                     `transactional = false` (its DDL is transactional anyway)",
                ),
            }),
        }
    }

    fn plan(
        &self,
        state: &DbState,
        goal: Goal<'_>,
        direction: Direction,
    ) -> Result<Vec<&RevisionHeader>, MigrateError> {
        // One revision's plan asks about a few rows, not the whole version table.
        let is_applied = |id: &str| state.is_applied(id);
        let target = match goal {
            Goal::Target(target) => target,
            Goal::Apply(id) => return Ok(self.graph.plan_apply(&is_applied, id)?),
            Goal::Revert(id) => return Ok(self.graph.plan_revert(&is_applied, id)?),
        };
        let applied = state.applied();
        let heads = state.heads(self.graph);
        let target = self.graph.resolve(target, &heads)?;
        Ok(match direction {
            Direction::Upgrade => self.graph.plan_upgrade(&applied, &target)?,
            Direction::Downgrade => self.graph.plan_downgrade(&applied, &target)?,
        })
    }

    /// Applies or reverts one revision; returns how long it took in milliseconds and what
    /// it leaves to the next revision.
    ///
    /// In a transaction, any failure rolls the revision back, whatever step failed; outside
    /// one, the dirty row records how far it got.
    fn apply(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
        inside_run_transaction: bool,
        chain: Chain<'_>,
    ) -> Result<(u64, Handover), MigrateError> {
        let header = revision.header();
        schema.next_revision();
        if self.behind_dirty_row(header) {
            return self.apply_behind_dirty_row(conn, revision, direction, schema, chain);
        }
        if !inside_run_transaction {
            // A revision whose statements are all known goes to the server in one piece.
            if let Some(result) = self.apply_batched(conn, revision, direction, schema) {
                return result.map(|ms| (ms, Handover::default()));
            }
        }
        let started = Instant::now();
        if !inside_run_transaction {
            conn.begin().map_err(database(&format!(
                "starting the transaction of revision {}",
                header.id
            )))?;
        }
        let ms = match self.run_and_record(conn, revision, direction, schema, started) {
            Ok(ms) if !inside_run_transaction => match conn.commit() {
                Ok(()) => Ok(ms),
                Err(error) => Err(commit_failed(conn, header, direction, error)),
            },
            Ok(ms) => Ok(ms),
            Err(error) => {
                if !inside_run_transaction {
                    let _ = conn.rollback();
                }
                Err(error)
            }
        }?;
        Ok((ms, Handover::default()))
    }

    /// Runs a revision's statements and records the result in the version table, inside
    /// the revision's transaction.
    fn run_and_record(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
        started: Instant,
    ) -> Result<u64, MigrateError> {
        let header = revision.header();
        let ms = self.run_statements(conn, revision, direction, schema, started, true)?;
        let record = self
            .version_table()
            .record_done(
                &self.row(revision, RowState::Applied, ms as i64, None),
                direction,
                true,
                RenderMode::Online,
            )
            .map_err(|e| record_error(header, e))?;
        conn.execute(&record).map_err(database(&format!(
            "recording revision {} in the version table",
            header.id
        )))?;
        Ok(ms)
    }

    /// Runs a revision's statements; returns how long they took in milliseconds. Outside a
    /// transaction, a failure is written into the revision's dirty row.
    pub(super) fn run_statements(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
        started: Instant,
        transactional: bool,
    ) -> Result<u64, MigrateError> {
        let header = revision.header();
        let table = self.version_table();
        let units = revision.units(direction);
        let count = units.len();
        for (index, unit) in units.iter().enumerate() {
            let statements = match unit {
                Unit::Sql(statement) => {
                    schema.mark_stale();
                    vec![Statement::new(statement.sql.clone())]
                }
                Unit::Operation(op) => match schema.rendered_ahead(op, self.dialect) {
                    Some(statements) => statements,
                    None => {
                        let current = schema.for_operation(conn, op, self.dialect)?;
                        self.dialect
                            .render_operation(op, current, RenderMode::Online)
                            .map_err(|e| MigrateError::Unsupported {
                                revision: header.id.clone(),
                                file: header.path.clone(),
                                source: e,
                            })?
                    }
                },
            };
            for statement in &statements {
                if let Err(source) = conn.execute(statement) {
                    let position = position(unit, index, count);
                    if !transactional {
                        let text = format!("{position}: {} -- {source}", statement.sql);
                        let ms = elapsed_ms(started) as i64;
                        if let Ok(update) = table.update_state(
                            &header.id,
                            RowState::Dirty,
                            ms,
                            Some(&text),
                            RenderMode::Online,
                        ) {
                            let _ = conn.execute(&update);
                        }
                    }
                    return Err(MigrateError::RevisionFailed(Box::new(RevisionFailure {
                        revision: header.id.clone(),
                        file: header.path.clone(),
                        position,
                        sql: statement.sql.clone(),
                        source,
                        dirty: !transactional,
                        limits: self.limits_for(header),
                    })));
                }
            }
            if let Unit::Operation(op) = unit {
                schema.follow(op);
            }
        }
        Ok(elapsed_ms(started))
    }

    pub(super) fn row(
        &self,
        revision: &Loaded,
        state: RowState,
        ms: i64,
        error: Option<String>,
    ) -> VersionRow {
        VersionRow {
            revision: revision.header().id.clone(),
            checksum: revision.checksum.clone(),
            applied_at: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
            execution_ms: ms,
            state,
            error,
        }
    }

    /// `stamp TARGET [--purge]` (SPEC 4): records the state `upgrade`/`downgrade TARGET`
    /// would leave, without running anything. Returns the new state.
    pub fn stamp(
        &self,
        conn: &mut dyn Connection,
        target: &str,
        purge: bool,
    ) -> Result<DbState, MigrateError> {
        // It rewrites the version table: a sole writer reads it again next time.
        self.carry(Carried::default());
        self.locked(conn, |conn| {
            let table = self.version_table();
            let recorded = self.read_state(conn)?;
            if !purge {
                self.check_known(&recorded, true)?;
            }
            // A stamp states what the database holds: dirty rows give way to it.
            let dirty: Vec<String> = recorded
                .rows
                .values()
                .filter(|r| r.state == RowState::Dirty)
                .map(|r| r.revision.clone())
                .collect();
            let state = if purge {
                DbState::default()
            } else {
                let mut clean = recorded;
                clean.rows.retain(|_, row| row.state == RowState::Applied);
                clean
            };
            let heads = state.heads(self.graph);
            let resolved = self.graph.resolve(target, &heads)?;
            let applied = state.applied();
            let already = match &resolved {
                Target::Base => true,
                Target::Revisions(ids) => ids.iter().all(|id| applied.contains(id)),
            };
            let (add, remove) = if already && !purge {
                (Vec::new(), self.graph.plan_downgrade(&applied, &resolved)?)
            } else {
                (self.graph.plan_upgrade(&applied, &resolved)?, Vec::new())
            };
            let loaded = self.load(&add)?;
            // Only once every file it records has been read and checked.
            self.ensure_version_table(conn)?;
            let now = OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default();
            let mut statements = Vec::new();
            if purge {
                statements.push(table.delete_all());
            }
            let record_error = |e: crate::dialect::DialectError| MigrateError::Database {
                context: "recording the stamp".into(),
                source: DbError::new(e.to_string()),
            };
            for revision in &loaded {
                let row = VersionRow {
                    revision: revision.header().id.clone(),
                    checksum: revision.checksum.clone(),
                    applied_at: now.clone(),
                    execution_ms: 0,
                    state: RowState::Applied,
                    error: None,
                };
                statements.push(
                    table
                        .insert(&row, RenderMode::Online)
                        .map_err(record_error)?,
                );
            }
            for header in &remove {
                statements.push(
                    table
                        .delete(&header.id, RenderMode::Online)
                        .map_err(record_error)?,
                );
            }
            if !purge {
                for revision in &dirty {
                    statements.insert(
                        0,
                        table
                            .delete(revision, RenderMode::Online)
                            .map_err(record_error)?,
                    );
                }
            }
            super::prepare::run_in_transaction(conn, &statements)
                .map_err(database("recording the stamp"))?;
            self.read_state(conn)
        })
    }
}

/// What a revision's failed COMMIT means: with the connection lost, the outcome is unknown;
/// otherwise the revision is rolled back (a driver may already have done so; a second
/// rollback is harmless) and nothing of it was kept.
pub(super) fn commit_failed(
    conn: &mut dyn Connection,
    header: &RevisionHeader,
    direction: Direction,
    error: DbError,
) -> MigrateError {
    if error.category == DbErrorCategory::ConnectionLost {
        return MigrateError::CommitOutcomeUnknown {
            what: format!("revision {} ({})", header.id, header.path.display()),
            revisions: vec![header.id.clone()],
            direction,
            source: error,
        };
    }
    let _ = conn.rollback();
    database(&format!(
        "committing revision {} ({}); nothing of it was kept",
        header.id,
        header.path.display()
    ))(error)
}

/// Milliseconds since `started`, rounded up: a revision that ran records at least 1 ms, so
/// that 0 is left to rows written by `stamp` and offline scripts, which ran nothing here.
pub(super) fn elapsed_ms(started: Instant) -> u64 {
    let micros = started.elapsed().as_micros();
    u64::try_from(micros.div_ceil(1000)).unwrap_or(u64::MAX)
}

pub(super) fn record_error(
    header: &RevisionHeader,
    error: crate::dialect::DialectError,
) -> MigrateError {
    MigrateError::Database {
        context: format!("recording revision {}", header.id),
        source: DbError::new(error.to_string()),
    }
}
