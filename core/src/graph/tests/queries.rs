//! Heads, bases, children, markers and history.

use super::*;
use crate::graph::PlanError;

#[test]
fn an_empty_graph_has_nothing() {
    let graph = build(vec![]);
    assert!(graph.is_empty());
    assert_eq!(graph.len(), 0);
    assert!(graph.heads().is_empty() && graph.bases().is_empty() && graph.history().is_empty());
}

#[test]
fn heads_bases_and_children_of_a_diamond() {
    let graph = diamond();
    assert_eq!(graph.len(), 4);
    assert_eq!(ids(graph.heads()), ["m"]);
    assert_eq!(ids(graph.bases()), ["a"]);
    assert_eq!(ids(graph.children("a")), ["b", "c"]);
    assert_eq!(ids(graph.children("m")), Vec::<&str>::new());
    assert_eq!(ids(graph.children("nope")), Vec::<&str>::new());
    assert_eq!(
        graph.get("c").map(|r| r.down_revisions.clone()),
        Some(vec!["a".to_string()])
    );
    assert!(graph.get("ab").is_none());
}

#[test]
fn markers_follow_down_revision_only() {
    // d depends on a without being its child: a stays a head-less branch point of b and c only.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        rev_at("c", &["a"], 3),
        depends(rev_at("d", &[], 4), &["a"]),
        rev_at("m", &["b", "c"], 5),
    ]);
    assert!(graph.is_branch_point("a") && !graph.is_branch_point("b"));
    assert!(graph.is_merge_point("m") && !graph.is_merge_point("d"));
    assert!(graph.is_base("a") && graph.is_base("d") && !graph.is_base("b"));
    assert!(graph.is_head("m") && graph.is_head("d") && !graph.is_head("a"));
    assert!(!graph.is_head("nope") && !graph.is_base("nope"));
    assert_eq!(ids(graph.heads()), ["d", "m"]);
    assert_eq!(ids(graph.bases()), ["a", "d"]);
}

#[test]
fn history_is_newest_first() {
    assert_eq!(ids(diamond().history()), ["m", "c", "b", "a"]);
}

#[test]
fn history_range_keeps_revisions_between_both_ends() {
    // a ← b ← c ← d, and x (another base) that d depends on.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        rev_at("c", &["b"], 3),
        rev_at("x", &[], 4),
        depends(rev_at("d", &["c"], 5), &["x"]),
    ]);
    let range = |lower, upper| graph.history_range(lower, upper).map(ids);
    assert_eq!(range(Some("b"), Some("c")), Ok(vec!["c", "b"]));
    assert_eq!(range(Some("b"), None), Ok(vec!["d", "c", "b"]));
    assert_eq!(range(None, Some("b")), Ok(vec!["b", "a"]));
    assert_eq!(range(None, Some("d")), Ok(vec!["d", "x", "c", "b", "a"]));
    assert_eq!(range(Some("x"), None), Ok(vec!["d", "x"]));
    assert_eq!(range(Some("c"), Some("b")), Ok(vec![]));
    assert_eq!(range(None, None).map(|r| r.len()), Ok(5));
    assert_eq!(
        range(Some("q"), None),
        Err(PlanError::UnknownRevision { id: "q".into() })
    );
}
