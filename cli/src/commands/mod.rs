//! One module per group of commands; each takes parsed arguments and prints its result.

pub(crate) mod accept;
pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod drift;
pub(crate) mod gauntlet;
pub(crate) mod graph;
pub(crate) mod init;
pub(crate) mod inspect;
pub(crate) mod migrate;
pub(crate) mod plugin;
pub(crate) mod rendered_checks;
pub(crate) mod revision;
pub(crate) mod status;
