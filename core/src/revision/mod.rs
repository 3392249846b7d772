//! Revision files: the TOML and SQL forms, their headers and their operations.

mod header;
pub mod sql_file;

pub use header::{FileFormat, RevisionHeader};
