//! The host side: checking a plugin's declaration, and the adapter that makes its function
//! table a [`Dialect`] (and its connections [`Connection`]s) like any built-in driver.

mod calls;
mod connection;
mod error;
mod schema_copy;

pub use error::PluginError;

use super::abi::{
    DeclarationHeader, DialectFn, PluginDeclaration, ABI_MAJOR, ABI_MINOR, MAGIC, PANIC_ABORT,
    PANIC_UNWIND, TABLE_SIZE_2_0,
};
use super::wire::{Description, WireError, WireStatement, WireUrl, WireValue};
use crate::db_url::DatabaseUrl;
use crate::dialect::{
    Capabilities, Connection, DbError, Dialect, DialectError, OfflineScript, RenderMode, Statement,
};
use crate::diff::SpellingRules;
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use crate::sql::SqlSyntax;
use calls::{PluginCalls, Slots};
use connection::PluginConnection;
use schema_copy::SchemaCopies;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A plugin's dialect, usable wherever a built-in [`Dialect`] is.
#[derive(Debug, Clone)]
pub struct PluginDialect {
    calls: Arc<PluginCalls>,
    description: Description,
    /// What was read out of the description once, to hand out without a plugin call.
    capabilities: Capabilities,
    syntax: SqlSyntax,
    offline_script: OfflineScript,
    /// The plugin's copy of the schema that render requests update.
    copies: Arc<SchemaCopies>,
    plugin_name: String,
    plugin_version: String,
    abi_minor: u32,
}

impl PluginDialect {
    /// The dialect behind a checked declaration. `origin` names where it came from, for
    /// messages.
    ///
    /// # Safety
    /// `declaration` must be null or point at a readable [`DeclarationHeader`], followed,
    /// when the header's magic and major are this host's, by the rest of a
    /// [`PluginDeclaration`] whose pointers stay valid for the rest of the process (a
    /// library that is never unloaded, or statics).
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
        // SAFETY: non-null and, per this function's contract, a readable header. Only the
        // header is read until its magic and major are known to be this host's.
        let header = unsafe { declaration.cast::<DeclarationHeader>().read_unaligned() };
        if header.magic != MAGIC {
            return Err(PluginError::BadMagic {
                origin: origin.to_string(),
            });
        }
        if header.abi_major != ABI_MAJOR {
            return Err(PluginError::AbiMismatch {
                origin: origin.to_string(),
                plugin: format!("{}.{}", header.abi_major, header.abi_minor),
                host: format!("{ABI_MAJOR}.{ABI_MINOR}"),
                advice: error::abi_advice(header.abi_major),
            });
        }
        // SAFETY: the magic and major are this host's, so per the contract the whole
        // declaration of this major is readable; it is copied, no reference is kept.
        let declaration = unsafe { declaration.read_unaligned() };
        match declaration.panic_strategy {
            PANIC_UNWIND => {}
            PANIC_ABORT => {
                return Err(PluginError::AbortsOnPanic {
                    origin: origin.to_string(),
                })
            }
            other => return Err(malformed(&format!("unknown panic strategy {other}"))),
        }
        if declaration.table.is_null() {
            return Err(malformed("the function table pointer is null"));
        }
        if declaration.table_size < TABLE_SIZE_2_0 {
            return Err(PluginError::TableTooSmall {
                origin: origin.to_string(),
                plugin: declaration.table_size,
                host: TABLE_SIZE_2_0,
            });
        }
        // SAFETY: the declaration's strings are 'static UTF-8 per the ABI; checked below.
        let plugin_name = unsafe { static_str(declaration.name_ptr, declaration.name_len) }
            .ok_or_else(|| malformed("the plugin name is null or not UTF-8"))?;
        // SAFETY: as above.
        let plugin_version =
            unsafe { static_str(declaration.version_ptr, declaration.version_len) }
                .ok_or_else(|| malformed("the plugin version is null or not UTF-8"))?;
        // SAFETY: non-null, declared `table_size` bytes long (at least ABI 2.0's table) and
        // 'static per this function's contract.
        let slots = unsafe { Slots::read(declaration.table, declaration.table_size) }
            .map_err(|slot| malformed(&format!("the function `{slot}` is null")))?;
        let calls = Arc::new(PluginCalls {
            slots,
            poisoned: AtomicBool::new(false),
            name: plugin_name.clone(),
        });
        let description: Description =
            calls
                .dialect_call(slots.describe, &())
                .map_err(|e| PluginError::Describe {
                    origin: origin.to_string(),
                    reason: e.into_db_error().to_string(),
                })?;
        Ok(PluginDialect {
            calls,
            capabilities: Capabilities::from(&description.capabilities),
            syntax: SqlSyntax::from(&description.syntax),
            offline_script: OfflineScript::from(&description.offline_script),
            description,
            copies: Arc::default(),
            plugin_name,
            plugin_version,
            abi_minor: declaration.header.abi_minor,
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

    /// The ABI `major.minor` the plugin was built for.
    pub fn plugin_abi(&self) -> String {
        format!("{ABI_MAJOR}.{}", self.abi_minor)
    }

    /// Whether the plugin runs a transaction's statements in one call
    /// ([`Connection::execute_transaction`], ABI 2.1); without, statement by statement.
    pub fn has_execute_transaction(&self) -> bool {
        self.calls.slots.execute_transaction.is_some()
    }

    /// Whether the plugin renders checks as its server stores them
    /// ([`Connection::render_checks`], ABI 2.2); without, checks compare by their text.
    pub fn has_render_checks(&self) -> bool {
        self.calls.slots.render_checks.is_some()
    }

    /// Whether the plugin has panicked and refuses every call.
    pub fn is_poisoned(&self) -> bool {
        self.calls.poisoned.load(Ordering::SeqCst)
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
        self.capabilities.clone()
    }

    fn syntax(&self) -> SqlSyntax {
        self.syntax
    }

    fn offline_script(&self) -> OfflineScript {
        self.offline_script.clone()
    }

    fn spelling_rules(&self) -> SpellingRules {
        SpellingRules::from(&self.description.spelling)
    }

    fn transaction_elapsed_ms(&self) -> Option<String> {
        self.description.transaction_elapsed_ms.clone()
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        self.calls
            .dialect_call(self.calls.slots.render_literal, &WireValue::from(value))
            .map_err(|e| e.into_dialect_error(self.name(), "render a literal through its plugin"))
    }

    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        self.copies
            .render(op, before, mode, |request| {
                self.calls.dialect_call::<_, Vec<WireStatement>>(
                    self.calls.slots.render_operation,
                    request,
                )
            })
            .map(|statements| statements.into_iter().map(Statement::from).collect())
            .map_err(|error| {
                let what = format!("render `{}` through its plugin", op.name());
                error.into_dialect_error(self.name(), &what)
            })
    }

    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        let handle: u64 = self.db_call(self.calls.slots.connect, &WireUrl::from(url))?;
        Ok(Box::new(PluginConnection {
            calls: Arc::clone(&self.calls),
            handle,
            introspected: None,
        }))
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.db_call(self.calls.slots.create_database, &WireUrl::from(url))
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.db_call(self.calls.slots.drop_database, &WireUrl::from(url))
    }
}
