use std::path::PathBuf;

use super::*;
use crate::config::{find_config, DatabaseSettings, MigrationSettings, SchemaSettings};

const FULL: &str = r#"[database]
url = "${DATABASE_URL:-sqlite://app.db}"
dialect = "postgres"

[migrations]
dir = "db/migrations"
file_template = "{rev}_{slug}"
version_table = "schema_history"
version_table_schema = "public"
transaction_per_migration = false
lock_wait = "500ms"
statement_timeout = "2m"

[schema]
file = "db/schema.toml"

[plugins]
paths = ["plugins/libretort_duckdb.so", "/opt/retort/libx.so"]

[env.production]
url = "${PROD_DATABASE_URL}"

[env.staging]
url = "postgres://stage/app"
"#;

#[test]
fn find_config_takes_the_start_dir_or_the_nearest_parent() {
    let dir = project(&[
        ("retort.toml", ""),
        ("a/retort.toml", ""),
        ("a/b/c/.keep", ""),
        ("x/y/.keep", ""),
    ]);
    let root = dir.path();
    assert_eq!(
        find_config(&root.join("a/b/c")),
        Some(root.join("a/retort.toml"))
    );
    assert_eq!(
        find_config(&root.join("a")),
        Some(root.join("a/retort.toml"))
    );
    assert_eq!(
        find_config(&root.join("x/y")),
        Some(root.join("retort.toml"))
    );
    assert_eq!(find_config(root), Some(root.join("retort.toml")));
}

#[test]
fn find_config_ignores_a_directory_named_retort_toml_and_finds_nothing_without_one() {
    let dir = project(&[("retort.toml/.keep", "")]);
    assert_eq!(find_config(dir.path()), None);
}

#[test]
fn every_section_is_read_and_paths_resolve_against_the_config_dir() {
    let dir = project(&[("retort.toml", FULL)]);
    let root = dir.path();
    let config = load_ok(root, &env(&[]));
    assert_eq!(config.path, root.join("retort.toml"));
    assert_eq!(config.dir, root);
    assert_eq!(config.database.dialect.as_deref(), Some("postgres"));
    let url = config
        .database
        .url
        .as_ref()
        .map(|url| (url.redacted(), url.at()));
    assert_eq!(
        url,
        Some((
            "${DATABASE_URL:-sqlite://app.db}".to_string(),
            crate::LineCol { line: 2, column: 7 }
        ))
    );
    assert_eq!(
        config.migrations,
        MigrationSettings {
            dir: root.join("db/migrations"),
            file_template: "{rev}_{slug}".into(),
            version_table: "schema_history".into(),
            version_table_schema: Some("public".into()),
            transaction_per_migration: false,
            lock_wait: std::time::Duration::from_millis(500),
            statement_timeout: std::time::Duration::from_secs(120),
        }
    );
    assert_eq!(config.schema.file, root.join("db/schema.toml"));
    assert_eq!(
        config.plugins.paths,
        vec![
            root.join("plugins/libretort_duckdb.so"),
            PathBuf::from("/opt/retort/libx.so")
        ]
    );
    assert_eq!(
        config.environment_names().collect::<Vec<_>>(),
        ["production", "staging"]
    );
    let production = config.environments.get("production").map(|url| url.at());
    assert_eq!(
        production,
        Some(crate::LineCol {
            line: 21,
            column: 7
        })
    );
}

#[test]
fn an_empty_file_means_every_default() {
    let dir = project(&[("retort.toml", "# nothing configured\n")]);
    let root = dir.path();
    let config = load_ok(root, &env(&[]));
    assert_eq!(config.database, DatabaseSettings::default());
    assert_eq!(config.migrations, MigrationSettings::defaults(root));
    assert_eq!(config.migrations.dir, root.join("migrations"));
    assert_eq!(
        config.migrations.file_template,
        "{date}_{time}_{rev}_{slug}"
    );
    assert_eq!(config.migrations.version_table, "retort_version");
    assert_eq!(config.migrations.version_table_schema, None);
    assert!(config.migrations.transaction_per_migration);
    assert_eq!(
        config.migrations.lock_wait,
        std::time::Duration::from_secs(5)
    );
    assert!(config.migrations.statement_timeout.is_zero());
    assert_eq!(config.schema, SchemaSettings::defaults(root));
    assert_eq!(config.schema.file, root.join("schema.toml"));
    assert!(config.plugins.paths.is_empty());
    assert!(config.environments.is_empty());
}

#[test]
fn sections_present_but_partial_keep_the_other_defaults() {
    let dir = project(&[(
        "retort.toml",
        "[migrations]\nversion_table = \"history\"\n[schema]\n[plugins]\n",
    )]);
    let config = load_ok(dir.path(), &env(&[]));
    assert_eq!(config.migrations.version_table, "history");
    assert_eq!(config.migrations.dir, dir.path().join("migrations"));
    assert!(config.migrations.transaction_per_migration);
    assert_eq!(config.schema.file, dir.path().join("schema.toml"));
}

#[test]
fn unknown_keys_are_errors_at_their_line_and_column() {
    let cases = [
        (
            "[migrations]\ndir = \"m\"\n  table = \"x\"\n",
            3,
            3,
            "unknown field `table`, expected one of `dir`, `file_template`, `version_table`, \
             `version_table_schema`, `transaction_per_migration`, `lock_wait`, \
             `statement_timeout`",
        ),
        (
            "[databse]\nurl = \"sqlite://a.db\"\n",
            1,
            2,
            "unknown field `databse`, expected one of `database`, `migrations`, `schema`, \
             `plugins`, `env`",
        ),
        (
            "[env.prod]\nurl = \"sqlite://a.db\"\ndialect = \"sqlite\"\n",
            3,
            1,
            "unknown field `dialect`, expected `url`",
        ),
        (
            "[schema]\nfile = \"s.toml\"\npath = \"x\"\n",
            3,
            1,
            "unknown field `path`, expected `file`",
        ),
        (
            "[plugins]\npath = []\n",
            2,
            1,
            "unknown field `path`, expected `paths`",
        ),
        (
            "[database]\nurls = \"x\"\n",
            2,
            1,
            "unknown field `urls`, expected `url` or `dialect`",
        ),
    ];
    for (text, line, column, message) in cases {
        let dir = project(&[("retort.toml", text)]);
        let (error, shown) = load_err(dir.path(), &env(&[]));
        assert!(matches!(error, ConfigError::File(_)), "{error:?}");
        assert_eq!(
            shown,
            at(dir.path(), "retort.toml", line, column, message),
            "{text}"
        );
    }
}

#[test]
fn wrong_types_missing_env_urls_and_syntax_errors_are_located() {
    let cases = [
        (
            "[migrations]\ntransaction_per_migration = \"yes\"\n",
            2,
            29,
            "invalid type: string \"yes\", expected a boolean",
        ),
        ("[env.prod]\n", 1, 1, "missing field `url`"),
        (
            "[migrations]\nlock_wait = \"5 s\"\n",
            2,
            13,
            "`[migrations] lock_wait`: `5 s` is not a duration: expected a duration such as \
             500ms, 5s, 2m or 1h, or 0 for no limit",
        ),
        (
            "[migrations]\nstatement_timeout = 0\n",
            2,
            21,
            "invalid type: integer `0`, expected a string",
        ),
        (
            "[database]\nurl = 5\n",
            2,
            7,
            "invalid type: integer `5`, expected a string",
        ),
        (
            "[database\nurl = \"x\"\n",
            1,
            10,
            "unclosed table, expected `]`",
        ),
    ];
    for (text, line, column, message) in cases {
        let dir = project(&[("retort.toml", text)]);
        let (_, shown) = load_err(dir.path(), &env(&[]));
        assert_eq!(
            shown,
            at(dir.path(), "retort.toml", line, column, message),
            "{text}"
        );
    }
}

#[test]
fn a_url_given_where_a_table_belongs_is_not_echoed_with_its_password() {
    let dir = project(&[(
        "retort.toml",
        "[env]\nproduction = \"postgres://app:hunter2@db/prod\"\n",
    )]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("postgres://app:***@db/prod"), "{shown}");
    assert!(
        shown.starts_with(&at(
            dir.path(),
            "retort.toml",
            2,
            14,
            "invalid type: string"
        )),
        "{shown}"
    );
}

#[test]
fn file_template_placeholders_are_checked() {
    let dir = project(&[(
        "retort.toml",
        "[migrations]\nfile_template = \"{date}_{revision}\"\n",
    )]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert_eq!(
        shown,
        at(
            dir.path(),
            "retort.toml",
            2,
            25,
            "unknown placeholder in `[migrations] file_template`: expected `{date}`, `{time}`, \
             `{rev}`, `{slug}`, `{year}`, `{month}`, `{day}`, `{hour}`, `{minute}`, `{second}`"
        )
    );
    let dir = project(&[("retort.toml", "[migrations]\nversion_table = \"  \"\n")]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert_eq!(
        shown,
        at(
            dir.path(),
            "retort.toml",
            2,
            17,
            "`[migrations] version_table` is empty: expected a table name"
        )
    );
}

#[test]
fn discover_uses_explicit_paths_the_nearest_config_or_nothing() {
    let dir = project(&[
        ("conf/custom.toml", "[migrations]\ndir = \"m\"\n"),
        ("retort.toml", ""),
        ("sub/.keep", ""),
    ]);
    let root = dir.path();
    let explicit = Config::discover(Some(Path::new("conf/custom.toml")), root, &env(&[]));
    let explicit = explicit.ok().flatten().map(|config| config.migrations.dir);
    assert_eq!(explicit, Some(root.join("conf/m")));

    let found = Config::discover(None, &root.join("sub"), &env(&[]));
    assert_eq!(
        found.ok().flatten().map(|config| config.path),
        Some(root.join("retort.toml"))
    );

    let missing = Config::discover(Some(Path::new("nope.toml")), root, &env(&[]));
    match missing {
        Err(error @ ConfigError::NotFound { .. }) => assert_eq!(
            error.to_string(),
            format!(
                "{} does not exist: expected a retort configuration file (`retort init` creates one)",
                root.join("nope.toml").display()
            )
        ),
        other => panic!("{other:?}"),
    }

    let empty = project(&[]);
    assert!(matches!(
        Config::discover(None, empty.path(), &env(&[])),
        Ok(None)
    ));
}

#[test]
fn debug_output_of_a_config_holds_no_secret() {
    let dir = project(&[
        (
            "retort.toml",
            "[database]\nurl = \"postgres://app:hunter2@db/prod\"\n",
        ),
        (".env", "OTHER_SECRET=hunter3\n"),
    ]);
    let config = load_ok(dir.path(), &env(&[("TOKEN", "hunter4")]));
    let shown = format!("{config:?}");
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("postgres://app:***@db/prod"), "{shown}");
}
