//! The frame of every table function on the plugin side: the input decoded, the body run
//! inside `catch_unwind`, the outcome encoded into a buffer the host hands back to
//! [`free_buffer`], and a panic turned into a poisoned plugin.

use super::{ExportedDialect, PluginState};
use crate::plugin::abi::{Buffer, STATUS_ERROR, STATUS_OK, STATUS_POISONED};
use crate::plugin::wire::WireError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;

/// Hands `bytes` to the host; released by [`free_buffer`].
pub(super) fn into_buffer(bytes: Vec<u8>) -> Buffer {
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    Buffer {
        ptr: bytes.as_mut_ptr(),
        len: bytes.len(),
        capacity: bytes.capacity(),
    }
}

pub(super) unsafe extern "C" fn free_buffer(buffer: Buffer) {
    if buffer.ptr.is_null() {
        return;
    }
    // SAFETY: every non-null buffer this plugin hands out comes from `into_buffer`, i.e. a
    // `Vec<u8>` of exactly this pointer, length and capacity, and the host frees it once.
    drop(unsafe { Vec::from_raw_parts(buffer.ptr, buffer.len, buffer.capacity) });
}

/// Runs `body` on the decoded input of a table call and writes its encoded outcome:
/// the common frame of every table function.
///
/// # Safety
/// `input` must point at `input_len` readable bytes (or be null with length 0) and
/// `output` at a writable [`Buffer`], both for the duration of the call.
pub(super) unsafe fn call<E, I, O>(
    input: *const u8,
    input_len: usize,
    output: *mut Buffer,
    body: impl FnOnce(&PluginState, I) -> Result<O, WireError>,
) -> c_int
where
    E: ExportedDialect,
    I: DeserializeOwned,
    O: Serialize,
{
    let bytes: &[u8] = if input.is_null() || input_len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `input_len` readable bytes at `input`.
        unsafe { std::slice::from_raw_parts(input, input_len) }
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let state = E::state();
        if state.poisoned.load(Ordering::SeqCst) {
            return (STATUS_POISONED, encode_error(&poisoned_error(state)));
        }
        let result = serde_json::from_slice::<I>(if bytes.is_empty() { b"null" } else { bytes })
            .map_err(|e| WireError::plugin(format!("the plugin could not read its input: {e}")))
            .and_then(|input| body(state, input));
        match result {
            Ok(value) => match serde_json::to_vec(&value) {
                Ok(json) => (STATUS_OK, json),
                Err(e) => (
                    STATUS_ERROR,
                    encode_error(&WireError::plugin(format!(
                        "the plugin could not encode its result: {e}"
                    ))),
                ),
            },
            Err(error) => (STATUS_ERROR, encode_error(&error)),
        }
    }));
    let (status, json) = outcome.unwrap_or_else(|panic| {
        let what = panic_message(&*panic);
        // `E::state()` may itself be what panicked; poisoning is best effort then.
        let _ = catch_unwind(|| E::state().poisoned.store(true, Ordering::SeqCst));
        (
            STATUS_POISONED,
            encode_error(&WireError::plugin(format!(
                "the dialect plugin panicked ({what}); it is disabled for the rest of this run"
            ))),
        )
    });
    // SAFETY: the caller guarantees `output` points at a writable Buffer.
    unsafe { output.write(into_buffer(json)) };
    status
}

fn poisoned_error(state: &PluginState) -> WireError {
    WireError::plugin(format!(
        "the {} dialect plugin panicked earlier and is disabled for the rest of this run",
        state.dialect.name()
    ))
}

fn encode_error(error: &WireError) -> Vec<u8> {
    serde_json::to_vec(error).unwrap_or_else(|_| {
        br#"{"kind":"plugin","message":"the plugin could not encode its error"}"#.to_vec()
    })
}

pub(super) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| String::from("no message"))
}
