//! `diff` and `revision --autogenerate` (SPEC 8): the operations that bring the current
//! schema to `schema.toml`, printed or written as a revision.

use crate::args::{DiffFrom, GlobalArgs};
use crate::database::Database;
use crate::error::{CliError, CliResult};
use crate::output::Output;
use crate::project::{display_path, Project};
use retort_core::declared::{read_declared, schema_of_revisions, DeclaredSchema};
use retort_core::dialect::RenderMode;
use retort_core::diff::{diff, Diff, DiffOptions, ExactSpelling};
use retort_core::revision::ops::Operation;
use retort_core::schema::Schema;
use serde_json::json;
use std::fmt::Write as _;

/// The two schemas of a comparison and what the differ found.
pub(crate) struct Comparison {
    pub(crate) current: Schema,
    pub(crate) declared: DeclaredSchema,
    pub(crate) found: Diff,
}

/// Compares the schema `from` names with `schema.toml`.
pub(crate) fn compare(project: &Project, from: DiffFrom) -> CliResult<Comparison> {
    let file = &project.config.schema.file;
    let declared = read_declared(file).map_err(CliError::input)?;
    if declared.is_empty() {
        return Err(CliError::input(format!(
            "{} declares no table, so there is nothing to compare with: declare the tables \
             the project owns as [[table]] entries (or write a baseline with `retort inspect`)",
            display_path(file)
        )));
    }
    let current = match from {
        DiffFrom::Files => schema_of_revisions(&project.graph).map_err(CliError::input)?,
        DiffFrom::Db => {
            return Err(CliError::runtime(
                "comparing with the live database (--from db) is not built yet: it needs each \
                 dialect's rules for what is only spelling; use --from files, which compares \
                 the schema the revision files produce",
            ))
        }
    };
    let found = diff(
        &current,
        &declared.schema,
        &declared.diff_options(),
        &ExactSpelling,
    );
    Ok(Comparison {
        current,
        declared,
        found,
    })
}

impl Comparison {
    /// The operations that undo [`Comparison::found`]: the difference the other way, with
    /// the rename hints turned round.
    pub(crate) fn reverse(&self) -> Diff {
        let mut options = DiffOptions::new();
        options.ignore_tables = self.declared.ignore_tables.clone();
        for (new, old) in &self.declared.table_renames {
            options.table_renames.insert(old.clone(), new.clone());
        }
        for ((table, new), old) in &self.declared.column_renames {
            // After the reverse table rename the table has its old name again.
            let table = self
                .declared
                .table_renames
                .get(table)
                .unwrap_or(table)
                .clone();
            options
                .column_renames
                .insert((table, old.clone()), new.clone());
        }
        diff(
            &self.declared.schema,
            &self.current,
            &options,
            &ExactSpelling,
        )
    }
}

/// `retort diff`.
pub(crate) fn run(out: &Output, global: &GlobalArgs, from: DiffFrom) -> CliResult {
    let project = Project::load(global)?;
    let comparison = compare(&project, from)?;
    let database = Database::for_project(&project, global)?;
    let sql = render(&database, &comparison.current, &comparison.found.operations)?;
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
fn render(
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
fn describe(operation: &Operation) -> String {
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
