//! retort-mysql-plugin: the built-in MySQL/MariaDB driver exported as a dialect plugin, for
//! a `retort` built without it (`--plugin path/to/libretort_mysql_plugin.so`). A separate
//! crate so that the exported entry symbol never clashes with another driver's.

retort_core::export_dialect!(retort_mysql::MysqlDialect::new());
