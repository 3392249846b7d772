//! Every target form, and every way one fails.

use super::*;
use crate::graph::{Target, TargetError};

fn revisions(items: &[&str]) -> Target {
    Target::Revisions(strings(items))
}

/// aaaa1111 ← bbbb2222 ← cccc3333 (label `main` on aaaa1111), plus a second branch
/// bbbb2222 ← dddd4444 labelled `billing` ← eeee5555, and abcd (an id that prefixes abcdef).
fn branchy() -> Graph {
    build(vec![
        labelled(rev_at("aaaa1111", &[], 1), &["main"]),
        rev_at("bbbb2222", &["aaaa1111"], 2),
        rev_at("cccc3333", &["bbbb2222"], 3),
        labelled(rev_at("dddd4444", &["bbbb2222"], 4), &["billing"]),
        rev_at("eeee5555", &["dddd4444"], 5),
    ])
}

fn resolve(graph: &Graph, spec: &str, current: &[&str]) -> Result<Target, TargetError> {
    graph.resolve(spec, &strings(current))
}

#[test]
fn keywords() {
    let chain = build(vec![rev("a", &[]), rev("b", &["a"])]);
    assert_eq!(resolve(&chain, "head", &[]), Ok(revisions(&["b"])));
    assert_eq!(resolve(&chain, "heads", &[]), Ok(revisions(&["b"])));
    assert_eq!(resolve(&chain, "base", &["b"]), Ok(Target::Base));
    let graph = branchy();
    assert_eq!(
        resolve(&graph, "heads", &[]),
        Ok(revisions(&["cccc3333", "eeee5555"]))
    );
    let err = resolve(&graph, "head", &[]).expect_err("several heads");
    assert_eq!(
        err.to_string(),
        "`head`: there are several heads (cccc3333, eeee5555); name one (an id or LABEL@head), use \
         `heads` for all of them, or join them with `retort merge heads`"
    );
}

#[test]
fn an_empty_project_resolves_head_to_base() {
    let graph = build(vec![]);
    assert_eq!(resolve(&graph, "head", &[]), Ok(Target::Base));
    assert_eq!(resolve(&graph, "heads", &[]), Ok(Target::Base));
    assert_eq!(
        resolve(&graph, "+1", &[]),
        Err(TargetError::BeyondHead {
            spec: "+1".into(),
            from: "base".into()
        })
    );
}

#[test]
fn ids_and_prefixes() {
    let graph = build(vec![
        rev("abcd", &[]),
        rev("abcdef", &["abcd"]),
        rev("abce99", &["abcd"]),
    ]);
    assert_eq!(resolve(&graph, "abcdef", &[]), Ok(revisions(&["abcdef"])));
    // An exact id wins over being a prefix of a longer one.
    assert_eq!(resolve(&graph, "abcd", &[]), Ok(revisions(&["abcd"])));
    assert_eq!(resolve(&graph, "abcde", &[]), Ok(revisions(&["abcdef"])));
    assert_eq!(resolve(&graph, "abce", &[]), Ok(revisions(&["abce99"])));
    let err = resolve(&graph, "abc", &[]).expect_err("too short");
    assert_eq!(err, TargetError::PrefixTooShort { spec: "abc".into() });
    assert!(err
        .to_string()
        .contains("a prefix needs at least 4 characters"));
    assert_eq!(
        resolve(&graph, "abcx", &[]),
        Err(TargetError::Unknown {
            spec: "abcx".into()
        })
    );
    assert!(resolve(&graph, "abcx", &[]).is_err_and(|e| e.to_string().contains("LABEL@head")));
    assert_eq!(resolve(&graph, "", &[]), Err(TargetError::Empty));
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates() {
    let graph = build(vec![
        rev("abcd01", &[]),
        rev("abcd02", &["abcd01"]),
        rev("abce", &[]),
    ]);
    let err = resolve(&graph, "abcd", &[]).expect_err("ambiguous");
    assert_eq!(
        err,
        TargetError::AmbiguousPrefix {
            spec: "abcd".into(),
            candidates: strings(&["abcd01", "abcd02"])
        }
    );
    assert_eq!(
        err.to_string(),
        "`abcd` is ambiguous: it starts the ids abcd01, abcd02; give more characters"
    );
}

#[test]
fn labels_alone_and_at_head() {
    let graph = branchy();
    assert_eq!(
        resolve(&graph, "billing", &[]),
        Ok(revisions(&["dddd4444"]))
    );
    assert_eq!(
        resolve(&graph, "billing@head", &[]),
        Ok(revisions(&["eeee5555"]))
    );
    let err = resolve(&graph, "main@head", &[]).expect_err("two heads on main's branch");
    assert_eq!(
        err.to_string(),
        "`main@head`: branch `main` has several heads (cccc3333, eeee5555); name one of them"
    );
    assert_eq!(
        resolve(&graph, "nope@head", &[]),
        Err(TargetError::UnknownLabel {
            spec: "nope@head".into(),
            label: "nope".into(),
            known: strings(&["billing", "main"]),
        })
    );
    assert_eq!(
        resolve(&graph, "billing@base", &[]),
        Err(TargetError::UnknownLabelSuffix {
            spec: "billing@base".into(),
            label: "billing".into()
        })
    );
}

#[test]
fn relative_steps_from_the_current_head() {
    let graph = branchy();
    assert_eq!(
        resolve(&graph, "-1", &["eeee5555"]),
        Ok(revisions(&["dddd4444"]))
    );
    assert_eq!(
        resolve(&graph, "-3", &["eeee5555"]),
        Ok(revisions(&["aaaa1111"]))
    );
    assert_eq!(resolve(&graph, "-4", &["eeee5555"]), Ok(Target::Base));
    assert_eq!(
        resolve(&graph, "-5", &["eeee5555"]),
        Err(TargetError::BelowBase { spec: "-5".into() })
    );
    assert_eq!(
        resolve(&graph, "+1", &["dddd4444"]),
        Ok(revisions(&["eeee5555"]))
    );
    // From an empty database, +1 is the single base.
    assert_eq!(resolve(&graph, "+1", &[]), Ok(revisions(&["aaaa1111"])));
    assert_eq!(resolve(&graph, "+2", &[]), Ok(revisions(&["bbbb2222"])));
    assert_eq!(
        resolve(&graph, "-1", &[]),
        Err(TargetError::BelowBase { spec: "-1".into() })
    );
    let err = resolve(&graph, "+3", &[]).expect_err("bbbb2222 branches");
    assert_eq!(
        err.to_string(),
        "`+3` is ambiguous: from `bbbb2222` the next revisions are cccc3333, dddd4444; name the one \
         you mean (an id, or LABEL@head)"
    );
    let err = resolve(&graph, "+1", &["cccc3333"]).expect_err("cccc3333 is a head");
    assert_eq!(
        err.to_string(),
        "`+1` moves past the end of the graph: nothing is above `cccc3333`; `heads` is the top"
    );
}

#[test]
fn relative_steps_need_one_known_current_head() {
    let graph = branchy();
    let err = resolve(&graph, "-1", &["eeee5555", "cccc3333"]).expect_err("two current heads");
    assert_eq!(
        err.to_string(),
        "`-1` is relative to the current head, but the database has several (cccc3333, eeee5555); \
         name one with the step, as in `cccc3333-1`, or use LABEL@head"
    );
    // The same head twice is one head.
    assert_eq!(
        resolve(&graph, "-1", &["eeee5555", "eeee5555"]),
        Ok(revisions(&["dddd4444"]))
    );
    assert_eq!(
        resolve(&graph, "+1", &["ffff"]),
        Err(TargetError::UnknownCurrentHead { id: "ffff".into() })
    );
    for spec in ["+0", "-0", "aaaa1111+0", "-99999999999999999999999"] {
        assert_eq!(
            resolve(&graph, spec, &[]),
            Err(TargetError::InvalidStep { spec: spec.into() })
        );
    }
}

#[test]
fn several_bases_make_plus_one_from_empty_ambiguous() {
    let graph = build(vec![rev("a", &[]), rev("b", &[])]);
    assert_eq!(
        resolve(&graph, "+1", &[]),
        Err(TargetError::AmbiguousStep {
            spec: "+1".into(),
            from: "base".into(),
            choices: strings(&["a", "b"])
        })
    );
}

#[test]
fn minus_one_from_a_merge_reaches_all_its_parents() {
    let graph = diamond();
    assert_eq!(resolve(&graph, "-1", &["m"]), Ok(revisions(&["b", "c"])));
    assert_eq!(resolve(&graph, "-2", &["m"]), Ok(revisions(&["a"])));
    assert_eq!(resolve(&graph, "m-3", &[]), Ok(Target::Base));
}

#[test]
fn stepping_below_base_on_some_branches_only_is_an_error() {
    // m merges a base (x) with b, whose parent is a.
    let graph = build(vec![
        rev_at("a", &[], 1),
        rev_at("b", &["a"], 2),
        rev_at("x", &[], 3),
        rev_at("m", &["b", "x"], 4),
    ]);
    assert_eq!(resolve(&graph, "m-1", &[]), Ok(revisions(&["b", "x"])));
    assert_eq!(
        resolve(&graph, "m-2", &[]),
        Err(TargetError::UnevenBase {
            spec: "m-2".into(),
            bases: strings(&["x"])
        })
    );
}

#[test]
fn steps_from_a_named_revision() {
    let graph = branchy();
    assert_eq!(
        resolve(&graph, "aaaa1111+1", &[]),
        Ok(revisions(&["bbbb2222"]))
    );
    assert_eq!(
        resolve(&graph, "aaaa+2", &["eeee5555"]),
        Err(TargetError::AmbiguousStep {
            spec: "aaaa+2".into(),
            from: "`bbbb2222`".into(),
            choices: strings(&["cccc3333", "dddd4444"]),
        })
    );
    assert_eq!(
        resolve(&graph, "eeee5555-2", &[]),
        Ok(revisions(&["bbbb2222"]))
    );
    assert_eq!(
        resolve(&graph, "billing@head-1", &[]),
        Ok(revisions(&["dddd4444"]))
    );
    assert_eq!(
        resolve(&graph, "billing+1", &[]),
        Ok(revisions(&["eeee5555"]))
    );
    assert_eq!(resolve(&graph, "main-1", &[]), Ok(Target::Base));
    assert_eq!(resolve(&graph, "base+1", &[]), Ok(revisions(&["aaaa1111"])));
    assert_eq!(
        resolve(&graph, "base-1", &[]),
        Err(TargetError::BelowBase {
            spec: "base-1".into()
        })
    );
    // The part before the step reports its own error.
    assert!(
        matches!(resolve(&graph, "head-1", &[]), Err(TargetError::MultipleHeads { spec, .. }) if spec == "head")
    );
    assert_eq!(
        resolve(&graph, "zzzz+1", &[]),
        Err(TargetError::Unknown {
            spec: "zzzz".into()
        })
    );
    assert_eq!(
        resolve(&graph, "heads-1", &[]),
        Err(TargetError::NotSingle {
            spec: "heads-1".into(),
            rev: "heads".into(),
            revisions: strings(&["cccc3333", "eeee5555"]),
        })
    );
}

#[test]
fn a_whole_spec_that_names_something_wins_over_a_step() {
    let graph = build(vec![
        labelled(rev("aaaa", &[]), &["v-1"]),
        rev("bbbb", &["aaaa"]),
    ]);
    assert_eq!(resolve(&graph, "v-1", &[]), Ok(revisions(&["aaaa"])));
    assert_eq!(resolve(&graph, "v-1+1", &[]), Ok(revisions(&["bbbb"])));
}
