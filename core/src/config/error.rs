//! The errors of loading configuration and choosing a database URL.

use std::path::{Path, PathBuf};

use super::UrlSource;
use crate::location::FileError;

/// Configuration could not be loaded, or no database URL could be chosen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file named with `--config` does not exist.
    #[error("{} does not exist: expected a retort configuration file (`retort init` creates one)", path.display())]
    NotFound {
        /// The path that was given.
        path: PathBuf,
    },
    /// A file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A mistake in `retort.toml` or `.env`, at a file, line and column.
    #[error(transparent)]
    File(#[from] FileError),
    /// `--env NAME` names no `[env.NAME]` section.
    #[error("{}", unknown_environment(name, known, config.as_deref()))]
    UnknownEnvironment {
        /// The name given.
        name: String,
        /// The environments the configuration defines.
        known: Vec<String>,
        /// The configuration file, if one was found.
        config: Option<PathBuf>,
    },
    /// No URL in any of the places looked at.
    #[error(
        "no database URL: looked at {}; pass --url, set `url` under [database] in retort.toml, \
         or set DATABASE_URL",
        looked_at.join(", ")
    )]
    NoUrl {
        /// The places looked at, in order of precedence.
        looked_at: Vec<String>,
    },
    /// The chosen URL is empty (for instance `${VAR:-}` with `VAR` unset).
    #[error("the database URL from {origin} is empty: expected e.g. `sqlite://app.db` or `postgres://user@host/db`")]
    EmptyUrl {
        /// Where it came from.
        origin: UrlSource,
    },
}

fn unknown_environment(name: &str, known: &[String], config: Option<&Path>) -> String {
    let Some(config) = config else {
        return format!(
            "unknown environment `{name}` (--env): no retort.toml was found, so there are no \
             [env.NAME] sections to select"
        );
    };
    if known.is_empty() {
        return format!(
            "unknown environment `{name}` (--env): {} defines no [env.NAME] sections",
            config.display()
        );
    }
    let names: Vec<String> = known.iter().map(|known| format!("`{known}`")).collect();
    format!(
        "unknown environment `{name}` (--env): expected one of {} (the [env.NAME] sections of {})",
        names.join(", "),
        config.display()
    )
}
