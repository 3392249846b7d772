//! Which schema instance this is and how often it changed: lets the plugin adapter send a
//! dialect plugin one operation instead of the whole schema when the schema it sent last
//! changed only by applying the operation rendered against it.

use crate::revision::ops::Operation;
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// Not part of the schema's value: equal for every pair of schemas, fresh for every clone.
pub(crate) struct EditStamp {
    /// Unique for each schema value created (new, default, clone, deserialised).
    instance: u64,
    /// Bumped by every change.
    version: u64,
    /// The operation of the latest change, when that change was `apply` of it.
    last_applied: Option<Operation>,
}

impl EditStamp {
    /// The stamp of a new schema value.
    pub(crate) fn fresh() -> EditStamp {
        EditStamp {
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            version: 0,
            last_applied: None,
        }
    }

    /// Records a change; `applied` when it was `apply(op)`.
    pub(crate) fn changed(&mut self, applied: Option<&Operation>) {
        self.version += 1;
        self.last_applied = applied.cloned();
    }

    /// `(instance, version)`.
    pub(crate) fn position(&self) -> (u64, u64) {
        (self.instance, self.version)
    }

    /// The operation the latest change applied, if it was an `apply`.
    pub(crate) fn last_applied(&self) -> Option<&Operation> {
        self.last_applied.as_ref()
    }
}

impl Default for EditStamp {
    fn default() -> Self {
        EditStamp::fresh()
    }
}

impl Clone for EditStamp {
    fn clone(&self) -> Self {
        EditStamp::fresh()
    }
}

impl PartialEq for EditStamp {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for EditStamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EditStamp({}, {})", self.instance, self.version)
    }
}
