//! `diff` and `revision --autogenerate` (SPEC 8): the operations that bring the current
//! schema to `schema.toml`, printed or written as a revision.

use crate::args::{DiffFrom, GlobalArgs};
use crate::commands::rendered_checks::{render_unmatched_checks, WithRenderedChecks};
use crate::database::{migrate_error, Database};
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, Project};
use retort_core::config::Config;
use retort_core::declared::{read_declared, schema_of_revisions, DeclaredSchema};
use retort_core::dialect::spelling_of;
use retort_core::dialect::RenderMode;
use retort_core::diff::{diff, Diff, DiffOptions, ExactSpelling, Spelling};
use retort_core::revision::ops::Operation;
use retort_core::schema::Schema;
use retort_core::Connection;
use serde_json::json;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// The two schemas of a comparison and what the differ found.
pub(crate) struct Comparison {
    pub(crate) current: Schema,
    pub(crate) declared: DeclaredSchema,
    pub(crate) found: Diff,
    /// The database compared with (`--from db`), whose dialect decides what is spelling.
    database: Option<Database>,
    /// Declared check expressions as that database's server renders them.
    rendered_checks: HashMap<String, String>,
}

/// Compares the schema `from` names with `schema.toml`.
pub(crate) fn compare(
    project: &Project,
    global: &GlobalArgs,
    from: DiffFrom,
) -> CliResult<Comparison> {
    let declared = read_declaration(project)?;
    let (current, database, rendered_checks) = match from {
        DiffFrom::Files => (
            schema_of_revisions(&project.graph).map_err(CliError::input)?,
            None,
            HashMap::new(),
        ),
        DiffFrom::Db => {
            let database = Database::for_project(project, global)?;
            let mut conn = database.connect_read_only()?;
            let live = live_schema_at_head(project, &database, conn.as_mut())?;
            let spelling = spelling_of(database.dialect.as_ref());
            let rendered =
                render_unmatched_checks(conn.as_mut(), &live, &declared.schema, &spelling);
            (live, Some(database), rendered)
        }
    };
    let mut comparison = Comparison {
        current,
        declared,
        found: Diff::default(),
        database,
        rendered_checks,
    };
    let options = comparison.options(comparison.declared.diff_options());
    let found = diff(
        &comparison.current,
        &comparison.declared.schema,
        &options,
        comparison.spelling().as_ref(),
    );
    comparison.found = found;
    Ok(comparison)
}

/// `schema.toml`, refused when it declares nothing to compare with.
fn read_declaration(project: &Project) -> CliResult<DeclaredSchema> {
    let file = &project.config.schema.file;
    let declared = read_declared(file).map_err(CliError::input)?;
    if declared.is_empty() {
        return Err(CliError::input(format!(
            "{} declares no table, so there is nothing to compare with: declare the tables \
             the project owns as [[table]] entries (or write them with `retort inspect > {}`)",
            display_path(file),
            display_path(file)
        )));
    }
    Ok(declared)
}

/// The live schema, without the version table, of a database that is at head: a
/// revision generated from anything else would repeat or miss pending ones.
fn live_schema_at_head(
    project: &Project,
    database: &Database,
    conn: &mut dyn Connection,
) -> CliResult<Schema> {
    let migrator = database.migrator(project, None, false);
    let state = migrator.read_state(conn).map_err(migrate_error)?;
    if let Some(dirty) = state.dirty() {
        return Err(CliError::runtime(format!(
            "revision {} is dirty (a run failed part-way), so the database's schema is not one \
             the revisions describe: repair it first (see `retort status`)",
            dirty.revision
        )));
    }
    let current: BTreeSet<String> = state.heads(&project.graph).into_iter().collect();
    let heads: BTreeSet<String> = project.graph.heads().iter().map(|h| h.id.clone()).collect();
    if current != heads {
        return Err(CliError::runtime(
            "Target database is not up to date: run `retort upgrade` first",
        ));
    }
    live_declarable_schema(database, conn, &project.config)
}

/// The part of the live schema that `schema.toml` can declare
/// ([`retort_core::diff::declarable`]), without retort's own table. (Introspection reads
/// the connection's current schema; a version table kept in another one is not in it.)
pub(crate) fn live_declarable_schema(
    database: &Database,
    conn: &mut dyn Connection,
    config: &Config,
) -> CliResult<Schema> {
    let mut schema = conn
        .introspect()
        .map_err(|e| CliError::runtime(format!("while reading the database's schema: {e}")))?;
    schema.remove_table(&config.migrations.version_table);
    Ok(retort_core::diff::declarable(
        schema,
        &spelling_of(database.dialect.as_ref()),
    ))
}

/// `options` with the identifier limit of `database`'s dialect, for the names the differ
/// gives unnamed constraints it adds.
pub(crate) fn with_dialect_limit(mut options: DiffOptions, database: &Database) -> DiffOptions {
    if let Some(limit) = database.dialect.capabilities().max_identifier_length {
        options.identifier_limit = limit;
    }
    options
}

impl Comparison {
    /// What counts as the same thing: the dialect's rules against a live database; exact
    /// between two neutral models.
    fn spelling(&self) -> Box<dyn Spelling + '_> {
        match &self.database {
            Some(database) => Box::new(WithRenderedChecks::new(
                spelling_of(database.dialect.as_ref()),
                &self.rendered_checks,
            )),
            None => Box::new(ExactSpelling),
        }
    }

    /// `options` with the identifier limit of the dialect compared with.
    fn options(&self, options: DiffOptions) -> DiffOptions {
        match &self.database {
            Some(database) => with_dialect_limit(options, database),
            None => options,
        }
    }

    /// The operations that undo [`Comparison::found`]: the difference the other way, with
    /// the rename hints turned round.
    pub(crate) fn reverse(&self) -> Diff {
        let options = self.declared.reverse_diff_options();
        let options = self.options(options);
        diff(
            &self.declared.schema,
            &self.current,
            &options,
            self.spelling().as_ref(),
        )
    }
}

/// `retort diff`.
pub(crate) fn run(out: &Output, global: &GlobalArgs, from: DiffFrom) -> CliResult {
    let project = Project::load(global)?;
    let comparison = compare(&project, global, from)?;
    let database = match &comparison.database {
        Some(database) => database,
        None => &Database::for_project(&project, global)?,
    };
    let sql = render(database, &comparison.current, &comparison.found.operations)?;
    let found = &comparison.found;
    for warning in &found.warnings {
        eprintln!("warning: {warning}");
    }
    out.emit(
        |_| {
            if found.is_empty() {
                return String::from("No differences: the schema matches schema.toml.\n");
            }
            let mut text = String::new();
            for (operation, statements) in found.operations.iter().zip(&sql) {
                let _ = writeln!(text, "{}", describe(operation));
                for statement in statements {
                    let _ = writeln!(text, "    {statement};");
                }
            }
            text
        },
        || {
            json!({
                "operations": found.operations,
                "sql": sql.concat(),
                "warnings": found.warnings,
            })
        },
    );
    Ok(())
}

/// Each operation's statements for the project's dialect, rendered offline against the
/// schema as the operations before it leave it.
pub(crate) fn render(
    database: &Database,
    current: &Schema,
    operations: &[Operation],
) -> CliResult<Vec<Vec<String>>> {
    let mut schema = current.clone();
    let mut rendered = Vec::with_capacity(operations.len());
    for operation in operations {
        let statements = database
            .dialect
            .render_operation(operation, &schema, RenderMode::Offline)
            .map_err(|e| CliError::runtime(e.to_string()))?;
        rendered.push(statements.into_iter().map(|s| s.sql).collect());
        schema.apply(operation).map_err(|e| {
            CliError::runtime(format!("while following `{}`: {e}", operation.name()))
        })?;
    }
    Ok(rendered)
}

/// One line naming an operation and what it works on.
pub(crate) fn describe(operation: &Operation) -> String {
    match operation {
        Operation::CreateTable(op) => format!("create_table {}", op.table),
        Operation::DropTable(op) => format!("drop_table {}", op.table),
        Operation::RenameTable(op) => format!("rename_table {} to {}", op.table, op.new_name),
        Operation::AddColumn(op) => format!("add_column {}.{}", op.table, op.column.name),
        Operation::DropColumn(op) => format!("drop_column {}.{}", op.table, op.column),
        Operation::AlterColumn(op) => match &op.new_name {
            Some(new) => format!("alter_column {}.{} renamed to {new}", op.table, op.column),
            None => format!("alter_column {}.{}", op.table, op.column),
        },
        Operation::CreateIndex(op) => format!("create_index {} on {}", op.name, op.table),
        Operation::DropIndex(op) => format!("drop_index {} on {}", op.name, op.table),
        Operation::CreateForeignKey(op) => {
            format!("create_foreign_key {} on {}", op.name, op.table)
        }
        Operation::CreateUniqueConstraint(op) => {
            format!("create_unique_constraint {} on {}", op.name, op.table)
        }
        Operation::CreateCheckConstraint(op) => {
            format!("create_check_constraint {} on {}", op.name, op.table)
        }
        Operation::DropConstraint(op) => format!("drop_constraint {} on {}", op.name, op.table),
        other => other.name().to_string(),
    }
}
