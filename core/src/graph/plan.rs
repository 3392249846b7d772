//! Upgrade and downgrade plans: pure functions of the graph, the applied set and a target
//! (SPEC 4).
//!
//! Applied ids that the graph does not hold (files deleted after they ran) take no part in
//! planning; [`Graph::unknown_applied`] lists them so that callers can warn.

use std::cmp::Reverse;
use std::collections::HashSet;

use super::order::kahn;
use super::{id_list, Graph, Target};
use crate::revision::RevisionHeader;

/// A plan or query about revisions that cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// An id the graph does not hold (targets from [`Graph::resolve`] never have one).
    #[error("revision `{id}` is not declared by any revision file")]
    UnknownRevision {
        /// The id.
        id: String,
    },
    /// A revision applied alone whose parents or dependencies are not all applied.
    #[error(
        "cannot apply `{id}` alone: it needs {}, which {} not applied",
        id_list(.missing),
        if .missing.len() == 1 { "is" } else { "are" }
    )]
    NeedsUnapplied {
        /// The revision.
        id: String,
        /// What it needs that is not applied.
        missing: Vec<String>,
    },
    /// A revision to revert alone that is not applied.
    #[error("cannot revert `{id}`: it is not applied (current heads: {})", id_list(.current_heads))]
    NotApplied {
        /// The revision.
        id: String,
        /// The applied heads.
        current_heads: Vec<String>,
    },
    /// A downgrade to a revision that is not applied.
    #[error(
        "cannot downgrade to `{id}`: it is not applied (current heads: {}); downgrade to an \
         applied revision, or run `retort upgrade {id}` to reach it",
        id_list(.current_heads)
    )]
    TargetNotApplied {
        /// The target revision.
        id: String,
        /// The applied heads, to help choose another target.
        current_heads: Vec<String>,
    },
}

impl Graph {
    /// The revisions an upgrade to `target` runs, parents and dependencies first: every
    /// revision not in `applied` that a target revision needs (itself, and its ancestors
    /// through `down_revision` and `depends_on`). Empty for [`Target::Base`], and when all
    /// of it is applied.
    pub fn plan_upgrade(
        &self,
        applied: &HashSet<String>,
        target: &Target,
    ) -> Result<Vec<&RevisionHeader>, PlanError> {
        let Target::Revisions(ids) = target else {
            return Ok(Vec::new());
        };
        let targets = self.known_all(ids)?;
        let is_applied = self.applied_flags(applied);
        let mut to_run = self.reachable(targets, &self.needs);
        for (run, applied) in to_run.iter_mut().zip(is_applied) {
            *run &= !applied;
        }
        let order = kahn(&to_run, &self.needs, &self.needed_by, |node| {
            Reverse(self.rank[node])
        });
        Ok(self.headers(order))
    }

    /// The revisions a downgrade to `target` reverts, children and dependents first.
    ///
    /// These are the applied revisions strictly above a target revision through
    /// `down_revision`, and every applied revision that needs one of those, through
    /// `down_revision` or `depends_on`, directly or not. A revision that depends on a target
    /// revision itself stays, as do unrelated branches and whatever a target revision needs
    /// (which only matters for a set of targets where one is above another).
    /// [`Target::Base`] reverts every applied revision.
    ///
    /// Every target revision must be applied ([`PlanError::TargetNotApplied`]).
    pub fn plan_downgrade(
        &self,
        applied: &HashSet<String>,
        target: &Target,
    ) -> Result<Vec<&RevisionHeader>, PlanError> {
        let is_applied = self.applied_flags(applied);
        let to_revert = match target {
            Target::Base => is_applied,
            Target::Revisions(ids) => {
                let targets = self.known_all(ids)?;
                if let Some(&missing) = targets.iter().find(|&&node| !is_applied[node]) {
                    return Err(PlanError::TargetNotApplied {
                        id: self.revisions[missing].id.clone(),
                        current_heads: self.ids(self.current_head_nodes(&is_applied)),
                    });
                }
                let children = targets
                    .iter()
                    .flat_map(|&node| self.children[node].iter().copied());
                let above = self.reachable(children, &self.children);
                let seeds = (0..self.len()).filter(|&node| above[node] && is_applied[node]);
                let affected = self.reachable(seeds, &self.needed_by);
                let kept = self.reachable(targets, &self.needs);
                (0..self.len())
                    .map(|node| affected[node] && is_applied[node] && !kept[node])
                    .collect()
            }
        };
        let order = kahn(&to_revert, &self.needed_by, &self.needs, |node| {
            self.rank[node]
        });
        Ok(self.headers(order))
    }

    /// The revisions applying `id` alone takes: `[id]`, or nothing when it is applied. It
    /// costs what `id`'s own parents and dependencies cost, whatever the size of the graph
    /// (`retort test` applies each revision of its stairway this way).
    ///
    /// `is_applied` says whether a revision is applied; it is asked about `id` and what it
    /// needs only. Every revision `id` needs must be applied ([`PlanError::NeedsUnapplied`]).
    pub fn plan_apply(
        &self,
        is_applied: &dyn Fn(&str) -> bool,
        id: &str,
    ) -> Result<Vec<&RevisionHeader>, PlanError> {
        let node = self.known(id)?;
        if is_applied(id) {
            return Ok(Vec::new());
        }
        let missing: Vec<String> = self.needs[node]
            .iter()
            .map(|&need| self.revisions[need].id.clone())
            .filter(|need| !is_applied(need))
            .collect();
        if !missing.is_empty() {
            return Err(PlanError::NeedsUnapplied {
                id: id.to_string(),
                missing,
            });
        }
        Ok(vec![&self.revisions[node]])
    }

    /// The revisions reverting `id` alone takes, children and dependents first: `id` and
    /// every applied revision that needs it, through `down_revision` or `depends_on`,
    /// directly or not. Nothing else is touched, whatever branch it is on (`retort test`
    /// reverts each revision of its stairway this way).
    ///
    /// `is_applied` says whether a revision is applied; it is asked about `id` and what
    /// needs it only. `id` must be applied ([`PlanError::NotApplied`]).
    pub fn plan_revert(
        &self,
        is_applied: &dyn Fn(&str) -> bool,
        id: &str,
    ) -> Result<Vec<&RevisionHeader>, PlanError> {
        let node = self.known(id)?;
        if !is_applied(id) {
            let flags: Vec<bool> = self.revisions.iter().map(|r| is_applied(&r.id)).collect();
            return Err(PlanError::NotApplied {
                id: id.to_string(),
                current_heads: self.ids(self.current_head_nodes(&flags)),
            });
        }
        let affected = self.reachable([node], &self.needed_by);
        let to_revert: Vec<bool> = (0..self.len())
            .map(|node| affected[node] && is_applied(&self.revisions[node].id))
            .collect();
        let order = kahn(&to_revert, &self.needed_by, &self.needs, |node| {
            self.rank[node]
        });
        Ok(self.headers(order))
    }

    /// The applied revisions without an applied child through `down_revision`.
    pub fn current_heads(&self, applied: &HashSet<String>) -> Vec<&RevisionHeader> {
        self.headers(self.current_head_nodes(&self.applied_flags(applied)))
    }

    /// The applied ids that no revision file declares, sorted. Planning ignores them.
    pub fn unknown_applied<'a>(&self, applied: &'a HashSet<String>) -> Vec<&'a str> {
        let mut unknown: Vec<&str> = applied
            .iter()
            .map(String::as_str)
            .filter(|id| self.node(id).is_none())
            .collect();
        unknown.sort_unstable();
        unknown
    }

    fn current_head_nodes<'a>(
        &'a self,
        is_applied: &'a [bool],
    ) -> impl Iterator<Item = usize> + 'a {
        (0..self.len()).filter(move |&node| {
            is_applied[node] && !self.children[node].iter().any(|&child| is_applied[child])
        })
    }

    fn applied_flags(&self, applied: &HashSet<String>) -> Vec<bool> {
        let mut flags = vec![false; self.len()];
        for node in applied.iter().filter_map(|id| self.node(id)) {
            flags[node] = true;
        }
        flags
    }

    fn known_all(&self, ids: &[String]) -> Result<Vec<usize>, PlanError> {
        ids.iter().map(|id| self.known(id)).collect()
    }
}
