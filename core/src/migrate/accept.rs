//! `stamp --accept-changed` (Flyway's `repair`): after a changed revision file has been
//! reviewed, its current checksum is recorded, so that `upgrade` and `check` accept it.
//! Nothing runs; only the `checksum` column of applied rows changes.

use super::prepare::{database, run_in_transaction};
use super::{MigrateError, Migrator, RowState};
use crate::dialect::{Connection, DbError, RenderMode};
use crate::graph::Target;
use std::path::PathBuf;

/// One revision whose recorded checksum `stamp --accept-changed` replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedChange {
    /// The revision id.
    pub revision: String,
    /// Its file.
    pub file: PathBuf,
    /// The checksum recorded before.
    pub old_checksum: String,
    /// The checksum of the file now, recorded in its place.
    pub new_checksum: String,
}

impl Migrator<'_> {
    /// Records the current checksums of the applied revisions `specs` names (every changed
    /// applied revision when `specs` is empty), under the migration lock. A named revision
    /// that is not applied is bad input; one whose file did not change is left as it is.
    pub fn accept_changed(
        &self,
        conn: &mut dyn Connection,
        specs: &[String],
    ) -> Result<Vec<AcceptedChange>, MigrateError> {
        // It rewrites the version table: a sole writer reads it again next time.
        self.carry(super::Carried::default());
        self.locked(conn, |conn| {
            let state = self.read_state(conn)?;
            let heads = state.heads(self.graph);
            let mut wanted = Vec::new();
            for spec in specs {
                match self.graph.resolve(spec, &heads)? {
                    Target::Revisions(ids) => wanted.extend(ids),
                    Target::Base => {}
                }
            }
            for id in &wanted {
                let applied = state
                    .rows
                    .get(id)
                    .is_some_and(|row| row.state == RowState::Applied);
                if !applied {
                    return Err(MigrateError::NotApplied {
                        revision: id.clone(),
                    });
                }
            }
            let mut accepted = Vec::new();
            for (revision, file) in self.changed_revisions(&state)? {
                if !wanted.is_empty() && !wanted.contains(&revision) {
                    continue;
                }
                let header = self.graph.get(&revision);
                let new_checksum = match header {
                    Some(header) => self.checksum(&self.read(header)?),
                    None => continue,
                };
                let old_checksum = state
                    .rows
                    .get(&revision)
                    .map(|row| row.checksum.clone())
                    .unwrap_or_default();
                accepted.push(AcceptedChange {
                    revision,
                    file,
                    old_checksum,
                    new_checksum,
                });
            }
            let table = self.version_table();
            let statements = accepted
                .iter()
                .map(|change| {
                    table
                        .update_checksum(&change.revision, &change.new_checksum, RenderMode::Online)
                        .map_err(|e| MigrateError::Database {
                            context: "recording the accepted checksums".into(),
                            source: DbError::new(e.to_string()),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if !statements.is_empty() {
                run_in_transaction(conn, &statements)
                    .map_err(database("recording the accepted checksums"))?;
            }
            Ok(accepted)
        })
    }
}
