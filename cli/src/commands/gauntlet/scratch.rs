//! The scratch databases `retort test` works on: files in a temporary directory for a
//! local-file dialect, new databases with unique names on the configured server otherwise.
//! The database the configured URL names is never touched (it need not exist). Every
//! scratch database is dropped when the run ends, whether it passed, failed or was
//! interrupted, unless `--keep` asks to keep them.

use crate::database::Database;
use crate::error::{CliError, CliResult};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The scratch databases of one run.
pub(crate) struct Scratch<'d> {
    configured: &'d Database,
    /// Unique to this run: the prefix of every scratch database's name.
    run_name: String,
    /// Where the files of a local-file dialect live.
    dir: Option<tempfile::TempDir>,
    created: Vec<DatabaseUrl>,
    keep: bool,
    /// Say on stderr which scratch database was created (`-v`).
    announce: bool,
    interrupted: Arc<AtomicBool>,
    /// The number of the signal that arrived, 0 before one does.
    signal: Arc<AtomicUsize>,
}

impl<'d> Scratch<'d> {
    /// Ready to create scratch databases beside `configured`'s; nothing is created yet.
    /// From now on, SIGINT and SIGTERM are noted (see [`Scratch::interruption`]) instead of
    /// ending the process, so that the scratch databases are dropped first; a second one
    /// ends it at once.
    pub(crate) fn new(
        configured: &'d Database,
        keep: bool,
        announce: bool,
    ) -> CliResult<Scratch<'d>> {
        let interrupted = Arc::new(AtomicBool::new(false));
        let which = Arc::new(AtomicUsize::new(0));
        for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // Registered first, so it sees the flag as the earlier signal left it.
            signal_hook::flag::register_conditional_shutdown(
                signal,
                128 + signal,
                interrupted.clone(),
            )
            .and_then(|_| signal_hook::flag::register_usize(signal, which.clone(), signal as usize))
            .and_then(|_| signal_hook::flag::register(signal, interrupted.clone()))
            .map_err(|e| CliError::runtime(format!("cannot watch for interruptions: {e}")))?;
        }
        let dir = if configured.dialect.capabilities().local_file_database {
            let dir = tempfile::Builder::new()
                .prefix("retort-test-")
                .tempdir()
                .map_err(|e| {
                    CliError::runtime(format!(
                        "cannot create a temporary directory for the scratch databases: {e}"
                    ))
                })?;
            Some(dir)
        } else {
            None
        };
        Ok(Scratch {
            configured,
            run_name: unique_run_name(),
            dir,
            created: Vec::new(),
            keep,
            announce,
            interrupted,
            signal: which,
        })
    }

    /// The dialect of the scratch databases (the configured database's).
    pub(crate) fn dialect(&self) -> &dyn Dialect {
        self.configured.dialect.as_ref()
    }

    /// The flag SIGINT and SIGTERM raise: the run should stop at its next step.
    pub(crate) fn interruption(&self) -> Arc<AtomicBool> {
        self.interrupted.clone()
    }

    /// The signal that interrupted the run (SIGINT when none is known).
    pub(crate) fn signal(&self) -> u8 {
        match self.signal.load(Ordering::SeqCst) {
            0 => 2,
            number => u8::try_from(number).unwrap_or(2),
        }
    }

    /// Creates an empty scratch database for `role` (`fresh`, `stairway`, ...).
    ///
    /// # Errors
    ///
    /// It cannot be created (exit 1), naming it without its password.
    pub(crate) fn create(&mut self, role: &str) -> CliResult<DatabaseUrl> {
        let name = format!("{}_{role}", self.run_name);
        let url = match &self.dir {
            Some(dir) => {
                let path = dir.path().join(format!("{name}.db"));
                DatabaseUrl::parse(&format!(
                    "{}://{}",
                    self.configured.url.scheme(),
                    path.display()
                ))
            }
            None => self.configured.url.with_database(&name),
        }
        .map_err(|e| CliError::runtime(format!("cannot name a scratch database: {e}")))?;
        self.dialect().create_database(&url).map_err(|e| {
            CliError::runtime(format!(
                "cannot create the scratch database {}: {e}",
                url.redacted()
            ))
        })?;
        if self.announce {
            eprintln!("created the scratch database {}", url.redacted());
        }
        self.created.push(url.clone());
        Ok(url)
    }

    /// The scratch databases created so far, redacted: what `--keep` prints.
    pub(crate) fn created(&self) -> Vec<String> {
        self.created.iter().map(DatabaseUrl::redacted).collect()
    }

    /// Drops every scratch database (unless they are kept); returns what could not be
    /// dropped, in words.
    pub(crate) fn finish(&mut self) -> Vec<String> {
        if self.keep {
            if let Some(dir) = self.dir.take() {
                // Kept: the directory must outlive this value.
                let _ = dir.keep();
            }
            self.created.clear();
            return Vec::new();
        }
        let mut failures = Vec::new();
        for url in self.created.drain(..) {
            if let Err(error) = self.configured.dialect.drop_database(&url) {
                failures.push(format!(
                    "the scratch database {} could not be dropped: {error}",
                    url.redacted()
                ));
            }
        }
        // The temporary directory goes with `self.dir`.
        self.dir = None;
        failures
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        for failure in self.finish() {
            eprintln!("warning: {failure}");
        }
    }
}

/// `retort_test_` and a value no other run shares: the time in microseconds and the
/// process id, so that runs on one server, from one machine or several, never meet.
fn unique_run_name() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    format!("retort_test_{:x}_{:x}", micros, std::process::id())
}
