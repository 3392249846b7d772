//! Reading `retort.toml`: strict serde structs, then defaults, interpolation and paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::value::SourceValue;
use super::{
    Config, ConfigError, DatabaseSettings, Environment, MigrationSettings, PluginSettings,
    SchemaSettings, UrlTemplate, DOTENV_FILE_NAME, FILE_TEMPLATE_PLACEHOLDERS,
};
use crate::db_url::redact_url;
use crate::dialect::parse_duration;
use crate::location::FileError;
use std::time::Duration;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    database: RawDatabase,
    #[serde(default)]
    migrations: RawMigrations,
    #[serde(default)]
    schema: RawSchema,
    #[serde(default)]
    plugins: RawPlugins,
    #[serde(default)]
    env: BTreeMap<String, RawEnv>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: Option<Spanned<String>>,
    dialect: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMigrations {
    dir: Option<Spanned<String>>,
    file_template: Option<Spanned<String>>,
    version_table: Option<Spanned<String>>,
    version_table_schema: Option<Spanned<String>>,
    transaction_per_migration: Option<bool>,
    lock_wait: Option<Spanned<String>>,
    statement_timeout: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSchema {
    file: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPlugins {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnv {
    url: Spanned<String>,
}

/// The keys of `retort.toml` per table, read from the structs that reject unknown keys.
pub(super) fn known_keys() -> Vec<(&'static str, &'static [&'static str])> {
    use crate::known_keys::struct_fields;
    vec![
        ("database", struct_fields::<RawDatabase>()),
        ("migrations", struct_fields::<RawMigrations>()),
        ("schema", struct_fields::<RawSchema>()),
        ("plugins", struct_fields::<RawPlugins>()),
        ("env.NAME", struct_fields::<RawEnv>()),
    ]
}

pub(super) fn load(path: &Path, environment: &Environment) -> Result<Config, ConfigError> {
    let source = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ConfigError::NotFound {
            path: path.to_path_buf(),
        },
        _ => ConfigError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let raw: RawConfig =
        toml::from_str(&source).map_err(|error| toml_error(path, &source, &error))?;
    // A bare file name has the empty path as its directory, so that the paths derived
    // from it stay bare too (`migrations/...`, not `./migrations/...`).
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let environment = environment
        .clone()
        .with_dotenv(&dir.join(DOTENV_FILE_NAME))?;
    let reader = Reader {
        path,
        source: &source,
        dir: &dir,
        environment: &environment,
    };

    let database = DatabaseSettings {
        url: raw
            .database
            .url
            .map(|url| reader.url(url, "`[database] url`"))
            .transpose()?,
        dialect: raw
            .database
            .dialect
            .map(|d| reader.string(d, "`[database] dialect`"))
            .transpose()?,
    };
    let migrations = reader.migrations(raw.migrations)?;
    let schema = SchemaSettings {
        file: match raw.schema.file {
            Some(file) => reader.path(file, "`[schema] file`")?,
            None => SchemaSettings::defaults(&dir).file,
        },
    };
    let plugins = PluginSettings {
        paths: raw
            .plugins
            .paths
            .into_iter()
            .map(|plugin| reader.path(plugin, "`[plugins] paths`"))
            .collect::<Result<_, _>>()?,
    };
    let environments = raw
        .env
        .into_iter()
        .map(|(name, env)| {
            let url = reader.url(env.url, &format!("`[env.{name}] url`"))?;
            Ok((name, url))
        })
        .collect::<Result<_, ConfigError>>()?;

    Ok(Config {
        path: path.to_path_buf(),
        dir,
        database,
        migrations,
        schema,
        plugins,
        environments,
        environment,
    })
}

/// Turns raw values of one file into settings.
struct Reader<'a> {
    path: &'a Path,
    source: &'a str,
    dir: &'a Path,
    environment: &'a Environment,
}

impl Reader<'_> {
    fn value(&self, spanned: Spanned<String>) -> SourceValue {
        SourceValue::new(self.path, self.source, spanned)
    }

    /// An interpolated string.
    fn string(&self, spanned: Spanned<String>, key: &str) -> Result<String, ConfigError> {
        self.value(spanned).expand(key, self.environment)
    }

    /// An interpolated, non-empty path, relative to the configuration's directory.
    fn path(&self, spanned: Spanned<String>, key: &str) -> Result<PathBuf, ConfigError> {
        let value = self.value(spanned);
        let expanded = value.expand(key, self.environment)?;
        if expanded.is_empty() {
            return Err(value.error(format!("{key} is empty: expected a path")));
        }
        Ok(self.dir.join(expanded))
    }

    /// A URL, checked for `${...}` syntax but expanded only when selected.
    fn url(&self, spanned: Spanned<String>, key: &str) -> Result<UrlTemplate, ConfigError> {
        let value = self.value(spanned);
        value.check_syntax(key)?;
        Ok(UrlTemplate { value })
    }

    fn migrations(&self, raw: RawMigrations) -> Result<MigrationSettings, ConfigError> {
        let mut settings = MigrationSettings::defaults(self.dir);
        if let Some(dir) = raw.dir {
            settings.dir = self.path(dir, "`[migrations] dir`")?;
        }
        if let Some(template) = raw.file_template {
            let value = self.value(template);
            let expanded = value.expand("`[migrations] file_template`", self.environment)?;
            check_file_template(&value, &expanded)?;
            settings.file_template = expanded;
        }
        if let Some(table) = raw.version_table {
            let value = self.value(table);
            settings.version_table =
                value.expand("`[migrations] version_table`", self.environment)?;
            if settings.version_table.trim().is_empty() {
                return Err(
                    value.error("`[migrations] version_table` is empty: expected a table name")
                );
            }
        }
        if let Some(schema) = raw.version_table_schema {
            settings.version_table_schema =
                Some(self.string(schema, "`[migrations] version_table_schema`")?);
        }
        if let Some(per_migration) = raw.transaction_per_migration {
            settings.transaction_per_migration = per_migration;
        }
        if let Some(lock_wait) = raw.lock_wait {
            settings.lock_wait = self.duration(lock_wait, "`[migrations] lock_wait`")?;
        }
        if let Some(timeout) = raw.statement_timeout {
            settings.statement_timeout =
                self.duration(timeout, "`[migrations] statement_timeout`")?;
        }
        Ok(settings)
    }

    /// An interpolated duration (`500ms`, `5s`, `2m`, `0` for no limit).
    fn duration(&self, spanned: Spanned<String>, key: &str) -> Result<Duration, ConfigError> {
        let value = self.value(spanned);
        let expanded = value.expand(key, self.environment)?;
        parse_duration(&expanded).map_err(|message| value.error(format!("{key}: {message}")))
    }
}

/// Every `{...}` in the template must be a known placeholder, and the name not empty.
fn check_file_template(value: &SourceValue, expanded: &str) -> Result<(), ConfigError> {
    // Offsets into `expanded` are offsets into the file only if nothing was interpolated.
    let offset_in_file = |offset: usize| if expanded == value.text { offset } else { 0 };
    if expanded.trim().is_empty() {
        return Err(value.error(
            "`[migrations] file_template` is empty: expected e.g. `{date}_{time}_{rev}_{slug}`",
        ));
    }
    let mut offset = 0;
    while let Some(open) = expanded[offset..].find('{').map(|i| offset + i) {
        let name = expanded[open + 1..].split('}').next().unwrap_or("");
        let closed = expanded[open + 1..].contains('}');
        if !closed || !FILE_TEMPLATE_PLACEHOLDERS.contains(&name) {
            let known: Vec<String> = FILE_TEMPLATE_PLACEHOLDERS
                .iter()
                .map(|p| format!("`{{{p}}}`"))
                .collect();
            return Err(value.error_at(
                offset_in_file(open),
                format!(
                    "unknown placeholder in `[migrations] file_template`: expected {}",
                    known.join(", ")
                ),
            ));
        }
        offset = open + 1 + name.len() + 1;
    }
    if !expanded.contains("{rev}") {
        return Err(value.error(
            "`[migrations] file_template` must contain `{rev}`, so that no two revisions share a file name",
        ));
    }
    if expanded.contains(['/', '\\']) {
        return Err(
            value.error("`[migrations] file_template` names a file, not a path: remove the `/`")
        );
    }
    Ok(())
}

/// A TOML syntax or shape error as `path:line:column: message`.
fn toml_error(path: &Path, source: &str, error: &toml::de::Error) -> ConfigError {
    let message = without_quoted_secrets(error.message().trim_end());
    match error.span() {
        Some(span) => FileError::at_offset(path, source, span.start, message),
        None => FileError::whole_file(path, message),
    }
    .into()
}

/// serde quotes a string given where something else was expected
/// (`invalid type: string "…", expected …`): that string may be a URL with a password.
fn without_quoted_secrets(message: &str) -> String {
    let quoted = message
        .find("string \"")
        .map(|start| start + "string ".len())
        .zip(message.rfind('"'))
        .filter(|(open, close)| close > open);
    match quoted {
        Some((open, close)) => format!(
            "{}{}{}",
            &message[..=open],
            redact_url(&message[open + 1..close]),
            &message[close..]
        ),
        None => message.to_string(),
    }
}
