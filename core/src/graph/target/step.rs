//! Relative targets: `+N`, `-N`, `REV+N`, `REV-N` (SPEC 4).

use super::{Position, TargetError};
use crate::graph::Graph;

/// A relative move: up (towards the heads) or down, `count` times.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    up: bool,
    count: usize,
}

impl Graph {
    /// Takes `step` from `start` (`None`: below the bases).
    pub(super) fn walk(
        &self,
        spec: &str,
        start: Option<usize>,
        step: Step,
    ) -> Result<Position, TargetError> {
        if step.up {
            let mut at = start;
            for _ in 0..step.count {
                at = Some(self.step_up(spec, at)?);
            }
            return Ok(at.map_or(Position::BelowBase, |node| Position::At(vec![node])));
        }
        let mut at = start.map_or(Position::BelowBase, |node| Position::At(vec![node]));
        for _ in 0..step.count {
            at = self.step_down(spec, at)?;
        }
        Ok(at)
    }

    fn step_up(&self, spec: &str, at: Option<usize>) -> Result<usize, TargetError> {
        let (from, next): (String, Vec<usize>) = match at {
            None => ("base".to_owned(), self.base_nodes().collect()),
            Some(node) => (
                format!("`{}`", self.revisions[node].id),
                self.children[node].clone(),
            ),
        };
        match next[..] {
            [] => Err(TargetError::BeyondHead {
                spec: spec.to_owned(),
                from,
            }),
            [node] => Ok(node),
            _ => Err(TargetError::AmbiguousStep {
                spec: spec.to_owned(),
                from,
                choices: self.ids(next),
            }),
        }
    }

    fn step_down(&self, spec: &str, at: Position) -> Result<Position, TargetError> {
        let Position::At(nodes) = at else {
            return Err(TargetError::BelowBase {
                spec: spec.to_owned(),
            });
        };
        let bases: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&node| self.parents[node].is_empty())
            .collect();
        if bases.len() == nodes.len() {
            return Ok(Position::BelowBase);
        }
        if !bases.is_empty() {
            return Err(TargetError::UnevenBase {
                spec: spec.to_owned(),
                bases: self.ids(bases),
            });
        }
        let mut parents: Vec<usize> = nodes
            .iter()
            .flat_map(|&node| self.parents[node].iter().copied())
            .collect();
        parents.sort_unstable();
        parents.dedup();
        Ok(Position::At(parents))
    }
}

/// `+N` / `-N` as a step, `None` when `text` is not of that shape.
pub(super) fn parse_step(spec: &str, text: &str) -> Result<Option<Step>, TargetError> {
    let (up, digits) = match text.split_at_checked(1) {
        Some(("+", digits)) => (true, digits),
        Some(("-", digits)) => (false, digits),
        _ => return Ok(None),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Ok(None);
    }
    match digits.parse::<usize>() {
        Ok(count) if count > 0 => Ok(Some(Step { up, count })),
        _ => Err(TargetError::InvalidStep {
            spec: spec.to_owned(),
        }),
    }
}

/// Which way `spec` moves when it is a step from the current head (`+N` up: `Some(true)`,
/// `-N` down: `Some(false)`); `None` for every other form; an error for `+0` or `-0`.
pub(super) fn moves_up(spec: &str) -> Result<Option<bool>, TargetError> {
    Ok(parse_step(spec, spec)?.map(|step| step.up))
}

/// `REV+N` / `REV-N` split into `REV` and `+N`, when `spec` ends that way.
pub(super) fn split_step(spec: &str) -> Option<(&str, &str)> {
    let at = spec.rfind(['+', '-'])?;
    let (rev, step) = spec.split_at(at);
    let digits = &step[1..];
    let is_step =
        !rev.is_empty() && !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
    is_step.then_some((rev, step))
}
