//! Resolving what a user typed as a target (`head`, `ab12`, `billing@head`, `-1`, ...) (SPEC 4).
//!
//! Forms, tried in this order:
//! - `+N` / `-N`: relative to the single current head of the database;
//! - `head`, `heads`, `base`;
//! - `LABEL@head`: the head of the branch that starts at the revision declaring `LABEL`;
//! - a full id; a branch label alone (the revision declaring it); a unique prefix of at
//!   least 4 characters of an id;
//! - `REV+N` / `REV-N`, where `REV` is one of the forms above naming one revision (or `base`).
//!   A whole spec that already matches a form above wins (so a label `v-2` is the label).
//!
//! Relative steps: `+1` moves to the only child through `down_revision` (several children
//! are an error naming them); from an empty database or `base` it moves to the only base.
//! `-1` moves to every parent (from a merge, to all its parents) and, from revisions that
//! are all bases, to `base`. Going further is an error: above a head, below `base`, or from a
//! set where only some revisions are bases.
//!
//! In a project with no revisions, `head` and `heads` resolve to [`Target::Base`]: there is
//! nothing to apply, so `upgrade` does nothing.

mod error;
mod step;

pub use error::TargetError;

use super::Graph;

/// A resolved target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Below every revision: nothing applied.
    Base,
    /// These revisions (ids, never empty when made by [`Graph::resolve`]), in upgrade order.
    Revisions(Vec<String>),
}

/// Where a resolution stands: below every base, or at a non-empty set of nodes (ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    BelowBase,
    At(Vec<usize>),
}

/// Which way a target relative to the database's current head moves: `Some(true)` for
/// `+N`, `Some(false)` for `-N`, `None` for every other form. `REV+N` and `REV-N` are not
/// relative to the database: they name a place in the graph that either command may reach.
/// A step of zero is an error, found without the graph or the database.
pub fn relative_moves_up(spec: &str) -> Result<Option<bool>, TargetError> {
    step::moves_up(spec)
}

impl Graph {
    /// Resolves a target as typed by a user; `current_heads` are the database's applied heads
    /// (empty for an empty database), used by `+N` and `-N`. See the module documentation
    /// for the forms.
    pub fn resolve(&self, spec: &str, current_heads: &[String]) -> Result<Target, TargetError> {
        if spec.is_empty() {
            return Err(TargetError::Empty);
        }
        if let Some(step) = step::parse_step(spec, spec)? {
            let start = self.current_head(spec, current_heads)?;
            return Ok(self.target(self.walk(spec, start, step)?));
        }
        match self.resolve_fixed(spec) {
            Ok(position) => Ok(self.target(position)),
            Err(error) => {
                let Some((rev, step_text)) = step::split_step(spec) else {
                    return Err(error);
                };
                let step = step::parse_step(spec, step_text)?.ok_or(error)?;
                let start = match self.resolve_fixed(rev)? {
                    Position::BelowBase => None,
                    Position::At(nodes) if nodes.len() == 1 => Some(nodes[0]),
                    Position::At(nodes) => {
                        let (spec, rev) = (spec.to_owned(), rev.to_owned());
                        return Err(TargetError::NotSingle {
                            spec,
                            rev,
                            revisions: self.ids(nodes),
                        });
                    }
                };
                Ok(self.target(self.walk(spec, start, step)?))
            }
        }
    }

    fn target(&self, position: Position) -> Target {
        match position {
            Position::BelowBase => Target::Base,
            Position::At(nodes) => Target::Revisions(self.ids(nodes)),
        }
    }

    /// The single current head, or `None` for an empty database.
    fn current_head(
        &self,
        spec: &str,
        current_heads: &[String],
    ) -> Result<Option<usize>, TargetError> {
        let mut nodes = Vec::with_capacity(current_heads.len());
        for id in current_heads {
            let node = self
                .node(id)
                .ok_or_else(|| TargetError::UnknownCurrentHead { id: id.clone() })?;
            nodes.push(node);
        }
        nodes.sort_unstable();
        nodes.dedup();
        match nodes[..] {
            [] => Ok(None),
            [node] => Ok(Some(node)),
            _ => Err(TargetError::MultipleCurrentHeads {
                spec: spec.to_owned(),
                heads: self.ids(nodes),
            }),
        }
    }

    /// Every form but the relative ones.
    fn resolve_fixed(&self, spec: &str) -> Result<Position, TargetError> {
        match spec {
            "base" => return Ok(Position::BelowBase),
            "heads" => return Ok(self.at_or_base(self.head_nodes().collect())),
            "head" => {
                let heads: Vec<usize> = self.head_nodes().collect();
                if heads.len() > 1 {
                    return Err(TargetError::MultipleHeads {
                        spec: spec.to_owned(),
                        heads: self.ids(heads),
                    });
                }
                return Ok(self.at_or_base(heads));
            }
            _ => {}
        }
        if let Some((label, suffix)) = spec.split_once('@') {
            return self.branch_head(spec, label, suffix);
        }
        if let Some(node) = self.node(spec).or_else(|| self.labels.get(spec).copied()) {
            return Ok(Position::At(vec![node]));
        }
        if spec.chars().count() < 4 {
            return Err(TargetError::PrefixTooShort {
                spec: spec.to_owned(),
            });
        }
        let first = self
            .by_id
            .partition_point(|&node| self.revisions[node].id.as_str() < spec);
        let matching: Vec<usize> = self.by_id[first..]
            .iter()
            .copied()
            .take_while(|&node| self.revisions[node].id.starts_with(spec))
            .take(10)
            .collect();
        match matching[..] {
            [] => Err(TargetError::Unknown {
                spec: spec.to_owned(),
            }),
            [node] => Ok(Position::At(vec![node])),
            _ => Err(TargetError::AmbiguousPrefix {
                spec: spec.to_owned(),
                candidates: matching
                    .iter()
                    .map(|&node| self.revisions[node].id.clone())
                    .collect(),
            }),
        }
    }

    fn at_or_base(&self, nodes: Vec<usize>) -> Position {
        if nodes.is_empty() {
            Position::BelowBase
        } else {
            Position::At(nodes)
        }
    }

    /// `LABEL@head`: the heads among the descendants-or-self of the revision declaring LABEL.
    fn branch_head(&self, spec: &str, label: &str, suffix: &str) -> Result<Position, TargetError> {
        if suffix != "head" {
            return Err(TargetError::UnknownLabelSuffix {
                spec: spec.to_owned(),
                label: label.to_owned(),
            });
        }
        let Some(&start) = self.labels.get(label) else {
            let mut known: Vec<String> = self.labels.keys().cloned().collect();
            known.sort();
            return Err(TargetError::UnknownLabel {
                spec: spec.to_owned(),
                label: label.to_owned(),
                known,
            });
        };
        let branch = self.reachable([start], &self.children);
        let heads: Vec<usize> = self.head_nodes().filter(|&node| branch[node]).collect();
        if heads.len() > 1 {
            let (spec, label) = (spec.to_owned(), label.to_owned());
            return Err(TargetError::MultipleBranchHeads {
                spec,
                label,
                heads: self.ids(heads),
            });
        }
        Ok(Position::At(heads))
    }
}
