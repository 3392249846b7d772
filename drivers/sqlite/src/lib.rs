//! The SQLite dialect of retort (rusqlite, bundled SQLite). The driver arrives with the "Run migrations" issue; this crate holds its place in the workspace.
