//! The second process some cases need: a `retort upgrade` to kill with SIGKILL part-way.
//!
//! The kit starts the child command with two environment variables, [`DIR_VAR`] (the
//! migrations directory) and [`URL_VAR`] (the database), and expects it to upgrade that
//! database to head with the dialect under test and exit 0. Two commands do that:
//! `retort plugin conformance-child PLUGIN` (what `retort plugin check` starts: the very
//! binary that runs the check, loading the same plugin), and any program that calls
//! [`upgrade_from_env`] with its dialect, such as a test of the plugin's own crate (see
//! [`ChildCommand::test_binary`]). Without a child command those cases are skipped,
//! saying so.

use crate::scratch::{connect, upgrade, Scratch};
use retort_core::db_url::DatabaseUrl;
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::Dialect;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The environment variable naming the migrations directory of a child run.
pub const DIR_VAR: &str = "RETORT_CONFORMANCE_CHILD_DIR";
/// The environment variable holding the database URL of a child run.
pub const URL_VAR: &str = "RETORT_CONFORMANCE_CHILD_URL";

/// A command that upgrades the database in [`URL_VAR`] with the revisions in [`DIR_VAR`].
#[derive(Debug, Clone)]
pub struct ChildCommand {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Environment variables to set for it, besides [`DIR_VAR`] and [`URL_VAR`].
    pub env: Vec<(OsString, OsString)>,
}

impl ChildCommand {
    /// `retort plugin conformance-child PLUGIN` of the `retort` binary at `retort`.
    pub fn retort(retort: impl Into<PathBuf>, plugin: impl Into<PathBuf>) -> ChildCommand {
        ChildCommand {
            program: retort.into(),
            args: vec![
                "plugin".into(),
                "conformance-child".into(),
                plugin.into().into_os_string(),
            ],
            env: Vec::new(),
        }
    }

    /// The running test binary, running only the test `test_name`, which must call
    /// [`upgrade_from_env`] first thing (it returns `false` at once when not a child).
    pub fn test_binary(test_name: &str) -> Result<ChildCommand, String> {
        let program =
            std::env::current_exe().map_err(|e| format!("locating the test binary: {e}"))?;
        Ok(ChildCommand {
            program,
            args: vec![
                "--exact".into(),
                test_name.into(),
                "--nocapture".into(),
                "--test-threads=1".into(),
            ],
            env: Vec::new(),
        })
    }

    /// Starts an upgrade of `url` to the head of `scratch`, output discarded but for
    /// standard error (kept for the failure message).
    pub(crate) fn spawn(&self, scratch: &Scratch, url: &DatabaseUrl) -> Result<Child, String> {
        Command::new(&self.program)
            .args(&self.args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env(DIR_VAR, scratch.path())
            .env(URL_VAR, url.expose_secret_str())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", self.program.display()))
    }
}

/// When this process was started as a child ([`DIR_VAR`] is set): upgrades the database in
/// [`URL_VAR`] to head with `dialect` and returns `true`, or an error saying what failed.
/// Otherwise returns `false` and does nothing.
pub fn upgrade_from_env(dialect: &dyn Dialect) -> Result<bool, String> {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return Ok(false);
    };
    let url = std::env::var(URL_VAR).map_err(|_| format!("{URL_VAR} is not set"))?;
    let url = DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
    let headers = read_headers(PathBuf::from(dir).as_path()).map_err(|e| e.to_string())?;
    let graph = Graph::new(headers).map_err(|e| e.to_string())?;
    let mut conn = connect(dialect, &url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")?;
    Ok(true)
}
