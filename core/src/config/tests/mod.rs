//! Tests of configuration loading and URL selection, on temporary project directories.

mod interpolation;
mod load;
mod select;

use std::path::Path;

use tempfile::TempDir;

use super::{Config, ConfigError, Environment};

/// A temporary directory holding `files` (relative path, contents).
fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("cannot create a temporary directory: {error}"),
    };
    for (name, contents) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            if let Err(error) = std::fs::create_dir_all(parent) {
                panic!("cannot create {}: {error}", parent.display());
            }
        }
        if let Err(error) = std::fs::write(&path, contents) {
            panic!("cannot write {}: {error}", path.display());
        }
    }
    dir
}

fn env(pairs: &[(&str, &str)]) -> Environment {
    Environment::from_pairs(pairs.iter().copied())
}

/// Loads `retort.toml` from `dir`, which must succeed.
fn load_ok(dir: &Path, environment: &Environment) -> Config {
    match Config::load(&dir.join("retort.toml"), environment) {
        Ok(config) => config,
        Err(error) => panic!("the configuration should load: {error}"),
    }
}

/// Loads `retort.toml` from `dir`, which must fail; returns the message.
fn load_err(dir: &Path, environment: &Environment) -> (ConfigError, String) {
    match Config::load(&dir.join("retort.toml"), environment) {
        Ok(config) => panic!("the configuration should not load: {config:?}"),
        Err(error) => {
            let message = error.to_string();
            (error, message)
        }
    }
}

/// The message expected for an error at `line:column` of `dir/file`.
fn at(dir: &Path, file: &str, line: usize, column: usize, message: &str) -> String {
    format!("{}:{line}:{column}: {message}", dir.join(file).display())
}
