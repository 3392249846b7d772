//! Revisions that run outside a transaction (every revision where DDL is not transactional,
//! `transactional = false` ones elsewhere), behind a dirty row that records how far they got.
//!
//! Between two such revisions one transaction writes the first one's record and the second
//! one's dirty row: one commit fewer per revision than writing each on its own, with the
//! same guarantees (SPEC 6). The flip is atomic, so there is never more than one dirty row;
//! it commits before the second revision's first statement runs, so a kill or a failure
//! there finds that revision dirty and the one before it applied, exactly as before; and
//! a revision is recorded only once its statements ran. The last revision's record is
//! written on its own.

use super::live_schema::LiveSchema;
use super::prepare::{database, Loaded};
use super::run::record_error;
use super::{Direction, MigrateError, Migrator, RowState};
use crate::dialect::{
    Connection, DbError, DbErrorCategory, RenderMode, Statement, StatementLimits,
};
use crate::revision::RevisionHeader;
use std::time::Instant;

/// Where a revision behind a dirty row stands in its run.
pub(super) struct Chain<'a> {
    /// Its dirty row is committed already, by the previous revision's handover.
    pub(super) marked: bool,
    /// The revision after it, when that one runs behind a dirty row too.
    pub(super) next: Option<&'a Loaded>,
    /// The statement limits the connection has now (the next revision's are set before
    /// its dirty row is written).
    pub(super) limits: &'a mut Option<StatementLimits>,
}

/// What a revision behind a dirty row leaves to the next one.
#[derive(Default)]
pub(super) struct Handover {
    /// The next revision's dirty row was committed with this revision's record.
    pub(super) next_marked: bool,
    /// A failure preparing the next revision, after this one was recorded: the run
    /// reports this revision as done, then stops with it, as it did when the next
    /// revision's preparation came after this one's record.
    pub(super) deferred: Option<MigrateError>,
}

impl Migrator<'_> {
    /// Whether a revision runs outside a transaction, behind a dirty row.
    pub(super) fn behind_dirty_row(&self, header: &RevisionHeader) -> bool {
        !(header.transactional && self.dialect.capabilities().transactional_ddl)
    }

    /// Applies or reverts one revision behind a dirty row; returns how long it took in
    /// milliseconds and what it leaves to the next revision.
    pub(super) fn apply_behind_dirty_row(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
        chain: Chain<'_>,
    ) -> Result<(u64, Handover), MigrateError> {
        let header = revision.header();
        let started = Instant::now();
        if !chain.marked {
            // The row goes first, dirty, so that a failure or a kill leaves a record of the
            // half-done revision.
            let mark = self.dirty_mark(revision, direction)?;
            conn.execute(&mark)
                .map_err(database("recording a revision as dirty"))?;
        }
        let ms = self.run_statements(conn, revision, direction, schema, started, false)?;
        let record = self
            .version_table()
            .record_done(
                &self.row(revision, RowState::Applied, ms as i64, None),
                direction,
                false,
                RenderMode::Online,
            )
            .map_err(|e| record_error(header, e))?;
        let recording = format!("recording revision {} in the version table", header.id);
        let Some(next) = chain.next else {
            conn.execute(&record).map_err(database(&recording))?;
            return Ok((ms, Handover::default()));
        };
        // The next revision's limits and dirty row are ready before anything is written:
        // when they are not, this revision is recorded on its own and the run stops there,
        // with nothing of the next one written.
        let prepared = self
            .limit(conn, chain.limits, next.header())
            .and_then(|()| self.dirty_mark(next, direction));
        let mark = match prepared {
            Ok(mark) => mark,
            Err(error) => {
                conn.execute(&record).map_err(database(&recording))?;
                return Ok((
                    ms,
                    Handover {
                        next_marked: false,
                        deferred: Some(error),
                    },
                ));
            }
        };
        match hand_over(conn, &record, &mark) {
            Ok(()) => Ok((
                ms,
                Handover {
                    next_marked: true,
                    deferred: None,
                },
            )),
            // Whether the transaction committed is unknown: either this revision is applied
            // and the next one dirty (not started), or this one is still dirty.
            Err(error) if error.category == DbErrorCategory::ConnectionLost => Err(database(
                &format!("{recording} and revision {} as running", next.header().id),
            )(
                error
            )),
            Err(_) => {
                // Nothing of the transaction was kept (a second rollback is harmless). The
                // record goes on its own and the next revision writes its own dirty row,
                // so that a failure of either reads exactly as without the handover.
                let _ = conn.rollback();
                conn.execute(&record).map_err(database(&recording))?;
                Ok((ms, Handover::default()))
            }
        }
    }

    /// What marks `revision` as running before its statements start.
    fn dirty_mark(
        &self,
        revision: &Loaded,
        direction: Direction,
    ) -> Result<Statement, MigrateError> {
        self.version_table()
            .mark_dirty(
                &self.row(revision, RowState::Dirty, 0, None),
                direction,
                RenderMode::Online,
            )
            .map_err(|e| record_error(revision.header(), e))
    }
}

/// One transaction: a revision's record, then the next revision's dirty row.
fn hand_over(
    conn: &mut dyn Connection,
    record: &Statement,
    mark: &Statement,
) -> Result<(), DbError> {
    conn.begin()?;
    conn.execute(record)?;
    conn.execute(mark)?;
    conn.commit()
}
