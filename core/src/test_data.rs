//! Rows `retort test` inserts right before a revision's stairway step (SPEC 7, like
//! pytest-alembic's `before_revision_data`): one file `<revision id>.toml` per revision in
//! the test-data directory, holding `[[insert]]` entries shaped as `bulk_insert`.
//!
//! ```toml
//! [[insert]]
//! table = "users"
//! rows = [{ id = 1, email = "ada@example.com" }]
//! ```
//!
//! These files are no part of any revision, so no checksum covers them.

use crate::graph::Graph;
use crate::location::FileError;
use crate::revision::ops::BulkInsert;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The rows to insert before one revision, from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestData {
    /// The file they come from.
    pub path: PathBuf,
    /// Its `[[insert]]` entries, in order.
    pub inserts: Vec<BulkInsert>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    insert: Vec<BulkInsert>,
}

/// Every test-data file in `dir`, by revision id; none when `dir` does not exist. Files not
/// ending in `.toml` are left alone.
///
/// # Errors
///
/// A file that cannot be read or parsed, or whose name is not the id of a revision in
/// `graph`, with its path (and line and column where the parser knows them).
pub fn read_test_data(dir: &Path, graph: &Graph) -> Result<BTreeMap<String, TestData>, FileError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(error) => {
            return Err(FileError::whole_file(
                dir,
                format!("cannot list the test-data directory: {error}"),
            ))
        }
    };
    let mut found = BTreeMap::new();
    for entry in entries {
        let path = entry
            .map_err(|e| FileError::whole_file(dir, format!("cannot list the directory: {e}")))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let id = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default()
            .to_string();
        if graph.get(&id).is_none() {
            return Err(FileError::whole_file(
                &path,
                format!(
                    "no revision has the id `{id}`: a test-data file is named after the full \
                     id of the revision it comes before (`<id>.toml`)"
                ),
            ));
        }
        let data = read_file(&path)?;
        found.insert(id, data);
    }
    Ok(found)
}

fn read_file(path: &Path) -> Result<TestData, FileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FileError::whole_file(path, format!("cannot read the file: {e}")))?;
    let raw: RawFile = toml::from_str(&text).map_err(|e| FileError::from_toml(path, &text, &e))?;
    if let Some(empty) = raw.insert.iter().find(|insert| insert.rows.is_empty()) {
        return Err(FileError::whole_file(
            path,
            format!(
                "the [[insert]] into `{}` has no rows: give `rows = [{{ column = value, ... }}]`",
                empty.table
            ),
        ));
    }
    Ok(TestData {
        path: path.to_path_buf(),
        inserts: raw.insert,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::values::Value;

    fn graph(ids: &[&str]) -> Graph {
        let headers = ids
            .iter()
            .map(|id| crate::revision::RevisionHeader::new(*id, Vec::new()))
            .collect();
        Graph::new(headers).expect("a valid graph")
    }

    #[test]
    fn files_are_read_by_revision_id_and_other_files_left_alone() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(
            dir.path().join("aaaa1111.toml"),
            "[[insert]]\ntable = \"users\"\nrows = [{ id = 1, email = \"a@example.com\" }]\n",
        )
        .expect("written");
        std::fs::write(dir.path().join("README.md"), "notes").expect("written");
        let found = read_test_data(dir.path(), &graph(&["aaaa1111"])).expect("read");
        let data = &found["aaaa1111"];
        assert_eq!(data.inserts[0].table, "users");
        assert_eq!(data.inserts[0].rows[0]["id"], Value::Integer(1));
    }

    #[test]
    fn a_missing_directory_holds_nothing() {
        let found = read_test_data(Path::new("/nonexistent/test_data"), &graph(&["aaaa1111"]));
        assert_eq!(found, Ok(BTreeMap::new()));
    }

    #[test]
    fn an_unknown_id_an_unknown_key_and_empty_rows_are_refused_naming_the_file() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("written");
        };
        write("bbbb2222.toml", "");
        let error = read_test_data(dir.path(), &graph(&["aaaa1111"])).expect_err("refused");
        assert!(error
            .to_string()
            .contains("no revision has the id `bbbb2222`"));

        std::fs::remove_file(dir.path().join("bbbb2222.toml")).expect("removed");
        write("aaaa1111.toml", "[[insert]]\ntable = \"t\"\nrow = []\n");
        let error = read_test_data(dir.path(), &graph(&["aaaa1111"])).expect_err("refused");
        let text = error.to_string();
        assert!(text.contains("aaaa1111.toml:3:1"), "{text}");

        write("aaaa1111.toml", "[[insert]]\ntable = \"t\"\nrows = []\n");
        let error = read_test_data(dir.path(), &graph(&["aaaa1111"])).expect_err("refused");
        assert!(error.to_string().contains("has no rows"));
    }
}
