//! Validation errors and the construction order.

use std::path::PathBuf;

use super::*;
use crate::graph::GraphError;

fn error(revisions: Vec<RevisionHeader>) -> GraphError {
    Graph::new(revisions).expect_err("an invalid graph")
}

#[test]
fn duplicate_ids_name_both_files() {
    let mut second = rev("aaaa", &[]);
    second.path = PathBuf::from("migrations/2_aaaa.toml");
    let err = error(vec![rev("aaaa", &[]), rev("bbbb", &["aaaa"]), second]);
    assert_eq!(
        err,
        GraphError::DuplicateId {
            id: "aaaa".into(),
            first: PathBuf::from("aaaa.toml"),
            second: PathBuf::from("migrations/2_aaaa.toml"),
        }
    );
    assert_eq!(
        err.to_string(),
        "migrations/2_aaaa.toml: revision id `aaaa` is also declared in aaaa.toml; every revision \
         needs its own id (change `revision` in one of the files)"
    );
}

#[test]
fn a_missing_parent_names_the_child_and_its_file() {
    let err = error(vec![rev("aaaa", &[]), rev("bbbb", &["aaaa", "zzzz"])]);
    assert_eq!(
        err,
        GraphError::MissingParent {
            id: "bbbb".into(),
            parent: "zzzz".into(),
            path: "bbbb.toml".into()
        }
    );
    assert!(err
        .to_string()
        .starts_with("bbbb.toml: revision `bbbb` has down_revision `zzzz`"));
}

#[test]
fn a_missing_dependency_names_the_dependent_and_its_file() {
    let err = error(vec![
        rev("aaaa", &[]),
        depends(rev("bbbb", &["aaaa"]), &["yyyy"]),
    ]);
    assert_eq!(
        err,
        GraphError::MissingDependency {
            id: "bbbb".into(),
            dependency: "yyyy".into(),
            path: "bbbb.toml".into()
        }
    );
    assert!(err
        .to_string()
        .starts_with("bbbb.toml: revision `bbbb` depends_on `yyyy`"));
}

#[test]
fn a_cycle_lists_its_ids_from_the_smallest() {
    // a0 hangs off the cycle b -> d -> c (and is where the search starts); it is not reported.
    let err = error(vec![
        rev("a", &[]),
        rev("b", &["d"]),
        rev("c", &["b"]),
        rev("d", &["c", "a"]),
        rev("a0", &["c"]),
    ]);
    assert_eq!(
        err,
        GraphError::Cycle {
            ids: vec!["b".into(), "d".into(), "c".into()],
            path: "b.toml".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "b.toml: revisions form a cycle: b -> d -> c -> b (each lists the next in down_revision \
         or depends_on); a revision cannot come after itself"
    );
}

#[test]
fn a_revision_that_is_its_own_parent_is_a_cycle() {
    let err = error(vec![rev("a", &[]), rev("b", &["a", "b"])]);
    assert_eq!(
        err,
        GraphError::Cycle {
            ids: vec!["b".into()],
            path: "b.toml".into()
        }
    );
}

#[test]
fn a_cycle_through_depends_on_is_rejected() {
    let err = error(vec![depends(rev("a", &[]), &["b"]), rev("b", &["a"])]);
    assert_eq!(
        err,
        GraphError::Cycle {
            ids: vec!["a".into(), "b".into()],
            path: "a.toml".into()
        }
    );
    let err = error(vec![depends(rev("a", &[]), &["a"])]);
    assert_eq!(
        err,
        GraphError::Cycle {
            ids: vec!["a".into()],
            path: "a.toml".into()
        }
    );
}

#[test]
fn a_branch_label_used_twice_names_both_files() {
    let err = error(vec![
        labelled(rev("a", &[]), &["billing"]),
        labelled(rev("b", &["a"]), &["billing"]),
    ]);
    assert_eq!(
        err,
        GraphError::DuplicateBranchLabel {
            label: "billing".into(),
            first_id: "a".into(),
            first: "a.toml".into(),
            second_id: "b".into(),
            second: "b.toml".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "b.toml: branch label `billing` of revision `b` is already declared by revision `a` in \
         a.toml; a label names one branch (rename one of them)"
    );
}

#[test]
fn a_label_listed_twice_in_one_revision_is_harmless() {
    let graph = build(vec![labelled(rev("a", &[]), &["billing", "billing"])]);
    assert_eq!(graph.labelled("billing").map(|r| r.id.as_str()), Some("a"));
}

#[test]
fn labels_that_targets_could_not_reach_are_rejected() {
    for (label, reason_start) in [
        ("", "is empty"),
        ("head", "is a target keyword"),
        ("base", "is a target keyword"),
        ("-old", "starts with `+` or `-`"),
        ("a@b", "contains `@`, `:` or whitespace"),
        ("a:b", "contains `@`, `:` or whitespace"),
        ("a b", "contains `@`, `:` or whitespace"),
    ] {
        match error(vec![labelled(rev("aaaa", &[]), &[label])]) {
            GraphError::InvalidBranchLabel {
                label: got,
                id,
                path,
                reason,
            } => {
                assert_eq!(
                    (got.as_str(), id.as_str(), path),
                    (label, "aaaa", PathBuf::from("aaaa.toml"))
                );
                assert!(reason.starts_with(reason_start), "{label:?}: {reason}");
            }
            other => panic!("{label:?}: unexpected {other:?}"),
        }
    }
}

#[test]
fn a_label_equal_to_a_revision_id_is_rejected() {
    let err = error(vec![
        rev("aaaa", &[]),
        labelled(rev("bbbb", &["aaaa"]), &["aaaa"]),
    ]);
    assert_eq!(
        err.to_string(),
        "bbbb.toml: branch label `aaaa` of revision `bbbb` is also the id of revision `aaaa` in \
         aaaa.toml; a label must differ from every id"
    );
}

#[test]
fn errors_are_reported_in_a_fixed_order_of_checks() {
    // A duplicate id is reported before the missing parent of a later file.
    let err = error(vec![rev("a", &["nope"]), rev("a", &[])]);
    assert!(matches!(err, GraphError::DuplicateId { .. }), "{err:?}");
}

#[test]
fn revisions_come_in_upgrade_order_earlier_created_then_smaller_id() {
    // Undated revisions come before dated ones; a child waits for its parent.
    let graph = build(vec![
        rev_at("f", &["a"], 1),
        rev_at("a", &[], 5),
        rev("z", &[]),
        rev_at("b", &[], 5),
        rev("y", &[]),
        rev_at("c", &[], 2),
    ]);
    let order: Vec<&str> = graph.revisions().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(order, ["y", "z", "c", "a", "f", "b"]);
    assert_eq!(ids(graph.history()), ["b", "f", "a", "c", "z", "y"]);
}

#[test]
fn a_parent_listed_twice_counts_once() {
    let graph = build(vec![rev("a", &[]), rev("b", &["a", "a"])]);
    assert!(!graph.is_merge_point("b"));
    assert_eq!(ids(graph.children("a")), ["b"]);
}

#[test]
fn a_ten_thousand_long_chain_builds_and_plans_without_recursion() {
    let mut revisions = vec![rev("r00000", &[])];
    for i in 1..10_000 {
        revisions.push(rev(&format!("r{i:05}"), &[&format!("r{:05}", i - 1)]));
    }
    revisions.reverse();
    let graph = build(revisions);
    assert_eq!(ids(graph.heads()), ["r09999"]);
    assert_eq!(graph.history().len(), 10_000);
    let plan = graph
        .plan_upgrade(&applied(&[]), &graph.resolve("head", &[]).expect("head"))
        .expect("plan");
    assert_eq!((plan.len(), plan[0].id.as_str()), (10_000, "r00000"));
    let target = graph
        .resolve("-9999", &["r09999".into()])
        .expect("relative");
    assert_eq!(
        target,
        crate::graph::Target::Revisions(vec!["r00000".into()])
    );
}
