//! Test fixture: a plugin from a (pretend) future retort, declaring ABI 99.0. The
//! declaration is written by hand, as another build of retort-core would lay it out, so
//! that the host's version check is what refuses it.

// Exporting a symbol by name and sharing raw pointers in a static need `unsafe`.
#![allow(unsafe_code)]

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

const NAME: &str = "future-dialect";
const VERSION: &str = "99.0.0";

static DECLARATION: Declaration = Declaration {
    magic: *b"RETORTPL",
    abi_major: 99,
    abi_minor: 0,
    table_size: 0,
    name_ptr: NAME.as_ptr(),
    name_len: NAME.len(),
    version_ptr: VERSION.as_ptr(),
    version_len: VERSION.len(),
    table: std::ptr::null(),
};

/// The entry symbol: a declaration of an ABI this retort does not speak.
#[no_mangle]
pub extern "C" fn retort_plugin_entry() -> *const Declaration {
    &DECLARATION
}
