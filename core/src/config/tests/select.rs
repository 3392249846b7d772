use std::path::PathBuf;

use super::*;
use crate::config::{select_url_without_config, SelectedUrl, UrlSource, VarOrigin};
use crate::db_url::FileLocation;
use crate::LineCol;

const TIERS: &str = "[database]\nurl = \"sqlite://from_database.db\"\n\n[env.production]\nurl = \"postgres://app:${PROD_PASSWORD}@prod/app\"\n\n[env.staging]\nurl = \"sqlite://staging.db\"\n";

fn selected(result: Result<SelectedUrl, ConfigError>) -> SelectedUrl {
    match result {
        Ok(url) => url,
        Err(error) => panic!("a URL should be selected: {error}"),
    }
}

fn select_error(result: Result<SelectedUrl, ConfigError>) -> (ConfigError, String) {
    match result {
        Ok(url) => panic!("no URL should be selected, got {url:?}"),
        Err(error) => {
            let message = error.to_string();
            (error, message)
        }
    }
}

#[test]
fn the_four_tiers_in_order_of_precedence() {
    let dir = project(&[("retort.toml", TIERS)]);
    let root = dir.path();
    let config = load_ok(
        root,
        &env(&[
            ("PROD_PASSWORD", "s3cret"),
            ("DATABASE_URL", "sqlite://from_variable.db"),
        ]),
    );

    let cli = selected(config.select_url(Some("mysql://root@cli/app"), Some("production")));
    assert_eq!(cli.expose_secret_str(), "mysql://root@cli/app");
    assert_eq!(cli.source(), &UrlSource::CommandLine);
    assert_eq!(cli.base_dir(), None);

    let production = selected(config.select_url(None, Some("production")));
    assert_eq!(
        production.expose_secret_str(),
        "postgres://app:s3cret@prod/app"
    );
    assert_eq!(
        production.source(),
        &UrlSource::EnvSection {
            name: "production".into(),
            path: root.join("retort.toml"),
            at: LineCol { line: 5, column: 7 }
        }
    );
    assert_eq!(
        production.source().to_string(),
        format!(
            "`[env.production] url` at {}:5:7",
            root.join("retort.toml").display()
        )
    );

    let database = selected(config.select_url(None, None));
    assert_eq!(database.expose_secret_str(), "sqlite://from_database.db");
    assert_eq!(
        database.source(),
        &UrlSource::DatabaseSection {
            path: root.join("retort.toml"),
            at: LineCol { line: 2, column: 7 }
        }
    );

    let dir = project(&[(
        "retort.toml",
        "[env.staging]\nurl = \"sqlite://staging.db\"\n",
    )]);
    let config = load_ok(
        dir.path(),
        &env(&[("DATABASE_URL", "sqlite://from_variable.db")]),
    );
    let variable = selected(config.select_url(None, None));
    assert_eq!(variable.expose_secret_str(), "sqlite://from_variable.db");
    assert_eq!(
        variable.source(),
        &UrlSource::DatabaseUrlVariable {
            origin: VarOrigin::Process
        }
    );
    assert_eq!(
        variable.source().to_string(),
        "the DATABASE_URL environment variable"
    );
}

#[test]
fn database_url_from_dotenv_says_so_and_the_process_value_beats_it() {
    let dir = project(&[
        ("retort.toml", ""),
        (".env", "DATABASE_URL=sqlite://dotenv.db\n"),
    ]);
    let root = dir.path();
    let from_file = selected(load_ok(root, &env(&[])).select_url(None, None));
    assert_eq!(from_file.expose_secret_str(), "sqlite://dotenv.db");
    assert_eq!(
        from_file.source().to_string(),
        format!("DATABASE_URL in {}", root.join(".env").display())
    );

    let from_process = selected(
        load_ok(root, &env(&[("DATABASE_URL", "sqlite://process.db")])).select_url(None, None),
    );
    assert_eq!(from_process.expose_secret_str(), "sqlite://process.db");
}

#[test]
fn the_database_url_default_of_the_spec_example_works_both_ways() {
    let dir = project(&[(
        "retort.toml",
        "[database]\nurl = \"${DATABASE_URL:-sqlite://app.db}\"\n",
    )]);
    let unset = selected(load_ok(dir.path(), &env(&[])).select_url(None, None));
    assert_eq!(unset.expose_secret_str(), "sqlite://app.db");
    let set = selected(
        load_ok(dir.path(), &env(&[("DATABASE_URL", "postgres://h/db")])).select_url(None, None),
    );
    assert_eq!(set.expose_secret_str(), "postgres://h/db");
}

#[test]
fn no_url_anywhere_lists_the_places_looked_at() {
    let dir = project(&[("retort.toml", "")]);
    let root = dir.path();
    let (error, shown) =
        select_error(load_ok(root, &env(&[("DATABASE_URL", "  ")])).select_url(None, None));
    assert!(matches!(error, ConfigError::NoUrl { .. }));
    assert_eq!(
        shown,
        format!(
            "no database URL: looked at --url (not given), `[database] url` in {} (not set), \
             DATABASE_URL in the environment and in {} (not set); pass --url, set `url` under \
             [database] in retort.toml, or set DATABASE_URL",
            root.join("retort.toml").display(),
            root.join(".env").display()
        )
    );

    let (_, shown) = select_error(select_url_without_config(&env(&[]), None, None));
    assert_eq!(
        shown,
        "no database URL: looked at --url (not given), retort.toml (none found in this directory \
         or its parents), DATABASE_URL in the environment (not set); pass --url, set `url` under \
         [database] in retort.toml, or set DATABASE_URL"
    );
}

#[test]
fn without_a_config_the_command_line_then_database_url_count() {
    let environment = env(&[("DATABASE_URL", "sqlite://variable.db")]);
    let cli = selected(select_url_without_config(
        &environment,
        Some("sqlite://cli.db"),
        None,
    ));
    assert_eq!(cli.expose_secret_str(), "sqlite://cli.db");
    let variable = selected(select_url_without_config(&environment, None, None));
    assert_eq!(variable.expose_secret_str(), "sqlite://variable.db");
    assert_eq!(variable.base_dir(), None);
}

#[test]
fn unknown_environments_are_errors_listing_the_known_ones() {
    let dir = project(&[("retort.toml", TIERS)]);
    let path = dir.path().join("retort.toml");
    let config = load_ok(dir.path(), &env(&[]));
    for cli_url in [None, Some("sqlite://cli.db")] {
        let (error, shown) = select_error(config.select_url(cli_url, Some("prod")));
        assert!(matches!(error, ConfigError::UnknownEnvironment { .. }));
        assert_eq!(
            shown,
            format!(
                "unknown environment `prod` (--env): expected one of `production`, `staging` \
                 (the [env.NAME] sections of {})",
                path.display()
            )
        );
    }

    let bare = project(&[("retort.toml", "")]);
    let (_, shown) = select_error(load_ok(bare.path(), &env(&[])).select_url(None, Some("prod")));
    assert_eq!(
        shown,
        format!(
            "unknown environment `prod` (--env): {} defines no [env.NAME] sections",
            bare.path().join("retort.toml").display()
        )
    );

    let (_, shown) = select_error(select_url_without_config(&env(&[]), None, Some("prod")));
    assert_eq!(
        shown,
        "unknown environment `prod` (--env): no retort.toml was found, so there are no \
         [env.NAME] sections to select"
    );
}

#[test]
fn an_empty_url_is_an_error_naming_its_source() {
    let dir = project(&[("retort.toml", "[database]\nurl = \"${DATABASE_URL:-}\"\n")]);
    let (error, shown) = select_error(load_ok(dir.path(), &env(&[])).select_url(None, None));
    assert!(matches!(error, ConfigError::EmptyUrl { .. }));
    assert_eq!(
        shown,
        format!(
            "the database URL from `[database] url` at {}:2:7 is empty: expected e.g. \
             `sqlite://app.db` or `postgres://user@host/db`",
            dir.path().join("retort.toml").display()
        )
    );
    let (_, shown) = select_error(select_url_without_config(&env(&[]), Some(""), None));
    assert!(
        shown.starts_with("the database URL from --url is empty"),
        "{shown}"
    );
}

#[test]
fn relative_sqlite_paths_follow_the_config_dir_except_for_the_command_line() {
    let dir = project(&[(
        "conf/retort.toml",
        "[database]\nurl = \"sqlite://data/app.db\"\n",
    )]);
    let conf = dir.path().join("conf");
    let config = load_ok(&conf, &env(&[]));
    let from_config = selected(config.select_url(None, None)).parse();
    assert_eq!(
        from_config
            .ok()
            .and_then(|url| url.local_file().ok().cloned()),
        Some(FileLocation::File(conf.join("data/app.db")))
    );
    let from_cli = selected(config.select_url(Some("sqlite://data/app.db"), None)).parse();
    assert_eq!(
        from_cli.ok().and_then(|url| url.local_file().ok().cloned()),
        Some(FileLocation::File(PathBuf::from("data/app.db")))
    );
}

#[test]
fn a_selected_url_prints_redacted() {
    let dir = project(&[("retort.toml", TIERS)]);
    let config = load_ok(dir.path(), &env(&[("PROD_PASSWORD", "p@ss:w%2Frd")]));
    let url = selected(config.select_url(None, Some("production")));
    assert_eq!(url.to_string(), "postgres://app:***@prod/app");
    let debug = format!("{url:?}");
    assert!(debug.contains("postgres://app:***@prod/app"), "{debug}");
    assert!(!debug.contains("p@ss"), "{debug}");
    let parsed = url.parse();
    assert_eq!(
        parsed.as_ref().ok().and_then(|u| u.expose_password()),
        Some("p@ss:w/rd")
    );
    assert_eq!(
        parsed.ok().map(|u| u.host().map(str::to_string)),
        Some(Some("prod".into()))
    );
}
