//! A transaction's statements sent as one batch: what [`Connection::execute_transaction`]
//! reports when part of it fails, and the statement-by-statement way every connection can
//! run one.

use super::{Connection, DbError, Statement};

/// Where a batch run by [`Connection::execute_transaction`] failed.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchError {
    /// The transaction could not start; nothing ran.
    Begin(DbError),
    /// The statement at `index` failed; the transaction was rolled back, nothing was kept.
    Statement {
        /// The failing statement's index in the batch.
        index: usize,
        /// The database's error.
        error: DbError,
    },
    /// The commit failed. With [`super::DbErrorCategory::ConnectionLost`] its outcome is
    /// unknown; otherwise nothing was kept (the caller may roll back again to be sure).
    Commit(DbError),
}

/// [`Connection::execute_transaction`] one statement at a time: `BEGIN`, each statement
/// (rolling back at the first failure), `COMMIT`.
pub fn execute_one_by_one<C: Connection + ?Sized>(
    conn: &mut C,
    statements: &[Statement],
) -> Result<(), BatchError> {
    conn.begin().map_err(BatchError::Begin)?;
    for (index, statement) in statements.iter().enumerate() {
        if let Err(error) = conn.execute(statement) {
            let _ = conn.rollback();
            return Err(BatchError::Statement { index, error });
        }
    }
    conn.commit().map_err(BatchError::Commit)
}
