//! `db create` and `db drop` through the dialect: each says whether it did anything, and a
//! database made again is empty and usable.

use crate::scratch::{connect, describe_tables, ensure, live_schema};
use crate::Context;
use retort_core::dialect::Capabilities;

pub(crate) fn needs_create_database(capabilities: &Capabilities) -> Option<&'static str> {
    (!capabilities.create_database)
        .then_some("the dialect does not create or drop databases (capability create_database)")
}

pub(crate) fn create_and_drop_database_say_whether_they_did_anything(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    // The factory made the database (a file database may exist only once connected to).
    drop(connect(dialect, url)?);
    let created = dialect
        .create_database(url)
        .map_err(|e| format!("creating an existing database: {e}"))?;
    ensure(!created, || {
        "creating a database that exists said it created it".into()
    })?;
    let dropped = dialect
        .drop_database(url)
        .map_err(|e| format!("dropping the database: {e}"))?;
    ensure(dropped, || {
        "dropping an existing database said there was nothing to drop".into()
    })?;
    let dropped_again = dialect
        .drop_database(url)
        .map_err(|e| format!("dropping a dropped database: {e}"))?;
    ensure(!dropped_again, || {
        "dropping a database that is gone said it dropped it".into()
    })?;
    let created = dialect
        .create_database(url)
        .map_err(|e| format!("creating the database again: {e}"))?;
    ensure(created, || {
        "creating a missing database said it existed".into()
    })?;
    let mut conn = connect(dialect, url)?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        format!(
            "the database made again is not empty: {}",
            describe_tables(&live)
        )
    })
}
