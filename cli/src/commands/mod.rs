//! One module per group of commands; each takes parsed arguments and prints its result.

pub(crate) mod graph;
pub(crate) mod init;
pub(crate) mod revision;
