//! Test fixture: an entry symbol that returns a null declaration.

#![allow(unsafe_code)] // Exporting a symbol by name.

/// The entry symbol: null.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const u8 {
    std::ptr::null()
}
