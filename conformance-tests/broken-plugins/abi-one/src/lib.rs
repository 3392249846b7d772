//! Test fixture: a plugin built for retort plugin ABI 1.2, its declaration laid out as
//! ABI 1 did (magic, major, minor, then the table size, with no panic strategy). The host
//! reads the common header, and refuses it saying which retort runs it or how to rebuild.

#![allow(unsafe_code)] // Exporting a symbol by name and raw pointers in a static.

use std::ffi::c_void;

/// The declaration's layout, as ABI 1 defines it.
#[repr(C)]
#[derive(Debug)]
pub struct Declaration {
    magic: [u8; 8],
    abi_major: u32,
    abi_minor: u32,
    table_size: usize,
    name_ptr: *const u8,
    name_len: usize,
    version_ptr: *const u8,
    version_len: usize,
    table: *const c_void,
}

// SAFETY: the declaration only points at string literals.
unsafe impl Sync for Declaration {}

const NAME: &str = "old-dialect";
const VERSION: &str = "0.1.0";

static DECLARATION: Declaration = Declaration {
    magic: *b"RETORTPL",
    abi_major: 1,
    abi_minor: 2,
    table_size: 176,
    name_ptr: NAME.as_ptr(),
    name_len: NAME.len(),
    version_ptr: VERSION.as_ptr(),
    version_len: VERSION.len(),
    table: std::ptr::null(),
};

/// The entry symbol: a declaration of ABI 1.2.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
