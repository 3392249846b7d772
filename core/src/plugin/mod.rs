//! Dialect plugins (SPEC 9): the C ABI ([`abi`]), the JSON that crosses it ([`wire`]), the
//! plugin side and its export macro ([`export`]), and the host side: loading a shared
//! library ([`load`]) or wrapping a linked dialect in-process ([`inprocess`]), both giving a
//! [`PluginDialect`] that is a [`Dialect`](crate::Dialect) like any built-in one.
//!
//! The only module of retort-core with `unsafe` code: calling across a C ABI needs it.

pub mod abi;
pub mod export;
mod host;
pub mod inprocess;
mod load;
pub mod wire;
pub mod wire_ops;

pub use host::{PluginDialect, PluginError};
pub use load::load;

#[cfg(test)]
mod tests;
