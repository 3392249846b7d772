//! Upgrade and downgrade plans, current heads.

use super::*;
use crate::graph::{PlanError, Target};

fn up<'a>(graph: &'a Graph, done: &[&str], target: &Target) -> Vec<&'a str> {
    ids(graph
        .plan_upgrade(&applied(done), target)
        .expect("an upgrade plan"))
}

fn down<'a>(graph: &'a Graph, done: &[&str], target: &Target) -> Vec<&'a str> {
    ids(graph
        .plan_downgrade(&applied(done), target)
        .expect("a downgrade plan"))
}

fn to(items: &[&str]) -> Target {
    Target::Revisions(strings(items))
}

/// Two branches from a: a ← b ← c and a ← x ← y, where c depends on x.
/// Creation order: a, x, b, y, c.
fn two_branches() -> Graph {
    build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 3),
        depends(rev_at("c", &["b"], 5), &["x"]),
        rev_at("x", &["a"], 2),
        rev_at("y", &["x"], 4),
    ])
}

#[test]
fn upgrade_runs_parents_and_dependencies_first_in_creation_order() {
    let graph = two_branches();
    assert_eq!(up(&graph, &[], &to(&["c"])), ["a", "x", "b", "c"]);
    assert_eq!(up(&graph, &[], &to(&["c", "y"])), ["a", "x", "b", "y", "c"]);
    assert_eq!(up(&graph, &["a", "b"], &to(&["c"])), ["x", "c"]);
    assert_eq!(
        up(&graph, &["a", "x", "b", "c"], &to(&["c"])),
        Vec::<&str>::new()
    );
    assert_eq!(up(&graph, &[], &Target::Base), Vec::<&str>::new());
}

#[test]
fn upgrade_order_is_decided_among_ready_revisions_only() {
    // p was created late, its child q early; r in between. With p applied, q is ready at
    // once and goes before r; from scratch, r goes first because p waits for it.
    let graph = build(vec![
        rev_at("p", &[], 10),
        rev_at("q", &["p"], 1),
        rev_at("r", &[], 5),
    ]);
    assert_eq!(up(&graph, &[], &to(&["q", "r"])), ["r", "p", "q"]);
    assert_eq!(up(&graph, &["p"], &to(&["q", "r"])), ["q", "r"]);
}

#[test]
fn plans_reject_ids_the_graph_does_not_hold() {
    let graph = two_branches();
    let unknown = Err(PlanError::UnknownRevision { id: "zz".into() });
    assert_eq!(
        graph.plan_upgrade(&applied(&[]), &to(&["zz"])).map(ids),
        unknown
    );
    assert_eq!(
        graph.plan_downgrade(&applied(&[]), &to(&["zz"])).map(ids),
        unknown
    );
}

#[test]
fn downgrade_reverts_what_is_above_and_what_needs_it_children_first() {
    let graph = two_branches();
    let all = ["a", "b", "c", "x", "y"];
    // Above x: y. c depends on x itself, so c stays.
    assert_eq!(down(&graph, &all, &to(&["x"])), ["y"]);
    // Above a: everything but a, in the mirror of creation order (children still first).
    assert_eq!(down(&graph, &all, &to(&["a"])), ["c", "y", "b", "x"]);
    // Above b: c only; the x branch is unrelated.
    assert_eq!(down(&graph, &all, &to(&["b"])), ["c"]);
    assert_eq!(down(&graph, &all, &Target::Base), ["c", "y", "b", "x", "a"]);
    assert_eq!(down(&graph, &["a", "x"], &to(&["x"])), Vec::<&str>::new());
}

#[test]
fn downgrade_reverts_dependents_of_what_it_reverts() {
    // d (its own base) depends on b; reverting b (above a) takes d with it.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        depends(rev_at("d", &[], 3), &["b"]),
    ]);
    assert_eq!(down(&graph, &["a", "b", "d"], &to(&["a"])), ["d", "b"]);
    // A dependent of the target itself stays.
    assert_eq!(
        down(&graph, &["a", "b", "d"], &to(&["b"])),
        Vec::<&str>::new()
    );
}

#[test]
fn plans_on_a_state_with_gaps_follow_the_definitions() {
    // A database edited by hand: d is applied, b (which d depends on) is not.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        depends(rev_at("d", &[], 3), &["b"]),
    ]);
    // Nothing applied is above a, so d stays although it needs b.
    assert_eq!(down(&graph, &["a", "d"], &to(&["a"])), Vec::<&str>::new());
    // Upgrading fills the gap: b is needed and not applied.
    assert_eq!(up(&graph, &["a", "d"], &to(&["d"])), ["b"]);
    assert_eq!(up(&graph, &["d"], &to(&["d"])), ["a", "b"]);
}

#[test]
fn downgrading_one_parent_of_a_merge_reverts_the_merge_only() {
    let graph = diamond();
    assert_eq!(down(&graph, &["a", "b", "c", "m"], &to(&["b"])), ["m"]);
    assert_eq!(down(&graph, &["a", "b", "c", "m"], &to(&["b", "c"])), ["m"]);
    assert_eq!(
        down(&graph, &["a", "b", "c", "m"], &to(&["a"])),
        ["m", "c", "b"]
    );
}

#[test]
fn a_target_needed_by_another_target_stays() {
    // Targets {a, b} where b is above a: b is kept, nothing is reverted.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        rev_at("c", &["b"], 3),
    ]);
    assert_eq!(down(&graph, &["a", "b", "c"], &to(&["a", "b"])), ["c"]);
}

#[test]
fn downgrading_to_a_revision_that_is_not_applied_is_an_error() {
    let graph = two_branches();
    let err = graph
        .plan_downgrade(&applied(&["a", "x"]), &to(&["b"]))
        .expect_err("b is not applied");
    assert_eq!(
        err,
        PlanError::TargetNotApplied {
            id: "b".into(),
            current_heads: strings(&["x"])
        }
    );
    assert_eq!(
        err.to_string(),
        "cannot downgrade to `b`: it is not applied (current heads: x); downgrade to an applied \
         revision, or run `retort upgrade b` to reach it"
    );
    let err = graph
        .plan_downgrade(&applied(&[]), &to(&["a"]))
        .expect_err("nothing applied");
    assert!(err.to_string().contains("(current heads: none)"), "{err}");
}

#[test]
fn unknown_applied_ids_are_ignored_and_listed() {
    let graph = two_branches();
    let done = applied(&["a", "b", "gone2", "gone1"]);
    assert_eq!(graph.unknown_applied(&done), ["gone1", "gone2"]);
    assert_eq!(ids(graph.current_heads(&done)), ["b"]);
    assert_eq!(
        ids(graph.plan_upgrade(&done, &to(&["b"])).expect("plan")),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(graph.plan_downgrade(&done, &Target::Base).expect("plan")),
        ["b", "a"]
    );
}

#[test]
fn current_heads_follow_down_revision_only() {
    let graph = two_branches();
    assert_eq!(ids(graph.current_heads(&applied(&[]))), Vec::<&str>::new());
    assert_eq!(
        ids(graph.current_heads(&applied(&["a", "x", "b"]))),
        ["x", "b"]
    );
    // c depends on x but is not its child: x stays a current head.
    assert_eq!(
        ids(graph.current_heads(&applied(&["a", "x", "b", "c"]))),
        ["x", "c"]
    );
}

#[test]
fn a_revision_goes_up_alone_only_when_what_it_needs_is_applied() {
    let graph = two_branches();
    let alone = |done: &[&str], id: &str| {
        let done = applied(done);
        graph.plan_apply(&|id| done.contains(id), id).map(ids)
    };
    assert_eq!(alone(&["a", "x", "b"], "c"), Ok(vec!["c"]));
    assert_eq!(alone(&["a", "x", "b", "c"], "c"), Ok(Vec::new()));
    let missing = alone(&["a", "b"], "c").expect_err("x is needed");
    assert_eq!(
        missing,
        PlanError::NeedsUnapplied {
            id: "c".into(),
            missing: strings(&["x"])
        }
    );
    assert!(missing
        .to_string()
        .contains("it needs x, which is not applied"));
}

#[test]
fn a_revision_goes_down_with_what_needs_it_and_nothing_on_other_branches() {
    let graph = two_branches();
    let all = ["a", "x", "b", "y", "c"];
    let revert = |done: &[&str], id: &str| {
        let done = applied(done);
        graph.plan_revert(&|id| done.contains(id), id).map(ids)
    };
    // y is on x's branch, c depends on x: both go first, b (on the other branch) stays.
    assert_eq!(revert(&all, "x"), Ok(vec!["c", "y", "x"]));
    assert_eq!(revert(&all, "y"), Ok(vec!["y"]));
    assert!(matches!(
        revert(&["a"], "b"),
        Err(PlanError::NotApplied { .. })
    ));
}
