//! Calling into a plugin's function table: the slots read from the plugin's table by its
//! declared size, JSON in and out, the plugin's buffer handed back, and the host's record
//! of a panic.

use crate::plugin::abi::{
    Buffer, ConnectionFn, DialectFn, FunctionTable, STATUS_OK, STATUS_POISONED, TABLE_SIZE_2_0,
};
use crate::plugin::wire::WireError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// The functions of a plugin's table, copied out of it: the slots of ABI 2.0, which every
/// plugin of major 2 has, and the later ones the plugin's table is large enough to hold.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)] // Each slot is the same-named one of `FunctionTable`.
pub(super) struct Slots {
    pub(super) free_buffer: unsafe extern "C" fn(buffer: Buffer),
    pub(super) describe: DialectFn,
    pub(super) render_literal: DialectFn,
    pub(super) render_operation: DialectFn,
    pub(super) connect: DialectFn,
    pub(super) create_database: DialectFn,
    pub(super) drop_database: DialectFn,
    pub(super) close: ConnectionFn,
    pub(super) execute: ConnectionFn,
    pub(super) query: ConnectionFn,
    pub(super) begin: ConnectionFn,
    pub(super) commit: ConnectionFn,
    pub(super) rollback: ConnectionFn,
    pub(super) lock: ConnectionFn,
    pub(super) unlock: ConnectionFn,
    pub(super) table_exists: ConnectionFn,
    pub(super) introspect: ConnectionFn,
    pub(super) set_statement_limits: ConnectionFn,
    /// ABI 2.1.
    pub(super) execute_transaction: Option<ConnectionFn>,
    /// ABI 2.2.
    pub(super) render_checks: Option<ConnectionFn>,
}

impl Slots {
    /// The slots of the table at `table`, which the plugin declares `size` bytes long.
    /// Fails with the name of a slot of ABI 2.0 that is null.
    ///
    /// # Safety
    /// `table` must point at `size` readable bytes, `size >= TABLE_SIZE_2_0`, laid out as
    /// the start of a [`FunctionTable`] (each slot a function pointer or null).
    pub(super) unsafe fn read(
        table: *const FunctionTable,
        size: usize,
    ) -> Result<Slots, &'static str> {
        debug_assert!(size >= TABLE_SIZE_2_0);
        // Each slot is read by its offset, and only when it lies within the declared size:
        // no reference to a whole `FunctionTable` is formed, as an older plugin's is shorter.
        macro_rules! slot {
            ($field:ident: $ty:ty) => {{
                let offset = std::mem::offset_of!(FunctionTable, $field);
                if offset + std::mem::size_of::<$ty>() > size {
                    None
                } else {
                    // SAFETY: within the `size` readable bytes (checked just above), at the
                    // slot's offset; `Option<fn>` has the layout of a nullable function
                    // pointer, so a null slot reads as `None`.
                    unsafe {
                        table
                            .cast::<u8>()
                            .add(offset)
                            .cast::<Option<$ty>>()
                            .read_unaligned()
                    }
                }
            }};
        }
        macro_rules! required {
            ($field:ident: $ty:ty) => {
                slot!($field: $ty).ok_or(stringify!($field))?
            };
        }
        Ok(Slots {
            free_buffer: required!(free_buffer: unsafe extern "C" fn(Buffer)),
            describe: required!(describe: DialectFn),
            render_literal: required!(render_literal: DialectFn),
            render_operation: required!(render_operation: DialectFn),
            connect: required!(connect: DialectFn),
            create_database: required!(create_database: DialectFn),
            drop_database: required!(drop_database: DialectFn),
            close: required!(close: ConnectionFn),
            execute: required!(execute: ConnectionFn),
            query: required!(query: ConnectionFn),
            begin: required!(begin: ConnectionFn),
            commit: required!(commit: ConnectionFn),
            rollback: required!(rollback: ConnectionFn),
            lock: required!(lock: ConnectionFn),
            unlock: required!(unlock: ConnectionFn),
            table_exists: required!(table_exists: ConnectionFn),
            introspect: required!(introspect: ConnectionFn),
            set_statement_limits: required!(set_statement_limits: ConnectionFn),
            execute_transaction: slot!(execute_transaction: ConnectionFn),
            render_checks: slot!(render_checks: ConnectionFn),
        })
    }
}

/// A plugin's functions, shared by its dialect and connections, with the host's record of
/// whether it panicked.
#[derive(Debug)]
pub(super) struct PluginCalls {
    pub(super) slots: Slots,
    pub(super) poisoned: AtomicBool,
    pub(super) name: String,
}

impl PluginCalls {
    /// Calls `function` with `input` as JSON and decodes its output.
    pub(super) fn dialect_call<I: Serialize + ?Sized, O: DeserializeOwned>(
        &self,
        function: DialectFn,
        input: &I,
    ) -> Result<O, WireError> {
        self.raw_call(input, |ptr, len, out| {
            // SAFETY: `ptr`/`len` describe the live input bytes and `out` a writable Buffer,
            // as the ABI requires; the slot came from a checked declaration.
            unsafe { function(ptr, len, out) }
        })
    }

    /// Calls connection `function` on `handle`.
    pub(super) fn connection_call<I: Serialize + ?Sized, O: DeserializeOwned>(
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
        unsafe { (self.slots.free_buffer)(output) };
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
