use std::path::{Path, PathBuf};

use super::*;

fn parse(url: &str) -> DatabaseUrl {
    match DatabaseUrl::parse(url) {
        Ok(parsed) => parsed,
        Err(error) => panic!("{url} should parse: {error}"),
    }
}

/// The error of `url` read as a server URL.
fn parse_error(url: &str) -> UrlError {
    match DatabaseUrl::parse_as(url, UrlForm::Server) {
        Ok(parsed) => panic!("{url} should not parse, got {parsed:?}"),
        Err(error) => error,
    }
}

/// The error of `url` read as naming a local file.
fn local_error(url: &str) -> UrlError {
    match DatabaseUrl::parse_as(url, UrlForm::LocalFile) {
        Ok(parsed) => panic!("{url} should not parse, got {parsed:?}"),
        Err(error) => error,
    }
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn sqlite_relative_absolute_and_memory_forms() {
    let relative = parse("sqlite://relative.db");
    assert_eq!(relative.scheme(), "sqlite");
    assert_eq!(
        relative.local_file().ok(),
        Some(&FileLocation::File(PathBuf::from("relative.db")))
    );
    assert_eq!(
        parse("sqlite:///abs/path.db").local_file().ok(),
        Some(&FileLocation::File(PathBuf::from("/abs/path.db")))
    );
    assert_eq!(
        parse("sqlite::memory:").local_file().ok(),
        Some(&FileLocation::Memory)
    );
    assert_eq!(
        parse("sqlite://:memory:").local_file().ok(),
        Some(&FileLocation::Memory)
    );
    assert_eq!(
        parse("sqlite:data/app.db").local_file().ok(),
        Some(&FileLocation::File(PathBuf::from("data/app.db")))
    );
    assert_eq!(parse("sqlite::memory:").host(), None);
}

#[test]
fn sqlite_relative_paths_resolve_against_the_base_dir_and_absolute_ones_do_not() {
    let base = Path::new("/project");
    let relative = DatabaseUrl::parse_relative_to("sqlite://data/app.db", base);
    assert_eq!(
        relative.ok().and_then(|u| u.local_file().ok().cloned()),
        Some(FileLocation::File(PathBuf::from("/project/data/app.db")))
    );
    let absolute = DatabaseUrl::parse_relative_to("sqlite:///var/app.db", base);
    assert_eq!(
        absolute.ok().and_then(|u| u.local_file().ok().cloned()),
        Some(FileLocation::File(PathBuf::from("/var/app.db")))
    );
    let memory = DatabaseUrl::parse_relative_to("sqlite::memory:", base);
    assert_eq!(
        memory.ok().and_then(|u| u.local_file().ok().cloned()),
        Some(FileLocation::Memory)
    );
}

#[test]
fn sqlite_paths_are_percent_decoded_and_queries_kept() {
    let url = parse("sqlite://my%20app.db?mode=rwc&cache=shared");
    assert_eq!(
        url.local_file().ok(),
        Some(&FileLocation::File(PathBuf::from("my app.db")))
    );
    assert_eq!(
        url.query_params(),
        params(&[("mode", "rwc"), ("cache", "shared")])
    );
    assert_eq!(url.query_param("mode"), Some("rwc"));
}

#[test]
fn postgres_url_parts() {
    let url = parse("postgres://user:pass@host:5432/db?sslmode=require");
    assert_eq!(url.scheme(), "postgres");
    assert_eq!(url.user(), Some("user"));
    assert_eq!(url.expose_password(), Some("pass"));
    assert_eq!(url.host(), Some("host"));
    assert_eq!(url.port(), Some(5432));
    assert_eq!(url.database(), Some("db"));
    assert_eq!(url.query_params(), params(&[("sslmode", "require")]));
    assert_eq!(url.check(UrlForm::Server), Ok(()));

    let alias = parse("POSTGRESQL://h/app");
    assert_eq!(alias.scheme(), "postgresql");
    assert_eq!(alias.user(), None);
    assert_eq!(alias.expose_password(), None);
    assert_eq!(alias.port(), None);
}

#[test]
fn mysql_and_mariadb_url_parts() {
    let url = parse("mysql://user:pass@host:3306/db");
    assert_eq!(
        (url.user(), url.host(), url.port(), url.database()),
        (Some("user"), Some("host"), Some(3306), Some("db"))
    );
    let maria = parse("mariadb://root@localhost");
    assert_eq!(maria.scheme(), "mariadb");
    assert_eq!(maria.database(), None);
}

#[test]
fn server_hosts_ipv6_sockets_and_decoded_credentials() {
    let v6 = parse("postgres://[::1]:6543/db");
    assert_eq!((v6.host(), v6.port()), (Some("::1"), Some(6543)));
    let socket = parse("postgres://%2Fvar%2Frun%2Fpostgresql/db");
    assert_eq!(socket.host(), Some("/var/run/postgresql"));
    let no_host = parse("postgres:///db");
    assert_eq!((no_host.host(), no_host.database()), (None, Some("db")));
    let encoded = parse("postgres://us%40er:p%40ss%3Aw%2Fo%25rd@h/my%20db");
    assert_eq!(encoded.user(), Some("us@er"));
    assert_eq!(encoded.expose_password(), Some("p@ss:w/o%rd"));
    assert_eq!(encoded.database(), Some("my db"));
}

#[test]
fn every_scheme_is_parsed_alike_and_its_dialect_picks_the_form() {
    let url = parse("DuckDB://us%20er:pw@files:7/main%20db?threads=4");
    assert_eq!(url.scheme(), "duckdb");
    assert_eq!(
        (url.user(), url.expose_password(), url.host(), url.port()),
        (Some("us er"), Some("pw"), Some("files"), Some(7))
    );
    assert_eq!(url.database(), Some("main db"));
    assert_eq!(url.query_params(), params(&[("threads", "4")]));
    assert_eq!(url.check(UrlForm::Server), Ok(()));
    // Any scheme can name a local file, when its dialect says its database is one.
    let file = parse("sqlite+strict://data/app.db?mode=ro");
    assert_eq!(
        file.local_file(),
        Ok(&FileLocation::File(PathBuf::from("data/app.db")))
    );
    assert_eq!(file.query_param("mode"), Some("ro"));
    assert_eq!(parse("x::memory:").local_file(), Ok(&FileLocation::Memory));
    // `scheme::memory:` is no server URL; the error names the scheme.
    assert_eq!(
        parse("x::memory:")
            .check(UrlForm::Server)
            .map_err(|e| e.to_string()),
        Err(String::from(
            "database URL `x::memory:` is invalid: expected `x://` followed by \
             `user:password@host:port/database`"
        ))
    );
    assert_eq!(
        local_error("duckdb://").to_string(),
        "database URL `duckdb://` names no database file: expected `duckdb://relative.db`, \
         `duckdb:///abs/path.db` or `duckdb::memory:`"
    );
}

#[test]
fn the_form_comes_from_the_dialects_capabilities() {
    let mut capabilities = Capabilities::new();
    assert_eq!(UrlForm::of(&capabilities), UrlForm::Server);
    capabilities.local_file_database = true;
    assert_eq!(UrlForm::of(&capabilities), UrlForm::LocalFile);
}

#[test]
fn empty_missing_scheme_bad_port_and_no_sqlite_path_are_errors() {
    assert_eq!(parse_error(""), UrlError::Empty);
    assert_eq!(parse_error("   "), UrlError::Empty);
    for url in ["app.db", "://x", "1pg://h"] {
        assert!(
            matches!(parse_error(url), UrlError::MissingScheme { .. }),
            "{url}"
        );
    }
    // A word and a colon make a scheme (no dialect may serve it): not a server URL.
    for (url, scheme) in [
        ("localhost:5432/db", "localhost"),
        ("C:\\data\\app.db", "c"),
    ] {
        assert_eq!(
            parse_error(url).to_string(),
            format!(
                "database URL `{url}` is invalid: expected `{scheme}://` followed by \
                 `user:password@host:port/database`"
            )
        );
    }
    assert_eq!(
        parse_error("postgres://h:abc/db"),
        UrlError::InvalidPort {
            // A port that is not a number could be a password: it is masked too.
            url: "postgres://h:***/db".into()
        }
    );
    assert!(matches!(
        parse_error("mysql://h:70000/db"),
        UrlError::InvalidPort { .. }
    ));
    assert!(matches!(
        local_error("sqlite://"),
        UrlError::MissingFilePath { .. }
    ));
    assert!(matches!(
        local_error("sqlite://?mode=ro"),
        UrlError::MissingFilePath { .. }
    ));
    let no_slashes = parse_error("postgres:db");
    assert_eq!(
        no_slashes.to_string(),
        "database URL `postgres:db` is invalid: expected `postgres://` followed by \
         `user:password@host:port/database`"
    );
    assert!(matches!(
        parse_error("postgres://u:p%FF@h/db"),
        UrlError::Invalid { .. }
    ));
}

#[test]
fn invalid_percent_escapes_are_url_errors_that_do_not_show_the_password() {
    for (url, part) in [
        ("postgres://app:se%ZZcret@db/prod", "password"),
        ("postgres://app:secret%@db/prod", "password"),
        ("mysql://app:s%4@db/prod", "password"),
        ("postgres://ap%G1p@db/prod", "user name"),
        ("postgres://app@db/pr%zzod", "database name"),
        ("postgres://app@db/prod?password=se%ZZcret", "query"),
    ] {
        let error = parse_error(url);
        let text = error.to_string();
        assert!(matches!(error, UrlError::Invalid { .. }), "{url}: {text}");
        assert!(
            text.contains(&format!(
                "the {part} holds a `%` that is not followed by two hex digits"
            )),
            "{url}: {text}"
        );
        assert!(
            !text.contains("secret") && !text.contains("%ZZ"),
            "{url}: {text}"
        );
    }
    // Valid escapes, and SQLite paths (written as paths), are unaffected.
    assert_eq!(
        parse("postgres://a:p%25w@h/db").expose_password(),
        Some("p%w")
    );
    assert!(parse("sqlite:///tmp/50%off.db").local_file().is_ok());
}

#[test]
fn display_and_debug_are_redacted_and_the_secret_is_explicit() {
    let raw = "postgres://app:s3cret@db/prod?sslmode=require&password=other";
    let url = parse(raw);
    let expected = "postgres://app:***@db/prod?sslmode=require&password=***";
    assert_eq!(url.to_string(), expected);
    assert_eq!(url.redacted(), expected);
    assert_eq!(format!("{url:?}"), format!("DatabaseUrl({expected:?})"));
    assert_eq!(url.expose_secret_str(), raw);
    // The decoded parameters still carry the value a driver needs.
    assert_eq!(url.query_param("password"), Some("other"));
}

#[test]
fn redaction_of_awkward_passwords() {
    let cases = [
        ("postgres://app:pass@db/prod", "postgres://app:***@db/prod"),
        ("postgres://app:p@ss@db/prod", "postgres://app:***@db/prod"),
        (
            "postgres://app:p:a:ss@db:5432/prod",
            "postgres://app:***@db:5432/prod",
        ),
        (
            "postgres://app:p%40s%3As@db/prod",
            "postgres://app:***@db/prod",
        ),
        ("postgres://app:123/x@db/prod", "postgres://app:***@db/prod"),
        ("mysql://app:pa?ss@db/prod", "mysql://app:***@db/prod"),
        // An `@` in the query does not swallow the host.
        (
            // An `@` in the query might end a password: everything before it is hidden.
            "postgres://app:pw@db/prod?application_name=a@b",
            "postgres://app:***@b",
        ),
        ("postgres://app@db/prod", "postgres://app@db/prod"),
        ("postgres://db/prod", "postgres://db/prod"),
        ("sqlite::memory:", "sqlite::memory:"),
        (
            "sqlite:///abs/app.db?mode=ro",
            "sqlite:///abs/app.db?mode=ro",
        ),
        (
            "x://h/d?PassWord=a&PWD=b&pass=c&user=u&sslpassword=d&authToken=e#f",
            "x://h/d?PassWord=***&PWD=***&pass=***&user=u&sslpassword=***&authToken=***",
        ),
        ("x://h/d?pass%77ord=a", "x://h/d?pass%77ord=***"),
        // Unescaped `?` and `@` in a password, a password without a host, a fragment.
        ("postgres://u:p@ss?x@h/db", "postgres://u:***@h/db"),
        ("postgres://u:secret", "postgres://u:***"),
        ("postgres://h/db#password=x", "postgres://h/db#***"),
        ("postgres://[::1]/db", "postgres://[::1]/db"),
        ("postgres://h:5432/db", "postgres://h:5432/db"),
    ];
    for (raw, expected) in cases {
        assert_eq!(redact_url(raw), expected, "{raw}");
    }
}

#[test]
fn redaction_works_on_strings_that_do_not_parse() {
    // Missing `//`, missing scheme, bad port: the password is still hidden.
    assert_eq!(redact_url("mysql:app:pw@h/db"), "mysql:***@h/db");
    assert_eq!(redact_url("app:pw@h/db"), "app:***@h/db");
    assert_eq!(
        redact_url("postgres://app:pw@h:99999/db"),
        "postgres://app:***@h:99999/db"
    );
    let error = parse_error("postgres://app:hunter2@h:99999/db");
    assert_eq!(
        error.to_string(),
        "database URL `postgres://app:***@h:99999/db` has an invalid port: \
         expected a number from 0 to 65535 after `host:`"
    );
    for url in [
        "postgres://app:hunter2@h:abc/db",
        "postgres:app:hunter2@h/db",
        "app:hunter2@h/db",
        "postgres://app:hunter2@/db",
        "postgres://app:hunter2@h/%FF?password=hunter2",
    ] {
        let error = parse_error(url);
        assert!(!error.to_string().contains("hunter2"), "{url}: {error}");
        assert!(
            !format!("{error:?}").contains("hunter2"),
            "{url}: {error:?}"
        );
    }
}

#[test]
fn from_str_matches_parse() {
    let parsed: Result<DatabaseUrl, _> = "sqlite::memory:".parse();
    assert_eq!(parsed.ok(), DatabaseUrl::parse("sqlite::memory:").ok());
}

#[test]
fn another_database_on_the_same_server_keeps_credentials_and_parameters() {
    let url = DatabaseUrl::parse("postgres://u:p%40ss@h:5433/app?sslmode=disable").expect("parsed");
    let other = url.with_database("retort_test_1").expect("a server URL");
    assert_eq!(other.database(), Some("retort_test_1"));
    assert_eq!(other.expose_password(), Some("p@ss"));
    assert_eq!(other.port(), Some(5433));
    assert_eq!(other.query_param("sslmode"), Some("disable"));
    let bare = DatabaseUrl::parse("mysql://root@127.0.0.1:3306").expect("parsed");
    assert_eq!(
        bare.with_database("x")
            .expect("a server URL")
            .expose_secret_str(),
        "mysql://root@127.0.0.1:3306/x"
    );
}
