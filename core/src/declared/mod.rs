//! The declared schema, `schema.toml` (SPEC 8): every table the project owns, read into the
//! neutral [`Schema`] that the differ compares with the database's, plus the hints the
//! differ takes (`ignore_tables`, `renamed_from`).
//!
//! Read as strictly as revision files: unknown keys, a table or column declared twice, a
//! foreign key to an undeclared table or column, an unknown type are errors naming
//! file:line:col. `[schema] file` may name one file or a directory of `*.toml` files.

mod raw;
mod revisions;
mod write;

pub use revisions::{schema_of_applied_revisions, schema_of_revisions, RevisionsSchemaError};
pub use write::declared_text;

use crate::diff::{glob_matches, DiffOptions};
use crate::location::FileError;
use crate::revision::ops::{CreateIndex, CreateTable, Operation};
use crate::revision::validate_operation;
use crate::schema::Schema;
use raw::{RawFile, RawTable};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// What `schema.toml` declares.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct DeclaredSchema {
    /// The tables, in the neutral model.
    pub schema: Schema,
    /// `ignore_tables` globs, of every file.
    pub ignore_tables: Vec<String>,
    /// `renamed_from` of tables: declared name → earlier name.
    pub table_renames: BTreeMap<String, String>,
    /// `renamed_from` of columns: (table, declared column) → earlier name.
    pub column_renames: BTreeMap<(String, String), String>,
}

impl DeclaredSchema {
    /// The differ's options for comparing a schema with this one.
    pub fn diff_options(&self) -> DiffOptions {
        let mut options = DiffOptions::new();
        options.ignore_tables = self.ignore_tables.clone();
        options.table_renames = self.table_renames.clone();
        options.column_renames = self.column_renames.clone();
        options
    }

    /// The differ's options for the way back (a generated revision's downgrade): the same
    /// ignored tables, the rename hints turned round.
    pub fn reverse_diff_options(&self) -> DiffOptions {
        let mut options = DiffOptions::new();
        options.ignore_tables = self.ignore_tables.clone();
        for (new, old) in &self.table_renames {
            options.table_renames.insert(old.clone(), new.clone());
        }
        for ((table, new), old) in &self.column_renames {
            // After the reverse table rename the table has its old name again.
            let table = self.table_renames.get(table).unwrap_or(table).clone();
            options
                .column_renames
                .insert((table, old.clone()), new.clone());
        }
        options
    }

    /// True when the file declares no table (then there is nothing to compare with).
    pub fn is_empty(&self) -> bool {
        self.schema.is_empty()
    }
}

/// Reads the declared schema at `path`: a file, or every `*.toml` file of a directory (in
/// name order). A path that does not exist declares nothing.
pub fn read_declared(path: &Path) -> Result<DeclaredSchema, FileError> {
    let files = if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| FileError::whole_file(path, format!("cannot list the directory: {e}")))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml") && p.is_file())
            .collect();
        files.sort();
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        return Ok(DeclaredSchema::default());
    };
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| FileError::whole_file(&file, format!("cannot read the file: {e}")))?;
        sources.push((file, text));
    }
    let borrowed: Vec<(&Path, &str)> = sources
        .iter()
        .map(|(path, text)| (path.as_path(), text.as_str()))
        .collect();
    parse_declared(&borrowed)
}

/// Parses declared-schema files given as (path, contents), as one schema.
pub fn parse_declared(files: &[(&Path, &str)]) -> Result<DeclaredSchema, FileError> {
    let mut parsed = Vec::with_capacity(files.len());
    for &(path, text) in files {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| FileError::from_toml(path, text, &e))?;
        parsed.push(Source { path, text, raw });
    }
    let mut declared = DeclaredSchema::default();
    for source in &parsed {
        declared
            .ignore_tables
            .extend(source.raw.ignore_tables.iter().cloned());
    }
    let tables = table_index(&parsed)?;
    for source in &parsed {
        for table in &source.raw.table {
            source.add_table(table, &tables, &mut declared)?;
        }
    }
    Ok(declared)
}

/// One parsed file.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
    raw: RawFile,
}

/// Every declared table's columns, by table name; a name declared twice is an error.
fn table_index<'s>(
    sources: &'s [Source<'_>],
) -> Result<BTreeMap<&'s str, Vec<&'s str>>, FileError> {
    let mut tables: BTreeMap<&str, (Vec<&str>, &Source<'_>, usize)> = BTreeMap::new();
    for source in sources {
        for table in &source.raw.table {
            let table = table.get_ref();
            let name = table.name.get_ref().as_str();
            let at = table.name.span().start;
            if let Some((_, first, first_at)) = tables.get(name) {
                let first_at = crate::location::LineCol::of_offset(first.text, *first_at);
                return Err(source.error(
                    at,
                    format!(
                        "table `{name}` is declared twice (first in {}:{}:{})",
                        first.path.display(),
                        first_at.line,
                        first_at.column
                    ),
                ));
            }
            let columns = table
                .columns
                .iter()
                .map(|c| c.get_ref().name.get_ref().as_str());
            tables.insert(name, (columns.collect(), source, at));
        }
    }
    Ok(tables
        .into_iter()
        .map(|(name, (columns, _, _))| (name, columns))
        .collect())
}

impl Source<'_> {
    fn error(&self, offset: usize, message: impl Into<String>) -> FileError {
        FileError::at_offset(self.path, self.text, offset, message)
    }

    /// Checks `table` against every declared table, and adds it, its indexes and its hints
    /// to `declared`.
    fn add_table(
        &self,
        spanned: &Spanned<RawTable>,
        tables: &BTreeMap<&str, Vec<&str>>,
        declared: &mut DeclaredSchema,
    ) -> Result<(), FileError> {
        let table = spanned.get_ref();
        let name = table.name.get_ref();
        let at = spanned.span().start;
        let mut seen = BTreeSet::new();
        for column in &table.columns {
            let column_name = column.get_ref().name.get_ref();
            if !seen.insert(column_name.as_str()) {
                return Err(self.error(
                    column.get_ref().name.span().start,
                    format!("table `{name}`: column `{column_name}` is declared twice"),
                ));
            }
        }
        for fk in &table.foreign_keys {
            self.check_reference(name, fk, tables, &declared.ignore_tables)?;
        }
        let create = Operation::CreateTable(CreateTable {
            table: name.clone(),
            columns: table
                .columns
                .iter()
                .map(|c| c.get_ref().to_operation())
                .collect(),
            primary_key: table.primary_key.clone(),
            unique: table.unique.clone(),
            checks: table.checks.clone(),
            foreign_keys: table
                .foreign_keys
                .iter()
                .map(|fk| fk.get_ref().clone())
                .collect(),
            comment: table.comment.clone(),
        });
        self.fold(
            &mut declared.schema,
            &create,
            at,
            &format!("table `{name}`"),
        )?;
        for index in &table.indexes {
            let raw = index.get_ref();
            let create = Operation::CreateIndex(CreateIndex {
                name: raw.name.clone(),
                table: name.clone(),
                columns: raw.columns.clone(),
                unique: raw.unique,
                predicate: raw.predicate.clone(),
            });
            let what = format!("table `{name}`, index `{}`", raw.name);
            self.fold(&mut declared.schema, &create, index.span().start, &what)?;
        }
        self.add_hints(table, tables, declared)
    }

    /// Records `table`'s rename hints, refusing ambiguous ones (SPEC 8): an old name that is
    /// declared too, or an old name two hints claim. A hint whose old name no longer exists
    /// is harmless (the rename was applied) and is not checked here.
    fn add_hints(
        &self,
        table: &RawTable,
        tables: &BTreeMap<&str, Vec<&str>>,
        declared: &mut DeclaredSchema,
    ) -> Result<(), FileError> {
        let name = table.name.get_ref();
        if let Some(old) = &table.renamed_from {
            let at = old.span().start;
            let old = old.get_ref();
            if tables.contains_key(old.as_str()) {
                return Err(self.error(
                    at,
                    format!(
                        "table `{name}` is renamed from `{old}`, but `{old}` is declared too: \
                         a rename hint must name a table that no longer exists"
                    ),
                ));
            }
            if let Some((other, _)) = declared.table_renames.iter().find(|(_, o)| *o == old) {
                return Err(self.error(
                    at,
                    format!("tables `{other}` and `{name}` are both renamed from `{old}`"),
                ));
            }
            declared.table_renames.insert(name.clone(), old.clone());
        }
        let columns = tables.get(name.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        for column in &table.columns {
            let column = column.get_ref();
            let Some(old) = &column.renamed_from else {
                continue;
            };
            let at = old.span().start;
            let old = old.get_ref();
            let new = column.name.get_ref();
            if columns.contains(&old.as_str()) {
                return Err(self.error(
                    at,
                    format!(
                        "table `{name}`: column `{new}` is renamed from `{old}`, but `{old}` is \
                         declared too: a rename hint must name a column that no longer exists"
                    ),
                ));
            }
            let claimed = declared
                .column_renames
                .iter()
                .find(|((t, _), o)| t == name && *o == old);
            if let Some(((_, other), _)) = claimed {
                return Err(self.error(
                    at,
                    format!(
                        "table `{name}`: columns `{other}` and `{new}` are both renamed from \
                         `{old}`"
                    ),
                ));
            }
            declared
                .column_renames
                .insert((name.clone(), new.clone()), old.clone());
        }
        Ok(())
    }

    /// Validates `operation` as a revision's would be and folds it into `schema`.
    fn fold(
        &self,
        schema: &mut Schema,
        operation: &Operation,
        at: usize,
        what: &str,
    ) -> Result<(), FileError> {
        // No `execute` in a declared schema, so no dialect's SQL rules are needed.
        validate_operation(operation, &crate::sql::DialectSyntaxes::new())
            .map_err(|message| self.error(at, format!("{what}: {message}")))?;
        schema
            .apply(operation)
            .map_err(|e| self.error(at, format!("{what}: {e}")))?;
        Ok(())
    }

    /// A foreign key must point at a declared table and its columns, or at an ignored one.
    fn check_reference(
        &self,
        table: &str,
        fk: &Spanned<crate::revision::ops::ForeignKeySpec>,
        tables: &BTreeMap<&str, Vec<&str>>,
        ignored: &[String],
    ) -> Result<(), FileError> {
        let spec = fk.get_ref();
        let target = spec.references_table.as_str();
        let at = fk.span().start;
        if ignored.iter().any(|pattern| glob_matches(pattern, target)) {
            return Ok(());
        }
        let Some(columns) = tables.get(target) else {
            return Err(self.error(
                at,
                format!(
                    "table `{table}`: the foreign key on {} references table `{target}`, which \
                     is not declared (declare it, or list it in `ignore_tables`)",
                    spec.columns.join(", ")
                ),
            ));
        };
        if let Some(missing) = spec
            .references_columns
            .iter()
            .find(|c| !columns.contains(&c.as_str()))
        {
            return Err(self.error(
                at,
                format!(
                    "table `{table}`: the foreign key on {} references column `{missing}` of \
                     `{target}`, which `{target}` does not declare",
                    spec.columns.join(", ")
                ),
            ));
        }
        Ok(())
    }
}
