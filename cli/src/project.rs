//! The project a command works on: its configuration and its revision graph.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use retort_core::checksum::checksum;
use retort_core::config::{Config, Environment};
use retort_core::graph::Graph;
use retort_core::load::{read_headers, read_revision as read_whole_revision, Revision};
use retort_core::RevisionHeader;
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;

/// A loaded project.
#[derive(Debug)]
pub(crate) struct Project {
    pub(crate) config: Config,
    pub(crate) graph: Graph,
}

impl Project {
    /// Finds and reads `retort.toml` and every revision header, and builds the graph.
    pub(crate) fn load(global: &GlobalArgs) -> CliResult<Project> {
        let current_dir = std::env::current_dir()
            .map_err(|e| CliError::runtime(format!("while reading the current directory: {e}")))?;
        let config = Config::discover(global.config.as_deref(), &current_dir, &Environment::from_process())
            .map_err(CliError::input)?
            .ok_or_else(|| {
                CliError::input(format!(
                    "no retort.toml in {} or any parent directory: run `retort init` to create a project, \
                     or name one with --config",
                    current_dir.display()
                ))
            })?;
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
        let headers = read_headers(&config.migrations.dir).map_err(CliError::input)?;
        let graph = Graph::new(headers).map_err(CliError::input)?;
        Ok(Project { config, graph })
    }
}

/// A path as people want to read it: relative to the current directory when inside it.
pub(crate) fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.as_deref().unwrap_or(path).display().to_string()
}

/// A whole revision, read for `show`.
#[derive(Debug)]
pub(crate) struct RevisionContents(Revision);

/// Reads and validates the whole revision behind `header`.
pub(crate) fn read_revision(header: &RevisionHeader) -> CliResult<RevisionContents> {
    read_whole_revision(header)
        .map(RevisionContents)
        .map_err(CliError::input)
}

impl RevisionContents {
    /// A summary of what the revision runs, for `show`.
    pub(crate) fn describe(&self) -> String {
        let mut text = format!("Checksum: {}\n", checksum(&self.0));
        match &self.0 {
            Revision::Toml(rev) => {
                for (section, ops) in [("Upgrade", &rev.upgrade), ("Downgrade", &rev.downgrade)] {
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
                for (section, statements) in
                    [("Upgrade", &rev.upgrade), ("Downgrade", &rev.downgrade)]
                {
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
                "downgrade": rev.downgrade.iter().map(|s| &s.sql).collect::<Vec<_>>(),
            }),
        };
        let mut map = match body {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        map.insert("checksum".into(), checksum(&self.0).into());
        map
    }
}
