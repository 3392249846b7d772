//! The host side: checking a plugin's declaration, and the adapter that makes its function
//! table a [`Dialect`] (and its connections [`Connection`]s) like any built-in driver.

mod calls;
mod connection;
mod error;
mod memo;

pub use error::PluginError;

use super::abi::{DialectFn, FunctionTable, PluginDeclaration, ABI_MAJOR, ABI_MINOR, MAGIC};
use super::wire::{
    Description, WireError, WireRenderedSequence, WireStatement, WireUrl, WireValue,
};
use super::wire_ops::WireOperationRef;
use crate::db_url::DatabaseUrl;
use crate::dialect::{
    render_one_by_one, Capabilities, Connection, DbError, Dialect, DialectError, RenderMode,
    RenderedSequence, Statement,
};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use calls::PluginCalls;
use connection::PluginConnection;
use memo::{memoized, Memo};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Names for the schemas a plugin keeps, unique in this process.
static NEXT_CACHE: AtomicU64 = AtomicU64::new(1);

/// What the plugin keeps from the last render request: the schema at `position` as
/// `cache`, and the operation rendered against it.
#[derive(Debug)]
struct RenderSlot {
    position: (u64, u64),
    cache: u64,
    rendered: Operation,
}

/// A plugin's dialect, usable wherever a built-in [`Dialect`] is.
#[derive(Debug, Clone)]
pub struct PluginDialect {
    calls: Arc<PluginCalls>,
    description: Description,
    /// Held for the whole render call, so that the plugin's cached schema and this record
    /// of it never disagree.
    render_slot: Arc<Mutex<Option<RenderSlot>>>,
    /// Quoted identifiers and placeholders already asked for: pure functions of their input,
    /// asked for again and again by the migrator.
    memo: Arc<Mutex<Memo>>,
    plugin_name: String,
    plugin_version: String,
}

impl PluginDialect {
    /// The dialect behind a checked declaration. `origin` names where it came from, for
    /// messages.
    ///
    /// # Safety
    /// `declaration` must point at a valid [`PluginDeclaration`] whose pointers stay valid
    /// for the rest of the process (a library that is never unloaded, or statics).
    pub(crate) unsafe fn from_declaration(
        declaration: *const PluginDeclaration,
        origin: &str,
    ) -> Result<PluginDialect, PluginError> {
        let malformed = |reason: &str| PluginError::Malformed {
            origin: origin.to_string(),
            reason: reason.to_string(),
        };
        if declaration.is_null() {
            return Err(malformed("the entry symbol returned a null declaration"));
        }
        // SAFETY: non-null, and valid per this function's contract. The magic is read first,
        // so a foreign structure is refused before any other field is trusted.
        let declaration = unsafe { &*declaration };
        if declaration.magic != MAGIC {
            return Err(PluginError::BadMagic {
                origin: origin.to_string(),
            });
        }
        let too_old = declaration.abi_minor < ABI_MINOR;
        if declaration.abi_major != ABI_MAJOR || too_old {
            return Err(PluginError::AbiMismatch {
                origin: origin.to_string(),
                plugin: format!("{}.{}", declaration.abi_major, declaration.abi_minor),
                host: format!("{ABI_MAJOR}.{ABI_MINOR}"),
            });
        }
        let needed = std::mem::size_of::<FunctionTable>();
        if declaration.table_size < needed {
            return Err(PluginError::TableTooSmall {
                origin: origin.to_string(),
                plugin: declaration.table_size,
                host: needed,
            });
        }
        if declaration.table.is_null() {
            return Err(malformed("the function table pointer is null"));
        }
        // SAFETY: the declaration's strings are 'static UTF-8 per the ABI; checked below.
        let plugin_name = unsafe { static_str(declaration.name_ptr, declaration.name_len) }
            .ok_or_else(|| malformed("the plugin name is not UTF-8"))?;
        // SAFETY: as above.
        let plugin_version =
            unsafe { static_str(declaration.version_ptr, declaration.version_len) }
                .ok_or_else(|| malformed("the plugin version is not UTF-8"))?;
        // SAFETY: non-null, checked to be at least as large as the table this host reads,
        // and 'static per this function's contract.
        let table: &'static FunctionTable = unsafe { &*declaration.table };
        let calls = Arc::new(PluginCalls {
            table,
            poisoned: AtomicBool::new(false),
            name: plugin_name.clone(),
        });
        let description: Description =
            calls
                .dialect_call(table.describe, &())
                .map_err(|e| PluginError::Describe {
                    origin: origin.to_string(),
                    reason: e.into_db_error().to_string(),
                })?;
        Ok(PluginDialect {
            calls,
            description,
            render_slot: Arc::new(Mutex::new(None)),
            memo: Arc::default(),
            plugin_name,
            plugin_version,
        })
    }

    /// The name the plugin declares (its crate name).
    pub fn plugin_name(&self) -> &str {
        &self.plugin_name
    }

    /// The version the plugin declares.
    pub fn plugin_version(&self) -> &str {
        &self.plugin_version
    }

    /// Whether the plugin has panicked and refuses every call.
    pub fn is_poisoned(&self) -> bool {
        self.calls.poisoned.load(Ordering::SeqCst)
    }

    fn table(&self) -> &'static FunctionTable {
        self.calls.table
    }

    /// Whether the plugin was built with this host's retort-core, so that its schema
    /// model folds operations exactly as the host's does.
    fn same_schema_model(&self) -> bool {
        self.description.core_version == env!("CARGO_PKG_VERSION")
    }

    fn db_call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: DialectFn,
        input: &I,
    ) -> Result<O, DbError> {
        self.calls
            .dialect_call(function, input)
            .map_err(WireError::into_db_error)
    }
}

/// # Safety
/// `ptr` must point at `len` bytes that live for the rest of the process (or be null).
unsafe fn static_str(ptr: *const u8, len: usize) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).ok().map(str::to_string)
}

/// Standard SQL quoting, for the calls that cannot fail once a plugin is poisoned (the next
/// fallible call reports the poisoning).
fn fallback_quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The borrowed twin of [`super::wire::RenderRequest`], which the plugin reads.
#[derive(Serialize)]
struct RenderRequestRef<'a> {
    operation: &'a Operation,
    before: BeforeRef<'a>,
    mode: RenderMode,
}

/// The borrowed twin of [`super::wire::SequenceRequest`].
#[derive(Serialize)]
struct SequenceRequestRef<'a> {
    operations: Vec<WireOperationRef<'a>>,
    before: &'a Schema,
    mode: RenderMode,
}

/// The borrowed twin of [`super::wire::WireBefore`].
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum BeforeRef<'a> {
    Full { schema: &'a Schema, cache: u64 },
    Cached { cache: u64, apply_pending: bool },
}

impl PluginDialect {
    fn render_call(
        &self,
        operation: &Operation,
        before: BeforeRef<'_>,
        mode: RenderMode,
    ) -> Result<Vec<WireStatement>, WireError> {
        self.calls.dialect_call(
            self.table().render_operation,
            &RenderRequestRef {
                operation,
                before,
                mode,
            },
        )
    }
}

impl Dialect for PluginDialect {
    fn name(&self) -> &str {
        &self.description.name
    }

    fn url_schemes(&self) -> Vec<String> {
        self.description.schemes.clone()
    }

    fn version(&self) -> String {
        self.description.version.clone()
    }

    fn capabilities(&self) -> Capabilities {
        self.description.capabilities.clone()
    }

    fn quote_identifier(&self, name: &str) -> String {
        let mut memo = self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        memoized(&mut memo.quoted, name.to_string(), || {
            self.calls.dialect_call(self.table().quote_identifier, name)
        })
        .unwrap_or_else(|_| fallback_quote(name))
    }

    fn qualified_table(&self, schema: Option<&str>, table: &str) -> String {
        let mut memo = self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (schema.map(str::to_string), table.to_string());
        memoized(&mut memo.qualified, key, || {
            self.calls
                .dialect_call(self.table().qualified_table, &(schema, table))
        })
        .unwrap_or_else(|_| match schema {
            Some(schema) => format!("{}.{}", fallback_quote(schema), fallback_quote(table)),
            None => fallback_quote(table),
        })
    }

    fn placeholder(&self, index: usize) -> String {
        let mut memo = self.memo.lock().unwrap_or_else(PoisonError::into_inner);
        memoized(&mut memo.placeholders, index, || {
            self.calls.dialect_call(self.table().placeholder, &index)
        })
        .unwrap_or_else(|_| String::from("?"))
    }

    fn script_prologue(&self) -> Vec<String> {
        self.description.script_prologue.clone()
    }

    fn script_commit_checks(&self) -> Vec<String> {
        self.description.script_commit_checks.clone()
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        self.calls
            .dialect_call(self.table().render_literal, &WireValue::from(value))
            .map_err(|e| e.into_dialect_error(self.name()))
    }

    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        let mut slot = self
            .render_slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let stamp = before.edit_stamp();
        let position = stamp.position();
        // The schema model must be the same code on both sides for the plugin to apply an
        // operation to its copy; otherwise every request carries the whole schema.
        let same_model = self.same_schema_model();
        let cached = slot.as_ref().filter(|_| same_model).and_then(|last| {
            if last.position == position {
                Some((last.cache, false))
            } else if last.position.0 == position.0
                && last.position.1 + 1 == position.1
                && stamp.last_applied() == Some(&last.rendered)
            {
                Some((last.cache, true))
            } else {
                None
            }
        });
        let mut result = match cached {
            Some((cache, apply_pending)) => self
                .render_call(
                    op,
                    BeforeRef::Cached {
                        cache,
                        apply_pending,
                    },
                    mode,
                )
                .map(|statements| (statements, cache)),
            None => Err(WireError::CacheMiss),
        };
        if matches!(result, Err(WireError::CacheMiss)) {
            let cache = NEXT_CACHE.fetch_add(1, Ordering::Relaxed);
            result = self
                .render_call(
                    op,
                    BeforeRef::Full {
                        schema: before,
                        cache,
                    },
                    mode,
                )
                .map(|statements| (statements, cache));
        }
        match result {
            Ok((statements, cache)) => {
                *slot = Some(RenderSlot {
                    position,
                    cache,
                    rendered: op.clone(),
                });
                Ok(statements.into_iter().map(Statement::from).collect())
            }
            Err(error) => {
                *slot = None;
                Err(error.into_dialect_error(self.name()))
            }
        }
    }

    fn render_sequence(
        &self,
        ops: &[&Operation],
        before: &Schema,
        mode: RenderMode,
    ) -> RenderedSequence {
        // The plugin folds the schema itself: only a plugin whose schema model is this
        // host's may (as for `render_operation`'s changes-only requests).
        if ops.is_empty() || !self.same_schema_model() {
            return render_one_by_one(self, ops, before, mode);
        }
        let request = SequenceRequestRef {
            operations: ops.iter().map(|op| WireOperationRef::from(*op)).collect(),
            before,
            mode,
        };
        let answer = self
            .calls
            .dialect_call::<_, WireRenderedSequence>(self.table().render_sequence, &request);
        match answer {
            Ok(rendered)
                if rendered.statements.len() + usize::from(rendered.failure.is_some())
                    <= ops.len() =>
            {
                RenderedSequence {
                    statements: rendered
                        .statements
                        .into_iter()
                        .map(|statements| statements.into_iter().map(Statement::from).collect())
                        .collect(),
                    failure: rendered.failure,
                }
            }
            // The call itself failed (or answered more than was asked): one operation at a
            // time, so that whatever fails is reported against its own operation.
            _ => render_one_by_one(self, ops, before, mode),
        }
    }

    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        let handle: u64 = self.db_call(self.table().connect, &WireUrl::from(url))?;
        Ok(Box::new(PluginConnection {
            calls: Arc::clone(&self.calls),
            handle,
        }))
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.db_call(self.table().create_database, &WireUrl::from(url))
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.db_call(self.table().drop_database, &WireUrl::from(url))
    }
}
