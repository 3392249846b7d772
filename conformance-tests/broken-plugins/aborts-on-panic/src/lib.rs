//! Test fixture: a declaration of ABI 2.0 saying the plugin was built with
//! `panic = "abort"`, as retort-core's declaration says of a plugin built so (a workspace
//! fixture cannot have a profile of its own). The host must refuse it before calling
//! anything, as one panic in it would end the process.

#![allow(unsafe_code)] // Exporting a symbol by name.
#![allow(missing_docs, unreachable_pub)] // The shared layout is not this crate's API.

#[path = "../../declaration.rs"]
mod declaration;

use declaration::{declaration, Declaration, PANIC_ABORT};

static DECLARATION: Declaration = declaration(
    *b"RETORTPL",
    PANIC_ABORT,
    0,
    std::ptr::null(),
    "aborts-on-panic",
);

/// The entry symbol.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
