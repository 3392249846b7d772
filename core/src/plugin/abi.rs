//! The C ABI between retort and a dialect plugin: the declaration the entry symbol returns
//! and the table of `extern "C"` functions. Nothing here has a Rust-only layout.
//!
//! Versioning: the ABI major changes when anything here changes incompatibly; the minor
//! changes when functions are appended to [`FunctionTable`], which only ever grows at its
//! end. A host loads a plugin of its own major whatever its minor: the declared
//! `table_size` says which slots the plugin has, a slot past it is absent (the host falls
//! back to what the connection trait's default does), and slots past what the host knows
//! are never read. Every declaration starts with the same [`DeclarationHeader`], in every
//! major, so that a host can refuse another major by name before reading anything else.

use std::os::raw::c_int;

/// The name of the one symbol a plugin exports.
pub const ENTRY_SYMBOL: &[u8] = b"retort_plugin_entry\0";

/// The first bytes of every declaration.
pub const MAGIC: [u8; 8] = *b"RETORTPL";

/// The ABI major version this build speaks.
pub const ABI_MAJOR: u32 = 2;

/// The ABI minor version this build speaks: 2.0 has every slot up to and including
/// [`FunctionTable::set_statement_limits`]; 2.1 adds [`FunctionTable::execute_transaction`];
/// 2.2 adds [`FunctionTable::render_checks`].
pub const ABI_MINOR: u32 = 2;

/// The size of the function table of ABI 2.0, the smallest a host of major 2 accepts.
pub const TABLE_SIZE_2_0: usize = std::mem::offset_of!(FunctionTable, execute_transaction);

/// The size of the function table of ABI 2.1.
pub const TABLE_SIZE_2_1: usize = std::mem::offset_of!(FunctionTable, render_checks);

/// The plugin unwinds on panic: its panics are caught at the boundary and reported.
pub const PANIC_UNWIND: u32 = 1;
/// The plugin aborts the process on panic: a host refuses it, as one panic would end retort.
pub const PANIC_ABORT: u32 = 2;

/// The call succeeded; the output buffer holds the JSON result.
pub const STATUS_OK: c_int = 0;
/// The call failed; the output buffer holds a JSON [`super::wire::WireError`].
pub const STATUS_ERROR: c_int = 1;
/// The plugin panicked (now or earlier) and is poisoned; the buffer holds a JSON error.
pub const STATUS_POISONED: c_int = 2;

/// The signature of the entry symbol.
pub type EntryFn = unsafe extern "C" fn() -> *const PluginDeclaration;

/// Bytes owned by the plugin, handed to the host and given back through
/// [`FunctionTable::free_buffer`].
#[repr(C)]
#[derive(Debug)]
pub struct Buffer {
    /// Start of the bytes (null when empty).
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// Allocated capacity, for the plugin's own deallocation.
    pub capacity: usize,
}

impl Buffer {
    /// An empty buffer, which owns nothing.
    pub const EMPTY: Buffer = Buffer {
        ptr: std::ptr::null_mut(),
        len: 0,
        capacity: 0,
    };
}

/// A dialect call: borrowed UTF-8 JSON input, an output buffer written by the plugin.
pub type DialectFn =
    unsafe extern "C" fn(input: *const u8, input_len: usize, output: *mut Buffer) -> c_int;

/// A connection call on the connection with handle `connection`.
pub type ConnectionFn = unsafe extern "C" fn(
    connection: u64,
    input: *const u8,
    input_len: usize,
    output: *mut Buffer,
) -> c_int;

/// Every function a plugin provides. Inputs and outputs are JSON (see [`super::wire`]).
/// New slots are only ever appended, each with the minor that added it.
#[repr(C)]
#[derive(Debug)]
pub struct FunctionTable {
    /// Releases a buffer this plugin allocated.
    pub free_buffer: unsafe extern "C" fn(buffer: Buffer),
    /// `null` → [`super::wire::Description`].
    pub describe: DialectFn,
    /// value → `"literal"`.
    pub render_literal: DialectFn,
    /// `{operation, before, mode}` → `[statement]` (see [`super::wire::RenderRequest`]).
    pub render_operation: DialectFn,
    /// url → connection handle (a number).
    pub connect: DialectFn,
    /// url → bool.
    pub create_database: DialectFn,
    /// url → bool.
    pub drop_database: DialectFn,
    /// Closes a connection; the handle is invalid afterwards.
    pub close: ConnectionFn,
    /// statement → rows changed.
    pub execute: ConnectionFn,
    /// statement → rows.
    pub query: ConnectionFn,
    /// `null` → `null`.
    pub begin: ConnectionFn,
    /// `null` → `null`.
    pub commit: ConnectionFn,
    /// `null` → `null`.
    pub rollback: ConnectionFn,
    /// timeout in milliseconds → `null`.
    pub lock: ConnectionFn,
    /// `null` → `null`.
    pub unlock: ConnectionFn,
    /// `[schema or null, table]` → bool.
    pub table_exists: ConnectionFn,
    /// `{known}` → the schema, whole or as the changes since the previous answer on this
    /// connection ([`super::wire::WireIntrospection`]).
    pub introspect: ConnectionFn,
    /// `{lock_wait, statement_timeout}` in milliseconds (0: none) → `null`:
    /// [`crate::Connection::set_statement_limits`].
    pub set_statement_limits: ConnectionFn,
    /// `[statement]` → `null` or a [`super::wire::WireBatchError`]:
    /// [`crate::Connection::execute_transaction`] (ABI 2.1; absent: statement by statement).
    pub execute_transaction: ConnectionFn,
    /// `[[table, expression]]` → `null` (the dialect does not render checks) or the
    /// expressions as the server writes them: [`crate::Connection::render_checks`] (ABI 2.2;
    /// absent: checks compare by their text).
    pub render_checks: ConnectionFn,
}

/// The start of every declaration, in every ABI major: what a host reads before anything
/// else, so that a foreign structure or another major is refused without trusting the rest.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DeclarationHeader {
    /// [`MAGIC`].
    pub magic: [u8; 8],
    /// The plugin's [`ABI_MAJOR`].
    pub abi_major: u32,
    /// The plugin's [`ABI_MINOR`].
    pub abi_minor: u32,
}

/// What the entry symbol returns: checked by the host before anything else is called.
///
/// Built only by [`PluginDeclaration::new`] (the fields are private), so that a
/// declaration made in safe code always points at valid static data.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PluginDeclaration {
    /// Magic bytes and ABI version.
    pub(crate) header: DeclarationHeader,
    /// [`PANIC_UNWIND`] or [`PANIC_ABORT`]: how the plugin was built.
    pub(crate) panic_strategy: u32,
    /// The size of the plugin's function table: which slots it has.
    pub(crate) table_size: usize,
    /// The plugin's name, UTF-8 (not NUL-terminated).
    pub(crate) name_ptr: *const u8,
    /// Length of the name.
    pub(crate) name_len: usize,
    /// The plugin's version, UTF-8 (not NUL-terminated).
    pub(crate) version_ptr: *const u8,
    /// Length of the version.
    pub(crate) version_len: usize,
    /// The function table.
    pub(crate) table: *const FunctionTable,
}

// SAFETY: a declaration only points at 'static, immutable data (string literals and a
// static function table), so sharing it between threads is sound.
unsafe impl Sync for PluginDeclaration {}

impl PluginDeclaration {
    /// The declaration of a plugin of this build's ABI version. The panic strategy is the
    /// one this code is compiled with, which is the whole plugin's.
    pub const fn new(
        name: &'static str,
        version: &'static str,
        table: &'static FunctionTable,
    ) -> Self {
        PluginDeclaration {
            header: DeclarationHeader {
                magic: MAGIC,
                abi_major: ABI_MAJOR,
                abi_minor: ABI_MINOR,
            },
            panic_strategy: if cfg!(panic = "unwind") {
                PANIC_UNWIND
            } else {
                PANIC_ABORT
            },
            table_size: std::mem::size_of::<FunctionTable>(),
            name_ptr: name.as_ptr(),
            name_len: name.len(),
            version_ptr: version.as_ptr(),
            version_len: version.len(),
            table,
        }
    }
}
