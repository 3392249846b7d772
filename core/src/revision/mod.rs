//! Revision files: the TOML and SQL forms, their headers and their operations.

mod header;
pub mod ops;
pub mod sql_file;
pub mod toml_file;
pub mod types;
mod validate;
pub(crate) use validate::validate_operation;
pub mod values;

pub use header::{FileFormat, RevisionHeader};

/// Target keywords that can never be revision ids or branch labels.
const RESERVED_NAMES: [&str; 3] = ["head", "heads", "base"];

/// A revision id or branch label that cannot be one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameError {
    /// An empty revision id.
    #[error("a revision id must not be empty")]
    EmptyRevisionId,
    /// A revision id with characters outside `[A-Za-z0-9_]` or longer than 64.
    #[error(
        "`{}` is not a valid revision id: use 1 to 64 ASCII letters, digits or underscores",
        .0.escape_debug()
    )]
    InvalidRevisionId(String),
    /// A revision id that is a target keyword (`head`, `heads`, `base`).
    #[error("`{0}` is a target keyword and cannot be a revision id")]
    ReservedRevisionId(String),
    /// A branch label that breaks the rules of [`check_branch_label`].
    #[error(
        "`{}` is not a valid branch label: use ASCII letters, digits, `_`, `-` or `.`, not \
         starting with `-` or `.`, and not `head`, `heads` or `base`",
        .0.escape_debug()
    )]
    InvalidBranchLabel(String),
}

/// Checks a revision id: 1 to 64 ASCII letters, digits or underscores, and not a target
/// keyword (`head`, `heads`, `base`, in any case).
///
/// Ids appear in file names, targets (`REV+2`, `label@head`), SQL headers and the version
/// table, so characters with a meaning there (`@`, `+`, `-`, `:`, `,`, spaces) are kept out.
pub fn check_revision_id(id: &str) -> Result<(), NameError> {
    if id.is_empty() {
        return Err(NameError::EmptyRevisionId);
    }
    if id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(NameError::InvalidRevisionId(id.to_string()));
    }
    if RESERVED_NAMES
        .iter()
        .any(|word| id.eq_ignore_ascii_case(word))
    {
        return Err(NameError::ReservedRevisionId(id.to_string()));
    }
    Ok(())
}

/// Checks a branch label: like an id, but may also contain `-` and `.`; never `@`.
pub fn check_branch_label(label: &str) -> Result<(), NameError> {
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
        Err(NameError::InvalidBranchLabel(label.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_refused_with_the_reason() {
        assert_eq!(check_revision_id(""), Err(NameError::EmptyRevisionId));
        assert_eq!(
            check_revision_id("Heads"),
            Err(NameError::ReservedRevisionId(String::from("Heads")))
        );
        let error = check_revision_id("a b").err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "`a b` is not a valid revision id: use 1 to 64 ASCII letters, digits or \
                 underscores"
            )
        );
        assert_eq!(check_branch_label("release-1.2"), Ok(()));
        assert!(matches!(
            check_branch_label(".x"),
            Err(NameError::InvalidBranchLabel(label)) if label == ".x"
        ));
    }
}
