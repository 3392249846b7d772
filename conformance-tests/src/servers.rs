//! Test plumbing for the database servers: the URL a test reads from the environment, and
//! the URL of another database on the same server.

/// The server URL in the environment variable `var`, or `None` after printing that `test`
/// is skipped. With `RETORT_REQUIRE_ALL_BACKENDS=1` a missing URL fails the test instead.
pub fn url_from_env(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("RETORT_REQUIRE_ALL_BACKENDS").as_deref() != Ok("1"),
                "{var} is not set, and RETORT_REQUIRE_ALL_BACKENDS=1 requires it"
            );
            eprintln!("SKIPPED {test}: {var} not set");
            None
        }
    }
}

/// `server` (a URL with or without a database) with its database replaced by `name`;
/// credentials and query parameters are kept.
pub fn with_database(server: &str, name: &str) -> String {
    let (head, query) = match server.split_once('?') {
        Some((head, query)) => (head, format!("?{query}")),
        None => (server, String::new()),
    };
    let authority_end = head
        .find("://")
        .and_then(|start| head[start + 3..].find('/').map(|i| start + 3 + i))
        .unwrap_or(head.len());
    format!("{}/{name}{query}", &head[..authority_end])
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/test?sslmode=disable", "other"),
            "postgres://u:p@h:5432/other?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(with_database("mysql://h/a/b", "c"), "mysql://h/c");
    }
}
