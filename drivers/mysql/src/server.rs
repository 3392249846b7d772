//! Which servers the dialect supports, told from `SELECT VERSION()`.

/// The oldest MySQL this dialect supports: the first that enforces CHECK constraints.
const OLDEST_MYSQL: (u32, u32, u32) = (8, 0, 16);
/// The oldest MariaDB this dialect supports.
const OLDEST_MARIADB: (u32, u32, u32) = (10, 6, 0);

/// A server, from its `VERSION()` (`8.0.36`, `10.11.6-MariaDB-0+deb12u1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Server {
    pub(crate) mariadb: bool,
    pub(crate) version: (u32, u32, u32),
}

impl Server {
    /// The server `text` names; `None` if it starts with no version number.
    pub(crate) fn parse(text: &str) -> Option<Server> {
        let number = text.split(['-', '+', ' ']).next()?;
        let mut parts = number.split('.').map(|part| part.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let patch = parts.next().flatten().unwrap_or(0);
        Some(Server {
            mariadb: text.to_ascii_lowercase().contains("mariadb"),
            version: (major, minor, patch),
        })
    }

    /// Why this dialect cannot work with the server, if it cannot.
    pub(crate) fn unsupported(&self) -> Option<String> {
        let (name, oldest) = if self.mariadb {
            ("MariaDB", OLDEST_MARIADB)
        } else {
            ("MySQL", OLDEST_MYSQL)
        };
        (self.version < oldest).then(|| {
            let (major, minor, patch) = self.version;
            format!(
                "the server is {name} {major}.{minor}.{patch}; the mysql dialect needs MySQL \
                 {}.{}.{} or later (the first to enforce CHECK constraints) or MariaDB {}.{} \
                 or later",
                OLDEST_MYSQL.0, OLDEST_MYSQL.1, OLDEST_MYSQL.2, OLDEST_MARIADB.0, OLDEST_MARIADB.1
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Server;

    #[test]
    fn versions_are_read_and_old_servers_refused_naming_what_is_needed() {
        let debian = Server::parse("10.11.6-MariaDB-0+deb12u1").expect("parses");
        assert_eq!(debian.version, (10, 11, 6));
        assert!(debian.mariadb);
        assert_eq!(debian.unsupported(), None);
        assert_eq!(Server::parse("8.0.36").and_then(|s| s.unsupported()), None);
        assert_eq!(Server::parse("9.1.0").and_then(|s| s.unsupported()), None);
        let old = Server::parse("5.7.44-log").expect("parses");
        assert!(!old.mariadb);
        let message = old.unsupported().expect("refused");
        assert!(
            message.starts_with("the server is MySQL 5.7.44;")
                && message.contains("MySQL 8.0.16 or later")
                && message.contains("MariaDB 10.6 or later"),
            "{message}"
        );
        let old_maria = Server::parse("10.5.23-MariaDB").expect("parses");
        assert!(old_maria
            .unsupported()
            .expect("refused")
            .starts_with("the server is MariaDB 10.5.23;"));
        assert_eq!(
            Server::parse("8.0.15").map(|s| s.unsupported().is_some()),
            Some(true)
        );
        assert_eq!(Server::parse("unknown"), None);
    }
}
