use super::*;
use crate::config::VarOrigin;

#[test]
fn strings_are_interpolated_on_load_with_values_and_defaults() {
    let text = "[migrations]\ndir = \"${MIGRATIONS:-migrations}\"\nversion_table = \"${PREFIX}_version\"\n\
                [schema]\nfile = \"${SCHEMA_DIR:-db}/schema.toml\"\n[plugins]\npaths = [\"${PLUGIN_DIR}/libx.so\"]\n";
    let dir = project(&[("retort.toml", text)]);
    let root = dir.path();
    let config = load_ok(
        root,
        &env(&[
            ("MIGRATIONS", "db/revisions"),
            ("PREFIX", "app"),
            ("PLUGIN_DIR", "/opt/plugins"),
        ]),
    );
    assert_eq!(config.migrations.dir, root.join("db/revisions"));
    assert_eq!(config.migrations.version_table, "app_version");
    assert_eq!(config.schema.file, root.join("db/schema.toml"));
    assert_eq!(
        config.plugins.paths,
        vec![std::path::PathBuf::from("/opt/plugins/libx.so")]
    );
}

#[test]
fn an_unset_variable_is_an_error_naming_it_at_its_position() {
    let dir = project(&[(
        "retort.toml",
        "[migrations]\nversion_table = \"x_${TABLE_PREFIX}\"\n",
    )]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert_eq!(
        shown,
        at(
            dir.path(),
            "retort.toml",
            2,
            20,
            "environment variable `TABLE_PREFIX` is not set (used by `[migrations] version_table`): \
             set it, add it to the .env file next to the configuration, or give a default with \
             `${TABLE_PREFIX:-...}`"
        )
    );
}

#[test]
fn with_escapes_in_the_literal_the_error_points_at_the_value() {
    // `\t` makes the literal longer than the value: fall back to the string's start.
    let dir = project(&[("retort.toml", "[schema]\nfile = \"a\\tb${NOPE}\"\n")]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert!(
        shown.starts_with(&at(
            dir.path(),
            "retort.toml",
            2,
            8,
            "environment variable `NOPE`"
        )),
        "{shown}"
    );
}

#[test]
fn unused_environment_urls_may_name_unset_variables() {
    let text = "[database]\nurl = \"sqlite://app.db\"\n\n[env.production]\nurl = \"${PROD_DATABASE_URL}\"\n";
    let dir = project(&[("retort.toml", text)]);
    let config = load_ok(dir.path(), &env(&[]));
    let chosen = config
        .select_url(None, None)
        .map(|url| url.expose_secret_str().to_string());
    assert_eq!(chosen.ok().as_deref(), Some("sqlite://app.db"));

    match config.select_url(None, Some("production")) {
        Err(error) => assert_eq!(
            error.to_string(),
            at(
                dir.path(),
                "retort.toml",
                5,
                8,
                "environment variable `PROD_DATABASE_URL` is not set (used by `[env.production] url`): \
                 set it, add it to the .env file next to the configuration, or give a default with \
                 `${PROD_DATABASE_URL:-...}`"
            )
        ),
        Ok(url) => panic!("{url:?}"),
    }
}

#[test]
fn url_syntax_is_checked_on_load_even_when_unused() {
    let dir = project(&[(
        "retort.toml",
        "[env.staging]\nurl = \"postgres://${HOST/app\"\n",
    )]);
    let (_, shown) = load_err(dir.path(), &env(&[]));
    assert_eq!(
        shown,
        at(
            dir.path(),
            "retort.toml",
            2,
            19,
            "unterminated `${`: expected `}` after the variable name (in `[env.staging] url`)"
        )
    );
}

#[test]
fn dotenv_next_to_the_config_is_loaded_and_the_process_environment_wins() {
    let dotenv =
        "# local settings\nexport DATABASE_URL=postgres://dev@localhost/app\nTABLE='from_dotenv'\n\
                  SCHEMA=\"dotenv schema\"\nTABLE=second_definition_ignored\n";
    let dir = project(&[
        (
            "retort.toml",
            "[migrations]\nversion_table = \"${TABLE}\"\nversion_table_schema = \"${SCHEMA}\"\n",
        ),
        (".env", dotenv),
    ]);
    let config = load_ok(dir.path(), &env(&[("SCHEMA", "from_process")]));
    assert_eq!(config.migrations.version_table, "from_dotenv");
    assert_eq!(
        config.migrations.version_table_schema.as_deref(),
        Some("from_process")
    );
    assert_eq!(
        config.environment.get("DATABASE_URL"),
        Some("postgres://dev@localhost/app")
    );
    assert_eq!(
        config.environment.origin("DATABASE_URL"),
        Some(&VarOrigin::DotEnv(dir.path().join(".env")))
    );
    assert_eq!(
        config.environment.origin("SCHEMA"),
        Some(&VarOrigin::Process)
    );
}

#[test]
fn dotenv_errors_name_the_file_and_line_without_quoting_it() {
    let message =
        "cannot parse this line: expected `NAME=value` (a name of letters, digits, `_` and \
                   `.`; a value with spaces or `#` in quotes, quotes closed)";
    let cases = [
        ("A=1\n\nB = 2\nPASSWORD=hunter2 and more\n", 4, 18),
        ("A=1\n  bad-name=hunter2\n", 2, 6),
        ("A=1\nB=2\nSECRET=\"hunter2\nC=3\n", 3, 1),
    ];
    for (dotenv, line, column) in cases {
        let dir = project(&[("retort.toml", ""), (".env", dotenv)]);
        let (_, shown) = load_err(dir.path(), &env(&[]));
        assert_eq!(
            shown,
            at(dir.path(), ".env", line, column, message),
            "{dotenv}"
        );
        assert!(!shown.contains("hunter2"));
    }
}

#[test]
fn without_a_dotenv_file_only_the_given_environment_counts() {
    let dir = project(&[("retort.toml", "")]);
    let config = load_ok(dir.path(), &env(&[("ONLY", "this")]));
    assert_eq!(config.environment, env(&[("ONLY", "this")]));
    assert_eq!(config.environment.get("PATH"), None);
}
