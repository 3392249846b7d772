//! Choosing the database URL: `--url` > `[env.NAME]` > `[database] url` > `DATABASE_URL`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{Config, ConfigError, Environment, UrlTemplate, VarOrigin, DATABASE_URL_VAR};
use crate::db_url::{redact_url, DatabaseUrl, UrlError};
use crate::location::LineCol;

/// Where the chosen database URL came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlSource {
    /// `--url`.
    CommandLine,
    /// The `url` of the `[env.NAME]` section selected with `--env NAME`.
    EnvSection {
        /// The environment's name.
        name: String,
        /// The configuration file.
        path: PathBuf,
        /// Where the `url` value is.
        at: LineCol,
    },
    /// `[database] url`.
    DatabaseSection {
        /// The configuration file.
        path: PathBuf,
        /// Where the `url` value is.
        at: LineCol,
    },
    /// The `DATABASE_URL` environment variable, from the process or a `.env` file.
    DatabaseUrlVariable {
        /// Which of the two.
        origin: VarOrigin,
    },
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::CommandLine => f.write_str("--url"),
            UrlSource::EnvSection { name, path, at } => write!(
                f,
                "`[env.{name}] url` at {}:{}:{}",
                path.display(),
                at.line,
                at.column
            ),
            UrlSource::DatabaseSection { path, at } => {
                write!(
                    f,
                    "`[database] url` at {}:{}:{}",
                    path.display(),
                    at.line,
                    at.column
                )
            }
            UrlSource::DatabaseUrlVariable {
                origin: VarOrigin::DotEnv(path),
            } => write!(f, "{DATABASE_URL_VAR} in {}", path.display()),
            UrlSource::DatabaseUrlVariable { .. } => {
                write!(f, "the {DATABASE_URL_VAR} environment variable")
            }
        }
    }
}

/// The chosen database URL, interpolated, with where it came from.
///
/// `Display` and `Debug` print it redacted; the string itself is
/// [`SelectedUrl::expose_secret_str`].
#[derive(Clone, PartialEq, Eq)]
pub struct SelectedUrl {
    url: String,
    source: UrlSource,
    base_dir: Option<PathBuf>,
}

impl SelectedUrl {
    /// Where the URL came from.
    pub fn source(&self) -> &UrlSource {
        &self.source
    }

    /// The directory a relative `sqlite://` path is relative to: the configuration's for
    /// every source but `--url`; `None` (the current directory) for `--url`, or when there
    /// is no configuration file.
    pub fn base_dir(&self) -> Option<&Path> {
        self.base_dir.as_deref()
    }

    /// Parses the URL, resolving a relative SQLite path against [`Self::base_dir`].
    pub fn parse(&self) -> Result<DatabaseUrl, UrlError> {
        match &self.base_dir {
            Some(dir) => DatabaseUrl::parse_relative_to(&self.url, dir),
            None => DatabaseUrl::parse(&self.url),
        }
    }

    /// The URL with its secrets masked.
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }

    /// The URL as chosen, password included: never print it.
    pub fn expose_secret_str(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for SelectedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for SelectedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectedUrl")
            .field("url", &self.redacted())
            .field("source", &self.source)
            .field("base_dir", &self.base_dir)
            .finish()
    }
}

/// The database URL when there is no configuration file: `cli_url`, else `DATABASE_URL`
/// from `environment`. Any `env_name` is an error, since no `[env.NAME]` sections exist.
pub fn select_url_without_config(
    environment: &Environment,
    cli_url: Option<&str>,
    env_name: Option<&str>,
) -> Result<SelectedUrl, ConfigError> {
    select(None, environment, cli_url, env_name)
}

pub(super) fn select(
    config: Option<&Config>,
    environment: &Environment,
    cli_url: Option<&str>,
    env_name: Option<&str>,
) -> Result<SelectedUrl, ConfigError> {
    // A mistyped --env is reported even when --url wins: the user meant something by it.
    let selected_env = match env_name {
        None => None,
        Some(name) => match config.and_then(|config| config.environments.get(name)) {
            Some(template) => Some((name, template)),
            None => {
                return Err(ConfigError::UnknownEnvironment {
                    name: name.to_string(),
                    known: config
                        .map(|config| config.environments.keys().cloned().collect())
                        .unwrap_or_default(),
                    config: config.map(|config| config.path.clone()),
                })
            }
        },
    };
    let base_dir = config.map(|config| config.dir.clone());

    if let Some(url) = cli_url {
        return chosen(url.to_string(), UrlSource::CommandLine, None);
    }
    if let Some((name, template)) = selected_env {
        let source = UrlSource::EnvSection {
            name: name.to_string(),
            path: template.path().to_path_buf(),
            at: template.at(),
        };
        return from_template(
            template,
            &format!("`[env.{name}] url`"),
            environment,
            source,
            base_dir,
        );
    }
    if let Some(template) = config.and_then(|config| config.database.url.as_ref()) {
        let source = UrlSource::DatabaseSection {
            path: template.path().to_path_buf(),
            at: template.at(),
        };
        return from_template(template, "`[database] url`", environment, source, base_dir);
    }
    // An empty DATABASE_URL counts as unset, as most tools treat it.
    if let Some(url) = environment
        .get(DATABASE_URL_VAR)
        .filter(|url| !url.trim().is_empty())
    {
        let origin = environment
            .origin(DATABASE_URL_VAR)
            .cloned()
            .unwrap_or(VarOrigin::Process);
        return chosen(
            url.to_string(),
            UrlSource::DatabaseUrlVariable { origin },
            base_dir,
        );
    }

    let mut looked_at = vec!["--url (not given)".to_string()];
    match config {
        Some(config) => {
            looked_at.push(format!(
                "`[database] url` in {} (not set)",
                config.path.display()
            ));
            looked_at.push(format!(
                "{DATABASE_URL_VAR} in the environment and in {} (not set)",
                config.dir.join(super::DOTENV_FILE_NAME).display()
            ));
        }
        None => {
            looked_at.push("retort.toml (none found in this directory or its parents)".into());
            looked_at.push(format!("{DATABASE_URL_VAR} in the environment (not set)"));
        }
    }
    Err(ConfigError::NoUrl { looked_at })
}

fn from_template(
    template: &UrlTemplate,
    key: &str,
    environment: &Environment,
    source: UrlSource,
    base_dir: Option<PathBuf>,
) -> Result<SelectedUrl, ConfigError> {
    let url = template.value.expand(key, environment)?;
    chosen(url, source, base_dir)
}

fn chosen(
    url: String,
    source: UrlSource,
    base_dir: Option<PathBuf>,
) -> Result<SelectedUrl, ConfigError> {
    if url.trim().is_empty() {
        return Err(ConfigError::EmptyUrl { origin: source });
    }
    Ok(SelectedUrl {
        url,
        source,
        base_dir,
    })
}
