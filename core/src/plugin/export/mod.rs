//! The plugin side: a [`Dialect`] behind the function table, and the
//! [`export_dialect!`](crate::export_dialect) macro that exports one from a `cdylib`.
//!
//! Every table function decodes its JSON input, calls the dialect or connection, and encodes
//! the result or error. A panic is caught, poisons the plugin, and every later call is
//! refused.

mod frame;

use super::abi::{Buffer, FunctionTable};
use super::wire::{
    Description, RenderRequest, WireBatchError, WireCapabilities, WireError, WireIntrospect,
    WireIntrospection, WireLimits, WireOfflineScript, WireRows, WireSpellingRules, WireStatement,
    WireSyntax, WireTableName, WireUrl, WireValue,
};
use crate::dialect::{Connection, Dialect, Statement, StatementLimits};
use crate::revision::ops::Operation;
use crate::revision::values::Value;
use crate::schema::Schema;
use frame::{call, free_buffer};
use std::collections::HashMap;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

type SharedConnection = Arc<Mutex<OpenConnection>>;

/// A connection the host opened, and the schema its last `introspect` answer described
/// (the host holds the same), so that the next answer sends only what changed.
struct OpenConnection {
    connection: Box<dyn Connection>,
    introspected: Option<Schema>,
}

/// How many schema copies a plugin keeps for render requests (one per host-side adapter).
const SCHEMA_COPIES: usize = 8;

/// The state of one exported dialect: the dialect, its open connections, and whether it
/// has panicked.
pub struct PluginState {
    dialect: Box<dyn Dialect>,
    connections: Mutex<HashMap<u64, SharedConnection>>,
    next_handle: AtomicU64,
    poisoned: AtomicBool,
    /// Schema copies by the number the host gave each, most recently made last.
    copies: Mutex<Vec<(u64, Schema)>>,
}

impl std::fmt::Debug for PluginState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginState")
            .field("dialect", &self.dialect.name())
            .field("poisoned", &self.poisoned.load(Ordering::SeqCst))
            .finish()
    }
}

impl PluginState {
    /// The state of a freshly exported `dialect`.
    pub fn new(dialect: Box<dyn Dialect>) -> Self {
        PluginState {
            dialect,
            connections: Mutex::new(HashMap::new()),
            next_handle: AtomicU64::new(1),
            poisoned: AtomicBool::new(false),
            copies: Mutex::new(Vec::new()),
        }
    }

    fn connection(&self, handle: u64) -> Result<SharedConnection, WireError> {
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&handle)
            .cloned()
            .ok_or_else(|| WireError::plugin(format!("no open connection with handle {handle}")))
    }
}

/// Implemented by the type [`export_dialect!`](crate::export_dialect) generates: where the
/// exported dialect's state lives.
pub trait ExportedDialect: 'static {
    /// The state, created on first use.
    fn state() -> &'static PluginState;
}

/// The function table of the exported dialect `E`.
pub const fn function_table<E: ExportedDialect>() -> FunctionTable {
    FunctionTable {
        free_buffer,
        describe: describe::<E>,
        render_literal: render_literal::<E>,
        render_operation: render_operation::<E>,
        connect: connect::<E>,
        create_database: create_database::<E>,
        drop_database: drop_database::<E>,
        close: close::<E>,
        execute: execute::<E>,
        query: query::<E>,
        begin: begin::<E>,
        commit: commit::<E>,
        rollback: rollback::<E>,
        lock: lock::<E>,
        unlock: unlock::<E>,
        table_exists: table_exists::<E>,
        introspect: introspect::<E>,
        set_statement_limits: set_statement_limits::<E>,
        execute_transaction: execute_transaction::<E>,
        render_checks: render_checks::<E>,
    }
}

/// Declares a dialect table function that decodes `$input` and runs `$body`.
macro_rules! dialect_fn {
    ($name:ident, |$state:ident, $input:ident: $ty:ty| $body:expr) => {
        unsafe extern "C" fn $name<E: ExportedDialect>(
            input: *const u8,
            input_len: usize,
            output: *mut Buffer,
        ) -> c_int {
            // SAFETY: the host passes a readable input and a writable output (abi contract).
            unsafe { call::<E, $ty, _>(input, input_len, output, |$state, $input| $body) }
        }
    };
}

/// Declares a connection table function that runs `$body` on the connection.
macro_rules! connection_fn {
    ($name:ident, |$conn:ident, $input:ident: $ty:ty| $body:expr) => {
        unsafe extern "C" fn $name<E: ExportedDialect>(
            handle: u64,
            input: *const u8,
            input_len: usize,
            output: *mut Buffer,
        ) -> c_int {
            // SAFETY: the host passes a readable input and a writable output (abi contract).
            unsafe {
                call::<E, $ty, _>(input, input_len, output, |state, $input| {
                    let shared = state.connection(handle)?;
                    let mut guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    let $conn: &mut dyn Connection = &mut *guard.connection;
                    $body
                })
            }
        }
    };
}

dialect_fn!(describe, |state, _input: ()| {
    let dialect = &state.dialect;
    Ok(Description {
        name: dialect.name().to_string(),
        schemes: dialect.url_schemes(),
        version: dialect.version(),
        capabilities: WireCapabilities::from(&dialect.capabilities()),
        syntax: WireSyntax::from(&dialect.syntax()),
        offline_script: WireOfflineScript::from(&dialect.offline_script()),
        transaction_elapsed_ms: dialect.transaction_elapsed_ms(),
        spelling: WireSpellingRules::from(&dialect.spelling_rules()),
    })
});
dialect_fn!(render_literal, |state, value: WireValue| Ok(state
    .dialect
    .render_literal(&Value::from(value))?));
dialect_fn!(render_operation, |state, request: RenderRequest| {
    let mut copies = state.copies.lock().unwrap_or_else(PoisonError::into_inner);
    let schema = updated_copy(&mut copies, &request)?;
    let operation = Operation::from(request.operation);
    let rendered = state
        .dialect
        .render_operation(&operation, schema, request.mode.into());
    Ok(rendered?
        .iter()
        .map(WireStatement::from)
        .collect::<Vec<_>>())
});

/// The copy a render request names, changed as the request says: stored, never folded.
fn updated_copy<'c>(
    copies: &'c mut Vec<(u64, Schema)>,
    request: &RenderRequest,
) -> Result<&'c Schema, WireError> {
    let index = match copies.iter().position(|(copy, _)| *copy == request.copy) {
        Some(index) if request.reset => {
            copies[index].1 = Schema::new();
            index
        }
        Some(index) => index,
        None if request.reset => {
            if copies.len() >= SCHEMA_COPIES {
                copies.remove(0);
            }
            copies.push((request.copy, Schema::new()));
            copies.len() - 1
        }
        None => return Err(WireError::CacheMiss),
    };
    let schema = &mut copies[index].1;
    for name in &request.removed {
        schema.remove_table(name);
    }
    for table in &request.tables {
        schema.insert_table(table.clone());
    }
    Ok(&copies[index].1)
}

dialect_fn!(connect, |state, url: WireUrl| {
    let connection = state.dialect.connect(&url.to_url()?)?;
    let handle = state.next_handle.fetch_add(1, Ordering::SeqCst);
    state
        .connections
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            handle,
            Arc::new(Mutex::new(OpenConnection {
                connection,
                introspected: None,
            })),
        );
    Ok(handle)
});
dialect_fn!(create_database, |state, url: WireUrl| Ok(state
    .dialect
    .create_database(&url.to_url()?)?));
dialect_fn!(drop_database, |state, url: WireUrl| Ok(state
    .dialect
    .drop_database(&url.to_url()?)?));

unsafe extern "C" fn close<E: ExportedDialect>(
    handle: u64,
    input: *const u8,
    input_len: usize,
    output: *mut Buffer,
) -> c_int {
    // SAFETY: the host passes a readable input and a writable output (abi contract).
    unsafe {
        call::<E, (), _>(input, input_len, output, |state, ()| {
            let removed = state
                .connections
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&handle);
            Ok(removed.is_some())
        })
    }
}

connection_fn!(execute, |conn, statement: WireStatement| Ok(
    conn.execute(&statement.into())?
));
connection_fn!(query, |conn, statement: WireStatement| {
    let rows = conn.query(&statement.into())?;
    Ok(rows
        .iter()
        .map(|row| row.iter().map(WireValue::from).collect())
        .collect::<WireRows>())
});
connection_fn!(begin, |conn, _input: ()| Ok(conn.begin()?));
connection_fn!(commit, |conn, _input: ()| Ok(conn.commit()?));
connection_fn!(rollback, |conn, _input: ()| Ok(conn.rollback()?));
connection_fn!(lock, |conn, millis: u64| Ok(
    conn.lock(Duration::from_millis(millis))?
));
connection_fn!(unlock, |conn, _input: ()| Ok(conn.unlock()?));
connection_fn!(table_exists, |conn, name: WireTableName| Ok(
    conn.table_exists(name.0.as_deref(), &name.1)?
));

unsafe extern "C" fn introspect<E: ExportedDialect>(
    handle: u64,
    input: *const u8,
    input_len: usize,
    output: *mut Buffer,
) -> c_int {
    // SAFETY: the host passes a readable input and a writable output (abi contract).
    unsafe {
        call::<E, WireIntrospect, _>(input, input_len, output, |state, request| {
            let shared = state.connection(handle)?;
            let mut guard = shared.lock().unwrap_or_else(PoisonError::into_inner);
            let open = &mut *guard;
            // Forgotten first: if this call fails, the next answer is whole.
            let previous = open.introspected.take();
            let schema = open.connection.introspect()?;
            let answer = match previous.filter(|_| request.known) {
                Some(previous) => WireIntrospection {
                    reset: false,
                    tables: schema
                        .tables()
                        .filter(|table| previous.table(&table.name) != Some(*table))
                        .cloned()
                        .collect(),
                    removed: previous
                        .table_names()
                        .filter(|name| schema.table(name).is_none())
                        .map(str::to_string)
                        .collect(),
                },
                None => WireIntrospection {
                    reset: true,
                    tables: schema.tables().cloned().collect(),
                    removed: Vec::new(),
                },
            };
            open.introspected = Some(schema);
            Ok(answer)
        })
    }
}
connection_fn!(set_statement_limits, |conn, limits: WireLimits| Ok(
    conn.set_statement_limits(&StatementLimits::from(limits))?
));
connection_fn!(execute_transaction, |conn, batch: Vec<WireStatement>| {
    let statements: Vec<Statement> = batch.into_iter().map(Statement::from).collect();
    Ok(conn
        .execute_transaction(&statements)
        .err()
        .map(|error| WireBatchError::from(&error)))
});

connection_fn!(render_checks, |conn, checks: Vec<(String, String)>| Ok(
    conn.render_checks(&checks)?
));

/// Exports a [`Dialect`] from a `cdylib` as a retort plugin: the one line of a plugin crate.
///
/// ```ignore
/// retort_core::export_dialect!(retort_sqlite::SqliteDialect::new());
/// ```
///
/// The expression is evaluated once, on the first call from the host. The crate's name and
/// version (from Cargo) are the plugin's.
#[macro_export]
macro_rules! export_dialect {
    ($dialect:expr) => {
        #[doc(hidden)]
        #[derive(Debug)]
        pub struct RetortExportedDialect;

        impl $crate::plugin::export::ExportedDialect for RetortExportedDialect {
            fn state() -> &'static $crate::plugin::export::PluginState {
                static STATE: ::std::sync::OnceLock<$crate::plugin::export::PluginState> =
                    ::std::sync::OnceLock::new();
                STATE.get_or_init(|| {
                    $crate::plugin::export::PluginState::new(::std::boxed::Box::new($dialect))
                })
            }
        }

        static RETORT_FUNCTION_TABLE: $crate::plugin::abi::FunctionTable =
            $crate::plugin::export::function_table::<RetortExportedDialect>();

        static RETORT_DECLARATION: $crate::plugin::abi::PluginDeclaration =
            $crate::plugin::abi::PluginDeclaration::new(
                env!("CARGO_PKG_NAME"),
                env!("CARGO_PKG_VERSION"),
                &RETORT_FUNCTION_TABLE,
            );

        /// The plugin's entry symbol: its declaration, checked by the host before any call.
        #[allow(unsafe_code)] // `no_mangle` is what makes the symbol findable.
        #[no_mangle]
        pub extern "C" fn retort_plugin_entry() -> *const $crate::plugin::abi::PluginDeclaration {
            &RETORT_DECLARATION
        }
    };
}
