//! The host side: checking a plugin's declaration, and the adapter that makes its function
//! table a [`Dialect`] (and its connections [`Connection`]s) like any built-in driver.

use super::abi::{
    Buffer, ConnectionFn, DialectFn, FunctionTable, PluginDeclaration, ABI_MAJOR, ABI_MINOR, MAGIC,
    STATUS_OK, STATUS_POISONED,
};
use super::wire::{Description, WireError, WireRows, WireStatement, WireUrl, WireValue};
use crate::db_url::DatabaseUrl;
use crate::dialect::{
    Capabilities, Connection, DbError, Dialect, DialectError, RenderMode, Statement,
};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Why a plugin was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The file could not be loaded as a shared library.
    #[error("{origin} is not a loadable shared library: {reason}")]
    NotALibrary {
        /// Where the plugin came from.
        origin: String,
        /// The loader's message.
        reason: String,
    },
    /// The library has no retort entry symbol.
    #[error("{origin} is not a retort dialect plugin: it exports no `retort_plugin_entry` symbol")]
    NoEntrySymbol {
        /// Where the plugin came from.
        origin: String,
    },
    /// The declaration does not start with the magic bytes.
    #[error(
        "{origin} is not a retort dialect plugin: its declaration lacks the retort magic bytes"
    )]
    BadMagic {
        /// Where the plugin came from.
        origin: String,
    },
    /// The plugin speaks another ABI version.
    #[error("{origin} was built for retort plugin ABI {plugin}, but this retort speaks ABI {host}: rebuild the plugin against this retort-core")]
    AbiMismatch {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's `major.minor`.
        plugin: String,
        /// The host's `major.minor`.
        host: String,
    },
    /// The function table is smaller than this ABI version's.
    #[error("{origin} declares a function table of {plugin} bytes, but ABI {ABI_MAJOR}.{ABI_MINOR} needs at least {host}: the plugin is corrupt or built wrongly")]
    TableTooSmall {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's table size.
        plugin: usize,
        /// The size this host needs.
        host: usize,
    },
    /// The declaration is malformed (null pointers, name not UTF-8).
    #[error("{origin} has a malformed plugin declaration: {reason}")]
    Malformed {
        /// Where the plugin came from.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// `describe` failed.
    #[error("{origin} could not describe its dialect: {reason}")]
    Describe {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's error.
        reason: String,
    },
}

/// A plugin's function table, shared by its dialect and connections, with the host's
/// record of whether it panicked.
#[derive(Debug)]
struct PluginCalls {
    table: &'static FunctionTable,
    poisoned: AtomicBool,
    name: String,
}

impl PluginCalls {
    /// Calls `function` with `input` as JSON and decodes its output.
    fn dialect_call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: DialectFn,
        input: &I,
    ) -> Result<O, WireError> {
        self.raw_call(input, |ptr, len, out| {
            // SAFETY: `ptr`/`len` describe the live input bytes and `out` a writable Buffer,
            // as the ABI requires; the table came from a checked declaration.
            unsafe { function(ptr, len, out) }
        })
    }

    /// Calls connection `function` on `handle`.
    fn connection_call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: ConnectionFn,
        handle: u64,
        input: &I,
    ) -> Result<O, WireError> {
        self.raw_call(input, |ptr, len, out| {
            // SAFETY: as in `dialect_call`; `handle` came from this plugin's `connect`.
            unsafe { function(handle, ptr, len, out) }
        })
    }

    fn raw_call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        input: &I,
        call: impl FnOnce(*const u8, usize, *mut Buffer) -> i32,
    ) -> Result<O, WireError> {
        if self.poisoned.load(Ordering::SeqCst) {
            return Err(WireError::plugin(format!(
                "the {} dialect plugin panicked earlier and is disabled for the rest of this run",
                self.name
            )));
        }
        let json = serde_json::to_vec(input)
            .map_err(|e| WireError::plugin(format!("could not encode a plugin call: {e}")))?;
        let mut output = Buffer::EMPTY;
        let status = call(json.as_ptr(), json.len(), &mut output);
        let bytes = if output.ptr.is_null() {
            Vec::new()
        } else {
            // SAFETY: the plugin wrote a buffer of `len` initialised bytes it owns until we
            // hand it back below; we copy them out first.
            unsafe { std::slice::from_raw_parts(output.ptr, output.len) }.to_vec()
        };
        // SAFETY: the buffer came from this plugin and is released exactly once.
        unsafe { (self.table.free_buffer)(output) };
        if status == STATUS_OK {
            return serde_json::from_slice(&bytes).map_err(|e| {
                WireError::plugin(format!(
                    "the {} plugin answered malformed JSON: {e}",
                    self.name
                ))
            });
        }
        if status == STATUS_POISONED {
            self.poisoned.store(true, Ordering::SeqCst);
        }
        Err(serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            WireError::plugin(format!(
                "the {} plugin failed (status {status}) with an unreadable error: {e}",
                self.name
            ))
        }))
    }
}

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

/// Answers of the infallible, pure calls, by input.
#[derive(Debug, Default)]
struct Memo {
    quoted: HashMap<String, String>,
    qualified: HashMap<(Option<String>, String), String>,
    placeholders: HashMap<usize, String>,
}

/// Beyond this many answers a memo table starts afresh (identifiers are few in practice).
const MEMO_LIMIT: usize = 4096;

/// `map[key]`, computing and remembering it if absent; not remembered if `compute` fails.
fn memoized<K: std::hash::Hash + Eq, E>(
    map: &mut HashMap<K, String>,
    key: K,
    compute: impl FnOnce() -> Result<String, E>,
) -> Result<String, E> {
    if let Some(found) = map.get(&key) {
        return Ok(found.clone());
    }
    let value = compute()?;
    if map.len() >= MEMO_LIMIT {
        map.clear();
    }
    map.insert(key, value.clone());
    Ok(value)
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
        #[allow(clippy::absurd_extreme_comparisons)] // ABI_MINOR is 0 today.
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
        let same_model = self.description.core_version == env!("CARGO_PKG_VERSION");
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

/// A connection owned by a plugin, closed when dropped.
struct PluginConnection {
    calls: Arc<PluginCalls>,
    handle: u64,
}

impl fmt::Debug for PluginConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginConnection")
            .field("plugin", &self.calls.name)
            .field("handle", &self.handle)
            .finish()
    }
}

impl PluginConnection {
    fn call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: ConnectionFn,
        input: &I,
    ) -> Result<O, DbError> {
        self.calls
            .connection_call(function, self.handle, input)
            .map_err(WireError::into_db_error)
    }
}

impl Drop for PluginConnection {
    fn drop(&mut self) {
        // A poisoned plugin refuses the call; its connection is then simply leaked.
        let _: Result<bool, DbError> = self.call(self.calls.table.close, &());
    }
}

impl Connection for PluginConnection {
    fn execute(&mut self, statement: &Statement) -> Result<u64, DbError> {
        self.call(self.calls.table.execute, &WireStatement::from(statement))
    }

    fn query(&mut self, statement: &Statement) -> Result<Vec<Vec<Value>>, DbError> {
        let rows: WireRows = self.call(self.calls.table.query, &WireStatement::from(statement))?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_iter().map(Value::from).collect())
            .collect())
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.call(self.calls.table.begin, &())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.call(self.calls.table.commit, &())
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.call(self.calls.table.rollback, &())
    }

    fn lock(&mut self, timeout: Duration) -> Result<(), DbError> {
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.call(self.calls.table.lock, &millis)
    }

    fn unlock(&mut self) -> Result<(), DbError> {
        self.call(self.calls.table.unlock, &())
    }

    fn table_exists(&mut self, schema: Option<&str>, table: &str) -> Result<bool, DbError> {
        let name: (Option<&str>, &str) = (schema, table);
        self.call(self.calls.table.table_exists, &name)
    }

    fn introspect(&mut self) -> Result<Schema, DbError> {
        self.call(self.calls.table.introspect, &())
    }
}
