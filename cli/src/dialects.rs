//! The dialects a run can use: the built-in drivers of this build, and the plugins named
//! with `--plugin` and `[plugins] paths`, in a [`DialectRegistry`] from `retort-core`.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use retort_core::config::Config;
use retort_core::registry::DialectRegistry;
use retort_core::Dialect;

/// The dialects linked into this binary (cargo features `sqlite`, ...).
// One push per enabled driver feature; with none enabled the vector stays empty.
#[allow(unused_mut, clippy::vec_init_then_push)]
fn builtin_dialects() -> Vec<Box<dyn Dialect>> {
    let mut dialects: Vec<Box<dyn Dialect>> = Vec::new();
    #[cfg(feature = "sqlite")]
    dialects.push(Box::new(retort_sqlite::SqliteDialect::new()));
    #[cfg(feature = "postgres")]
    dialects.push(Box::new(retort_postgres::PostgresDialect::new()));
    #[cfg(feature = "mysql")]
    dialects.push(Box::new(retort_mysql::MysqlDialect::new()));
    dialects
}

/// The built-ins, then `--plugin` paths (relative to the current directory), then the
/// configuration's `[plugins] paths` (already resolved against its directory).
pub(crate) fn load(global: &GlobalArgs, config: Option<&Config>) -> CliResult<DialectRegistry> {
    let mut registry = DialectRegistry::new();
    for dialect in builtin_dialects() {
        registry.add_builtin(dialect).map_err(CliError::input)?;
    }
    let configured = config.map(|c| c.plugins.paths.as_slice()).unwrap_or(&[]);
    for path in global.plugin.iter().chain(configured) {
        registry.add_plugin(path).map_err(CliError::input)?;
    }
    Ok(registry)
}
