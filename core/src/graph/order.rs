//! Deterministic topological order: Kahn's algorithm with a binary heap.

use std::collections::BinaryHeap;

/// Orders the nodes marked in `member` so that each comes after every member listed for it
/// in `before`; `after` must be the inverse of `before`. Among the nodes that could go next,
/// the one with the greatest `priority` goes first.
///
/// O((n + edges) + m log m) for n nodes of which m are members. Returns fewer nodes than are
/// marked exactly when the members contain a cycle.
pub(super) fn kahn<K: Ord>(
    member: &[bool],
    before: &[Vec<usize>],
    after: &[Vec<usize>],
    priority: impl Fn(usize) -> K,
) -> Vec<usize> {
    let mut waiting_on = vec![0usize; member.len()];
    let mut ready = BinaryHeap::new();
    for (node, &is_member) in member.iter().enumerate() {
        if !is_member {
            continue;
        }
        let count = before[node].iter().filter(|&&other| member[other]).count();
        waiting_on[node] = count;
        if count == 0 {
            ready.push((priority(node), node));
        }
    }
    let mut order = Vec::new();
    while let Some((_, node)) = ready.pop() {
        order.push(node);
        for &next in &after[node] {
            if member[next] {
                waiting_on[next] -= 1;
                if waiting_on[next] == 0 {
                    ready.push((priority(next), next));
                }
            }
        }
    }
    order
}
