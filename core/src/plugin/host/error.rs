//! Why a plugin was refused.

use crate::plugin::abi::{ABI_MAJOR, ABI_MINOR};

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
    /// The plugin speaks another ABI version.
    #[error("{origin} was built for retort plugin ABI {plugin}, but this retort speaks ABI {host}: rebuild the plugin against this retort-core")]
    AbiMismatch {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's `major.minor`.
        plugin: String,
        /// The host's `major.minor`.
        host: String,
    },
    /// The function table is smaller than this ABI version's.
    #[error("{origin} declares a function table of {plugin} bytes, but ABI {ABI_MAJOR}.{ABI_MINOR} needs at least {host}: the plugin is corrupt or built wrongly")]
    TableTooSmall {
        /// Where the plugin came from.
        origin: String,
        /// The plugin's table size.
        plugin: usize,
        /// The size this host needs.
        host: usize,
    },
    /// The declaration is malformed (null pointers, name not UTF-8).
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
