//! Why a plugin was refused.

use crate::plugin::abi::{ABI_MAJOR, ABI_MINOR};

/// What to do about a plugin of ABI major `plugin_major`: which retort runs it, or how to
/// rebuild it for this one.
pub(super) fn abi_advice(plugin_major: u32) -> String {
    let rebuild = format!(
        "rebuild the plugin against retort-core {} (plugin ABI {ABI_MAJOR}.{ABI_MINOR})",
        env!("CARGO_PKG_VERSION")
    );
    match plugin_major {
        1 => format!(
            "ABI 1 plugins run with the retort builds from before plugin ABI 2.0 \
             (retort-core 0.1 with `ABI_MAJOR = 1`); to use it with this retort, {rebuild}"
        ),
        major if major > ABI_MAJOR => {
            format!("it needs a newer retort, one that speaks plugin ABI {major}.x; or {rebuild}")
        }
        _ => rebuild,
    }
}

/// Why a plugin was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The file could not be loaded as a shared library.
    #[error("{origin} is not a loadable shared library: {reason}")]
    NotALibrary {
        /// Where the plugin came from.
        origin: String,
        /// The loader's message.
        reason: String,
    },
    /// The library has no retort entry symbol.
    #[error("{origin} is not a retort dialect plugin: it exports no `retort_plugin_entry` symbol")]
    NoEntrySymbol {
        /// Where the plugin came from.
        origin: String,
    },
    /// The declaration does not start with the magic bytes.
    #[error(
        "{origin} is not a retort dialect plugin: its declaration lacks the retort magic bytes"
    )]
    BadMagic {
        /// Where the plugin came from.
        origin: String,
    },
    /// The plugin speaks another ABI major.
    #[error("{origin} was built for retort plugin ABI {plugin}, but this retort speaks ABI {host}: {advice}")]
    AbiMismatch {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's `major.minor`.
        plugin: String,
        /// The host's `major.minor`.
        host: String,
        /// Which retort runs the plugin, or how to rebuild it.
        advice: String,
    },
    /// The plugin was built to abort the process on a panic.
    #[error("{origin} was built with `panic = \"abort\"`: one panic in it would end retort, so it is not loaded; build it with `panic = \"unwind\"` (Cargo's default)")]
    AbortsOnPanic {
        /// Where the plugin came from.
        origin: String,
    },
    /// The function table is smaller than the smallest of this ABI major.
    #[error("{origin} declares a function table of {plugin} bytes, but ABI {ABI_MAJOR}.0 has {host}: the plugin is corrupt or built wrongly")]
    TableTooSmall {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's table size.
        plugin: usize,
        /// The size this host needs.
        host: usize,
    },
    /// The declaration is malformed (null pointers, name not UTF-8, an unknown panic
    /// strategy).
    #[error("{origin} has a malformed plugin declaration: {reason}")]
    Malformed {
        /// Where the plugin came from.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// `describe` failed.
    #[error("{origin} could not describe its dialect: {reason}")]
    Describe {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's error.
        reason: String,
    },
}
