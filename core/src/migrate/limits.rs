//! The limits on a run's statements (`lock_wait`, `statement_timeout`): which apply to a
//! revision, and handing them to the connection before it runs.

use super::prepare::database;
use super::{MigrateError, Migrator};
use crate::dialect::{Connection, StatementLimits};
use crate::revision::RevisionHeader;
use std::time::Duration;

impl Migrator<'_> {
    /// The limits on `header`'s statements: the run's, without a lock limit for a
    /// `transactional = false` revision, and what its header sets instead.
    pub(super) fn limits_for(&self, header: &RevisionHeader) -> StatementLimits {
        let mut run = self.settings.statement_limits;
        if !header.transactional {
            run.lock_wait = Duration::ZERO;
        }
        header.limits.over(run)
    }

    /// Gives the connection the limits of `header`'s statements, unless it has them
    /// (`current`) already.
    pub(super) fn limit(
        &self,
        conn: &mut dyn Connection,
        current: &mut Option<StatementLimits>,
        header: &RevisionHeader,
    ) -> Result<(), MigrateError> {
        let wanted = self.limits_for(header);
        if *current != Some(wanted) {
            conn.set_statement_limits(&wanted)
                .map_err(database(&format!(
                    "setting the lock wait and statement time limits of revision {}",
                    header.id
                )))?;
            *current = Some(wanted);
        }
        Ok(())
    }
}

/// Takes the run's limits off the connection before it goes back to its caller; a failure
/// to do so changes nothing of what the run did, so it is not reported.
pub(super) fn unlimit(conn: &mut dyn Connection, limits: Option<StatementLimits>) {
    if limits.is_some() {
        let _ = conn.set_statement_limits(&StatementLimits::NONE);
    }
}
