//! Unit tests of the revision graph, one file per concern, with small builders.

mod plan;
mod queries;
mod target;
mod validate;

use std::collections::HashSet;

use time::OffsetDateTime;

use super::Graph;
use crate::revision::RevisionHeader;

/// A revision with these parents.
fn rev(id: &str, parents: &[&str]) -> RevisionHeader {
    RevisionHeader::new(id, strings(parents))
}

/// A revision with these parents, created `minute` minutes after the epoch.
fn rev_at(id: &str, parents: &[&str], minute: i64) -> RevisionHeader {
    let mut revision = rev(id, parents);
    revision.created = Some(OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(minute));
    revision
}

fn depends(mut revision: RevisionHeader, on: &[&str]) -> RevisionHeader {
    revision.depends_on = strings(on);
    revision
}

fn labelled(mut revision: RevisionHeader, labels: &[&str]) -> RevisionHeader {
    revision.branch_labels = strings(labels);
    revision
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| item.to_string()).collect()
}

fn build(revisions: Vec<RevisionHeader>) -> Graph {
    Graph::new(revisions).expect("a valid graph")
}

fn ids(headers: Vec<&RevisionHeader>) -> Vec<&str> {
    headers
        .into_iter()
        .map(|header| header.id.as_str())
        .collect()
}

fn applied(items: &[&str]) -> HashSet<String> {
    items.iter().map(|item| item.to_string()).collect()
}

/// a ← b ← m, a ← c ← m (m merges b and c), in that order of creation.
fn diamond() -> Graph {
    build(vec![
        rev_at("m", &["b", "c"], 4),
        rev_at("c", &["a"], 3),
        rev_at("b", &["a"], 2),
        rev_at("a", &[], 1),
    ])
}
