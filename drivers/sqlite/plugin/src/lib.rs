//! retort-sqlite-plugin: the built-in SQLite driver exported as a dialect plugin, for a
//! `retort` built without it (`--plugin path/to/libretort_sqlite_plugin.so`). A separate
//! crate so that the exported entry symbol never clashes with another driver's.

retort_core::export_dialect!(retort_sqlite::SqliteDialect::new());
