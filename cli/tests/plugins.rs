//! Dialect plugins through the real binary: `--plugin`, `[plugins] paths`, `dialects`,
//! `plugin check`, a build with no built-in driver, and broken plugins refused cleanly.

mod common;

use common::Run;
use retort_conformance::cdylib;
use retort_conformance::servers::{url_from_env, with_database};
use retort_core::plugin::abi;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run_exe(exe: &Path, dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .output()
        .expect("run retort");
    assert!(
        output.status.code().is_some(),
        "retort was killed by a signal: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn retort(dir: &Path, args: &[&str]) -> Run {
    run_exe(Path::new(env!("CARGO_BIN_EXE_retort")), dir, args)
}

fn plugin(package: &str) -> String {
    cdylib::build(package)
        .expect("building the plugin")
        .display()
        .to_string()
}

/// `retort` built with `--no-default-features` (no built-in driver), in the nested builds'
/// target directory so that it neither replaces the binary the other tests run nor
/// invalidates the main build.
fn retort_without_drivers() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| String::from("cargo"));
    let target_dir = cdylib::nested_target_dir().expect("the nested target directory");
    let status = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--quiet",
            "-p",
            "retort-cli",
            "--no-default-features",
        ])
        .env("CARGO_TARGET_DIR", &target_dir)
        .status()
        .expect("running cargo");
    assert!(status.success(), "building retort without drivers failed");
    let exe = target_dir
        .join("debug")
        .join(format!("retort{}", std::env::consts::EXE_SUFFIX));
    assert!(exe.is_file(), "{} missing", exe.display());
    exe
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn shop_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    copy_dir(&shop, dir.path());
    let _ = std::fs::remove_file(dir.path().join("shop.db"));
    dir
}

#[test]
fn a_build_without_drivers_migrates_the_shop_through_the_sqlite_plugin() {
    let exe = retort_without_drivers();
    let sqlite = plugin("retort-sqlite-plugin");
    let shop = shop_copy();

    let dialects = run_exe(&exe, shop.path(), &["dialects", "--format", "json"]).json();
    assert_eq!(dialects, serde_json::json!([]), "no built-in dialect");
    run_exe(&exe, shop.path(), &["upgrade"]).fails(
        2,
        &["no dialect serves the URL scheme `sqlite`", "--plugin"],
    );

    let listed = run_exe(
        &exe,
        shop.path(),
        &["--plugin", &sqlite, "dialects", "--format", "json"],
    )
    .json();
    assert_eq!(listed[0]["name"], "sqlite");
    assert_eq!(listed[0]["schemes"], serde_json::json!(["sqlite"]));
    let source = listed[0]["source"].as_str().expect("source");
    assert!(
        source.ends_with("libretort_sqlite_plugin.so") || source.contains("retort_sqlite_plugin"),
        "{source}"
    );

    run_exe(&exe, shop.path(), &["--plugin", &sqlite, "upgrade"]).ok();
    let current = run_exe(
        &exe,
        shop.path(),
        &["--plugin", &sqlite, "current", "--format", "json"],
    )
    .json();
    let heads = run_exe(&exe, shop.path(), &["heads", "--format", "json"]).json();
    assert_eq!(current["heads"], serde_json::json!(common::ids(&heads)));

    let db = rusqlite::Connection::open(shop.path().join("shop.db")).expect("open shop.db");
    let tables: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| row.get(0),
        )
        .expect("count tables");
    assert!(
        tables >= 2,
        "the shop's tables and the version table: {tables}"
    );
    run_exe(&exe, shop.path(), &["--plugin", &sqlite, "check"]).ok();
}

#[test]
fn a_build_without_drivers_migrates_the_shop_on_both_servers_through_their_plugins() {
    let exe = retort_without_drivers();
    let plugins = [
        plugin("retort-sqlite-plugin"),
        plugin("retort-postgres-plugin"),
        plugin("retort-mysql-plugin"),
    ];
    let shop = shop_copy();
    let run = |args: &[&str]| {
        let mut all = Vec::new();
        for path in &plugins {
            all.extend(["--plugin", path.as_str()]);
        }
        all.extend_from_slice(args);
        run_exe(&exe, shop.path(), &all)
    };

    let listed = run(&["dialects", "--format", "json"]).json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["sqlite", "postgres", "mysql"], "{listed}");
    for dialect in listed.as_array().expect("a list") {
        assert_ne!(dialect["source"], "builtin", "{dialect}");
    }

    let heads = run(&["heads", "--format", "json"]).json();
    for (var, server) in [
        ("RETORT_TEST_POSTGRES_URL", "postgres"),
        ("RETORT_TEST_MYSQL_URL", "mysql"),
    ] {
        let test = format!("the shop through the {server} plugin");
        let Some(base) = url_from_env(var, &test) else {
            continue;
        };
        let url = with_database(&base, &format!("retort_plugin_shop_{}", std::process::id()));
        let _ = run(&["--url", &url, "db", "drop", "--yes"]);
        run(&["--url", &url, "db", "create"]).ok();
        let up = run(&["--url", &url, "upgrade"]);
        let current = run(&["--url", &url, "current", "--format", "json"]);
        let down = run(&["--url", &url, "downgrade", "base"]);
        let after = run(&["--url", &url, "current", "--format", "json"]);
        run(&["--url", &url, "db", "drop", "--yes"]).ok();
        up.ok();
        assert_eq!(
            current.json()["heads"],
            serde_json::json!(common::ids(&heads)),
            "{server}"
        );
        down.ok();
        assert_eq!(after.json()["heads"], serde_json::json!([]), "{server}");
    }
}

#[test]
fn plugins_listed_in_retort_toml_load_relative_to_it() {
    let exe = retort_without_drivers();
    let sqlite = PathBuf::from(plugin("retort-sqlite-plugin"));
    let shop = shop_copy();
    std::fs::create_dir(shop.path().join("plugins")).expect("mkdir");
    std::fs::copy(&sqlite, shop.path().join("plugins/libsqlite.so")).expect("copy");
    let config = shop.path().join("retort.toml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(
        &config,
        format!("{text}\n[plugins]\npaths = [\"plugins/libsqlite.so\"]\n"),
    )
    .expect("write");
    let sub = shop.path().join("migrations");
    run_exe(&exe, &sub, &["upgrade"]).ok();
    let listed = run_exe(&exe, &sub, &["dialects"]).ok().to_string();
    assert!(listed.contains("plugins/libsqlite.so"), "{listed}");
}

#[test]
fn a_plugin_claiming_a_built_in_scheme_is_refused_naming_both() {
    let sqlite = plugin("retort-sqlite-plugin");
    let shop = shop_copy();
    retort(shop.path(), &["--plugin", &sqlite, "upgrade"]).fails(
        2,
        &[
            "the URL scheme `sqlite` is claimed by both the built-in sqlite dialect",
            &sqlite,
        ],
    );
}

#[test]
fn plugin_check_runs_the_kit_and_ends_with_the_counts() {
    let sqlite = plugin("retort-sqlite-plugin");
    let dir = tempfile::tempdir().expect("tempdir");
    let run = retort(
        dir.path(),
        &["plugin", "check", &sqlite, "--url", "sqlite://scratch.db"],
    );
    let out = run.ok();
    let last = out.lines().last().expect("a closing line");
    // Three cases need what SQLite lacks (dirty revisions, statements outside a
    // transaction); they are skipped, saying why, and every other one passes, the kill -9
    // case included (its child is this retort binary).
    let cases = retort_conformance::cases().len();
    assert_eq!(last, format!("{} passed, 0 failed", cases - 3), "{out}");
    assert!(out.contains("3 skipped"), "{out}");
    assert!(
        out.contains("skipped  a_non_transactional_revision_applies_and_is_recorded: the dialect cannot run statements outside a transaction"),
        "{out}"
    );
    assert!(
        out.contains(
            "ok       sigkill_during_upgrade_never_leaves_version_table_and_schema_disagreeing"
        ),
        "{out}"
    );

    // A selection, as one JSON document.
    let json = retort(
        dir.path(),
        &[
            "plugin",
            "check",
            &sqlite,
            "--url",
            "sqlite://scratch.db",
            "--case",
            "lock_times_out",
            "--case",
            "non_transactional_revision_applies",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(json["passed"], 1, "{json}");
    assert_eq!(json["failed"], 0, "{json}");
    assert_eq!(json["skipped"], 1, "{json}");
    assert_eq!(json["dialect"], "sqlite");
    assert_eq!(
        json["cases"][0],
        serde_json::json!({"name": "lock_times_out_while_another_session_holds_it", "outcome": "passed"})
    );
    assert_eq!(json["cases"][1]["outcome"], "skipped");
    assert!(
        json["cases"][1]["message"]
            .as_str()
            .is_some_and(|m| m.contains("non_transactional_revisions")),
        "{json}"
    );
    retort(
        dir.path(),
        &[
            "plugin",
            "check",
            &sqlite,
            "--url",
            "sqlite://scratch.db",
            "--case",
            "no_such_case",
        ],
    )
    .fails(
        2,
        &[
            "no conformance case matches `no_such_case`",
            "lock_times_out_while_another_session_holds_it",
        ],
    );

    retort(dir.path(), &["plugin", "check", &sqlite]).fails(
        2,
        &[
            "plugin check needs --url",
            "the sqlite dialect serves",
            "--url sqlite://",
        ],
    );
    retort(
        dir.path(),
        &["plugin", "check", &sqlite, "--url", "postgres://u@h/db"],
    )
    .fails(2, &["serves the URL schemes sqlite, not `postgres`"]);
}

#[test]
fn a_plugin_of_the_wrong_abi_is_refused_naming_both_versions() {
    let wrong = plugin("retort-test-plugin-wrong-abi");
    let dir = tempfile::tempdir().expect("tempdir");
    let host = format!("ABI {}.{}", abi::ABI_MAJOR, abi::ABI_MINOR);
    retort(dir.path(), &["--plugin", &wrong, "dialects"]).fails(
        2,
        &[
            "built for retort plugin ABI 99.0",
            &format!("speaks {host}"),
            &wrong,
        ],
    );
    retort(
        dir.path(),
        &["plugin", "check", &wrong, "--url", "sqlite://x.db"],
    )
    .fails(2, &["ABI 99.0", &host]);
}

#[test]
fn files_that_are_not_plugins_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.so"), "not a library\n").expect("write");
    retort(dir.path(), &["--plugin", "notes.so", "dialects"])
        .fails(2, &["notes.so is not a loadable shared library"]);
    retort(dir.path(), &["--plugin", "missing.so", "dialects"]).fails(
        2,
        &["missing.so is not a loadable shared library: no such file"],
    );
}

#[test]
fn a_panicking_plugin_fails_its_check_without_crashing() {
    let panicking = plugin("retort-test-plugin-panicking");
    let dir = tempfile::tempdir().expect("tempdir");
    let run = retort(
        dir.path(),
        &["plugin", "check", &panicking, "--url", "panicky://anything"],
    );
    // Not `Run::fails`: the plugin's own panic hook reports its panic on stderr.
    assert_eq!(run.code, 3, "stdout: {} stderr: {}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("plugin check: 0 passed"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("panicked"), "{}", run.stdout);
    assert!(
        run.stdout.contains("disabled for the rest of this run"),
        "later calls are refused: {}",
        run.stdout
    );
}

/// The out-of-tree example plugin (examples/strict-sqlite), built as docs/plugins.md says.
fn strict_sqlite() -> String {
    let manifest =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/strict-sqlite/Cargo.toml");
    cdylib::build_project(&manifest, "strict-sqlite")
        .expect("building examples/strict-sqlite")
        .display()
        .to_string()
}

#[test]
fn the_strict_sqlite_example_creates_strict_tables() {
    let strict = strict_sqlite();
    let shop = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(shop.path().join("migrations")).expect("mkdir");
    std::fs::write(
        shop.path().join("retort.toml"),
        "[database]\nurl = \"sqlite+strict://unused.db\"\n",
    )
    .expect("write");
    std::fs::write(
        shop.path().join("migrations/20260101_0000_aaaaaaaaaaaa_items.toml"),
        "revision = \"aaaaaaaaaaaa\"\nmessage = \"items\"\n\n[[upgrade]]\nop = \"create_table\"\n\
         table = \"items\"\ncolumns = [\n  { name = \"id\", type = \"bigint\", primary_key = true },\n  \
         { name = \"name\", type = \"varchar(100)\" },\n  { name = \"price\", type = \"numeric(10,2)\" },\n]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"items\"\n",
    )
    .expect("write revision");
    let db = shop.path().join("strict.db");
    let url = format!("sqlite+strict://{}", db.display());
    let listed = retort(
        shop.path(),
        &["--plugin", &strict, "dialects", "--format", "json"],
    )
    .json();
    let names: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(names.contains(&"strict-sqlite"), "{listed}");

    retort(
        shop.path(),
        &["--plugin", &strict, "--url", &url, "upgrade"],
    )
    .ok();
    let conn = rusqlite::Connection::open(&db).expect("open");
    let mut statement = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name <> 'retort_version'",
        )
        .expect("prepare");
    let tables: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!tables.is_empty());
    for (name, sql) in &tables {
        assert!(sql.ends_with("STRICT"), "{name} is not STRICT: {sql}");
    }
    // A STRICT table refuses a value of the wrong type, which plain SQLite would store.
    let (first, _) = &tables[0];
    let wrong = conn.execute(
        &format!("INSERT INTO \"{first}\" (id) VALUES ('not a number')"),
        [],
    );
    assert!(
        wrong.is_err(),
        "STRICT typing accepted text in an integer key"
    );
}

#[test]
fn plugin_check_reports_where_the_strict_sqlite_example_differs() {
    let strict = strict_sqlite();
    let dir = tempfile::tempdir().expect("tempdir");
    let run = retort(
        dir.path(),
        &[
            "plugin",
            "check",
            &strict,
            "--url",
            "sqlite+strict://check.db",
        ],
    );
    // STRICT tables keep five column types (and read back marked as STRICT), so the cases
    // that compare the schema read back with the declared one fail, naming each
    // difference (those of a names-only schema of integers pass); a downgrade of add_column needs a table rebuild, which the example
    // refuses online (it would lose STRICT typing) and renders offline with types a STRICT
    // table rejects, so the offline cases fail too. Every other case passes or is skipped
    // (docs/plugins.md lists them).
    assert_eq!(run.code, 3, "stdout: {} stderr: {}", run.stdout, run.stderr);
    let failed: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("FAILED   "))
        .collect();
    assert_eq!(
        failed,
        [
            "declared_schema_round_trips_through_the_database",
            "every_kind_of_change_applies_to_tables_holding_rows",
            "upgrade_and_downgrade_round_trip",
            "every_operation_and_type_round_trips",
            "hostile_identifiers_round_trip",
            "offline_upgrade_script_run_through_the_driver_matches_an_online_upgrade",
            "offline_downgrade_script_run_through_the_driver_undoes_an_online_upgrade",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "table `users`, column `name`, type: expected \"varchar(100)\", found \"text\""
        ),
        "the differences are named one by one: {}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Schema {"),
        "no debug dump: {}",
        run.stdout
    );
    let total = retort_conformance::cases().len();
    let last = run.stdout.lines().last().expect("closing line");
    assert_eq!(last, format!("{} passed, 7 failed", total - 7 - 3));
}

#[test]
fn plugin_check_on_postgres_makes_a_database_per_case_on_the_server() {
    let Some(base) = url_from_env(
        "RETORT_TEST_POSTGRES_URL",
        "plugin_check_on_postgres_makes_a_database_per_case_on_the_server",
    ) else {
        return;
    };
    let postgres = plugin("retort-postgres-plugin");
    let dir = tempfile::tempdir().expect("tempdir");
    let run = retort(dir.path(), &["plugin", "check", &postgres, "--url", &base]);
    let out = run.ok();
    // One case does not apply (nothing is left dirty where DDL is transactional).
    let cases = retort_conformance::cases().len();
    assert_eq!(
        out.lines().last().expect("closing line"),
        format!("{} passed, 0 failed", cases - 1),
        "{out}"
    );
    if let Some((_, password)) = base.split_once("://").and_then(|(_, rest)| {
        rest.split_once('@')
            .and_then(|(user_info, _)| user_info.split_once(':'))
    }) {
        assert!(
            !out.contains(&format!(":{password}@")),
            "password printed: {out}"
        );
    }
}

#[test]
fn two_plugins_claiming_one_scheme_are_refused_naming_both() {
    let exe = retort_without_drivers();
    let sqlite = PathBuf::from(plugin("retort-sqlite-plugin"));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(&sqlite, dir.path().join("first.so")).expect("copy");
    std::fs::copy(&sqlite, dir.path().join("second.so")).expect("copy");
    run_exe(
        &exe,
        dir.path(),
        &["--plugin", "first.so", "--plugin", "second.so", "dialects"],
    )
    .fails(
        2,
        &[
            "the URL scheme `sqlite` is claimed by both the sqlite plugin",
            "first.so",
            "second.so",
        ],
    );
    // The same file twice is one plugin, not a conflict.
    let listed = run_exe(
        &exe,
        dir.path(),
        &[
            "--plugin",
            "first.so",
            "--plugin",
            "./first.so",
            "dialects",
            "--format",
            "json",
        ],
    )
    .json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
}
