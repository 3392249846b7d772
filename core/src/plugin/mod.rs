//! Dialect plugins (SPEC 9): the C ABI ([`abi`]), the JSON that crosses it ([`wire`]), the
//! plugin side behind the [`export_dialect!`](crate::export_dialect) macro, and the host
//! side: loading a shared library ([`load`]) or wrapping a linked dialect in-process
//! ([`inprocess`]), both giving a [`PluginDialect`] that is a [`Dialect`](crate::Dialect)
//! like any built-in one.
//!
//! A plugin is trusted native code, like a build script: loading one runs its code in this
//! process. The modules that call across the C ABI are the only ones of retort-core allowed
//! `unsafe` code; each unsafe block says why it is sound. The JSON documents are safe code.

#[allow(unsafe_code)] // The declaration and table layouts, shared by both sides.
pub mod abi;
#[doc(hidden)] // Internals of `export_dialect!`, public only for the macro's expansion.
#[allow(unsafe_code)] // The plugin's side of every table call.
pub mod export;
#[allow(unsafe_code)] // Reading a declaration and calling a plugin's table.
mod host;
#[allow(unsafe_code)] // Handing a static declaration to the host side.
pub mod inprocess;
#[allow(unsafe_code)] // `dlopen` and the entry symbol.
mod load;
pub mod wire;
pub mod wire_ops;

pub use host::{PluginDialect, PluginError};
pub use load::load;

#[cfg(test)]
#[allow(unsafe_code)] // Hand-made declarations, as a broken plugin would make them.
mod tests;
