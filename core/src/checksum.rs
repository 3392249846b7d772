//! Checksums (SPEC 5): SHA-256 of the canonical form of what a revision runs.
//!
//! A TOML revision's canonical form is its typed operations (upgrade and downgrade) as
//! JSON with sorted keys, defaults filled in and SQL text in its canonical form; so
//! reformatting, reordering keys, comments and CRLF line endings leave the checksum as it
//! is, and any change to what runs changes it. A SQL revision's canonical form is that of
//! its statements ([`SqlRevision::canonical_form`]). The `transactional` flag is part of
//! neither: it decides how a revision runs, not what it does to the schema.

use crate::load::Revision;
use crate::revision::ops::{Operation, SqlText};
use crate::revision::sql_file::SqlRevision;
use crate::revision::toml_file::TomlRevision;
use crate::sql::{canonical_form_of_text, DialectSyntaxes};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// The checksum of a revision: `sha256:` followed by 64 lowercase hex digits. The raw SQL
/// of a TOML revision is put in canonical form with the rules `syntaxes` gives for its
/// dialect; a SQL revision uses the rules it was read with.
pub fn checksum(revision: &Revision, syntaxes: &DialectSyntaxes) -> String {
    match revision {
        Revision::Toml(rev) => toml_checksum(rev, syntaxes),
        Revision::Sql(rev) => sql_checksum(rev),
    }
}

/// The checksum of a SQL revision.
pub fn sql_checksum(revision: &SqlRevision) -> String {
    sha256(revision.canonical_form().as_bytes())
}

/// The checksum of a TOML revision, its raw SQL read with the rules of its dialect.
pub fn toml_checksum(revision: &TomlRevision, syntaxes: &DialectSyntaxes) -> String {
    sha256(toml_canonical_form(revision, syntaxes).as_bytes())
}

/// The text a TOML revision's checksum covers.
pub fn toml_canonical_form(revision: &TomlRevision, syntaxes: &DialectSyntaxes) -> String {
    let section = |ops: &[Operation]| {
        let values = ops.iter().map(|op| {
            let mut value =
                serde_json::to_value(&*canonical_operation(op, syntaxes)).unwrap_or_default();
            normalize_line_endings(&mut value);
            value
        });
        serde_json::Value::Array(values.collect())
    };
    let document = serde_json::json!({
        "upgrade": section(&revision.upgrade),
        // Absent (irreversible) and empty are one form, so that adding `downgrade = []`
        // to an applied revision does not count as a change.
        "downgrade": section(revision.downgrade.as_deref().unwrap_or_default()),
    });
    // serde_json's map is ordered by key, so this text is the same for equal values.
    document.to_string()
}

/// The operation with its raw SQL in canonical form, so that comments and layout inside
/// an `execute` do not count.
fn canonical_operation<'a>(op: &'a Operation, syntaxes: &DialectSyntaxes) -> Cow<'a, Operation> {
    let Operation::Execute(execute) = op else {
        return Cow::Borrowed(op);
    };
    let canonical = |dialect: Option<&str>, sql: &str| {
        canonical_form_of_text(sql, &syntaxes.for_dialect(dialect))
            .unwrap_or_else(|_| sql.to_string())
    };
    let mut execute = execute.clone();
    execute.sql = match &execute.sql {
        SqlText::Everywhere(sql) => SqlText::Everywhere(canonical(None, sql)),
        SqlText::PerDialect(by_dialect) => SqlText::PerDialect(
            by_dialect
                .iter()
                .map(|(dialect, sql)| {
                    let named = (dialect != "default").then_some(dialect.as_str());
                    (dialect.clone(), canonical(named, sql))
                })
                .collect(),
        ),
    };
    Cow::Owned(Operation::Execute(execute))
}

/// CRLF and lone CR become LF in every string (a checkout with CRLF must not count as a change).
fn normalize_line_endings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.contains('\r') => {
            *s = s.replace("\r\n", "\n").replace('\r', "\n")
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize_line_endings),
        serde_json::Value::Object(map) => map.values_mut().for_each(normalize_line_endings),
        _ => {}
    }
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}
