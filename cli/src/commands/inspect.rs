//! `retort inspect` (SPEC 8): the live database's schema as `schema.toml`, as DDL with
//! `--sql`, or as the neutral model's JSON with `--format json`.

use crate::args::GlobalArgs;
use crate::commands::diff::{live_declarable_schema, render};
use crate::database::Database;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::load_config;
use retort_core::declared::{declared_text, read_declared};
use retort_core::diff::{diff, DiffOptions, ExactSpelling};
use retort_core::schema::Schema;
use std::fmt::Write as _;

/// `retort inspect [--sql]`.
pub(crate) fn run(out: &Output, global: &GlobalArgs, sql: bool) -> CliResult {
    let config = load_config(global)?;
    // The declaration's `ignore_tables` hold for inspect too: those tables belong to
    // somebody else. (`retort inspect > schema.toml` finds the file already emptied.)
    let declared = read_declared(&config.schema.file).map_err(CliError::input)?;
    let ignore = declared.ignore_tables;
    let database = Database::for_config(&config, global)?;
    let mut conn = database.connect_read_only()?;
    let mut schema = live_declarable_schema(&database, conn.as_mut(), &config)?;
    let ignored: Vec<String> = schema
        .table_names()
        .filter(|name| {
            ignore
                .iter()
                .any(|glob| retort_core::diff::glob_matches(glob, name))
        })
        .map(String::from)
        .collect();
    for name in &ignored {
        schema.remove_table(name);
    }
    let text = if sql {
        ddl(&database, &schema)?
    } else {
        declared_text(&schema, &ignore)
            .map_err(|e| CliError::runtime(format!("while writing the schema as TOML: {e}")))?
    };
    out.emit(|_| text, || &schema);
    Ok(())
}

/// The statements that create `schema` from nothing, referenced tables first, as text.
fn ddl(database: &Database, schema: &Schema) -> CliResult<String> {
    let mut text = String::new();
    for statement in creating_statements(database, schema)? {
        let _ = writeln!(text, "{statement};");
    }
    Ok(text)
}

/// The statements that create `schema` from nothing, referenced tables first (what
/// `inspect --sql` prints, and `retort test`'s adopt check runs).
pub(crate) fn creating_statements(database: &Database, schema: &Schema) -> CliResult<Vec<String>> {
    let create = diff(&Schema::new(), schema, &DiffOptions::new(), &ExactSpelling);
    let statements = render(database, &Schema::new(), &create.operations)?;
    Ok(statements.into_iter().flatten().collect())
}
