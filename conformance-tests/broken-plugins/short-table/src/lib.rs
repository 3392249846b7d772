//! Test fixture: a declaration of ABI 2.0 whose function table holds two slots, fewer
//! than ABI 2.0 has; the host must refuse it without reading past them.

#![allow(unsafe_code)] // Exporting a symbol by name.
#![allow(missing_docs, unreachable_pub)] // The shared layout is not this crate's API.

#[path = "../../declaration.rs"]
mod declaration;

use declaration::{declaration, Declaration, PANIC_UNWIND};
use std::ffi::c_void;

/// Two slots, never called.
static TABLE: [usize; 2] = [0, 0];

static DECLARATION: Declaration = declaration(
    *b"RETORTPL",
    PANIC_UNWIND,
    std::mem::size_of::<[usize; 2]>(),
    &TABLE as *const [usize; 2] as *const c_void,
    "short-table",
);

/// The entry symbol.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
