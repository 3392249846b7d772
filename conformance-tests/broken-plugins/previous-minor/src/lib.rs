//! Test fixture: the SQLite driver exported as a plugin of ABI 2.0, the minor before this
//! retort's, as a plugin built against retort-core of ABI 2.0 is laid out: its declaration
//! says minor 0 and the size of ABI 2.0's table, and the table it exports ends there
//! (without `execute_transaction`, which ABI 2.1 appended). The host must load it and run
//! migrations through it, statement by statement where 2.1 would batch.

#![allow(unsafe_code)] // Exporting a symbol by name.
#![allow(missing_docs, unreachable_pub)] // The shared layout is not this crate's API.

#[path = "../../declaration.rs"]
mod declaration;

use declaration::{Declaration, PANIC_UNWIND};
use retort_core::plugin::abi::{Buffer, ConnectionFn, DialectFn, FunctionTable};
use retort_core::plugin::export::{function_table, ExportedDialect, PluginState};
use std::ffi::c_void;
use std::sync::OnceLock;

/// The exported dialect: the SQLite driver.
#[derive(Debug)]
pub struct Exported;

impl ExportedDialect for Exported {
    fn state() -> &'static PluginState {
        static STATE: OnceLock<PluginState> = OnceLock::new();
        STATE.get_or_init(|| PluginState::new(Box::new(retort_sqlite::SqliteDialect::new())))
    }
}

/// The function table of ABI 2.0: every slot of ABI 2.1 but the last.
#[repr(C)]
#[derive(Debug)]
pub struct TableOf2_0 {
    free_buffer: unsafe extern "C" fn(buffer: Buffer),
    describe: DialectFn,
    render_literal: DialectFn,
    render_operation: DialectFn,
    connect: DialectFn,
    create_database: DialectFn,
    drop_database: DialectFn,
    close: ConnectionFn,
    execute: ConnectionFn,
    query: ConnectionFn,
    begin: ConnectionFn,
    commit: ConnectionFn,
    rollback: ConnectionFn,
    lock: ConnectionFn,
    unlock: ConnectionFn,
    table_exists: ConnectionFn,
    introspect: ConnectionFn,
    set_statement_limits: ConnectionFn,
}

const FULL: FunctionTable = function_table::<Exported>();

static TABLE: TableOf2_0 = TableOf2_0 {
    free_buffer: FULL.free_buffer,
    describe: FULL.describe,
    render_literal: FULL.render_literal,
    render_operation: FULL.render_operation,
    connect: FULL.connect,
    create_database: FULL.create_database,
    drop_database: FULL.drop_database,
    close: FULL.close,
    execute: FULL.execute,
    query: FULL.query,
    begin: FULL.begin,
    commit: FULL.commit,
    rollback: FULL.rollback,
    lock: FULL.lock,
    unlock: FULL.unlock,
    table_exists: FULL.table_exists,
    introspect: FULL.introspect,
    set_statement_limits: FULL.set_statement_limits,
};

static DECLARATION: Declaration = declaration::declaration(
    *b"RETORTPL",
    PANIC_UNWIND,
    std::mem::size_of::<TableOf2_0>(),
    &TABLE as *const TableOf2_0 as *const c_void,
    "retort-test-plugin-previous-minor",
);

/// The entry symbol: a declaration of ABI 2.0.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
