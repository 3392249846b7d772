//! The declaration of plugin ABI 2, laid out by hand as a build of retort-core lays it
//! out, for the fixtures that must declare what retort-core's own constructor never would.
//! Shared by the fixture crates through `#[path]`.

#![allow(dead_code)] // Each fixture uses part of it.

use std::ffi::c_void;

/// The declaration of ABI 2 (`retort_core::plugin::abi::PluginDeclaration`).
#[repr(C)]
#[derive(Debug)]
pub struct Declaration {
    pub magic: [u8; 8],
    pub abi_major: u32,
    pub abi_minor: u32,
    pub panic_strategy: u32,
    pub table_size: usize,
    pub name_ptr: *const u8,
    pub name_len: usize,
    pub version_ptr: *const u8,
    pub version_len: usize,
    pub table: *const c_void,
}

// SAFETY: the declaration only points at string literals and immutable statics.
unsafe impl Sync for Declaration {}

/// `retort_core::plugin::abi::PANIC_UNWIND`.
pub const PANIC_UNWIND: u32 = 1;
/// `retort_core::plugin::abi::PANIC_ABORT`.
pub const PANIC_ABORT: u32 = 2;

/// A declaration of ABI 2.0 with these fields, named `name`.
pub const fn declaration(
    magic: [u8; 8],
    panic_strategy: u32,
    table_size: usize,
    table: *const c_void,
    name: &'static str,
) -> Declaration {
    Declaration {
        magic,
        abi_major: 2,
        abi_minor: 0,
        panic_strategy,
        table_size,
        name_ptr: name.as_ptr(),
        name_len: name.len(),
        version_ptr: "0.0.0".as_ptr(),
        version_len: 5,
        table,
    }
}
