//! `retort stamp --accept-changed [REV...]`: after review, the current checksums of changed
//! applied revision files are recorded, so that `upgrade` and `check` accept them.

use crate::args::GlobalArgs;
use crate::database::{migrate_error, Database};
use crate::error::CliResult;
use crate::output::Output;
use crate::project::{display_path, Project};
use serde_json::json;
use std::time::Duration;

pub(crate) fn accept_changed(
    out: &Output,
    project: &Project,
    global: &GlobalArgs,
    revisions: &[String],
    lock_timeout: Option<Duration>,
) -> CliResult {
    let database = Database::for_project(project, global)?;
    let mut conn = database.connect_read_only()?;
    let accepted = database
        .migrator(project, lock_timeout, false)
        .accept_changed(conn.as_mut(), revisions)
        .map_err(migrate_error)?;
    out.emit(
        |_| {
            if accepted.is_empty() {
                return "Nothing to accept: no applied revision file changed.\n".to_string();
            }
            accepted
                .iter()
                .map(|change| {
                    format!(
                        "accepted the change to {} ({}): recorded {} in place of {}\n",
                        change.revision,
                        display_path(&change.file),
                        change.new_checksum,
                        change.old_checksum
                    )
                })
                .collect()
        },
        || {
            json!({ "accepted": accepted.iter().map(|change| json!({
                "revision": change.revision,
                "file": display_path(&change.file),
                "old_checksum": change.old_checksum,
                "new_checksum": change.new_checksum,
            })).collect::<Vec<_>>() })
        },
    );
    Ok(())
}
