//! retort-core: everything in retort that is not one particular database.
//!
//! Data flows one way, one module per stage:
//! configuration ([`config`], [`db_url`]) → revision files ([`revision`], [`sql`]) →
//! the revision graph and its plans ([`graph`]) → a [`dialect`] renders operations against
//! the simulated [`schema`] → a connection executes → the version table ([`migrate`]).

pub mod authoring;
pub mod check;
pub mod checksum;
pub mod config;
pub mod db_url;
pub mod declared;
pub mod dialect;
pub mod diff;
pub mod graph;
pub mod known_keys;
pub mod load;
pub mod location;
pub mod migrate;
pub mod plugin;
pub mod registry;
pub mod render;
pub mod revision;
pub mod schema;
pub mod sql;
pub mod test_data;

pub use dialect::{Connection, Dialect};
pub use location::{FileError, LineCol};
pub use migrate::{Migrator, MigratorSettings};
pub use revision::{FileFormat, RevisionHeader};
