//! Why a target could not be resolved.

use crate::graph::id_list;

/// A target that does not name revisions of this graph. Each says what was given and what
/// would work; the CLI treats all as bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Nothing was given.
    #[error("empty target: expected {FORMS}")]
    Empty,
    /// No revision, label or keyword matches.
    #[error("no revision, branch label or keyword matches `{spec}`: expected {FORMS}")]
    Unknown {
        /// What was given.
        spec: String,
    },
    /// Too short to be taken as an id prefix.
    #[error(
        "`{spec}` matches no revision id or branch label, and a prefix needs at least 4 \
         characters: give more of the id"
    )]
    PrefixTooShort {
        /// What was given.
        spec: String,
    },
    /// A prefix of several ids.
    #[error("`{spec}` is ambiguous: it starts the ids {}; give more characters", id_list(.candidates))]
    AmbiguousPrefix {
        /// What was given.
        spec: String,
        /// The ids it starts (at most 10, sorted).
        candidates: Vec<String>,
    },
    /// `head` with several heads.
    #[error(
        "`{spec}`: there are several heads ({}); name one (an id or LABEL@head), use `heads` \
         for all of them, or join them with `retort merge heads`",
        id_list(.heads)
    )]
    MultipleHeads {
        /// What was given.
        spec: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// `LABEL@head` where the branch has several heads.
    #[error("`{spec}`: branch `{label}` has several heads ({}); name one of them", id_list(.heads))]
    MultipleBranchHeads {
        /// What was given.
        spec: String,
        /// The label.
        label: String,
        /// The heads of its branch.
        heads: Vec<String>,
    },
    /// `LABEL@head` with a label no revision declares.
    #[error("`{spec}`: no revision declares branch label `{label}` (known labels: {})", id_list(.known))]
    UnknownLabel {
        /// What was given.
        spec: String,
        /// The label looked for.
        label: String,
        /// Every declared label, sorted.
        known: Vec<String>,
    },
    /// `X@SUFFIX` with a suffix other than `head`.
    #[error("`{spec}`: after `@` only `head` is understood, as in `{label}@head`")]
    UnknownLabelSuffix {
        /// What was given.
        spec: String,
        /// The part before `@`.
        label: String,
    },
    /// The database records a revision the graph does not hold.
    #[error(
        "the database's current head `{id}` is not declared by any revision file; restore the \
         file, or name an absolute target"
    )]
    UnknownCurrentHead {
        /// The unknown id.
        id: String,
    },
    /// `+N` / `-N` while the database has several heads.
    #[error(
        "`{spec}` is relative to the current head, but the database has several ({}); \
         name one with the step, as in `{}{spec}`, or use LABEL@head",
        id_list(.heads), .heads.first().map_or("", String::as_str)
    )]
    MultipleCurrentHeads {
        /// What was given.
        spec: String,
        /// The database's current heads.
        heads: Vec<String>,
    },
    /// `REV+N` / `REV-N` where `REV` names several revisions.
    #[error(
        "`{spec}`: `{rev}` names several revisions ({}), and a relative step needs one; \
         name one of them",
        id_list(.revisions)
    )]
    NotSingle {
        /// What was given.
        spec: String,
        /// The part before the step.
        rev: String,
        /// What it names.
        revisions: Vec<String>,
    },
    /// A step of zero or too large a number.
    #[error(
        "`{spec}`: a relative step needs a whole number from 1 on, as in `+1`, `-2` or `ab12-1`"
    )]
    InvalidStep {
        /// What was given.
        spec: String,
    },
    /// `+N` passing a revision with several children.
    #[error(
        "`{spec}` is ambiguous: from {from} the next revisions are {}; name the one you mean \
         (an id, or LABEL@head)",
        id_list(.choices)
    )]
    AmbiguousStep {
        /// What was given.
        spec: String,
        /// Where the step started: a quoted id, or `base`.
        from: String,
        /// The revisions it could move to.
        choices: Vec<String>,
    },
    /// `+N` moving above a head.
    #[error(
        "`{spec}` moves past the end of the graph: nothing is above {from}; `heads` is the top"
    )]
    BeyondHead {
        /// What was given.
        spec: String,
        /// Where it got stuck: a quoted id, or `base` in a project without revisions.
        from: String,
    },
    /// `-N` moving below `base`.
    #[error("`{spec}` moves below base; use `base` to revert everything")]
    BelowBase {
        /// What was given.
        spec: String,
    },
    /// `-N` reaching below `base` on some branches but not on others.
    #[error(
        "`{spec}` moves below base from {} but not from the other revisions it reaches; \
         use `base`, or name the revisions to keep",
        id_list(.bases)
    )]
    UnevenBase {
        /// What was given.
        spec: String,
        /// The bases it would step below.
        bases: Vec<String>,
    },
}

const FORMS: &str = "head, heads, base, a revision id, a unique id prefix of at least 4 \
    characters, a branch label, LABEL@head, +N, -N, REV+N or REV-N";
