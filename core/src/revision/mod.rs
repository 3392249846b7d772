//! Revision files: the TOML and SQL forms, their headers and their operations.

mod header;
pub mod ops;
pub mod sql_file;
pub mod toml_file;
pub mod types;
mod validate;
pub mod values;

pub use header::{FileFormat, RevisionHeader};

/// Target keywords that can never be revision ids or branch labels.
const RESERVED_NAMES: [&str; 3] = ["head", "heads", "base"];

/// Checks a revision id: 1 to 64 ASCII letters, digits or underscores, and not a target
/// keyword (`head`, `heads`, `base`, in any case).
///
/// Ids appear in file names, targets (`REV+2`, `label@head`), SQL headers and the version
/// table, so characters with a meaning there (`@`, `+`, `-`, `:`, `,`, spaces) are kept out.
pub fn check_revision_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("a revision id must not be empty".into());
    }
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(format!(
            "`{}` is not a valid revision id: use 1 to 64 ASCII letters, digits or underscores",
            id.escape_debug()
        ));
    }
    if RESERVED_NAMES
        .iter()
        .any(|word| id.eq_ignore_ascii_case(word))
    {
        return Err(format!(
            "`{id}` is a target keyword and cannot be a revision id"
        ));
    }
    Ok(())
}

/// Checks a branch label: like an id, but may also contain `-` and `.`; never `@`.
pub fn check_branch_label(label: &str) -> Result<(), String> {
    let valid = !label.is_empty()
        && label.len() <= 64
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !label.starts_with(['-', '.'])
        && !RESERVED_NAMES
            .iter()
            .any(|word| label.eq_ignore_ascii_case(word));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a valid branch label: use ASCII letters, digits, `_`, `-` or `.`, not starting with `-` or `.`, and not `head`, `heads` or `base`",
            label.escape_debug()
        ))
    }
}
