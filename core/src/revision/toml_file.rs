//! TOML revision files (SPEC 3.1): a fast header-only read for graph commands, and the
//! full read (every operation typed and validated) for runs and checks.

use super::header::{FileFormat, RevisionHeader};
use super::ops::{Operation, OPERATION_NAMES};
use super::validate::validate_operation;
use crate::dialect::LimitOverrides;
use crate::location::FileError;
use crate::sql::DialectSyntaxes;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny};
use serde::Deserialize;
use std::path::Path;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A fully read TOML revision.
#[derive(Debug, Clone, PartialEq)]
pub struct TomlRevision {
    /// Its header.
    pub header: RevisionHeader,
    /// `[[upgrade]]` operations, in order.
    pub upgrade: Vec<Operation>,
    /// `[[downgrade]]` operations, in order; `None` when the file has no `downgrade` at
    /// all, which makes the revision irreversible (`downgrade = []` is `Some` and empty:
    /// nothing to undo).
    pub downgrade: Option<Vec<Operation>>,
}

/// The top-level keys of a TOML revision; the operation arrays are skipped here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderDoc {
    revision: Spanned<String>,
    #[serde(default)]
    down_revision: Option<Spanned<IdList>>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    created: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    branch_labels: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    depends_on: Option<Spanned<IdList>>,
    #[serde(default = "yes")]
    transactional: bool,
    #[serde(default)]
    lock_wait: Option<Spanned<String>>,
    #[serde(default)]
    statement_timeout: Option<Spanned<String>>,
    #[serde(default)]
    #[allow(dead_code)] // skipped here, read by `parse_toml_revision`
    upgrade: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    downgrade: Option<IgnoredAny>,
}

fn yes() -> bool {
    true
}

/// The top-level keys of a TOML revision, `upgrade` and `downgrade` included.
pub fn header_keys() -> &'static [&'static str] {
    crate::known_keys::struct_fields::<HeaderDoc>()
}

/// One id or an array of ids (`down_revision`, `depends_on`); `""` means none.
struct IdList(Vec<String>);

impl<'de> Deserialize<'de> for IdList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(id) if id.is_empty() => Ok(IdList(Vec::new())),
            toml::Value::String(id) => Ok(IdList(vec![id])),
            toml::Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    toml::Value::String(id) => Ok(id),
                    other => Err(de::Error::custom(format!(
                        "expected revision ids (strings), found a {}",
                        other.type_str()
                    ))),
                })
                .collect::<Result<_, _>>()
                .map(IdList),
            other => Err(de::Error::custom(format!(
                "expected a revision id or an array of ids, found a {}",
                other.type_str()
            ))),
        }
    }
}

/// Reads only the header of a TOML revision.
///
/// Top-level keys must precede the first `[table]` in TOML, so only the text before the
/// first table header is parsed. Should that prefix not parse on its own (a multi-line
/// string containing such a line, or a real error), the whole file is parsed instead,
/// which also gives the exact error position.
pub fn parse_toml_header(path: &Path, text: &str) -> Result<RevisionHeader, FileError> {
    let prefix = header_prefix(text);
    if let Ok(doc) = toml::from_str::<HeaderDoc>(prefix) {
        if !may_hold_unknown_table(&text[prefix.len()..]) {
            return doc.into_header(path, text);
        }
    }
    let doc =
        toml::from_str::<HeaderDoc>(text).map_err(|e| FileError::from_toml(path, text, &e))?;
    doc.into_header(path, text)
}

/// Reads a whole TOML revision: header and every operation, validated, raw SQL read with
/// the generic lexical rules whatever dialect it is written for ([`parse_toml_revision_with`]
/// an empty [`DialectSyntaxes`]).
pub fn parse_toml_revision(path: &Path, text: &str) -> Result<TomlRevision, FileError> {
    parse_toml_revision_with(path, text, &DialectSyntaxes::new())
}

/// Reads a whole TOML revision: header and every operation, validated; the raw SQL of
/// `execute` operations is read with the rules `syntaxes` gives for the dialect it is
/// written for (the generic rules for `default`, SQL for every dialect, and dialects
/// `syntaxes` does not know).
pub fn parse_toml_revision_with(
    path: &Path,
    text: &str,
    syntaxes: &DialectSyntaxes,
) -> Result<TomlRevision, FileError> {
    let document = DeTable::parse(text).map_err(|e| section_twice(path, text, &e))?;
    let span = document.span();
    let mut root = document.into_inner();
    let upgrade = root.remove("upgrade");
    let downgrade = root.remove("downgrade");
    let header: HeaderDoc = from_spanned_table(Spanned::new(span, root))
        .map_err(|e| FileError::from_toml(path, text, &e))?;
    let header = header.into_header(path, text)?;
    let upgrade = match upgrade {
        Some(value) => parse_operations(path, text, syntaxes, "upgrade", value)?,
        None => Vec::new(),
    };
    let downgrade = match downgrade {
        Some(value) => Some(parse_operations(path, text, syntaxes, "downgrade", value)?),
        None => None,
    };
    Ok(TomlRevision {
        header,
        upgrade,
        downgrade,
    })
}

/// The text before the first line that opens a table (`[x]` or `[[x]]`).
fn header_prefix(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// Whether a line of `rest` looks like a table other than `[[upgrade]]`/`[[downgrade]]`
/// (a typo such as `[[upgrad]]`). Only a hint: the caller then parses the whole file,
/// which tells a real unknown table from such a line inside a multi-line string.
fn may_hold_unknown_table(rest: &str) -> bool {
    rest.lines().any(|line| {
        let Some(inside) = line.trim_start().strip_prefix('[') else {
            return false;
        };
        let name = inside
            .trim_start_matches('[')
            .split(']')
            .next()
            .unwrap_or("")
            .trim();
        let name = name.trim_matches(['"', '\'']);
        name != "upgrade" && name != "downgrade"
    })
}

fn from_spanned_table<T: DeserializeOwned>(
    table: Spanned<DeTable<'_>>,
) -> Result<T, toml::de::Error> {
    T::deserialize(toml::de::Deserializer::from(table))
}

fn parse_operations(
    path: &Path,
    text: &str,
    syntaxes: &DialectSyntaxes,
    section: &str,
    value: Spanned<DeValue<'_>>,
) -> Result<Vec<Operation>, FileError> {
    let span = value.span();
    let DeValue::Array(items) = value.into_inner() else {
        return Err(FileError::at_offset(
            path,
            text,
            span.start,
            format!("`{section}` must be an array of operations, written [[{section}]] tables"),
        ));
    };
    let count = items.len();
    let mut operations = Vec::with_capacity(count);
    for (index, item) in items.into_iter().enumerate() {
        let item_span = item.span();
        let position = format!("{section} operation {} of {count}", index + 1);
        let DeValue::Table(table) = item.into_inner() else {
            return Err(FileError::at_offset(
                path,
                text,
                item_span.start,
                format!("{position}: expected a table with an `op` key"),
            ));
        };
        let operation = parse_operation(
            path,
            text,
            &position,
            Spanned::new(item_span.clone(), table),
        )?;
        validate_operation(&operation, syntaxes).map_err(|message| {
            FileError::at_offset(
                path,
                text,
                item_span.start,
                format!("{position} ({}): {message}", operation.name()),
            )
        })?;
        operations.push(operation);
    }
    Ok(operations)
}

fn parse_operation(
    path: &Path,
    text: &str,
    position: &str,
    table: Spanned<DeTable<'_>>,
) -> Result<Operation, FileError> {
    let span = table.span();
    let mut table = table.into_inner();
    let expected = OPERATION_NAMES.join(", ");
    let Some(op) = table.remove("op") else {
        return Err(FileError::at_offset(
            path,
            text,
            span.start,
            format!("{position}: missing `op`; expected one of {expected}"),
        ));
    };
    let op_span = op.span();
    let Some(name) = op.get_ref().as_str().map(str::to_owned) else {
        return Err(FileError::at_offset(
            path,
            text,
            op_span.start,
            format!("{position}: `op` must be a string"),
        ));
    };
    let rest = Spanned::new(span, table);
    let fail = |e: toml::de::Error| {
        let at = e.span().map_or(op_span.start, |s| s.start);
        FileError::at_offset(
            path,
            text,
            at,
            format!("{position} ({name}): {}", e.message()),
        )
    };
    let parsed = match name.as_str() {
        "create_table" => from_spanned_table(rest).map(Operation::CreateTable),
        "drop_table" => from_spanned_table(rest).map(Operation::DropTable),
        "rename_table" => from_spanned_table(rest).map(Operation::RenameTable),
        "add_column" => from_spanned_table(rest).map(Operation::AddColumn),
        "drop_column" => from_spanned_table(rest).map(Operation::DropColumn),
        "alter_column" => from_spanned_table(rest).map(Operation::AlterColumn),
        "create_index" => from_spanned_table(rest).map(Operation::CreateIndex),
        "drop_index" => from_spanned_table(rest).map(Operation::DropIndex),
        "create_foreign_key" => from_spanned_table(rest).map(Operation::CreateForeignKey),
        "create_unique_constraint" => {
            from_spanned_table(rest).map(Operation::CreateUniqueConstraint)
        }
        "create_check_constraint" => from_spanned_table(rest).map(Operation::CreateCheckConstraint),
        "drop_constraint" => from_spanned_table(rest).map(Operation::DropConstraint),
        "execute" => from_spanned_table(rest).map(Operation::Execute),
        "bulk_insert" => from_spanned_table(rest).map(Operation::BulkInsert),
        unknown => {
            return Err(FileError::at_offset(
                path,
                text,
                op_span.start,
                format!("{position}: unknown operation `{unknown}`; expected one of {expected}"),
            ))
        }
    };
    parsed.map_err(fail)
}

impl HeaderDoc {
    fn into_header(self, path: &Path, text: &str) -> Result<RevisionHeader, FileError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            FileError::at_offset(path, text, span.start, message)
        };
        let revision_span = self.revision.span();
        let id = self.revision.into_inner();
        super::check_revision_id(&id).map_err(|m| at(revision_span, m.to_string()))?;
        let ids = |list: Option<Spanned<IdList>>| -> Result<Vec<String>, FileError> {
            let Some(list) = list else {
                return Ok(Vec::new());
            };
            let span = list.span();
            let ids = list.into_inner().0;
            for id in &ids {
                super::check_revision_id(id).map_err(|m| at(span.clone(), m.to_string()))?;
            }
            Ok(ids)
        };
        let down_revisions = ids(self.down_revision)?;
        let depends_on = ids(self.depends_on)?;
        let branch_labels = match self.branch_labels {
            None => Vec::new(),
            Some(labels) => {
                let span = labels.span();
                let labels = labels.into_inner();
                for label in &labels {
                    super::check_branch_label(label)
                        .map_err(|m| at(span.clone(), m.to_string()))?;
                }
                labels
            }
        };
        let created = match self.created {
            None => None,
            Some(created) => {
                let span = created.span();
                Some(toml_datetime_to_utc(created.get_ref()).map_err(|m| at(span, m))?)
            }
        };
        let duration = |key: &str, value: Option<Spanned<String>>| match value {
            None => Ok(None),
            Some(value) => crate::dialect::parse_duration(value.get_ref())
                .map(Some)
                .map_err(|m| at(value.span(), format!("`{key}`: {m}"))),
        };
        let limits = LimitOverrides {
            lock_wait: duration("lock_wait", self.lock_wait)?,
            statement_timeout: duration("statement_timeout", self.statement_timeout)?,
        };
        Ok(RevisionHeader {
            id,
            down_revisions,
            depends_on,
            branch_labels,
            message: self.message,
            created,
            transactional: self.transactional,
            limits,
            dialect: None,
            path: path.to_path_buf(),
            format: FileFormat::Toml,
        })
    }
}

/// A TOML date-time with an offset (or a local one, taken as UTC).
fn toml_datetime_to_utc(value: &toml::value::Datetime) -> Result<OffsetDateTime, String> {
    if value.date.is_none() || value.time.is_none() {
        return Err(format!(
            "`created` must be a date and time such as 2026-11-21T17:40:00Z, not `{value}`"
        ));
    }
    let mut text = value.to_string();
    if value.offset.is_none() {
        text.push('Z');
    }
    OffsetDateTime::parse(&text, &Rfc3339)
        .map_err(|e| format!("`created` = {value} is not a valid date-time: {e}"))
}

/// A TOML error, explained when a section is both an array (`downgrade = []`, as
/// `retort revision` writes it) and `[[downgrade]]` tables: TOML calls that a duplicate key.
fn section_twice(path: &Path, text: &str, error: &toml::de::Error) -> FileError {
    let table = error.span().and_then(|span| {
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[line_start..].lines().next()?.trim();
        ["upgrade", "downgrade"]
            .into_iter()
            .find(|name| line.replace(' ', "") == format!("[[{name}]]"))
    });
    match (table, error.span()) {
        (Some(name), Some(span)) if error.message().contains("duplicate key") => {
            FileError::at_offset(
                path,
                text,
                span.start,
                format!(
                    "`{name}` is given twice: as `{name} = [...]` and as [[{name}]] tables; \
                     delete the `{name} = []` line when writing [[{name}]] tables"
                ),
            )
        }
        _ => FileError::from_toml(path, text, error),
    }
}
