//! The databases' own clients (`sqlite3`, `psql`, `mariadb`) running offline scripts and
//! reading back what they did, on a database of the test's own that is dropped afterwards.

use retort_conformance::servers::{url_from_env, with_database};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Which database family, and where its server is.
#[derive(Debug, Clone)]
pub enum Server {
    /// SQLite files in this directory.
    Sqlite(PathBuf),
    /// A PostgreSQL server (the URL of any database on it).
    Postgres(String),
    /// A MySQL or MariaDB server.
    Mysql(String),
}

impl Server {
    /// Every family whose client and server are available, SQLite in `dir` first.
    pub fn available(dir: &Path, test: &str) -> Vec<Server> {
        let mut servers = Vec::new();
        if Command::new("sqlite3").arg("-version").output().is_ok() {
            servers.push(Server::Sqlite(dir.to_path_buf()));
        } else {
            eprintln!("SKIPPED {test} on SQLite: no sqlite3 shell on PATH");
        }
        if let Some(url) = url_from_env("RETORT_TEST_POSTGRES_URL", test) {
            servers.push(Server::Postgres(url));
        }
        if let Some(url) = url_from_env("RETORT_TEST_MYSQL_URL", test) {
            servers.push(Server::Mysql(url));
        }
        servers
    }

    /// A new, empty database named after `tag` and this process.
    pub fn database(&self, tag: &str) -> Database {
        let name = format!("retort_{tag}_{}", std::process::id());
        let database = match self {
            Server::Sqlite(dir) => Database::Sqlite(dir.join(format!("{name}.db"))),
            Server::Postgres(url) => Database::Postgres {
                admin: url.clone(),
                url: with_database(url, &name),
                name,
            },
            Server::Mysql(url) => Database::Mysql {
                admin: url.clone(),
                url: with_database(url, &name),
                name,
            },
        };
        database.drop_it();
        let create = format!("CREATE DATABASE {}", database.name());
        match &database {
            Database::Sqlite(_) => {}
            Database::Postgres { admin, .. } => {
                ok(psql(admin).args(["-c", &create]).output());
            }
            Database::Mysql { admin, .. } => {
                ok(mariadb(admin).args(["-e", &create]).output());
            }
        }
        database
    }
}

/// One database of a test, dropped when the test is done with it.
#[derive(Debug)]
pub enum Database {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database.
    Postgres {
        admin: String,
        url: String,
        name: String,
    },
    /// A MySQL or MariaDB database.
    Mysql {
        admin: String,
        url: String,
        name: String,
    },
}

impl Database {
    /// The URL retort connects with.
    pub fn url(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("sqlite://{}", path.display()),
            Database::Postgres { url, .. } | Database::Mysql { url, .. } => url.clone(),
        }
    }

    fn name(&self) -> &str {
        match self {
            Database::Sqlite(_) => "",
            Database::Postgres { name, .. } | Database::Mysql { name, .. } => name,
        }
    }

    /// The client running `script` as a user runs it: `sqlite3 DB < script`,
    /// `psql -f script` (the script sets ON_ERROR_STOP itself), `mariadb DB < script`.
    pub fn run_script(&self, script: &str) -> Output {
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        std::fs::write(file.path(), script).expect("write the script");
        let path = file.path().to_string_lossy().into_owned();
        let mut command = match self {
            Database::Sqlite(db) => {
                let mut command = Command::new("sqlite3");
                command.arg(db);
                command
            }
            Database::Postgres { url, .. } => {
                let mut command = psql(url);
                command.args(["-f", &path]);
                command
            }
            Database::Mysql { url, .. } => mariadb(url),
        };
        let stdin = std::fs::File::open(file.path()).expect("open the script");
        command
            .stdin(Stdio::from(stdin))
            .output()
            .expect("run the database's client")
    }

    /// The rows `sql` returns, one line each, columns separated by `|`.
    pub fn query(&self, sql: &str) -> String {
        let output = match self {
            Database::Sqlite(db) => Command::new("sqlite3").arg(db).arg(sql).output(),
            Database::Postgres { url, .. } => psql(url).args(["-A", "-t", "-c", sql]).output(),
            Database::Mysql { url, .. } => mariadb(url).args(["-N", "-B", "-e", sql]).output(),
        };
        ok(output).replace('\t', "|")
    }

    /// The tables of the database (temporary ones aside), one a line.
    pub fn tables(&self) -> String {
        self.query(match self {
            Database::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            Database::Postgres { .. } => "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
            Database::Mysql { .. } => "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
        })
    }

    /// An expression giving the bytes of the text column `column` in lowercase hex.
    pub fn hex(&self, column: &str) -> String {
        match self {
            Database::Sqlite(_) => format!("lower(hex({column}))"),
            Database::Postgres { .. } => format!("encode(convert_to({column}, 'UTF8'), 'hex')"),
            Database::Mysql { .. } => format!("LOWER(HEX({column}))"),
        }
    }

    fn drop_it(&self) {
        match self {
            Database::Sqlite(path) => {
                let _ = std::fs::remove_file(path);
            }
            Database::Postgres { admin, name, .. } => {
                let _ = psql(admin)
                    .args([
                        "-c",
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    ])
                    .output();
            }
            Database::Mysql { admin, name, .. } => {
                let _ = mariadb(admin)
                    .args(["-e", &format!("DROP DATABASE IF EXISTS {name}")])
                    .output();
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.drop_it();
    }
}

/// stdout of a client run that must succeed.
#[track_caller]
fn ok(output: std::io::Result<Output>) -> String {
    let output = output.expect("run the database's client");
    assert!(
        output.status.success(),
        "the client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn psql(url: &str) -> Command {
    let mut command = Command::new("psql");
    command.args(["-X", "-q", "-d", url]);
    command
}

/// The `mariadb` client (`mysql` where it is not installed) on the database `url` names.
fn mariadb(url: &str) -> Command {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
    let database = database.split('?').next().unwrap_or("");
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
    let client = if Command::new("mariadb").arg("--version").output().is_ok() {
        "mariadb"
    } else {
        "mysql"
    };
    let mut command = Command::new(client);
    command.args(["--host", host, "--port", port, "--user", user]);
    if !database.is_empty() {
        command.arg(database);
    }
    if !password.is_empty() {
        command.env("MYSQL_PWD", password);
    }
    command
}
