//! `-- retort:KEY VALUE` lines: recognising them, and reading the header's values.

use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::is_valid_revision_id;
use crate::location::FileError;

/// The prefix, after `--` and optional blanks, that makes a comment line a directive.
const PREFIX: &str = "retort:";

/// A header key (SPEC 3.1, 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HeaderKey {
    Revision,
    DownRevision,
    DependsOn,
    BranchLabels,
    Message,
    Created,
    Dialect,
    Transactional,
    LockWait,
    StatementTimeout,
}

impl HeaderKey {
    /// Every key, in the order error messages list them.
    pub(super) const ALL: [HeaderKey; 10] = [
        HeaderKey::Revision,
        HeaderKey::DownRevision,
        HeaderKey::DependsOn,
        HeaderKey::BranchLabels,
        HeaderKey::Message,
        HeaderKey::Created,
        HeaderKey::Dialect,
        HeaderKey::Transactional,
        HeaderKey::LockWait,
        HeaderKey::StatementTimeout,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            HeaderKey::Revision => "revision",
            HeaderKey::DownRevision => "down_revision",
            HeaderKey::DependsOn => "depends_on",
            HeaderKey::BranchLabels => "branch_labels",
            HeaderKey::Message => "message",
            HeaderKey::Created => "created",
            HeaderKey::Dialect => "dialect",
            HeaderKey::Transactional => "transactional",
            HeaderKey::LockWait => "lock_wait",
            HeaderKey::StatementTimeout => "statement_timeout",
        }
    }

    /// What the value should be, for "missing value" messages.
    pub(super) fn expected(self) -> &'static str {
        match self {
            HeaderKey::Revision => "a revision id",
            HeaderKey::DownRevision | HeaderKey::DependsOn => "revision ids separated by commas",
            HeaderKey::BranchLabels => "branch labels separated by commas",
            HeaderKey::Message => "a message",
            HeaderKey::Created => "an RFC 3339 timestamp such as 2026-11-21T17:40:00Z",
            HeaderKey::Dialect => "a lowercase dialect name such as postgres",
            HeaderKey::Transactional => "true or false",
            HeaderKey::LockWait | HeaderKey::StatementTimeout => crate::dialect::DURATION_EXPECTED,
        }
    }
}

/// A section marker: which half of the revision the following statements belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Upgrade,
    Downgrade,
}

impl Section {
    pub(super) fn name(self) -> &'static str {
        match self {
            Section::Upgrade => "upgrade",
            Section::Downgrade => "downgrade",
        }
    }
}

/// One line of a file with what is needed to point at a character in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    pub(super) number: usize,
    /// Byte offset of the line's start in the file.
    pub(super) start: usize,
    /// The line without its line break.
    pub(super) text: &'a str,
    /// Byte offset of the next line's start (after this line's break).
    pub(super) next: usize,
}

impl Line<'_> {
    /// An error at byte `at` of this line.
    pub(super) fn error(&self, path: &Path, at: usize, message: impl Into<String>) -> FileError {
        let column = self
            .text
            .get(..at)
            .map_or(at, |before| before.chars().count())
            + 1;
        FileError::at_line_col(path, self.number, column, message)
    }

    /// The byte offset of the first character that is not whitespace (or a byte-order mark).
    pub(super) fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(is_blank).len()
    }
}

/// Whitespace, and the byte-order mark some editors put before the first line.
pub(super) fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The lines of `text` from byte `start` (a line start), numbered from `first_number`.
pub(super) fn lines_from(
    text: &str,
    start: usize,
    first_number: usize,
) -> impl Iterator<Item = Line<'_>> {
    let mut offset = start;
    text[start..]
        .split_inclusive('\n')
        .zip(first_number..)
        .map(move |(raw, number)| {
            let line = Line {
                number,
                start: offset,
                text: raw
                    .strip_suffix('\n')
                    .map_or(raw, |l| l.strip_suffix('\r').unwrap_or(l)),
                next: offset + raw.len(),
            };
            offset += raw.len();
            line
        })
}

/// A `-- retort:KEY VALUE` line, taken apart; positions are byte offsets in the line.
#[derive(Debug, Clone, Copy)]
pub(super) struct Directive<'a> {
    pub(super) key: &'a str,
    pub(super) key_at: usize,
    /// The rest of the line after the key, trimmed (empty when there is none).
    pub(super) value: &'a str,
    pub(super) value_at: usize,
}

impl Directive<'_> {
    pub(super) fn section(&self) -> Option<Section> {
        match self.key {
            "upgrade" => Some(Section::Upgrade),
            "downgrade" => Some(Section::Downgrade),
            _ => None,
        }
    }

    pub(super) fn header_key(&self) -> Option<HeaderKey> {
        HeaderKey::ALL.into_iter().find(|k| k.name() == self.key)
    }

    /// The error for a key that is neither a header key nor a section marker.
    pub(super) fn unknown_key(&self, path: &Path, line: &Line<'_>) -> FileError {
        let message = if self.key.is_empty() {
            "expected a key right after `retort:` (e.g. `-- retort:revision 5cd038a8f131`)"
                .to_owned()
        } else {
            format!(
                "unknown header key `{}`; expected one of {}, or the section marker \
                 `upgrade` or `downgrade`",
                self.key,
                HeaderKey::ALL.map(HeaderKey::name).join(", ")
            )
        };
        line.error(path, self.key_at, message)
    }
}

/// The directive on `line`, if it is one: `--`, optional blanks, `retort:`, a key, a value.
pub(super) fn directive<'a>(line: &Line<'a>) -> Option<Directive<'a>> {
    let dashes_at = line.indent();
    let after_dashes = line.text[dashes_at..].strip_prefix("--")?;
    let prefix_at = line.text.len() - after_dashes.trim_start_matches([' ', '\t']).len();
    // Matched in any case: a miscased `-- RETORT:downgrade` must not pass as a comment and
    // silently move the downgrade statements into the upgrade section.
    let candidate = &line.text[prefix_at..];
    let after_prefix = candidate
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &candidate[PREFIX.len()..])?;
    let key_at = line.text.len() - after_prefix.len();
    let after_key = &line.text[key_at..];
    let key_len = after_key
        .find(char::is_whitespace)
        .unwrap_or(after_key.len());
    let value_part = after_key[key_len..].trim_end();
    let value = value_part.trim_start();
    Some(Directive {
        key: &after_key[..key_len],
        key_at,
        value,
        value_at: key_at + key_len + (value_part.len() - value.len()),
    })
}

/// Reads the (non-empty) value of `key` from `directive` into `header`.
pub(super) fn apply(
    header: &mut crate::revision::RevisionHeader,
    key: HeaderKey,
    directive: &Directive<'_>,
    path: &Path,
    line: &Line<'_>,
) -> Result<(), FileError> {
    let value = directive.value;
    let at = directive.value_at;
    let error = |offset: usize, message: String| line.error(path, at + offset, message);
    let ids = |what: &str| id_list(value, what).map_err(|(o, m)| error(o, m));
    match key {
        HeaderKey::Revision => {
            let id = single_token(value, "the revision id").map_err(|(o, m)| error(o, m))?;
            check_id(id, "revision id").map_err(|m| error(0, m))?;
            header.id = id.to_owned();
        }
        HeaderKey::DownRevision => header.down_revisions = ids("revision id")?,
        HeaderKey::DependsOn => header.depends_on = ids("revision id")?,
        HeaderKey::BranchLabels => header.branch_labels = ids("branch label")?,
        HeaderKey::Message => header.message = value.to_owned(),
        HeaderKey::Created => {
            let created = OffsetDateTime::parse(value, &Rfc3339).map_err(|e| {
                let message = format!(
                    "`created` must be an RFC 3339 timestamp such as 2026-11-21T17:40:00Z, \
                     found `{value}` ({e})"
                );
                error(0, message)
            })?;
            header.created = Some(created);
        }
        HeaderKey::Dialect => {
            let name = single_token(value, "the dialect name").map_err(|(o, m)| error(o, m))?;
            let mut chars = name.chars();
            let lowercase_name = chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !lowercase_name {
                let message = format!(
                    "`{name}` is not a dialect name; expected a lowercase name such as \
                     postgres, mysql or sqlite"
                );
                return Err(error(0, message));
            }
            header.dialect = Some(name.to_owned());
        }
        HeaderKey::Transactional => {
            let flag = single_token(value, "true or false").map_err(|(o, m)| error(o, m))?;
            header.transactional = match flag {
                "true" => true,
                "false" => false,
                other => {
                    let message =
                        format!("`transactional` must be `true` or `false`, found `{other}`");
                    return Err(error(0, message));
                }
            };
        }
        HeaderKey::LockWait | HeaderKey::StatementTimeout => {
            let text = single_token(value, crate::dialect::DURATION_EXPECTED)
                .map_err(|(o, m)| error(o, m))?;
            let duration = crate::dialect::parse_duration(text)
                .map_err(|m| error(0, format!("`{}`: {m}", key.name())))?;
            if key == HeaderKey::LockWait {
                header.limits.lock_wait = Some(duration);
            } else {
                header.limits.statement_timeout = Some(duration);
            }
        }
    }
    Ok(())
}

/// `value` if it is one token; else the offset of what follows the first token.
fn single_token<'a>(value: &'a str, what: &str) -> Result<&'a str, (usize, String)> {
    let Some(end) = value.find(char::is_whitespace) else {
        return Ok(value);
    };
    let token = &value[..end];
    let rest = value[end..].trim_start();
    let message = format!(
        "unexpected text after `{token}`; expected only {what} on this line \
         (header lines cannot hold comments)"
    );
    Err((value.len() - rest.len(), message))
}

fn check_id(id: &str, what: &str) -> Result<(), String> {
    if what == "branch label" {
        return crate::revision::check_branch_label(id).map_err(|error| error.to_string());
    }
    if is_valid_revision_id(id) {
        return Ok(());
    }
    Err(format!(
        "`{id}` is not a valid {what}; expected 1 to 64 letters, digits and `_` \
         (and not `head`, `heads` or `base`)"
    ))
}

/// Comma-separated ids (or labels), with blanks around each ignored.
fn id_list(value: &str, what: &str) -> Result<Vec<String>, (usize, String)> {
    let mut ids: Vec<String> = Vec::new();
    let mut item_start = 0;
    for item in value.split(',') {
        let trimmed = item.trim();
        let at = item_start + (item.len() - item.trim_start().len());
        item_start += item.len() + 1;
        if trimmed.is_empty() {
            let message = format!("empty item in the list; expected {what}s separated by commas");
            return Err((at, message));
        }
        if let Some(blank) = trimmed.find(char::is_whitespace) {
            let next = trimmed[blank..].trim_start();
            let message = format!("expected a comma after `{}`", &trimmed[..blank]);
            return Err((at + trimmed.len() - next.len(), message));
        }
        check_id(trimmed, what).map_err(|m| (at, m))?;
        if ids.iter().any(|id| id == trimmed) {
            return Err((at, format!("`{trimmed}` is listed twice")));
        }
        ids.push(trimmed.to_owned());
    }
    Ok(ids)
}
