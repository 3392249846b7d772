//! The project a command works on: its configuration and its revision graph.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use retort_core::checksum::checksum;
use retort_core::config::{find_config, Config, Environment};
use retort_core::graph::Graph;
use retort_core::load::{
    read_headers_cached, read_headers_cached_on, read_revision_with, Revision,
};
use retort_core::sql::DialectSyntaxes;
use retort_core::RevisionHeader;
use serde_json::json;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// A loaded project.
#[derive(Debug)]
pub(crate) struct Project {
    pub(crate) config: Config,
    pub(crate) graph: Graph,
}

impl Project {
    /// Finds and reads `retort.toml` and every revision header, and builds the graph.
    pub(crate) fn load(global: &GlobalArgs) -> CliResult<Project> {
        let config = load_config(global)?;
        Project::from_config(config, global.verbose).map_err(CliError::input)
    }

    /// Like [`Project::load`] for a command that needs the database: its URL is checked
    /// first, so that an invalid configuration stops the command before the header cache
    /// (`.retort/`) is written.
    pub(crate) fn load_for_database(global: &GlobalArgs) -> CliResult<Project> {
        let config = load_config(global)?;
        crate::database::selected_url(&config, global)?;
        Project::from_config(config, global.verbose).map_err(CliError::input)
    }

    /// Reads every revision header and builds the graph; the error is the problem found.
    pub(crate) fn from_config(config: Config, verbose: u8) -> Result<Project, String> {
        Project::read(config, verbose, None)
    }

    /// Like [`Project::from_config`], leaving one core to work running beside it.
    pub(crate) fn from_config_beside_other_work(
        config: Config,
        verbose: u8,
    ) -> Result<Project, String> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Project::read(config, verbose, Some(cores.saturating_sub(1).max(1)))
    }

    fn read(config: Config, verbose: u8, threads: Option<usize>) -> Result<Project, String> {
        let started = Instant::now();
        let cache = config.dir.join(".retort").join("header-cache.bin");
        let dir = &config.migrations.dir;
        let headers = match threads {
            Some(threads) => read_headers_cached_on(dir, &cache, threads),
            None => read_headers_cached(dir, &cache),
        }
        .map_err(|e| e.to_string())?;
        let read = started.elapsed();
        let graph = Graph::new(headers).map_err(|e| e.to_string())?;
        if verbose >= 2 {
            eprintln!(
                "timing: {} revision headers read in {:.1} ms, graph built in {:.1} ms",
                graph.len(),
                read.as_secs_f64() * 1e3,
                (started.elapsed() - read).as_secs_f64() * 1e3
            );
        }
        Ok(Project { config, graph })
    }
}

/// Finds and reads `retort.toml` (SPEC 2) and checks `--env`.
///
/// The project directory (the configuration's) becomes the current directory, and the
/// configuration is read by its bare file name, so that every path derived from it, and
/// so every path retort prints (messages, `show`, offline scripts), is relative to the
/// project: the same in every checkout and from every subdirectory. Paths given on the
/// command line were made absolute before ([`crate::args::Cli::resolve_paths`]).
pub(crate) fn load_config(global: &GlobalArgs) -> CliResult<Config> {
    let current_dir = invocation_dir()?;
    let path = match &global.config {
        Some(explicit) => current_dir.join(explicit),
        None => find_config(&current_dir).ok_or_else(|| {
            CliError::input(format!(
                "no retort.toml in {} or any parent directory: run `retort init` to create a \
                 project, or name one with --config",
                current_dir.display()
            ))
        })?,
    };
    let path = enter_project_dir(&path);
    let mut config = Config::load(&path, &Environment::from_process()).map_err(CliError::input)?;
    absolute_when_outside(&mut config.migrations.dir);
    absolute_when_outside(&mut config.schema.file);
    config
        .plugins
        .paths
        .iter_mut()
        .for_each(absolute_when_outside);
    if let Some(name) = &global.env {
        if !config.environments.contains_key(name) {
            let known: Vec<&str> = config.environment_names().collect();
            return Err(CliError::input(format!(
                "--env `{name}`: {} has no [env.{name}] section (known: {})",
                display_path(&config.path),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
    }
    Ok(config)
}

/// The directory retort was started in, which relative command-line paths are relative
/// to (read once, before [`load_config`] changes it).
pub(crate) fn invocation_dir() -> CliResult<PathBuf> {
    static INVOCATION_DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    INVOCATION_DIR
        .get_or_init(|| {
            std::env::current_dir().map_err(|e| format!("while reading the current directory: {e}"))
        })
        .clone()
        .map_err(CliError::runtime)
}

/// Makes a relative path that leads out of the project directory (`../shared/migrations`)
/// absolute, so that a path printed relative always lies inside the project.
fn absolute_when_outside(path: &mut PathBuf) {
    use std::path::Component;
    if path.is_absolute() || !path.components().any(|c| c == Component::ParentDir) {
        return;
    }
    let Ok(mut absolute) = std::env::current_dir() else {
        return;
    };
    for component in path.components() {
        match component {
            Component::ParentDir => {
                absolute.pop();
            }
            Component::CurDir => {}
            other => absolute.push(other),
        }
    }
    *path = absolute;
}

/// Makes the directory of the configuration file at `path` the current one and returns
/// the file's bare name; where that fails (or the file has no directory), `path` itself.
fn enter_project_dir(path: &Path) -> PathBuf {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return path.to_path_buf();
    };
    if dir.as_os_str().is_empty() || std::env::set_current_dir(dir).is_ok() {
        PathBuf::from(name)
    } else {
        path.to_path_buf()
    }
}

/// A path as people want to read it: relative to the current directory when inside it.
pub(crate) fn display_path(path: &Path) -> String {
    static CURRENT_DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let cwd = CURRENT_DIR.get_or_init(|| std::env::current_dir().ok());
    // A byte-prefix test (then a separator) is exact here and far cheaper than comparing
    // components, which matters when history prints 10,000 paths.
    let relative = cwd.as_deref().and_then(|cwd| {
        let rest = path
            .as_os_str()
            .as_encoded_bytes()
            .strip_prefix(cwd.as_os_str().as_encoded_bytes())?;
        let rest = rest.strip_prefix(std::path::MAIN_SEPARATOR_STR.as_bytes())?;
        Some(String::from_utf8_lossy(rest).into_owned())
    });
    relative.unwrap_or_else(|| path.display().to_string())
}

/// A whole revision, read for `show`, and its checksum.
#[derive(Debug)]
pub(crate) struct RevisionContents(Revision, String);

/// Reads and validates the whole revision behind `header`, its SQL read with the rules
/// `syntaxes` gives for its dialect.
pub(crate) fn read_revision(
    header: &RevisionHeader,
    syntaxes: &DialectSyntaxes,
) -> CliResult<RevisionContents> {
    let revision = read_revision_with(header, syntaxes).map_err(CliError::input)?;
    let checksum = checksum(&revision, syntaxes);
    Ok(RevisionContents(revision, checksum))
}

impl RevisionContents {
    /// A summary of what the revision runs, for `show`.
    pub(crate) fn describe(&self) -> String {
        let mut text = format!("Checksum: {}\n", self.1);
        match &self.0 {
            Revision::Toml(rev) => {
                for (section, ops) in [
                    ("Upgrade", Some(&rev.upgrade)),
                    ("Downgrade", rev.downgrade.as_ref()),
                ] {
                    let Some(ops) = ops else {
                        let _ = writeln!(text, "{section}: none (irreversible)");
                        continue;
                    };
                    let _ = writeln!(text, "{section}: {} operation(s)", ops.len());
                    for (index, op) in ops.iter().enumerate() {
                        let on = op.table().map(|t| format!(" on {t}")).unwrap_or_default();
                        let _ = writeln!(text, "  {}. {}{on}", index + 1, op.name());
                    }
                }
            }
            Revision::Sql(rev) => {
                if let Some(dialect) = &rev.header.dialect {
                    let _ = writeln!(text, "Dialect: {dialect}");
                }
                for (section, statements) in [
                    ("Upgrade", Some(&rev.upgrade)),
                    ("Downgrade", rev.downgrade.as_ref()),
                ] {
                    let Some(statements) = statements else {
                        let _ = writeln!(text, "{section}: none (irreversible)");
                        continue;
                    };
                    let _ = writeln!(text, "{section}: {} statement(s)", statements.len());
                    for statement in statements {
                        let first_line = statement.sql.lines().next().unwrap_or_default();
                        let _ = writeln!(text, "  line {}: {first_line}", statement.line);
                    }
                }
            }
        }
        text
    }

    /// The fields `show --format json` adds to a history entry.
    pub(crate) fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let body = match &self.0 {
            Revision::Toml(rev) => json!({
                "format": "toml",
                "upgrade": rev.upgrade,
                "downgrade": rev.downgrade,
            }),
            Revision::Sql(rev) => json!({
                "format": "sql",
                "dialect": rev.header.dialect,
                "upgrade": rev.upgrade.iter().map(|s| &s.sql).collect::<Vec<_>>(),
                "downgrade": rev.downgrade.as_ref().map(|statements| {
                    statements.iter().map(|s| &s.sql).collect::<Vec<_>>()
                }),
            }),
        };
        let mut map = match body {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        map.insert("checksum".into(), self.1.clone().into());
        // `downgrade` is null for an irreversible revision; this says it in words.
        map.insert("reversible".into(), self.0.is_reversible().into());
        map
    }
}
