//! Property tests of the revision graph: plans against brute-force definitions from SPEC 4,
//! on random DAGs of up to 30 revisions (merges, `depends_on`, equal and missing dates).

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::Index;
use retort_core::graph::{Graph, GraphError, Target};
use retort_core::RevisionHeader;
use time::{Duration, OffsetDateTime};

/// A random DAG: node `i` only points at nodes before it.
#[derive(Debug, Clone)]
struct Model {
    ids: Vec<String>,
    parents: Vec<Vec<usize>>,
    depends: Vec<Vec<usize>>,
    created: Vec<Option<i64>>,
}

impl Model {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn needs(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.parents[node]
            .iter()
            .chain(&self.depends[node])
            .copied()
    }

    /// `node` and everything it needs, transitively (through both edge kinds).
    fn needed_closure(&self, node: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![node];
        while let Some(next) = stack.pop() {
            if !std::mem::replace(&mut seen[next], true) {
                stack.extend(self.needs(next));
            }
        }
        seen
    }

    /// `node` and its ancestors through `down_revision` only.
    fn parent_closure(&self, node: usize) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack = vec![node];
        while let Some(next) = stack.pop() {
            if !std::mem::replace(&mut seen[next], true) {
                stack.extend(self.parents[next].iter().copied());
            }
        }
        seen
    }

    fn headers(&self) -> Vec<RevisionHeader> {
        (0..self.len())
            .map(|node| {
                let names = |nodes: &[usize]| nodes.iter().map(|&n| self.ids[n].clone()).collect();
                let mut header =
                    RevisionHeader::new(self.ids[node].clone(), names(&self.parents[node]));
                header.depends_on = names(&self.depends[node]);
                header.created = self.created[node]
                    .map(|minute| OffsetDateTime::UNIX_EPOCH + Duration::minutes(minute));
                header
            })
            .collect()
    }

    /// The upgrade tie-break: earlier `created` (none first), then smaller id.
    fn key(&self, node: usize) -> (Option<i64>, &str) {
        (self.created[node], self.ids[node].as_str())
    }

    fn node_of(&self, id: &str) -> usize {
        self.ids
            .iter()
            .position(|other| other == id)
            .expect("an id of the model")
    }

    fn set(&self, nodes: &[bool]) -> HashSet<String> {
        (0..self.len())
            .filter(|&n| nodes[n])
            .map(|n| self.ids[n].clone())
            .collect()
    }
}

fn model() -> impl Strategy<Value = Model> {
    let node = (
        prop::sample::select(vec![0usize, 1, 1, 1, 1, 2, 2, 3]),
        prop::collection::vec(any::<Index>(), 3),
        prop::sample::select(vec![0usize, 0, 1, 1, 2]),
        prop::collection::vec(any::<Index>(), 2),
        prop::option::weighted(0.8, 0i64..6),
        any::<u16>(),
    );
    prop::collection::vec(node, 1..=30).prop_map(|nodes| {
        let mut model = Model {
            ids: vec![],
            parents: vec![],
            depends: vec![],
            created: vec![],
        };
        for (i, (parent_count, parents, depend_count, depends, created, salt)) in
            nodes.into_iter().enumerate()
        {
            let pick = |count: usize, picks: &[Index]| -> Vec<usize> {
                let mut picked: Vec<usize> = if i == 0 {
                    vec![]
                } else {
                    picks[..count].iter().map(|p| p.index(i)).collect()
                };
                picked.sort_unstable();
                picked.dedup();
                picked
            };
            // Ids sort independently of creation; a shared first character makes prefixes meet.
            model.ids.push(format!("{:x}{salt:04x}{i:02}", salt % 3));
            model.parents.push(pick(parent_count, &parents));
            model.depends.push(pick(depend_count, &depends));
            model.created.push(created);
        }
        model
    })
}

/// A state a real database could hold: a random set closed under what its members need.
fn closed(model: &Model, chosen: &[bool]) -> Vec<bool> {
    let mut applied = vec![false; model.len()];
    for node in (0..model.len()).filter(|&n| chosen[n]) {
        for (other, needed) in model.needed_closure(node).into_iter().enumerate() {
            applied[other] |= needed;
        }
    }
    applied
}

/// A target: `Base`, one or two revisions, or every head.
fn target(model: &Model, graph: &Graph, kind: u8, a: Index, b: Index) -> Target {
    let id = |index: Index| model.ids[index.index(model.len())].clone();
    match kind {
        0 => Target::Base,
        1 | 2 => Target::Revisions(vec![id(a)]),
        3 => Target::Revisions(vec![id(a), id(b)]),
        _ => Target::Revisions(graph.heads().iter().map(|h| h.id.clone()).collect()),
    }
}

fn target_nodes(model: &Model, target: &Target) -> Vec<usize> {
    match target {
        Target::Base => vec![],
        Target::Revisions(ids) => ids.iter().map(|id| model.node_of(id)).collect(),
    }
}

/// Brute force: the target revisions and everything they need, minus what is applied.
fn expected_upgrade(model: &Model, applied: &[bool], targets: &[usize]) -> Vec<bool> {
    let mut wanted = vec![false; model.len()];
    for &t in targets {
        for (node, needed) in model.needed_closure(t).into_iter().enumerate() {
            wanted[node] |= needed && !applied[node];
        }
    }
    wanted
}

/// Brute force from SPEC 4: applied revisions strictly above a target through down_revision
/// (the seeds), plus every applied revision that needs a seed; minus what a target needs.
fn expected_downgrade(model: &Model, applied: &[bool], target: &Target) -> Vec<bool> {
    let Target::Revisions(_) = target else {
        return applied.to_vec();
    };
    let targets = target_nodes(model, target);
    let seed = |d: usize| {
        applied[d]
            && targets
                .iter()
                .any(|&t| d != t && model.parent_closure(d)[t])
    };
    let kept = |r: usize| targets.iter().any(|&t| model.needed_closure(t)[r]);
    (0..model.len())
        .map(|r| {
            applied[r]
                && !kept(r)
                && model
                    .needed_closure(r)
                    .iter()
                    .enumerate()
                    .any(|(d, &needed)| needed && seed(d))
        })
        .collect()
}

/// The order SPEC 4 prescribes, simulated step by step: repeatedly the ready revision with
/// the smallest key (upgrade) or the largest (downgrade).
fn expected_order(model: &Model, members: &[bool], upgrade: bool) -> Vec<String> {
    let mut done = vec![false; model.len()];
    let mut order = Vec::new();
    let blocked_by = |node: usize, other: usize| {
        if upgrade {
            model.needs(node).any(|n| n == other)
        } else {
            model.needs(other).any(|n| n == node)
        }
    };
    loop {
        let ready = (0..model.len())
            .filter(|&n| members[n] && !done[n])
            .filter(|&n| {
                (0..model.len()).all(|other| {
                    !(members[other] && !done[other] && other != n && blocked_by(n, other))
                })
            });
        let next = if upgrade {
            ready.min_by_key(|&n| model.key(n))
        } else {
            ready.max_by_key(|&n| model.key(n))
        };
        let Some(next) = next else { break };
        done[next] = true;
        order.push(model.ids[next].clone());
    }
    order
}

fn plan_ids(plan: Vec<&RevisionHeader>) -> Vec<String> {
    plan.into_iter().map(|header| header.id.clone()).collect()
}

fn flags(model: &Model, ids: &[String]) -> Vec<bool> {
    let mut set = vec![false; model.len()];
    for id in ids {
        set[model.node_of(id)] = true;
    }
    set
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn upgrade_plans_match_the_brute_force_closure_and_order(
        model in model(),
        chosen in prop::collection::vec(prop::bool::weighted(0.3), 30),
        is_closed in prop::bool::weighted(0.8),
        (kind, a, b) in (0u8..5, any::<Index>(), any::<Index>()),
    ) {
        let graph = Graph::new(model.headers()).expect("a DAG is valid");
        let chosen = &chosen[..model.len()];
        let applied = if is_closed { closed(&model, chosen) } else { chosen.to_vec() };
        let target = target(&model, &graph, kind, a, b);
        let plan = plan_ids(graph.plan_upgrade(&model.set(&applied), &target).expect("known target"));

        let wanted = expected_upgrade(&model, &applied, &target_nodes(&model, &target));
        prop_assert_eq!(flags(&model, &plan), wanted.clone());
        prop_assert_eq!(&plan, &expected_order(&model, &wanted, true));

        let mut after: Vec<bool> = applied.clone();
        for id in &plan { after[model.node_of(id)] = true; }
        prop_assert!(graph.plan_upgrade(&model.set(&after), &target).expect("known target").is_empty());
    }

    #[test]
    fn downgrade_plans_match_the_brute_force_definition_and_order(
        model in model(),
        chosen in prop::collection::vec(prop::bool::weighted(0.5), 30),
        is_closed in any::<bool>(),
        (kind, a, b) in (0u8..5, any::<Index>(), any::<Index>()),
    ) {
        let graph = Graph::new(model.headers()).expect("a DAG is valid");
        let chosen = &chosen[..model.len()];
        let applied = if is_closed { closed(&model, chosen) } else { chosen.to_vec() };
        let target = target(&model, &graph, kind, a, b);
        let targets = target_nodes(&model, &target);
        let result = graph.plan_downgrade(&model.set(&applied), &target);
        if targets.iter().any(|&t| !applied[t]) {
            prop_assert!(result.is_err(), "a target that is not applied must be refused");
            return Ok(());
        }
        let plan = plan_ids(result.expect("applied targets"));

        let wanted = expected_downgrade(&model, &applied, &target);
        prop_assert_eq!(flags(&model, &plan), wanted.clone());
        prop_assert_eq!(&plan, &expected_order(&model, &wanted, false));

        let mut after = applied.clone();
        for id in &plan { after[model.node_of(id)] = false; }
        if is_closed {
            // What stays is still a state a database could hold, and the targets stay.
            prop_assert_eq!(&closed(&model, &after), &after);
            prop_assert!(targets.iter().all(|&t| after[t]));
        }
        prop_assert!(graph.plan_downgrade(&model.set(&after), &target).expect("targets stay").is_empty());
    }

    #[test]
    fn order_and_current_heads_do_not_depend_on_the_order_files_are_read(
        model in model(),
        shuffle in Just((0..30).collect::<Vec<usize>>()).prop_shuffle(),
        chosen in prop::collection::vec(prop::bool::weighted(0.3), 30),
    ) {
        let graph = Graph::new(model.headers()).expect("a DAG is valid");
        let mut headers: Vec<(usize, RevisionHeader)> = model.headers().into_iter().enumerate().collect();
        headers.sort_by_key(|(i, _)| shuffle[*i]);
        let shuffled = Graph::new(headers.into_iter().map(|(_, h)| h).collect()).expect("still valid");
        prop_assert_eq!(graph.revisions(), shuffled.revisions());
        prop_assert_eq!(plan_ids(graph.revisions().iter().collect()), expected_order(&model, &vec![true; model.len()], true));

        let applied = closed(&model, &chosen[..model.len()]);
        let expected: Vec<bool> = (0..model.len())
            .map(|n| applied[n] && !(0..model.len()).any(|c| applied[c] && model.parents[c].contains(&n)))
            .collect();
        let heads = plan_ids(graph.current_heads(&model.set(&applied)));
        prop_assert_eq!(flags(&model, &heads), expected);
    }

    #[test]
    fn a_cycle_is_always_rejected_and_reported_as_one(
        model in model(),
        (at, edge, as_parent) in (any::<Index>(), any::<Index>(), any::<bool>()),
    ) {
        // A node `top` and one of its ancestors-or-self `low`: making `low` need `top` closes a cycle.
        let mut model = model;
        let top = at.index(model.len());
        let needed = model.needed_closure(top);
        let below: Vec<usize> = (0..model.len()).filter(|&n| needed[n]).collect();
        let low = below[edge.index(below.len())];
        if as_parent { model.parents[low].push(top) } else { model.depends[low].push(top) }
        match Graph::new(model.headers()) {
            Err(GraphError::Cycle { ids, path }) => {
                prop_assert!(!ids.is_empty());
                prop_assert_eq!(path, std::path::PathBuf::from(format!("{}.toml", ids[0])));
                for (k, id) in ids.iter().enumerate() {
                    let next = model.node_of(&ids[(k + 1) % ids.len()]);
                    prop_assert!(model.needs(model.node_of(id)).any(|n| n == next), "{} does not need the next id", id);
                }
            }
            other => prop_assert!(false, "expected a cycle, got {:?}", other.map(|g| g.len())),
        }
    }

    #[test]
    fn a_missing_parent_or_dependency_is_always_rejected(
        model in model(),
        (at, as_parent) in (any::<Index>(), any::<bool>()),
    ) {
        let node = at.index(model.len());
        let headers: Vec<RevisionHeader> = model.headers().into_iter().enumerate().map(|(n, mut h)| {
            if n == node {
                if as_parent { h.down_revisions.push("missing".into()) } else { h.depends_on.push("missing".into()) }
            }
            h
        }).collect();
        let err = Graph::new(headers).map(|g| g.len());
        let id = model.ids[node].clone();
        let path = std::path::PathBuf::from(format!("{id}.toml"));
        let expected = if as_parent {
            GraphError::MissingParent { id, parent: "missing".into(), path }
        } else {
            GraphError::MissingDependency { id, dependency: "missing".into(), path }
        };
        prop_assert_eq!(err, Err(expected));
    }
}
