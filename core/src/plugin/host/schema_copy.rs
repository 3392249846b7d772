//! The host's record of the schema copy a plugin keeps for render requests, beside the
//! schema model rather than in it: which tables were sent, shared with the schemas they
//! came from, so that the next request sends only the tables that differ.
//!
//! The plugin never folds an operation into its copy (its schema model may be another
//! build's); it only stores what it is sent, so its copy always equals the host's schema.

use crate::dialect::RenderMode;
use crate::plugin::wire::{WireError, WireMode, WireStatement};
use crate::plugin::wire_ops::WireOperationRef;
use crate::revision::ops::Operation;
use crate::schema::{Schema, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Numbers for the copies plugins keep, unique in this process: a copy's number is handed
/// out by the host, so a plugin never mistakes one copy (or one run) for another.
static NEXT_COPY: AtomicU64 = AtomicU64::new(1);

/// The borrowed twin of [`crate::plugin::wire::RenderRequest`], which the plugin reads.
#[derive(Debug, Serialize)]
pub(super) struct RenderRequestRef<'a> {
    operation: WireOperationRef<'a>,
    copy: u64,
    reset: bool,
    tables: Vec<&'a Table>,
    removed: Vec<String>,
    mode: WireMode,
}

/// The tables the plugin's copy holds, by name, as last sent.
#[derive(Debug)]
struct SentCopy {
    copy: u64,
    tables: BTreeMap<String, Arc<Table>>,
}

/// What turns the plugin's copy into a given schema.
#[derive(Debug, Default)]
struct Update<'b> {
    /// Tables to send (new, or changed).
    changed: Vec<(&'b String, &'b Arc<Table>)>,
    /// Tables equal to the copy's but another value (from introspection, say): recorded,
    /// so that the next comparison is by identity, but not sent.
    adopted: Vec<(&'b String, &'b Arc<Table>)>,
    /// Names of tables gone.
    removed: Vec<String>,
}

/// The copy a plugin keeps for one dialect adapter; held locked for the whole render call,
/// so that the copy and this record of it never disagree.
#[derive(Debug, Default)]
pub(super) struct SchemaCopies {
    sent: Mutex<Option<SentCopy>>,
}

impl SchemaCopies {
    /// Renders `op` against `before` through `call`: as an update of the plugin's copy,
    /// or, when there is none or the plugin lost it, with the whole schema.
    pub(super) fn render(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
        call: impl Fn(&RenderRequestRef<'_>) -> Result<Vec<WireStatement>, WireError>,
    ) -> Result<Vec<WireStatement>, WireError> {
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(copy) = sent.as_mut() {
            let update = diff(&copy.tables, before);
            let request = RenderRequestRef {
                operation: WireOperationRef::from(op),
                copy: copy.copy,
                reset: false,
                tables: update.changed.iter().map(|(_, t)| t.as_ref()).collect(),
                removed: update.removed.clone(),
                mode: mode.into(),
            };
            match call(&request) {
                Ok(statements) => {
                    for (name, table) in update.changed.into_iter().chain(update.adopted) {
                        copy.tables.insert(name.clone(), Arc::clone(table));
                    }
                    for name in &update.removed {
                        copy.tables.remove(name);
                    }
                    return Ok(statements);
                }
                Err(WireError::CacheMiss) => {}
                Err(error) => {
                    *sent = None;
                    return Err(error);
                }
            }
        }
        let copy = NEXT_COPY.fetch_add(1, Ordering::Relaxed);
        let request = RenderRequestRef {
            operation: WireOperationRef::from(op),
            copy,
            reset: true,
            tables: before.tables().collect(),
            removed: Vec::new(),
            mode: mode.into(),
        };
        let answer = call(&request);
        *sent = answer.is_ok().then(|| SentCopy {
            copy,
            tables: before
                .shared_tables()
                .map(|(name, table)| (name.clone(), Arc::clone(table)))
                .collect(),
        });
        answer
    }
}

/// What changes `sent` into `before`: both are in name order, so one pass over each, and
/// a table unchanged since it was sent is recognised by identity, without comparing it.
fn diff<'b>(sent: &BTreeMap<String, Arc<Table>>, before: &'b Schema) -> Update<'b> {
    let mut update = Update::default();
    let mut old = sent.iter().peekable();
    for (name, table) in before.shared_tables() {
        // The common case first, without comparing names: the very table sent last (a
        // table's key is its name, so the same value is the same name).
        if old
            .next_if(|(_, old_table)| Schema::same_table(old_table, table))
            .is_some()
        {
            continue;
        }
        while let Some((gone, _)) = old.next_if(|(old_name, _)| *old_name < name) {
            update.removed.push(gone.clone());
        }
        match old.next_if(|(old_name, _)| *old_name == name) {
            Some((_, old_table)) if Schema::same_table(old_table, table) => {}
            Some((_, old_table)) if old_table.as_ref() == table.as_ref() => {
                update.adopted.push((name, table));
            }
            _ => update.changed.push((name, table)),
        }
    }
    update.removed.extend(old.map(|(name, _)| name.clone()));
    update
}
