//! Helpers shared by the CLI tests: run the real binary in a temporary project.

#![allow(dead_code, unreachable_pub, clippy::new_without_default)]

pub mod clients;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The outcome of one `retort` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success; stderr: {}", self.stderr);
        &self.stdout
    }

    /// Asserts the exit code and that stderr contains every fragment.
    #[track_caller]
    pub fn fails(&self, code: i32, fragments: &[&str]) {
        assert_eq!(
            self.code, code,
            "exit code; stdout: {} stderr: {}",
            self.stdout, self.stderr
        );
        for fragment in fragments {
            assert!(
                self.stderr.contains(fragment),
                "stderr lacks `{fragment}`: {}",
                self.stderr
            );
        }
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
    }

    /// stdout parsed as the one JSON document it must be.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }
}

/// A temporary retort project made by `retort init`.
#[derive(Debug)]
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temporary directory");
        let project = Project { dir };
        project.run(&["init"]).ok();
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn migrations(&self) -> PathBuf {
        self.path().join("migrations")
    }

    /// Runs `retort ARGS` in the project directory.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// `retort revision -m MSG --rev-id ID` plus extra arguments.
    #[track_caller]
    pub fn revision(&self, id: &str, extra: &[&str]) -> String {
        let mut args = vec!["revision", "-m", id, "--rev-id", id];
        args.extend_from_slice(extra);
        self.run(&args).ok().trim().to_string()
    }

    /// Writes a file into migrations/.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.migrations().join(name);
        std::fs::write(&path, text).expect("write revision file");
        path
    }

    /// The revision ids `retort history --format json` lists, newest first.
    pub fn history_ids(&self) -> Vec<String> {
        ids(&self.run(&["history", "--format", "json"]).json())
    }
}

/// The `kind` of every problem of a `check --format json` report, in order.
pub fn problem_kinds(report: &serde_json::Value) -> Vec<&str> {
    report["problems"]
        .as_array()
        .map(|problems| problems.iter().filter_map(|p| p["kind"].as_str()).collect())
        .unwrap_or_default()
}

/// The `revision` field of every entry of a JSON array.
pub fn ids(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|entry| {
            entry["revision"]
                .as_str()
                .expect("revision is a string")
                .to_string()
        })
        .collect()
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_in_env(dir, args, &[])
}

/// `retort ARGS` in `dir` with extra environment variables (`(name, None)` removes one).
pub fn run_in_env(dir: &Path, args: &[&str], env: &[(&str, Option<&str>)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1");
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output: Output = command.output().expect("run retort");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
