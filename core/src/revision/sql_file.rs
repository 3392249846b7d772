//! SQL revision files (SPEC 3.3): header comments and upgrade/downgrade sections.
//!
//! ```sql
//! -- retort:revision 9a8b7c6d5e4f
//! -- retort:down_revision a1b2c3d4e5f6, 0f1e2d3c4b5a
//! -- retort:message backfill display names
//!
//! -- retort:upgrade
//! UPDATE users SET display_name = email WHERE display_name IS NULL;
//!
//! -- retort:downgrade
//! UPDATE users SET display_name = NULL;
//! ```
//!
//! The rules, strict so that a typo never passes silently:
//! - A directive is a line holding `--`, optional blanks, `retort:`, a key, and (for header
//!   keys) a value after whitespace. Header keys: `revision` (required), `down_revision`,
//!   `depends_on`, `branch_labels` (comma-separated), `message` (the rest of the line),
//!   `created` (RFC 3339), `dialect` (a lowercase name, kept as written), `transactional`
//!   (`true` / `false`, default `true`), `lock_wait` and `statement_timeout` (a duration:
//!   `500ms`, `5s`, `2m`, `1h`, or `0` for no limit). Each at most once. Single-token values cannot be
//!   followed by anything, comments included.
//! - The header is everything before the first section marker; besides directives it may
//!   hold only blank lines and comments (`--` and `/* */`; directives inside a `/* */`
//!   comment are ignored there).
//! - `-- retort:upgrade` comes first and is required; `-- retort:downgrade` is optional:
//!   without it the revision is irreversible, with an empty one there is nothing to undo.
//!   A marker stands alone on its line, once per file.
//! - After the first marker every `-- retort:` line is read as a directive, whatever SQL
//!   construct it happens to be in: a marker starts a section, anything else is an error.
//! - Revision ids, parents, dependencies and branch labels follow [`crate::revision::check_revision_id`]; branch labels [`crate::revision::check_branch_label`].

mod directive;
#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod tests;

use std::path::Path;

use directive::{apply, directive, is_blank, lines_from, Directive, HeaderKey, Line, Section};

use crate::location::FileError;
use crate::revision::{FileFormat, RevisionHeader};
use crate::sql::{canonical_form, split_statements, DialectSyntaxes, SqlSyntax, Statement};

/// The `-- retort:KEY` header directives a SQL revision accepts, in the order errors list
/// them.
pub fn header_directive_names() -> Vec<&'static str> {
    HeaderKey::ALL.map(HeaderKey::name).to_vec()
}

/// Whether `id` may be a revision id: see [`crate::revision::check_revision_id`], the one
/// rule for SQL and TOML revisions alike.
pub fn is_valid_revision_id(id: &str) -> bool {
    super::check_revision_id(id).is_ok()
}

/// A parsed SQL revision: its header and the statements of its two sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlRevision {
    /// The header (`format` is [`FileFormat::Sql`]).
    pub header: RevisionHeader,
    /// The statements after `-- retort:upgrade`, with lines and offsets in the whole file.
    pub upgrade: Vec<Statement>,
    /// The statements after `-- retort:downgrade`; `None` when there is no such marker,
    /// which makes the revision irreversible (an empty section is `Some` and empty:
    /// nothing to undo).
    pub downgrade: Option<Vec<Statement>>,
    /// The lexical rules its sections were split with: those of its declared dialect, or
    /// the generic rules (see [`DialectSyntaxes::for_dialect`]). Its canonical form uses
    /// them too.
    pub syntax: SqlSyntax,
}

impl SqlRevision {
    /// What the checksum covers: both sections' statements in canonical form
    /// ([`crate::sql::canonical_form`]), each section under its marker, so that moving a
    /// statement from one section to the other changes it.
    pub fn canonical_form(&self) -> String {
        let syntax = &self.syntax;
        format!(
            "-- retort:upgrade\n{}-- retort:downgrade\n{}",
            canonical_form(&self.upgrade, syntax),
            // Absent and empty are one form: writing an empty section into an applied
            // revision must not count as a change.
            canonical_form(self.downgrade.as_deref().unwrap_or_default(), syntax)
        )
    }
}

/// Reads only the header of the SQL revision `text` (the contents of `path`), stopping at
/// the first section marker: what graph commands need, without splitting any SQL.
///
/// # Errors
///
/// A [`FileError`] at the offending line and column: an unknown, repeated or valueless
/// key, a bad value (id, list, timestamp, dialect name, boolean), SQL before the first
/// section, a missing `revision`, or a missing `-- retort:upgrade` marker.
pub fn parse_sql_header(path: &Path, text: &str) -> Result<RevisionHeader, FileError> {
    read_header(path, text).map(|(header, _)| header)
}

/// Parses the whole SQL revision `text` (the contents of `path`) with the generic lexical
/// rules, whatever dialect it declares: [`parse_sql_revision_with`] an empty
/// [`DialectSyntaxes`]. To read it as its dialect does, use [`parse_sql_revision_with`].
///
/// # Errors
///
/// As [`parse_sql_revision_with`].
pub fn parse_sql_revision(path: &Path, text: &str) -> Result<SqlRevision, FileError> {
    parse_sql_revision_with(path, text, &DialectSyntaxes::new())
}

/// Parses the whole SQL revision `text` (the contents of `path`): its header, then each
/// section split into statements with the lexical rules `syntaxes` gives for the declared
/// dialect (the generic rules when it declares none, or one `syntaxes` does not know).
///
/// # Errors
///
/// Everything [`parse_sql_header`] reports, a header line or unknown directive after the
/// first section, a repeated section marker, and a quote, comment or block that is never
/// closed (at its file line and column).
pub fn parse_sql_revision_with(
    path: &Path,
    text: &str,
    syntaxes: &DialectSyntaxes,
) -> Result<SqlRevision, FileError> {
    let (header, end) = read_header(path, text)?;
    let syntax = syntaxes.for_dialect(header.dialect.as_deref());
    let mut sections: Vec<Body> = Vec::with_capacity(2);
    let mut current = Body {
        section: Section::Upgrade,
        marker_line: end.marker_line,
        start: end.body_start,
        end: text.len(),
    };
    for line in lines_from(text, end.body_start, end.marker_line + 1) {
        let Some(found) = directive(&line) else {
            continue;
        };
        let Some(section) = found.section() else {
            if found.header_key().is_none() {
                return Err(found.unknown_key(path, &line));
            }
            let message = format!(
                "header line `-- retort:{}` after the first section (line {}); \
                 header lines go before `-- retort:upgrade`",
                found.key, end.marker_line
            );
            return Err(line.error(path, found.key_at, message));
        };
        check_marker_alone(path, &line, &found)?;
        let started = std::iter::once(&current)
            .chain(&sections)
            .find(|body| body.section == section);
        if let Some(earlier) = started {
            let message = format!(
                "second `-- retort:{}` marker; that section already started on line {}",
                section.name(),
                earlier.marker_line
            );
            return Err(line.error(path, found.key_at, message));
        }
        let next = Body {
            section,
            marker_line: line.number,
            start: line.next,
            end: text.len(),
        };
        sections.push(Body {
            end: line.start,
            ..std::mem::replace(&mut current, next)
        });
    }
    sections.push(current);
    let mut revision = SqlRevision {
        header,
        upgrade: Vec::new(),
        downgrade: None,
        syntax,
    };
    for body in sections {
        let statements = body.split(path, text, &syntax)?;
        match body.section {
            Section::Upgrade => revision.upgrade = statements,
            Section::Downgrade => revision.downgrade = Some(statements),
        }
    }
    Ok(revision)
}

/// The text of one section: from the line after its marker to the next marker.
#[derive(Debug, Clone, Copy)]
struct Body {
    section: Section,
    marker_line: usize,
    start: usize,
    end: usize,
}

impl Body {
    /// Splits the section, with statement lines, offsets and errors relative to the file
    /// (the body starts at a line start, so columns carry over unchanged).
    fn split(
        &self,
        path: &Path,
        text: &str,
        syntax: &SqlSyntax,
    ) -> Result<Vec<Statement>, FileError> {
        let mut statements =
            split_statements(&text[self.start..self.end], syntax).map_err(|e| {
                let line = self.marker_line + e.at.line;
                FileError::at_line_col(path, line, e.at.column, e.kind.to_string())
            })?;
        for statement in &mut statements {
            statement.line += self.marker_line;
            statement.offset += self.start;
        }
        Ok(statements)
    }
}

/// Where the header ended: at the first section marker (always `upgrade`).
#[derive(Debug, Clone, Copy)]
struct HeaderEnd {
    marker_line: usize,
    /// Byte offset of the line after the marker.
    body_start: usize,
}

fn read_header(path: &Path, text: &str) -> Result<(RevisionHeader, HeaderEnd), FileError> {
    let mut header = RevisionHeader::new(String::new(), Vec::new());
    header.path = path.to_path_buf();
    header.format = FileFormat::Sql;
    let mut given_on_line = [None::<usize>; HeaderKey::ALL.len()];
    let mut in_block_comment = false;
    for line in lines_from(text, 0, 1) {
        let found = if in_block_comment {
            None
        } else {
            directive(&line)
        };
        let Some(found) = found else {
            if let Some(at) = first_code(line.text, &mut in_block_comment) {
                let message = "SQL before the first section; statements go after a \
                               `-- retort:upgrade` line, the header holds only \
                               `-- retort:` lines and comments";
                return Err(line.error(path, at, message));
            }
            continue;
        };
        if let Some(section) = found.section() {
            check_marker_alone(path, &line, &found)?;
            if section == Section::Downgrade {
                let message = "`-- retort:downgrade` before any `-- retort:upgrade`; \
                               the upgrade section comes first";
                return Err(line.error(path, found.key_at, message));
            }
            if header.id.is_empty() {
                let message = "missing `-- retort:revision ID`; expected it in the header, \
                               before `-- retort:upgrade`";
                return Err(FileError::at_line_col(path, 1, 1, message));
            }
            let end = HeaderEnd {
                marker_line: line.number,
                body_start: line.next,
            };
            return Ok((header, end));
        }
        let Some(key) = found.header_key() else {
            return Err(found.unknown_key(path, &line));
        };
        if let Some(first) = given_on_line[key as usize] {
            let message = format!("`{}` given twice; first on line {first}", key.name());
            return Err(line.error(path, found.key_at, message));
        }
        if found.value.is_empty() {
            let name = key.name();
            let message = format!("missing value for `{name}`; expected {}", key.expected());
            return Err(line.error(path, found.key_at + found.key.len(), message));
        }
        apply(&mut header, key, &found, path, &line)?;
        given_on_line[key as usize] = Some(line.number);
    }
    let message = "missing `-- retort:upgrade`; expected the upgrade section after the header";
    Err(FileError::at_offset(path, text, text.len(), message))
}

fn check_marker_alone(
    path: &Path,
    line: &Line<'_>,
    found: &Directive<'_>,
) -> Result<(), FileError> {
    if found.value.is_empty() {
        return Ok(());
    }
    let message = format!(
        "unexpected text after `-- retort:{}`; a section marker stands alone on its line",
        found.key
    );
    Err(line.error(path, found.value_at, message))
}

/// The byte offset of the first character of `line` outside comments, if any, following
/// `/* */` comments across lines through `in_block_comment`.
fn first_code(line: &str, in_block_comment: &mut bool) -> Option<usize> {
    let mut at = 0;
    loop {
        if *in_block_comment {
            at += line[at..].find("*/")? + 2;
            *in_block_comment = false;
        }
        let rest = &line[at..];
        let code = rest.trim_start_matches(is_blank);
        at += rest.len() - code.len();
        if code.is_empty() || code.starts_with("--") {
            return None;
        }
        if !code.starts_with("/*") {
            return Some(at);
        }
        *in_block_comment = true;
        at += 2;
    }
}
