//! The revision graph (SPEC 4): validation, queries, targets and plans.
//!
//! [`Graph::new`] validates a project's revision headers and orders them once;
//! [`Graph::resolve`] turns a target such as `head`, `ab12+2` or `billing@head` into a
//! [`Target`]; [`Graph::plan_upgrade`] and [`Graph::plan_downgrade`] compute what to run
//! from the set of applied revisions. Everything is a pure function of its inputs.
//!
//! Order is deterministic (SPEC 4): when upgrading, among the revisions that could go next,
//! the one with the earlier `created` (a revision without a date comes before any dated one),
//! then the smaller id; downgrades run in the mirror order. Every list this module returns
//! (heads, bases, children, current heads, target revisions) is in the upgrade order of the
//! whole graph, the order of [`Graph::revisions`]; history is its reverse.
//!
//! Work is linear in the number of revisions (plus a sort); nothing recurses, so a
//! 10,000-long chain is as safe as a short one.

mod order;
mod plan;
mod target;
mod validate;

#[cfg(test)]
mod tests;

pub use plan::PlanError;
pub use target::{relative_moves_up, Target, TargetError};
pub use validate::GraphError;

use std::collections::HashMap;

use crate::revision::RevisionHeader;

/// A validated, acyclic revision graph.
///
/// Revisions are kept in the deterministic upgrade order of the whole graph, so an internal
/// node number is also a position in that order: sorting node numbers sorts by that order.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Every revision, in upgrade order (parents and dependencies first).
    revisions: Vec<RevisionHeader>,
    /// Node number of each id.
    index: HashMap<String, usize>,
    /// Parents through `down_revision`, ascending, without repeats.
    parents: Vec<Vec<usize>>,
    /// Children through `down_revision`, ascending.
    children: Vec<Vec<usize>>,
    /// What must be applied first: parents and `depends_on`, ascending, without repeats.
    needs: Vec<Vec<usize>>,
    /// The inverse of `needs`: children and dependents, ascending.
    needed_by: Vec<Vec<usize>>,
    /// Position of each node when sorted by (`created`, id); the tie-break of every order.
    rank: Vec<usize>,
    /// The node declaring each branch label.
    labels: HashMap<String, usize>,
    /// Node numbers sorted by id, for prefix look-up.
    by_id: Vec<usize>,
}

impl Graph {
    /// The number of revisions.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// True when the project has no revisions.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The revision with exactly this id.
    pub fn get(&self, id: &str) -> Option<&RevisionHeader> {
        self.node(id).map(|node| &self.revisions[node])
    }

    /// Every revision in the deterministic upgrade order of the whole graph.
    pub fn revisions(&self) -> &[RevisionHeader] {
        &self.revisions
    }

    /// The revision declaring a branch label.
    pub fn labelled(&self, label: &str) -> Option<&RevisionHeader> {
        self.labels.get(label).map(|&node| &self.revisions[node])
    }

    /// Revisions without a child through `down_revision`.
    pub fn heads(&self) -> Vec<&RevisionHeader> {
        self.headers(self.head_nodes())
    }

    /// Revisions without a parent (`down_revision` absent or empty).
    pub fn bases(&self) -> Vec<&RevisionHeader> {
        self.headers(self.base_nodes())
    }

    /// The children of `id` through `down_revision` (empty for an unknown id).
    pub fn children(&self, id: &str) -> Vec<&RevisionHeader> {
        match self.node(id) {
            Some(node) => self.headers(self.children[node].iter().copied()),
            None => Vec::new(),
        }
    }

    /// True when `id` is a revision without a child through `down_revision`.
    pub fn is_head(&self, id: &str) -> bool {
        self.node(id)
            .is_some_and(|node| self.children[node].is_empty())
    }

    /// True when `id` is a revision without a parent.
    pub fn is_base(&self, id: &str) -> bool {
        self.node(id)
            .is_some_and(|node| self.parents[node].is_empty())
    }

    /// True when `id` has more than one child through `down_revision`.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.node(id)
            .is_some_and(|node| self.children[node].len() > 1)
    }

    /// True when `id` has more than one (distinct) `down_revision`.
    pub fn is_merge_point(&self, id: &str) -> bool {
        self.node(id)
            .is_some_and(|node| self.parents[node].len() > 1)
    }

    /// Every revision, newest first: the reverse of [`Graph::revisions`].
    pub fn history(&self) -> Vec<&RevisionHeader> {
        self.revisions.iter().rev().collect()
    }

    /// The revisions of `history -r LOWER:UPPER`, newest first: descendants-or-self of `lower`
    /// that are also ancestors-or-self of `upper`, through `down_revision` and `depends_on`.
    /// Either end may be open (`None`); both are resolved ids.
    pub fn history_range(
        &self,
        lower: Option<&str>,
        upper: Option<&str>,
    ) -> Result<Vec<&RevisionHeader>, PlanError> {
        let all = || vec![true; self.len()];
        let above_lower = match lower {
            Some(id) => self.reachable([self.known(id)?], &self.needed_by),
            None => all(),
        };
        let below_upper = match upper {
            Some(id) => self.reachable([self.known(id)?], &self.needs),
            None => all(),
        };
        let newest_first = (0..self.len()).rev();
        Ok(self.headers(newest_first.filter(|&node| above_lower[node] && below_upper[node])))
    }

    /// The node number of an id.
    fn node(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The node number of an id the caller says exists.
    fn known(&self, id: &str) -> Result<usize, PlanError> {
        self.node(id)
            .ok_or_else(|| PlanError::UnknownRevision { id: id.to_owned() })
    }

    fn head_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&node| self.children[node].is_empty())
    }

    fn base_nodes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter(|&node| self.parents[node].is_empty())
    }

    fn headers(&self, nodes: impl IntoIterator<Item = usize>) -> Vec<&RevisionHeader> {
        nodes
            .into_iter()
            .map(|node| &self.revisions[node])
            .collect()
    }

    fn ids(&self, nodes: impl IntoIterator<Item = usize>) -> Vec<String> {
        nodes
            .into_iter()
            .map(|node| self.revisions[node].id.clone())
            .collect()
    }

    /// Marks `starts` and every node reachable from them along `edges` (with a work list,
    /// without recursion).
    fn reachable(
        &self,
        starts: impl IntoIterator<Item = usize>,
        edges: &[Vec<usize>],
    ) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut queue: Vec<usize> = Vec::new();
        for start in starts {
            if !seen[start] {
                seen[start] = true;
                queue.push(start);
            }
        }
        while let Some(node) = queue.pop() {
            for &next in &edges[node] {
                if !seen[next] {
                    seen[next] = true;
                    queue.push(next);
                }
            }
        }
        seen
    }
}

/// Ids for a message: `a, b, c`, or `none`.
fn id_list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}
