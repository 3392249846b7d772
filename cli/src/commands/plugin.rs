//! `retort dialects` and `retort plugin check`.

use crate::args::GlobalArgs;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use retort_core::config::{Config, Environment};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// One line of `retort dialects`.
#[derive(Debug, Serialize)]
struct DialectRow {
    name: String,
    schemes: Vec<String>,
    version: String,
    source: String,
}

/// `retort dialects`: the built-ins, `--plugin` and, when there is a project, its
/// `[plugins] paths`.
pub(crate) fn dialects(out: &Output, global: &GlobalArgs) -> CliResult {
    let current_dir = std::env::current_dir()
        .map_err(|e| CliError::runtime(format!("while reading the current directory: {e}")))?;
    let config = Config::discover(
        global.config.as_deref(),
        &current_dir,
        &Environment::from_process(),
    )
    .map_err(CliError::input)?;
    let registry = crate::dialects::load(global, config.as_ref())?;
    let rows: Vec<DialectRow> = registry
        .entries()
        .iter()
        .map(|entry| DialectRow {
            name: entry.dialect().name().to_string(),
            schemes: entry.dialect().url_schemes(),
            version: entry.dialect().version(),
            source: entry.source().label(),
        })
        .collect();
    out.emit(
        |_| {
            if rows.is_empty() {
                return String::from(
                    "no dialects: this build has no built-in driver; load one with --plugin PATH\n",
                );
            }
            let mut text = String::new();
            for row in &rows {
                let _ = writeln!(
                    text,
                    "{:<12} {:<24} {:<10} {}",
                    row.name,
                    row.schemes.join(", "),
                    row.version,
                    row.source
                );
            }
            text
        },
        || &rows,
    );
    Ok(())
}

/// The result document of `retort plugin check --format json`.
#[derive(Debug, Serialize)]
struct CheckReport<'a> {
    plugin: String,
    dialect: &'a str,
    passed: usize,
    failed: usize,
    skipped: usize,
    cases: &'a [retort_conformance::CaseResult],
}

/// `retort plugin check PATH --url URL [--case NAME]...`: the conformance kit against one
/// plugin, each case on a fresh database made from URL. The kill -9 case's second process
/// is this binary again (`retort plugin conformance-child PATH`), loading the same plugin.
pub(crate) fn check(out: &Output, global: &GlobalArgs, path: &Path, cases: &[String]) -> CliResult {
    let dialect = retort_core::plugin::load(path).map_err(CliError::input)?;
    let schemes = dialect.url_schemes();
    let url_text = global.url.as_deref().ok_or_else(|| {
        CliError::input(format!(
            "plugin check needs --url: the database (or server) the kit's databases are made \
             from, in a scheme the {} dialect serves ({}), e.g. --url {}://USER@HOST/DATABASE",
            dialect.name(),
            schemes.join(", "),
            schemes.first().map_or("SCHEME", String::as_str)
        ))
    })?;
    let url = DatabaseUrl::parse(url_text).map_err(CliError::input)?;
    if !dialect.url_schemes().iter().any(|s| s == url.scheme()) {
        return Err(CliError::input(format!(
            "the plugin {} ({} dialect) serves the URL schemes {}, not `{}` of {}",
            path.display(),
            dialect.name(),
            dialect.url_schemes().join(", "),
            url.scheme(),
            url.redacted()
        )));
    }
    // Refuse an unknown case name before making any database.
    retort_conformance::select(cases).map_err(CliError::input)?;
    let child = std::env::current_exe()
        .ok()
        .map(|exe| retort_conformance::ChildCommand::retort(exe, absolute(path)));
    let plugin = format!("{} {}", dialect.plugin_name(), dialect.plugin_version());
    let name = dialect.name().to_string();
    let factory = retort_conformance::factories::for_url(Box::new(dialect), &url)
        .map_err(CliError::runtime)?;
    let options = retort_conformance::Options {
        select: cases.to_vec(),
        child,
    };
    let report = retort_conformance::run(factory.as_ref(), &options).map_err(CliError::input)?;
    out.emit(
        |_| {
            format!(
                "{plugin}: the {name} dialect, on {}\n{}",
                url.redacted(),
                report.to_text()
            )
        },
        || CheckReport {
            plugin: plugin.clone(),
            dialect: &name,
            passed: report.passed(),
            failed: report.failed(),
            skipped: report.skipped(),
            cases: &report.cases,
        },
    );
    if report.failed() == 0 {
        Ok(())
    } else {
        Err(CliError::problems_found(format!(
            "plugin check: {}",
            report.summary()
        )))
    }
}

/// `path` made absolute, so that the child finds the plugin whatever its directory.
fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `retort plugin conformance-child PATH` (hidden): the second process of the kill -9 case
/// of `plugin check`, an upgrade through the plugin at PATH of the database and revisions
/// the kit names in its environment.
pub(crate) fn conformance_child(path: &Path) -> CliResult {
    let dialect = retort_core::plugin::load(path).map_err(CliError::input)?;
    match retort_conformance::child::upgrade_from_env(&dialect) {
        Ok(true) => Ok(()),
        Ok(false) => Err(CliError::input(format!(
            "plugin conformance-child is started by plugin check, with {} and {} set",
            retort_conformance::child::DIR_VAR,
            retort_conformance::child::URL_VAR
        ))),
        Err(error) => Err(CliError::runtime(error)),
    }
}
