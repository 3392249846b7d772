//! Ready-made [`Factory`]s: one SQLite-style file per case, or one database per case on a
//! server. Used by the project's tests and by `retort plugin check`.

use crate::{Factory, TestDatabase};
use retort_core::db_url::DatabaseUrl;
use retort_core::Dialect;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One fresh database file per case, in a temporary directory, under the dialect's URL
/// scheme (`{scheme}://{dir}/{case}.db`).
#[derive(Debug)]
pub struct FileDatabases {
    dialect: Box<dyn Dialect>,
    scheme: String,
    dir: tempfile::TempDir,
}

impl FileDatabases {
    /// Files for `dialect`, named with `scheme` (one of its URL schemes).
    pub fn new(dialect: Box<dyn Dialect>, scheme: &str) -> Result<FileDatabases, String> {
        Ok(FileDatabases {
            dialect,
            scheme: scheme.to_string(),
            dir: tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?,
        })
    }
}

impl Factory for FileDatabases {
    fn dialect(&self) -> &dyn Dialect {
        &*self.dialect
    }

    fn create(&self, case: &str) -> Result<TestDatabase, String> {
        let path = self.dir.path().join(format!("{case}.db"));
        let url = DatabaseUrl::parse(&format!("{}://{}", self.scheme, path.display()))
            .map_err(|e| e.to_string())?;
        Ok(TestDatabase {
            url,
            handle: path.display().to_string(),
        })
    }

    fn dispose(&self, database: TestDatabase) {
        let _ = std::fs::remove_file(&database.handle);
    }
}

/// One database per case on the server of a base URL, created and dropped through the
/// dialect's `create_database` / `drop_database`, with unique names.
#[derive(Debug)]
pub struct ServerDatabases {
    dialect: Box<dyn Dialect>,
    /// The server URL as given; its database serves as maintenance database.
    base: String,
}

/// Numbers databases uniquely across every factory of this process.
static DATABASE_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl ServerDatabases {
    /// Databases for `dialect` on the server `base` names (the URL with its password).
    pub fn new(dialect: Box<dyn Dialect>, base: &str) -> ServerDatabases {
        ServerDatabases {
            dialect,
            base: base.to_string(),
        }
    }

    /// The URL of database `name` on the same server.
    fn url_of(&self, name: &str) -> Result<DatabaseUrl, String> {
        DatabaseUrl::parse(&crate::servers::with_database(&self.base, name))
            .map_err(|e| e.to_string())
    }
}

impl Factory for ServerDatabases {
    fn dialect(&self) -> &dyn Dialect {
        &*self.dialect
    }

    fn create(&self, case: &str) -> Result<TestDatabase, String> {
        let name = format!(
            "retort_{}_{}_{}",
            std::process::id(),
            DATABASE_COUNTER.fetch_add(1, Ordering::SeqCst),
            case.chars().take(30).collect::<String>()
        );
        let url = self.url_of(&name)?;
        self.dialect
            .create_database(&url)
            .map_err(|e| format!("creating database {name}: {e}"))?;
        Ok(TestDatabase { url, handle: name })
    }

    fn dispose(&self, database: TestDatabase) {
        if let Err(error) = self.dialect.drop_database(&database.url) {
            eprintln!("could not drop test database {}: {error}", database.handle);
        }
    }
}

/// The factory `retort plugin check` uses for `url`: per-case databases on the same server
/// for a server URL (one with a host, of a dialect that can create databases), else one
/// file per case under the URL's scheme.
pub fn for_url(dialect: Box<dyn Dialect>, url: &DatabaseUrl) -> Result<Box<dyn Factory>, String> {
    let capabilities = dialect.capabilities();
    let server = !capabilities.local_file_database && capabilities.create_database;
    if server && url.host().is_some() {
        Ok(Box::new(ServerDatabases::new(
            dialect,
            url.expose_secret_str(),
        )))
    } else {
        Ok(Box::new(FileDatabases::new(dialect, url.scheme())?))
    }
}
