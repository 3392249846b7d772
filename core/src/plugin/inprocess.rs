//! The in-process adapter: a statically linked dialect run through the very same function
//! table and host adapter as a loaded plugin, so that ordinary tests exercise the ABI.

use super::abi::PluginDeclaration;
use super::host::{PluginDialect, PluginError};

/// The dialect behind a declaration made in this process (by
/// [`in_process_dialect!`](crate::in_process_dialect)).
#[doc(hidden)] // Used by the expansion of `in_process_dialect!`.
pub fn from_static(declaration: &'static PluginDeclaration) -> Result<PluginDialect, PluginError> {
    // SAFETY: a `PluginDeclaration` can only be built by `PluginDeclaration::new` from
    // 'static strings and a 'static function table, so every pointer in it is valid forever.
    unsafe { PluginDialect::from_declaration(declaration, "(in-process)") }
}

/// Wraps a statically linked [`Dialect`](crate::Dialect) in the plugin ABI:
/// `in_process_dialect!(SqliteDialect::new())` is a
/// `Result<PluginDialect, PluginError>` whose every call crosses the function table.
///
/// Each use site holds one dialect, created on first use.
#[macro_export]
macro_rules! in_process_dialect {
    ($dialect:expr) => {{
        #[derive(Debug)]
        struct InProcessDialect;

        impl $crate::plugin::export::ExportedDialect for InProcessDialect {
            fn state() -> &'static $crate::plugin::export::PluginState {
                static STATE: ::std::sync::OnceLock<$crate::plugin::export::PluginState> =
                    ::std::sync::OnceLock::new();
                STATE.get_or_init(|| {
                    $crate::plugin::export::PluginState::new(::std::boxed::Box::new($dialect))
                })
            }
        }

        static TABLE: $crate::plugin::abi::FunctionTable =
            $crate::plugin::export::function_table::<InProcessDialect>();
        static DECLARATION: $crate::plugin::abi::PluginDeclaration =
            $crate::plugin::abi::PluginDeclaration::new(
                "in-process",
                env!("CARGO_PKG_VERSION"),
                &TABLE,
            );
        $crate::plugin::inprocess::from_static(&DECLARATION)
    }};
}
