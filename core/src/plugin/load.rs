//! Loading a plugin from a shared library file. A loaded library is never unloaded: its
//! functions and statics are referenced for the rest of the process.

use super::abi::{EntryFn, ENTRY_SYMBOL};
use super::host::{PluginDialect, PluginError};
use std::path::Path;

/// Loads the dialect plugin at `path`, checking its declaration before calling anything.
pub fn load(path: &Path) -> Result<PluginDialect, PluginError> {
    let origin = path.display().to_string();
    if !path.is_file() {
        return Err(PluginError::NotALibrary {
            origin,
            reason: String::from("no such file"),
        });
    }
    // The loader searches the library path for a bare name (`first.so`): always give it a
    // path that names the file itself.
    let path = &path.canonicalize().map_err(|e| PluginError::NotALibrary {
        origin: origin.clone(),
        reason: e.to_string(),
    })?;
    // SAFETY: loading runs the library's initialisers; a retort plugin has none beyond
    // Rust's own, and choosing to load a file is the user's explicit request.
    let library =
        unsafe { libloading::Library::new(path) }.map_err(|e| PluginError::NotALibrary {
            origin: origin.clone(),
            reason: e.to_string(),
        })?;
    // Never unloaded: everything the plugin hands out may be used until the process ends.
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    // SAFETY: the symbol, when present, is the entry function of the retort ABI
    // (`extern "C" fn() -> *const PluginDeclaration`); its name is reserved for that.
    let entry = unsafe { library.get::<EntryFn>(ENTRY_SYMBOL) }.map_err(|_| {
        PluginError::NoEntrySymbol {
            origin: origin.clone(),
        }
    })?;
    // SAFETY: as above; the entry function only returns a pointer to a static.
    let declaration = unsafe { entry() };
    // SAFETY: the declaration lives in the library, which is never unloaded; its magic and
    // version are checked before any other field is used.
    unsafe { PluginDialect::from_declaration(declaration, &origin) }
}
