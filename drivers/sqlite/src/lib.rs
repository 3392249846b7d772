//! The SQLite dialect of retort (SPEC 9): rendering operations to SQLite SQL, with the
//! table rebuild where SQLite cannot alter in place, and a rusqlite connection (bundled
//! SQLite) that executes, locks and introspects.

mod connection;
mod create_sql;
mod introspect;
mod literal;
mod quote;
mod render;
mod types;

pub use connection::SqliteConnection;
pub use quote::{quote_identifier, quote_string};
pub use render::REBUILD_PREFIX;
pub use types::{parse_declared, render_type};

use retort_core::db_url::{DatabaseUrl, FileLocation};
use retort_core::dialect::{
    Capabilities, DbError, DialectError, OfflineScript, RenderMode, Statement,
};
use retort_core::diff::SpellingRules;
use retort_core::revision::ops::Operation;
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::sql::SqlSyntax;
use retort_core::{Connection, Dialect};
use std::path::PathBuf;

/// The dialect's name.
pub const SQLITE: &str = "sqlite";

/// Offline scripts: the foreign-key violations there were before the script ran.
const FK_BASELINE: &str = "temp.retort_fk_baseline";
/// Offline scripts: a row per commit, refused unless no violation was added.
const FK_GUARD: &str = "temp.retort_fk_guard";

/// The SQLite dialect.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqliteDialect;

impl SqliteDialect {
    /// The dialect.
    pub fn new() -> SqliteDialect {
        SqliteDialect
    }
}

impl Dialect for SqliteDialect {
    fn name(&self) -> &str {
        SQLITE
    }

    fn url_schemes(&self) -> Vec<String> {
        vec![String::from("sqlite")]
    }

    fn version(&self) -> String {
        format!(
            "{} (SQLite {})",
            env!("CARGO_PKG_VERSION"),
            rusqlite::version()
        )
    }

    fn offline_script(&self) -> OfflineScript {
        let mut script = OfflineScript::new();
        script.prologue = vec![
            // For the sqlite3 shell: stop at the first error, so that a failed statement
            // of a table rebuild can never be followed by the DROP of the old table.
            String::from(".bail on"),
            // A rebuild drops the old table; with foreign keys on, that cascades to child
            // rows, and the pragma cannot be changed inside a transaction.
            String::from("PRAGMA foreign_keys = OFF;"),
            // What the connection does online: the violations already there do not count,
            // new ones fail the revision (see the commit checks below). Dropped first, so that
            // a script can follow another in one session.
            format!("DROP TABLE IF EXISTS {FK_BASELINE};"),
            format!(
                "CREATE TEMP TABLE {FK_BASELINE} AS SELECT \"table\" AS child, rowid AS \
                 row_id, \"parent\" AS parent, fkid FROM pragma_foreign_key_check;"
            ),
            format!("DROP TABLE IF EXISTS {FK_GUARD};"),
            format!(
                "CREATE TEMP TABLE {FK_GUARD} (new_violations INTEGER CONSTRAINT \
                 \"the revision breaks foreign keys (see PRAGMA foreign_key_check)\" \
                 CHECK (new_violations = 0));"
            ),
        ];
        // New violations: those of rows with a rowid that were not there before (a set
        // difference, which SQLite does with a temporary b-tree, not a scan per row), and
        // those of `WITHOUT ROWID` rows, which have no rowid, by how many more there are of
        // each child table, parent table and foreign key.
        script.commit_checks = vec![format!(
            "WITH now AS MATERIALIZED (SELECT \"table\" AS child, rowid AS row_id, \
             \"parent\" AS parent, fkid FROM pragma_foreign_key_check) \
             INSERT INTO {FK_GUARD} SELECT \
             (SELECT count(*) FROM (SELECT child, row_id, parent, fkid FROM now \
             WHERE row_id IS NOT NULL EXCEPT SELECT child, row_id, parent, fkid \
             FROM {FK_BASELINE})) + \
             (SELECT count(*) FROM (SELECT child, parent, fkid, count(*) AS n FROM now \
             WHERE row_id IS NULL GROUP BY child, parent, fkid) AS g \
             WHERE g.n > (SELECT count(*) FROM {FK_BASELINE} AS b WHERE b.row_id IS NULL \
             AND b.child = g.child AND b.parent = g.parent AND b.fkid = g.fkid));"
        )];
        script
    }

    fn capabilities(&self) -> Capabilities {
        let mut capabilities = Capabilities::new();
        capabilities.transactional_ddl = true;
        capabilities.run_commits_at_unlock = true;
        capabilities.partial_indexes = true;
        capabilities.create_database = true;
        capabilities.local_file_database = true;
        capabilities
    }

    /// Every integer type is one 64-bit integer: `INTEGER PRIMARY KEY` is a `bigint` key.
    fn spelling_rules(&self) -> SpellingRules {
        let mut rules = SpellingRules::new();
        rules.integer_types_are_one = true;
        rules
    }

    fn syntax(&self) -> SqlSyntax {
        let mut syntax = SqlSyntax::new();
        syntax.identifier_quote = '"';
        syntax.backtick_identifiers = true;
        syntax.bracket_identifiers = true;
        syntax.dollar_quoting = false;
        syntax.delimiter_lines = false;
        syntax
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        literal::render_value(value)
    }

    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        render::render_operation(op, before, mode)
    }

    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        Ok(Box::new(SqliteConnection::open(url)?))
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        let path = file_path(url, "create")?;
        if path.exists() {
            return Ok(false);
        }
        rusqlite::Connection::open(&path)
            .and_then(|conn| conn.execute_batch("PRAGMA user_version = 0; VACUUM;"))
            .map_err(|e| {
                DbError::new(format!(
                    "cannot create the SQLite database {}: {e}",
                    path.display()
                ))
            })?;
        Ok(true)
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        let path = file_path(url, "drop")?;
        if !path.exists() {
            return Ok(false);
        }
        // Only a SQLite database (or an empty file, as SQLite creates) is deleted: a URL
        // that names some other file by mistake must not cost its contents.
        let mut header = [0u8; 16];
        let read = std::fs::File::open(&path)
            .and_then(|mut file| std::io::Read::read(&mut file, &mut header))
            .map_err(|e| DbError::new(format!("cannot read {}: {e}", path.display())))?;
        if read > 0 && header[..read.min(16)] != b"SQLite format 3\0"[..read.min(16)] {
            return Err(DbError::new(format!(
                "{} is not a SQLite database; retort does not delete it",
                path.display()
            )));
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            let file = PathBuf::from(name);
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(DbError::new(format!(
                        "cannot delete {}: {e}",
                        file.display()
                    )))
                }
            }
        }
        Ok(true)
    }
}

/// The database file a URL names; an in-memory database cannot be created or dropped.
fn file_path(url: &DatabaseUrl, verb: &str) -> Result<PathBuf, DbError> {
    match url.local_file() {
        Ok(FileLocation::File(path)) => Ok(path.clone()),
        Ok(FileLocation::Memory) => Err(DbError::new(format!(
            "cannot {verb} an in-memory SQLite database (`sqlite::memory:`); it lives only as long as its connection"
        ))),
        Ok(_) => Err(DbError::new(format!(
            "the URL {} names no SQLite database file",
            url.redacted()
        ))),
        Err(error) => Err(DbError::new(error.to_string())),
    }
}
