//! Test fixture: a declaration that does not start with the retort magic bytes, as a
//! foreign library exporting a symbol of the same name would return. The host must refuse
//! it having read nothing but the header.

#![allow(unsafe_code)] // Exporting a symbol by name.
#![allow(missing_docs, unreachable_pub)] // The shared layout is not this crate's API.

#[path = "../../declaration.rs"]
mod declaration;

use declaration::{declaration, Declaration, PANIC_UNWIND};

static DECLARATION: Declaration =
    declaration(*b"NOTRETRT", PANIC_UNWIND, 0, std::ptr::null(), "bad-magic");

/// The entry symbol.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
