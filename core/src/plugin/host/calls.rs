//! Calling into a plugin's function table: JSON in, JSON out, the plugin's buffer handed
//! back, and the host's record of a panic.

use crate::plugin::abi::{
    Buffer, ConnectionFn, DialectFn, FunctionTable, STATUS_OK, STATUS_POISONED,
};
use crate::plugin::wire::WireError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// A plugin's function table, shared by its dialect and connections, with the host's
/// record of whether it panicked.
#[derive(Debug)]
pub(super) struct PluginCalls {
    pub(super) table: &'static FunctionTable,
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
            // as the ABI requires; the table came from a checked declaration.
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
