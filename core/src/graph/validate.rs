//! Building a [`Graph`] from revision headers, and the errors that reject a project (SPEC 4).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::path::PathBuf;

use super::order::kahn;
use super::Graph;
use crate::revision::RevisionHeader;

/// Why a set of revision files does not form a valid graph. Each names the file(s) to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two files declare the same revision id.
    #[error(
        "{}: revision id `{id}` is also declared in {}; every revision needs its own id \
         (change `revision` in one of the files)",
        .second.display(), .first.display()
    )]
    DuplicateId {
        /// The id declared twice.
        id: String,
        /// The file read first.
        first: PathBuf,
        /// The file read second.
        second: PathBuf,
    },
    /// A `down_revision` names a revision no file declares.
    #[error(
        "{}: revision `{id}` has down_revision `{parent}`, but no revision file declares that id \
         (fix down_revision or restore the missing file)",
        .path.display()
    )]
    MissingParent {
        /// The revision with the dangling parent.
        id: String,
        /// The parent that does not exist.
        parent: String,
        /// The file of `id`.
        path: PathBuf,
    },
    /// A `depends_on` names a revision no file declares.
    #[error(
        "{}: revision `{id}` depends_on `{dependency}`, but no revision file declares that id \
         (fix depends_on or restore the missing file)",
        .path.display()
    )]
    MissingDependency {
        /// The revision with the dangling dependency.
        id: String,
        /// The dependency that does not exist.
        dependency: String,
        /// The file of `id`.
        path: PathBuf,
    },
    /// Revisions that need each other, directly or through others.
    #[error(
        "{}: revisions form a cycle: {} (each lists the next in down_revision or depends_on); \
         a revision cannot come after itself",
        .path.display(), cycle_text(.ids)
    )]
    Cycle {
        /// The ids around one cycle, each needing the next and the last needing the first.
        ids: Vec<String>,
        /// The file of the first id.
        path: PathBuf,
    },
    /// Two revisions declare the same branch label.
    #[error(
        "{}: branch label `{label}` of revision `{second_id}` is already declared by revision \
         `{first_id}` in {}; a label names one branch (rename one of them)",
        .second.display(), .first.display()
    )]
    DuplicateBranchLabel {
        /// The label declared twice.
        label: String,
        /// The revision read first.
        first_id: String,
        /// Its file.
        first: PathBuf,
        /// The revision read second.
        second_id: String,
        /// Its file.
        second: PathBuf,
    },
    /// A branch label that target syntax could not address.
    #[error("{}: branch label `{label}` of revision `{id}` {reason}", .path.display())]
    InvalidBranchLabel {
        /// The label.
        label: String,
        /// The revision declaring it.
        id: String,
        /// Its file.
        path: PathBuf,
        /// What is wrong, and what a label may be.
        reason: String,
    },
}

fn cycle_text(ids: &[String]) -> String {
    let mut text = ids.join(" -> ");
    if let Some(first) = ids.first() {
        text.push_str(" -> ");
        text.push_str(first);
    }
    text
}

impl Graph {
    /// Validates revision headers and builds the graph.
    ///
    /// Checks, in this order, reporting the first problem found: duplicate ids, parents and
    /// dependencies that do not exist, branch labels (declared twice, equal to a revision id,
    /// or unusable in a target), cycles (a revision listing itself is one). A parent or
    /// dependency listed twice counts once. O(n log n) for n revisions, without recursion.
    pub fn new(revisions: Vec<RevisionHeader>) -> Result<Graph, GraphError> {
        let index = index_ids(&revisions)?;
        let parents = resolve_edges(&revisions, &index, Edge::Parent)?;
        let dependencies = resolve_edges(&revisions, &index, Edge::Dependency)?;
        let labels = index_labels(&revisions, &index)?;
        let needs: Vec<Vec<usize>> = parents
            .iter()
            .zip(&dependencies)
            .map(|(parents, dependencies)| sorted_unique(parents.iter().chain(dependencies)))
            .collect();

        let rank = creation_rank(&revisions);
        let needed_by = invert(&needs);
        let all = vec![true; revisions.len()];
        let order = kahn(&all, &needs, &needed_by, |node| Reverse(rank[node]));
        if order.len() < revisions.len() {
            return Err(find_cycle(&revisions, &needs, &order));
        }
        Ok(renumber(revisions, &order, &parents, &needs, &rank, labels))
    }
}

fn index_ids(revisions: &[RevisionHeader]) -> Result<HashMap<String, usize>, GraphError> {
    let mut index = HashMap::with_capacity(revisions.len());
    for (node, revision) in revisions.iter().enumerate() {
        if let Some(&first) = index.get(revision.id.as_str()) {
            let first: &RevisionHeader = &revisions[first];
            return Err(GraphError::DuplicateId {
                id: revision.id.clone(),
                first: first.path.clone(),
                second: revision.path.clone(),
            });
        }
        index.insert(revision.id.clone(), node);
    }
    Ok(index)
}

#[derive(Clone, Copy)]
enum Edge {
    Parent,
    Dependency,
}

/// Node numbers of each revision's parents (or dependencies), ascending, without repeats.
fn resolve_edges(
    revisions: &[RevisionHeader],
    index: &HashMap<String, usize>,
    edge: Edge,
) -> Result<Vec<Vec<usize>>, GraphError> {
    let mut resolved = Vec::with_capacity(revisions.len());
    for revision in revisions {
        let listed = match edge {
            Edge::Parent => &revision.down_revisions,
            Edge::Dependency => &revision.depends_on,
        };
        let mut nodes = Vec::with_capacity(listed.len());
        for other in listed {
            match index.get(other.as_str()) {
                Some(&node) => nodes.push(node),
                None => {
                    let (id, path) = (revision.id.clone(), revision.path.clone());
                    return Err(match edge {
                        Edge::Parent => GraphError::MissingParent {
                            id,
                            parent: other.clone(),
                            path,
                        },
                        Edge::Dependency => GraphError::MissingDependency {
                            id,
                            dependency: other.clone(),
                            path,
                        },
                    });
                }
            }
        }
        resolved.push(sorted_unique(&nodes));
    }
    Ok(resolved)
}

/// The node declaring each branch label, after checking that every label is usable.
fn index_labels(
    revisions: &[RevisionHeader],
    index: &HashMap<String, usize>,
) -> Result<HashMap<String, usize>, GraphError> {
    let mut labels: HashMap<String, usize> = HashMap::new();
    for (node, revision) in revisions.iter().enumerate() {
        for label in &revision.branch_labels {
            let invalid = |reason: String| GraphError::InvalidBranchLabel {
                label: label.clone(),
                id: revision.id.clone(),
                path: revision.path.clone(),
                reason,
            };
            if let Some(reason) = unusable_label(label) {
                return Err(invalid(reason.to_owned()));
            }
            if let Some(&other) = index.get(label.as_str()) {
                return Err(invalid(format!(
                    "is also the id of revision `{label}` in {}; a label must differ from every id",
                    revisions[other].path.display()
                )));
            }
            match labels.get(label.as_str()) {
                Some(&first) if first == node => {} // listed twice in one file: harmless
                Some(&first) => {
                    return Err(GraphError::DuplicateBranchLabel {
                        label: label.clone(),
                        first_id: revisions[first].id.clone(),
                        first: revisions[first].path.clone(),
                        second_id: revision.id.clone(),
                        second: revision.path.clone(),
                    });
                }
                None => {
                    labels.insert(label.clone(), node);
                }
            }
        }
    }
    Ok(labels)
}

/// Why `label` could not be written in a target, if it could not.
fn unusable_label(label: &str) -> Option<&'static str> {
    if label.is_empty() {
        Some("is empty; a label needs at least one character")
    } else if matches!(label, "head" | "heads" | "base") {
        Some("is a target keyword (head, heads, base); choose another name")
    } else if label.starts_with(['+', '-']) {
        Some("starts with `+` or `-`, which mark a relative target; choose another name")
    } else if label.contains(['@', ':']) || label.chars().any(char::is_whitespace) {
        Some("contains `@`, `:` or whitespace, which target syntax reserves; choose another name")
    } else {
        None
    }
}

/// Each node's position when all are sorted by (`created`, id); `None` sorts first.
fn creation_rank(revisions: &[RevisionHeader]) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..revisions.len()).collect();
    sorted.sort_by(|&a, &b| {
        let (a, b) = (&revisions[a], &revisions[b]);
        (a.created, &a.id).cmp(&(b.created, &b.id))
    });
    let mut rank = vec![0; revisions.len()];
    for (position, node) in sorted.into_iter().enumerate() {
        rank[node] = position;
    }
    rank
}

fn sorted_unique<'a>(nodes: impl IntoIterator<Item = &'a usize>) -> Vec<usize> {
    let mut nodes: Vec<usize> = nodes.into_iter().copied().collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes
}

/// The reverse adjacency of `edges`; each list comes out ascending.
fn invert(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut inverse = vec![Vec::new(); edges.len()];
    for (node, targets) in edges.iter().enumerate() {
        for &target in targets {
            inverse[target].push(node);
        }
    }
    inverse
}

/// One cycle among the nodes Kahn's algorithm could not order.
///
/// Every such node waits on another such node, so following those from any of them must
/// come back to a node already seen; the loop from there is a cycle. It is rotated to start
/// at its smallest id, so the error does not depend on the order files were read in.
fn find_cycle(revisions: &[RevisionHeader], needs: &[Vec<usize>], ordered: &[usize]) -> GraphError {
    let mut stuck = vec![true; revisions.len()];
    for &node in ordered {
        stuck[node] = false;
    }
    let start = (0..revisions.len())
        .filter(|&node| stuck[node])
        .min_by(|&a, &b| revisions[a].id.cmp(&revisions[b].id));
    let mut position_in_walk: Vec<Option<usize>> = vec![None; revisions.len()];
    let mut walk = Vec::new();
    let mut next = start;
    while let Some(node) = next {
        if let Some(position) = position_in_walk[node] {
            walk.drain(..position);
            break;
        }
        position_in_walk[node] = Some(walk.len());
        walk.push(node);
        next = needs[node].iter().copied().find(|&other| stuck[other]);
    }
    if let Some(smallest) =
        (0..walk.len()).min_by(|&a, &b| revisions[walk[a]].id.cmp(&revisions[walk[b]].id))
    {
        walk.rotate_left(smallest);
    }
    GraphError::Cycle {
        ids: walk
            .iter()
            .map(|&node| revisions[node].id.clone())
            .collect(),
        path: walk
            .first()
            .map(|&node| revisions[node].path.clone())
            .unwrap_or_default(),
    }
}

/// Renumbers the nodes so that node numbers follow `order`, the upgrade order of the graph.
fn renumber(
    revisions: Vec<RevisionHeader>,
    order: &[usize],
    parents: &[Vec<usize>],
    needs: &[Vec<usize>],
    rank: &[usize],
    labels: HashMap<String, usize>,
) -> Graph {
    let mut new_of_old = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of_old[old] = new;
    }
    let remap = |lists: &[Vec<usize>]| -> Vec<Vec<usize>> {
        order
            .iter()
            .map(|&old| {
                let mut list: Vec<usize> =
                    lists[old].iter().map(|&node| new_of_old[node]).collect();
                list.sort_unstable();
                list
            })
            .collect()
    };
    let parents = remap(parents);
    let needs = remap(needs);
    let mut slots: Vec<Option<RevisionHeader>> = revisions.into_iter().map(Some).collect();
    let revisions: Vec<RevisionHeader> =
        order.iter().filter_map(|&old| slots[old].take()).collect();
    let index = revisions
        .iter()
        .enumerate()
        .map(|(node, revision)| (revision.id.clone(), node))
        .collect();
    let mut by_id: Vec<usize> = (0..revisions.len()).collect();
    by_id.sort_by(|&a, &b| revisions[a].id.cmp(&revisions[b].id));
    Graph {
        index,
        children: invert(&parents),
        needed_by: invert(&needs),
        parents,
        needs,
        rank: order.iter().map(|&old| rank[old]).collect(),
        labels: labels
            .into_iter()
            .map(|(label, old)| (label, new_of_old[old]))
            .collect(),
        by_id,
        revisions,
    }
}
