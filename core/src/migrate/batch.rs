//! A transactional revision whose every statement is known before it starts runs as one
//! batch: `BEGIN`, its statements, its version-row write and `COMMIT` handed to the
//! connection together ([`Connection::execute_transaction`]), which a server driver sends
//! in one round trip. Failures are reported exactly as when it runs statement by statement.

use super::error::RevisionFailure;
use super::live_schema::LiveSchema;
use super::prepare::{database, position, Loaded};
use super::run::{commit_failed, elapsed_ms, record_error};
use super::{Direction, MigrateError, Migrator, RowState};
use crate::dialect::{BatchError, Connection, RenderMode, Statement};
use std::time::Instant;

impl Migrator<'_> {
    /// Runs `revision` in a transaction of its own as one batch, if it can: every
    /// statement is known ahead and, for an upgrade, the dialect can time the transaction
    /// by the server's clock (the version row, written in the same batch, records that
    /// time). `None` when it cannot; the caller then runs it statement by statement.
    pub(super) fn apply_batched(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
    ) -> Option<Result<u64, MigrateError>> {
        let elapsed = match direction {
            Direction::Upgrade => Some(self.dialect.transaction_elapsed_ms()?),
            Direction::Downgrade => None,
        };
        let units = revision.units(direction);
        let rendered = schema.whole_revision(&units, self.dialect)?;
        Some(self.run_batch(conn, revision, direction, schema, rendered, elapsed))
    }

    fn run_batch(
        &self,
        conn: &mut dyn Connection,
        revision: &Loaded,
        direction: Direction,
        schema: &mut LiveSchema,
        rendered: Vec<Vec<Statement>>,
        elapsed: Option<String>,
    ) -> Result<u64, MigrateError> {
        let header = revision.header();
        let units = revision.units(direction);
        let count = units.len();
        // Which unit each statement of the batch belongs to; the version row comes last.
        let mut owners = Vec::new();
        let mut statements = Vec::new();
        for (index, unit_statements) in rendered.into_iter().enumerate() {
            for statement in unit_statements {
                owners.push(index);
                statements.push(statement);
            }
        }
        let row = self.row(revision, RowState::Applied, 1, None);
        let table = self.version_table();
        let record = match direction {
            Direction::Upgrade => table.insert_timed(&row, elapsed.as_deref(), RenderMode::Online),
            Direction::Downgrade => table.delete(&row.revision, RenderMode::Online),
        }
        .map_err(|e| record_error(header, e))?;
        statements.push(record);
        let started = Instant::now();
        let result = conn.execute_transaction(&statements);
        let ms = elapsed_ms(started);
        match result {
            Ok(()) => {
                schema.follow_revision(&units);
                Ok(ms)
            }
            Err(BatchError::Begin(error)) => Err(database(&format!(
                "starting the transaction of revision {}",
                header.id
            ))(error)),
            Err(BatchError::Statement { index, error }) => match owners.get(index) {
                Some(&unit) => Err(MigrateError::RevisionFailed(Box::new(RevisionFailure {
                    revision: header.id.clone(),
                    file: header.path.clone(),
                    position: position(&units[unit], unit, count),
                    sql: statements[index].sql.clone(),
                    source: error,
                    dirty: false,
                    limits: self.limits_for(header),
                }))),
                None => Err(database(&format!(
                    "recording revision {} in the version table",
                    header.id
                ))(error)),
            },
            Err(BatchError::Commit(error)) => Err(commit_failed(conn, header, direction, error)),
        }
    }
}
