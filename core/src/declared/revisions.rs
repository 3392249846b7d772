//! The schema the revision files produce, folded from base to every head without a
//! database (`diff --from files`), and refused where a revision's effect is unknowable.

use crate::graph::{Graph, PlanError, Target};
use crate::load::{read_revision, Revision};
use crate::location::FileError;
use crate::revision::ops::Operation;
use crate::schema::{Schema, SchemaError};
use std::collections::HashSet;
use std::path::PathBuf;

/// Why the revisions' schema is not known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionsSchemaError {
    /// A SQL revision: its statements are not parsed into the model.
    #[error(
        "{}: revision {revision} is plain SQL, whose effect on the schema cannot be known \
         without a database; compare with the database instead (--from db)",
        path.display()
    )]
    SqlRevision {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
    },
    /// A revision runs `execute`.
    #[error(
        "{}: revision {revision} runs `execute`, whose effect on the schema cannot be known \
         without a database; compare with the database instead (--from db)",
        path.display()
    )]
    Execute {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
    },
    /// A revision file could not be read.
    #[error(transparent)]
    Read(#[from] FileError),
    /// An operation does not apply to the schema the revisions before it produce.
    #[error("{}: revision {revision}: {source}", path.display())]
    Fold {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// Why (boxed: the error is large and rare).
        source: Box<SchemaError>,
    },
    /// The graph has no order from base to its heads.
    #[error(transparent)]
    Plan(#[from] PlanError),
}

/// The schema every revision from base to every head produces, in upgrade order.
pub fn schema_of_revisions(graph: &Graph) -> Result<Schema, RevisionsSchemaError> {
    schema_of_some_revisions(graph, |_| true)
}

/// The schema the `applied` revisions produce, folded in upgrade order: what a database
/// holding them should look like unless somebody altered it by hand.
pub fn schema_of_applied_revisions(
    graph: &Graph,
    applied: &HashSet<String>,
) -> Result<Schema, RevisionsSchemaError> {
    schema_of_some_revisions(graph, |id| applied.contains(id))
}

fn schema_of_some_revisions(
    graph: &Graph,
    included: impl Fn(&str) -> bool,
) -> Result<Schema, RevisionsSchemaError> {
    let heads = Target::Revisions(graph.heads().iter().map(|h| h.id.clone()).collect());
    let plan = graph.plan_upgrade(&HashSet::new(), &heads)?;
    let mut schema = Schema::new();
    for header in plan.into_iter().filter(|h| included(&h.id)) {
        let operations = match read_revision(header)? {
            Revision::Sql(_) => {
                return Err(RevisionsSchemaError::SqlRevision {
                    revision: header.id.clone(),
                    path: header.path.clone(),
                })
            }
            Revision::Toml(revision) => revision.upgrade,
        };
        for operation in &operations {
            if matches!(operation, Operation::Execute(_)) {
                return Err(RevisionsSchemaError::Execute {
                    revision: header.id.clone(),
                    path: header.path.clone(),
                });
            }
            schema
                .apply(operation)
                .map_err(|source| RevisionsSchemaError::Fold {
                    revision: header.id.clone(),
                    path: header.path.clone(),
                    source: Box::new(source),
                })?;
        }
    }
    Ok(schema)
}
