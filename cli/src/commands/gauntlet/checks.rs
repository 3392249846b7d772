//! The gauntlet's checks around the stairway: fresh, declared, adopt, downgrade, offline.

use super::report::Check;
use super::schemas::{difference, differences, row_differences, snapshot, Scope};
use super::scratch::Scratch;
use super::script::run_script;
use super::{Gauntlet, Stop};
use crate::commands::diff::{live_declarable_schema, with_dialect_limit};
use crate::commands::inspect::creating_statements;
use crate::commands::rendered_checks::diff_live;
use crate::project::display_path;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{spelling_of, Statement};
use retort_core::diff::declarable;
use retort_core::migrate::{DbState, Direction};
use retort_core::schema::Schema;

/// The fresh database at head, which the later checks start from or compare with.
pub(crate) struct Head {
    url: DatabaseUrl,
    schema: Schema,
    state: DbState,
}

/// A check that needs the fresh database at head.
pub(crate) type Later = fn(&Gauntlet<'_>, &mut Scratch<'_>, &Head) -> Result<Check, Stop>;

/// Check 2: an empty database goes to head.
pub(crate) fn fresh(
    gauntlet: &Gauntlet<'_>,
    scratch: &mut Scratch<'_>,
) -> Result<(Check, Option<Head>), Stop> {
    let url = scratch.create("fresh")?;
    let mut conn = gauntlet.connect(&url)?;
    let steps = match gauntlet
        .migrator
        .upgrade(conn.as_mut(), "heads", false, &mut |_| {})
    {
        Ok(steps) => steps,
        Err(error) => {
            let check =
                Check::failed("fresh", "empty → head failed").with_details(vec![error.to_string()]);
            return Ok((check, None));
        }
    };
    let read = snapshot(conn.as_mut(), gauntlet.version_table(), &Scope::All).and_then(|schema| {
        let state = gauntlet
            .migrator
            .read_state(conn.as_mut())
            .map_err(|e| e.to_string())?;
        Ok((schema, state))
    });
    let (schema, state) = match read {
        Ok(read) => read,
        Err(error) => {
            let check =
                Check::failed("fresh", "head's schema could not be read").with_details(vec![error]);
            return Ok((check, None));
        }
    };
    let check = Check::passed(
        "fresh",
        format!("empty → head, {} revision(s) applied", steps.len()),
    );
    Ok((check, Some(Head { url, schema, state })))
}

/// Check 4: head's schema is what `schema.toml` declares.
pub(crate) fn declared(
    gauntlet: &Gauntlet<'_>,
    _scratch: &mut Scratch<'_>,
    head: &Head,
) -> Result<Check, Stop> {
    let file = display_path(&gauntlet.project.config.schema.file);
    let declared = &gauntlet.declared;
    if declared.is_empty() {
        return Ok(Check::skipped(
            "declared",
            format!("{file} declares no table"),
        ));
    }
    let database = gauntlet.database;
    let mut conn = gauntlet.connect(&head.url)?;
    let live = live_declarable_schema(database, conn.as_mut(), &gauntlet.project.config)
        .map_err(Stop::Failed)?;
    let options = with_dialect_limit(declared.diff_options(), database);
    let found = diff_live(
        conn.as_mut(),
        &live,
        &declared.schema,
        &options,
        spelling_of(gauntlet.dialect()),
    );
    if found.operations.is_empty() {
        return Ok(Check::passed(
            "declared",
            format!("head's schema is what {file} declares"),
        ));
    }
    Ok(Check::failed(
        "declared",
        format!(
            "head's schema differs from {file} (missing: declared but not made by the \
             revisions; left over: made by the revisions but not declared)"
        ),
    )
    .with_details(found.operations.iter().map(difference).collect()))
}

/// Check 5: a database holding head's schema but no version table (as `inspect --sql`
/// would create it), stamped at head, upgrades to nothing.
pub(crate) fn adopt(
    gauntlet: &Gauntlet<'_>,
    scratch: &mut Scratch<'_>,
    head: &Head,
) -> Result<Check, Stop> {
    let url = scratch.create("adopt")?;
    let mut conn = gauntlet.connect(&url)?;
    let wanted = declarable(head.schema.clone(), &spelling_of(gauntlet.dialect()));
    let statements = creating_statements(gauntlet.database, &wanted).map_err(Stop::Failed)?;
    // One transaction where DDL is transactional: one commit, not one per statement.
    let created = conn
        .begin()
        .map_err(|error| error.to_string())
        .and_then(|()| {
            for sql in &statements {
                conn.execute(&Statement::new(sql.clone()))
                    .map_err(|error| format!("{sql}: {error}"))?;
            }
            conn.commit().map_err(|error| error.to_string())
        });
    if let Err(error) = created {
        let _ = conn.rollback();
        return Ok(Check::failed(
            "adopt",
            "head's schema could not be created without the revisions",
        )
        .with_details(vec![error]));
    }
    let migrator = &gauntlet.migrator;
    if let Err(error) = migrator.stamp(conn.as_mut(), "heads", false) {
        return Ok(
            Check::failed("adopt", "stamping head failed").with_details(vec![error.to_string()])
        );
    }
    match migrator.upgrade(conn.as_mut(), "heads", false, &mut |_| {}) {
        Ok(steps) if steps.is_empty() => Ok(Check::passed(
            "adopt",
            "head's schema without a version table, stamped at head, upgrades to nothing",
        )),
        Ok(steps) => Ok(Check::failed(
            "adopt",
            "after `stamp head`, `upgrade` still ran revisions",
        )
        .with_details(
            steps
                .iter()
                .map(|s| format!("ran {}", s.revision))
                .collect(),
        )),
        Err(error) => Ok(
            Check::failed("adopt", "`upgrade` after `stamp head` failed")
                .with_details(vec![error.to_string()]),
        ),
    }
}

/// Check 6: head → base leaves nothing but the version table.
pub(crate) fn downgrade(
    gauntlet: &Gauntlet<'_>,
    _scratch: &mut Scratch<'_>,
    head: &Head,
) -> Result<Check, Stop> {
    let mut irreversible = Vec::new();
    for header in gauntlet.project.graph.revisions() {
        // The fresh run read every revision already: these come from its Migrator.
        match gauntlet.migrator.revision(header) {
            Ok(revision) if !revision.is_reversible() => irreversible.push(header.id.clone()),
            Ok(_) => {}
            Err(error) => {
                return Ok(Check::failed("downgrade", "a revision cannot be read")
                    .about(&header.id)
                    .with_details(vec![error.to_string()]))
            }
        }
    }
    if !irreversible.is_empty() {
        return Ok(Check::skipped(
            "downgrade",
            format!(
                "irreversible revisions stand in the way: {}",
                irreversible.join(", ")
            ),
        ));
    }
    let mut conn = gauntlet.connect(&head.url)?;
    if let Err(error) = gauntlet
        .migrator
        .downgrade(conn.as_mut(), "base", false, &mut |_| {})
    {
        return Ok(
            Check::failed("downgrade", "head → base failed").with_details(vec![error.to_string()])
        );
    }
    let left = match snapshot(conn.as_mut(), gauntlet.version_table(), &Scope::All) {
        Ok(left) => left,
        Err(error) => return Ok(Check::failed("downgrade", error)),
    };
    let found = differences(gauntlet.database, &left, &Schema::new());
    if found.is_empty() {
        Ok(Check::passed(
            "downgrade",
            "head → base leaves nothing but the version table",
        ))
    } else {
        Ok(Check::failed("downgrade", "head → base leaves something behind").with_details(found))
    }
}

/// Check 7: `upgrade --sql` from base, run through the driver on a database of its own,
/// gives the schema and the version rows (revision, checksum, state) of the online run.
pub(crate) fn offline(
    gauntlet: &Gauntlet<'_>,
    scratch: &mut Scratch<'_>,
    head: &Head,
) -> Result<Check, Stop> {
    let script = match gauntlet
        .migrator
        .offline_script(None, "heads", Direction::Upgrade)
    {
        Ok(script) => script,
        Err(error) => {
            return Ok(
                Check::failed("offline", "`upgrade --sql` could not write its script")
                    .with_details(vec![error.to_string()]),
            )
        }
    };
    let url = scratch.create("offline")?;
    let mut conn = gauntlet.connect(&url)?;
    let dialect = gauntlet.dialect();
    let prologue = dialect.offline_script().prologue;
    if let Err(error) = run_script(conn.as_mut(), &dialect.syntax(), &prologue, &script) {
        return Ok(
            Check::failed("offline", "the script of `upgrade --sql` failed")
                .with_details(vec![error]),
        );
    }
    let schema = match snapshot(conn.as_mut(), gauntlet.version_table(), &Scope::All) {
        Ok(schema) => schema,
        Err(error) => return Ok(Check::failed("offline", error)),
    };
    let state = match gauntlet.migrator.read_state(conn.as_mut()) {
        Ok(state) => state,
        Err(error) => return Ok(Check::failed("offline", error.to_string())),
    };
    let mut found = differences(gauntlet.database, &schema, &head.schema);
    found.extend(row_differences(&state, &head.state));
    if found.is_empty() {
        Ok(Check::passed(
            "offline",
            "`upgrade --sql` gives the schema and version rows of `upgrade`",
        ))
    } else {
        Ok(Check::failed(
            "offline",
            "`upgrade --sql` gives another database than `upgrade` (left over and missing: \
             in the script's database compared with the online one)",
        )
        .with_details(found))
    }
}
