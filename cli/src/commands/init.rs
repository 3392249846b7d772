//! `retort init`: scaffold a project (SPEC 1).

use crate::args::InitDialect;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use serde_json::json;
use std::path::{Path, PathBuf};

fn config_text(dialect: InitDialect) -> String {
    let url = match dialect {
        InitDialect::Sqlite => "sqlite://app.db",
        InitDialect::Postgres => "postgres://localhost:5432/app",
        InitDialect::Mysql => "mysql://root@localhost:3306/app",
    };
    format!(
        r#"# retort configuration. Every key, with its default and an example, is described in
# docs/reference.md of retort's source tree.

[database]
# ${{VAR}} and ${{VAR:-default}} are read from the environment (and from .env next to this file).
url = "${{DATABASE_URL:-{url}}}"

[migrations]
dir = "migrations"
file_template = "{{date}}_{{time}}_{{rev}}_{{slug}}"
version_table = "retort_version"
# transaction_per_migration = true   # false: one transaction for the whole run
# lock_wait = "5s"                   # a statement waiting longer for a lock fails its revision
# statement_timeout = "0"            # how long a statement may run; 0: no limit

[schema]
file = "schema.toml"

# [env.production]                   # selected with --env production
# url = "${{PROD_DATABASE_URL}}"
"#
    )
}

const SCHEMA_TEXT: &str =
    "# The declared target schema: tables in the vocabulary of create_table.\n\
# `retort revision --autogenerate` and `retort diff` compare it with the database.\n";

pub(crate) fn run(out: &Output, dir: Option<&Path>, dialect: InitDialect) -> CliResult {
    let dir = dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let config = dir.join("retort.toml");
    if config.exists() {
        return Err(CliError::input(format!(
            "{} already exists: this directory is already a retort project",
            config.display()
        )));
    }
    let io = |what: &Path, e: std::io::Error| {
        CliError::runtime(format!("while creating {}: {e}", what.display()))
    };
    let migrations = dir.join("migrations");
    let schema = dir.join("schema.toml");
    std::fs::create_dir_all(&migrations).map_err(|e| io(&migrations, e))?;
    let mut created = vec![config.clone(), migrations];
    // create_new: never write through a (dangling) link to somewhere else.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&config)
        .and_then(|mut file| std::io::Write::write_all(&mut file, config_text(dialect).as_bytes()))
        .map_err(|e| io(&config, e))?;
    if !schema.exists() {
        std::fs::write(&schema, SCHEMA_TEXT).map_err(|e| io(&schema, e))?;
        created.push(schema);
    }
    let created: Vec<String> = created.iter().map(|p| p.display().to_string()).collect();
    out.emit(
        |out| {
            if out.quiet {
                String::new()
            } else {
                created.iter().map(|p| format!("created {p}\n")).collect()
            }
        },
        || json!({ "created": created }),
    );
    Ok(())
}
