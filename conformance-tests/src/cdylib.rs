//! Finding a workspace `cdylib` (a plugin) for tests: built on demand with the same cargo
//! and profile as the running test, so the library matches this checkout.
//!
//! These nested builds go to a target directory of their own, [`nested_target_dir`]
//! (`target/nested`): built with `-p` (or as another workspace), their dependencies resolve
//! other features than `cargo test --workspace` does, and sharing the main target directory
//! made the next `cargo test --workspace` recompile about a dozen crates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// One cargo build at a time from this process (they would wait on cargo's lock anyway).
static BUILD: Mutex<()> = Mutex::new(());

/// Builds `package` (a cdylib crate of this workspace) and returns its shared library.
pub fn build(package: &str) -> Result<PathBuf, String> {
    build_with(&["-p", package], package)
}

/// Builds the cdylib crate of the (out-of-workspace) project `manifest`, whose package is
/// `package`, into the same target directory, and returns its shared library.
pub fn build_project(manifest: &Path, package: &str) -> Result<PathBuf, String> {
    let manifest = manifest.to_str().ok_or("the manifest path is not UTF-8")?;
    build_with(&["--manifest-path", manifest], package)
}

fn build_with(selection: &[&str], package: &str) -> Result<PathBuf, String> {
    let _guard = BUILD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo"));
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the conformance crate has no parent directory")?;
    let running_profile_dir = profile_dir()?;
    let profile = running_profile_dir
        .file_name()
        .ok_or("the test binary's profile directory has no name")?;
    let release = profile == "release";
    let target_dir = nested_target_dir()?;
    let profile_dir = target_dir.join(profile);
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--quiet"])
        .args(selection)
        .env("CARGO_TARGET_DIR", &target_dir);
    if release {
        command.arg("--release");
    }
    let status = command
        .status()
        .map_err(|e| format!("running cargo build -p {package}: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build -p {package} failed ({status})"));
    }
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        package.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    let path = profile_dir.join(&file);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "built {package}, but {} is not there",
            path.display()
        ))
    }
}

/// `target/<profile>` of the running test binary (which lives in `target/<profile>/deps`).
fn profile_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("locating the test binary: {e}"))?;
    let deps = exe.parent().ok_or("the test binary has no directory")?;
    let profile = if deps.file_name().is_some_and(|name| name == "deps") {
        deps.parent().ok_or("deps has no parent")?
    } else {
        deps
    };
    Ok(profile.to_path_buf())
}

/// `target/nested`: the target directory of the builds tests start themselves (plugins, the
/// out-of-tree example, `retort` without drivers), apart from the running build's, so that
/// those builds never invalidate it (see the module's documentation).
pub fn nested_target_dir() -> Result<PathBuf, String> {
    let profile_dir = profile_dir()?;
    let target_dir = profile_dir
        .parent()
        .ok_or_else(|| format!("{} has no parent", profile_dir.display()))?;
    Ok(target_dir.join("nested"))
}
