//! `init`, `revision`, `merge`, `history`, `heads`, `branches`, `show` and `completions`,
//! run as a user runs them, on temporary projects.

mod common;

use common::{ids, run_in, Project};

#[test]
fn init_scaffolds_a_sqlite_project_and_refuses_to_run_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run_in(dir.path(), &["init", "app", "--format", "json"]);
    let created = run.json();
    assert_eq!(
        created["created"].as_array().map(Vec::len),
        Some(3),
        "{created}"
    );
    let config = std::fs::read_to_string(dir.path().join("app/retort.toml")).expect("retort.toml");
    assert!(config.contains("sqlite://app.db"), "{config}");
    // The scaffold's comments point to the reference that describes every key.
    assert!(config.contains("docs/reference.md"), "{config}");
    assert!(!config.contains("README describes"), "{config}");
    assert!(dir.path().join("app/migrations").is_dir());
    assert!(dir.path().join("app/schema.toml").is_file());
    run_in(dir.path(), &["init", "app"]).fails(2, &["already exists"]);
    let pg = run_in(dir.path(), &["init", "pg", "--dialect", "postgres"]);
    pg.ok();
    let config = std::fs::read_to_string(dir.path().join("pg/retort.toml")).expect("retort.toml");
    assert!(config.contains("postgres://"), "{config}");
}

#[test]
fn a_linear_history_reads_like_alembic() {
    let p = Project::new();
    let file = p.revision("aaaa00000001", &[]);
    assert!(
        file.starts_with("migrations/") && file.ends_with("_aaaa00000001_aaaa00000001.toml"),
        "{file}"
    );
    p.revision("aaaa00000002", &[]);
    let history = p.run(&["history"]);
    assert_eq!(
        history.ok(),
        "aaaa00000001 -> aaaa00000002 (head), aaaa00000002\n<base> -> aaaa00000001, aaaa00000001\n"
    );
    assert_eq!(
        p.run(&["heads"]).ok(),
        "aaaa00000002 (head), aaaa00000002\n"
    );
    assert_eq!(p.run(&["branches"]).ok(), "");
}

#[test]
fn a_new_revision_gets_a_random_twelve_hex_id_and_a_slug() {
    let p = Project::new();
    let json = p
        .run(&["revision", "-m", "Create users!", "--format", "json"])
        .json();
    let id = json["revision"].as_str().expect("id");
    assert_eq!(id.len(), 12);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
    let file = json["file"].as_str().expect("file");
    assert!(
        file.ends_with(&format!("_{id}_create_users.toml")),
        "{file}"
    );
    let text = std::fs::read_to_string(p.path().join(file)).expect("file written");
    assert!(text.contains("message = \"Create users!\""), "{text}");
}

#[test]
fn branches_labels_and_merges() {
    let p = Project::new();
    p.revision("aaaa00000001", &[]);
    p.revision("aaaa00000002", &[]);
    // Branching off a revision that is not a head is deliberate only with --splice.
    p.run(&["revision", "-m", "x", "--head", "aaaa00000001"])
        .fails(2, &["not a head", "--splice"]);
    p.revision(
        "bbbb00000001",
        &[
            "--head",
            "aaaa00000001",
            "--splice",
            "--branch-label",
            "billing",
        ],
    );
    p.revision("bbbb00000002", &["--head", "billing@head"]);

    // Two heads now: `revision` refuses to guess and names them.
    p.run(&["revision", "-m", "x"])
        .fails(2, &["2 heads", "aaaa00000002", "bbbb00000002", "--head"]);
    assert_eq!(
        ids(&p.run(&["heads", "--format", "json"]).json()),
        ["aaaa00000002", "bbbb00000002"]
    );
    let branches = p.run(&["branches"]);
    assert_eq!(
        branches.ok(),
        "aaaa00000001 (branchpoint), aaaa00000001\n  -> aaaa00000002 (head), aaaa00000002\n  -> bbbb00000001 (billing), bbbb00000001\n"
    );
    // A label is used once.
    p.run(&[
        "revision",
        "-m",
        "x",
        "--head",
        "aaaa00000002",
        "--branch-label",
        "billing",
    ])
    .fails(
        2,
        &["branch label `billing` is already declared by bbbb00000001"],
    );

    let merge = p
        .run(&[
            "merge",
            "-m",
            "join",
            "heads",
            "--rev-id",
            "cccc00000001",
            "--format",
            "json",
        ])
        .json();
    assert_eq!(merge["revision"], "cccc00000001");
    let history = p.run(&["history", "--format", "json"]).json();
    let merge_entry = &history[0];
    assert_eq!(merge_entry["revision"], "cccc00000001");
    assert_eq!(
        merge_entry["down_revisions"],
        serde_json::json!(["aaaa00000002", "bbbb00000002"])
    );
    assert_eq!(merge_entry["mergepoint"], true);
    assert_eq!(merge_entry["head"], true);
    assert_eq!(
        ids(&p.run(&["heads", "--format", "json"]).json()),
        ["cccc00000001"]
    );
    // A revision and its own ancestor are not branches to join.
    p.run(&["merge", "-m", "x", "aaaa00000001", "cccc00000001"])
        .fails(2, &["aaaa00000001 is an ancestor of cccc00000001"]);
    // One head left: nothing to merge.
    p.run(&["merge", "-m", "again", "heads"])
        .fails(2, &["nothing to merge"]);
    // And a new revision goes on top of the single head again.
    p.revision("dddd00000001", &[]);
    assert_eq!(p.history_ids()[0], "dddd00000001");
}

#[test]
fn history_json_has_exactly_the_documented_fields() {
    let p = Project::new();
    p.revision("aaaa00000001", &["--branch-label", "core"]);
    p.revision("aaaa00000002", &["--depends-on", "aaaa00000001"]);
    let history = p.run(&["history", "--format", "json"]).json();
    let first = history[0].as_object().expect("object");
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "applied",
            "base",
            "branch_labels",
            "branchpoint",
            "created",
            "depends_on",
            "down_revisions",
            "file",
            "head",
            "mergepoint",
            "message",
            "revision"
        ]
    );
    assert_eq!(
        history[0]["depends_on"],
        serde_json::json!(["aaaa00000001"])
    );
    assert_eq!(history[0]["applied"], serde_json::Value::Null);
    assert_eq!(history[1]["branch_labels"], serde_json::json!(["core"]));
    assert_eq!(history[1]["base"], true);
    assert!(history[1]["created"]
        .as_str()
        .is_some_and(|c| c.ends_with('Z')));
}

#[test]
fn history_ranges_are_inclusive_and_may_be_open() {
    let p = Project::new();
    for id in [
        "aaaa00000001",
        "aaaa00000002",
        "aaaa00000003",
        "aaaa00000004",
    ] {
        p.revision(id, &[]);
    }
    let range = |r: &str| ids(&p.run(&["history", "-r", r, "--format", "json"]).json());
    assert_eq!(
        range("aaaa00000002:aaaa00000003"),
        ["aaaa00000003", "aaaa00000002"]
    );
    assert_eq!(range("aaaa00000003:"), ["aaaa00000004", "aaaa00000003"]);
    assert_eq!(range(":aaaa00000002"), ["aaaa00000002", "aaaa00000001"]);
    assert_eq!(range("head-1:head"), ["aaaa00000004", "aaaa00000003"]);
    p.run(&["history", "-r", "aaaa00000002"])
        .fails(2, &["expected A:B"]);
}

#[test]
fn targets_resolve_prefixes_labels_and_relative_steps() {
    let p = Project::new();
    p.revision("abcd00000001", &[]);
    p.revision("abcd00000002", &["--branch-label", "feature"]);
    p.revision("ef0100000003", &[]);
    let show = |spec: &str| p.run(&["show", spec, "--format", "json"]);
    assert_eq!(show("ef01").json()["revision"], "ef0100000003");
    assert_eq!(show("feature").json()["revision"], "abcd00000002");
    assert_eq!(show("feature@head").json()["revision"], "ef0100000003");
    assert_eq!(show("head-2").json()["revision"], "abcd00000001");
    assert_eq!(show("abcd00000001+1").json()["revision"], "abcd00000002");
    show("abcd").fails(2, &["ambiguous", "abcd00000001", "abcd00000002"]);
    show("ef0").fails(2, &["at least 4 characters"]);
    show("nope").fails(2, &["no revision, branch label or keyword matches `nope`"]);
    show("head+1").fails(2, &[]);
    show("base-1").fails(2, &[]);
}

#[test]
fn show_lists_what_a_revision_runs() {
    let p = Project::new();
    p.write(
        "one.toml",
        "revision = \"aaaa00000001\"\nmessage = \"users\"\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"users\"\ncolumns = [{ name = \"id\", type = \"bigint\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"users\"\n",
    );
    let text = p.run(&["show", "aaaa00000001"]);
    let out = text.ok();
    assert!(out.contains("Rev: aaaa00000001 (head)"), "{out}");
    assert!(
        out.contains("Upgrade: 1 operation(s)\n  1. create_table on users"),
        "{out}"
    );
    assert!(out.contains("Checksum: sha256:"), "{out}");
    let json = p.run(&["show", "aaaa00000001", "--format", "json"]).json();
    assert_eq!(json["upgrade"][0]["op"], "create_table");
    assert_eq!(json["downgrade"][0]["table"], "users");
}

#[test]
fn sql_revisions_are_written_and_read_back() {
    let p = Project::new();
    p.revision("aaaa00000001", &[]);
    let file = p.revision("aaaa00000002", &["--sql"]);
    assert!(file.ends_with(".sql"), "{file}");
    let path = p.path().join(&file);
    let text = std::fs::read_to_string(&path).expect("sql file");
    assert!(
        text.contains("-- retort:down_revision aaaa00000001"),
        "{text}"
    );
    std::fs::write(
        &path,
        text.replace(
            "-- retort:upgrade\n",
            "-- retort:upgrade\nUPDATE t SET a = ';';\nSELECT 2;\n",
        ),
    )
    .expect("edit");
    let json = p.run(&["show", "aaaa00000002", "--format", "json"]).json();
    assert_eq!(json["format"], "sql");
    assert_eq!(
        json["upgrade"],
        serde_json::json!(["UPDATE t SET a = ';'", "SELECT 2"])
    );
}

#[test]
fn malformed_files_are_reported_with_file_line_and_column() {
    let p = Project::new();
    p.write(
        "bad.toml",
        "revision = \"aaaa00000001\"\nmesage = \"typo\"\n",
    );
    p.write(
        "worse.sql",
        "-- retort:revision bbbb00000001\n-- retort:colour blue\n-- retort:upgrade\n",
    );
    let run = p.run(&["heads"]);
    run.fails(
        2,
        &[
            "migrations/bad.toml:2:1: unknown field `mesage`",
            "migrations/worse.sql:2:",
        ],
    );
}

#[test]
fn an_invalid_graph_is_rejected_with_the_file_named() {
    let p = Project::new();
    p.write(
        "a.toml",
        "revision = \"aaaa00000001\"\ndown_revision = \"aaaa00000002\"\n",
    );
    p.write(
        "b.toml",
        "revision = \"aaaa00000002\"\ndown_revision = \"aaaa00000001\"\n",
    );
    p.run(&["history"])
        .fails(2, &["cycle", "aaaa00000001", "aaaa00000002"]);

    let p = Project::new();
    p.write(
        "a.toml",
        "revision = \"aaaa00000001\"\ndown_revision = \"ffff00000000\"\n",
    );
    p.run(&["heads"]).fails(2, &["a.toml", "ffff00000000"]);

    let p = Project::new();
    p.write("a.toml", "revision = \"aaaa00000001\"\n");
    p.write("b.toml", "revision = \"aaaa00000001\"\n");
    p.run(&["heads"])
        .fails(2, &["a.toml", "b.toml", "aaaa00000001"]);
}

#[test]
fn the_config_is_found_from_a_subdirectory_or_named_with_config() {
    let p = Project::new();
    p.revision("aaaa00000001", &[]);
    let sub = p.path().join("src/deep");
    std::fs::create_dir_all(&sub).expect("mkdir");
    assert_eq!(
        run_in(&sub, &["heads"]).ok(),
        "aaaa00000001 (head), aaaa00000001\n"
    );
    let elsewhere = tempfile::tempdir().expect("tempdir");
    run_in(elsewhere.path(), &["heads"]).fails(2, &["no retort.toml", "retort init"]);
    let config = p.path().join("retort.toml");
    let config = config.to_str().expect("utf-8 path");
    assert!(run_in(elsewhere.path(), &["--config", config, "heads"])
        .ok()
        .contains("aaaa00000001"));
    p.run(&["heads", "--env", "staging"])
        .fails(2, &["--env `staging`", "no [env.staging] section"]);
}

#[test]
fn a_malformed_config_is_bad_input() {
    let p = Project::new();
    std::fs::write(
        p.path().join("retort.toml"),
        "[migrations]\ndirectory = \"m\"\n",
    )
    .expect("write");
    p.run(&["heads"])
        .fails(2, &["retort.toml:2:1", "unknown field `directory`"]);
}

#[test]
fn bad_arguments_exit_2_and_rev_ids_are_checked() {
    let p = Project::new();
    p.run(&["heads", "--format", "yaml"]).fails(2, &[]);
    p.run(&["frobnicate"]).fails(2, &[]);
    p.run(&["revision", "-m", "x", "--rev-id", "not-valid"])
        .fails(2, &["--rev-id", "not a valid revision id"]);
    p.revision("aaaa00000001", &[]);
    p.run(&["revision", "-m", "x", "--rev-id", "aaaa00000001"])
        .fails(2, &["already used"]);
    p.run(&["revision", "-m", "x", "--head", "zzzz9"])
        .fails(2, &["zzzz9"]);
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish"] {
        let run = run_in(dir.path(), &["completions", shell]);
        assert!(run.ok().contains("retort"), "{shell}");
        assert!(run.stdout.contains("history"), "{shell}: lists subcommands");
    }
}

/// `retort edit REV` opens the revision's file in `$VISUAL`, else `$EDITOR` (an editor with
/// arguments works), and reports an editor that fails.
#[test]
fn edit_opens_the_revision_file_in_the_editor() {
    let p = common::Project::new();
    let file = p.revision("5cd038a8f131", &[]);
    let log = p.path().join("opened.txt");
    let editor = p.path().join("fake-editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" >> \"$EDIT_LOG\"\n",
    )
    .expect("writes the fake editor");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("makes it executable");
    let log_var = log.to_str().expect("utf-8 path");
    let with_args = format!("{} --wait", editor.display());
    common::run_in_env(
        p.path(),
        &["edit", "5cd0"],
        &[
            ("VISUAL", Some(&with_args)),
            ("EDITOR", Some("false")),
            ("EDIT_LOG", Some(log_var)),
        ],
    )
    .ok();
    let editor_only = editor.to_str().expect("utf-8 path");
    common::run_in_env(
        p.path(),
        &["edit", "head"],
        &[
            ("VISUAL", None),
            ("EDITOR", Some(editor_only)),
            ("EDIT_LOG", Some(log_var)),
        ],
    )
    .ok();
    let opened = std::fs::read_to_string(&log).expect("the editor ran");
    let lines: Vec<&str> = opened.lines().collect();
    assert_eq!(lines.len(), 2, "{opened}");
    assert!(
        lines[0].starts_with("--wait|") && lines[0].ends_with(file.trim()),
        "{opened}"
    );
    assert!(lines[1].ends_with(&format!("{}|", file.trim())), "{opened}");
    common::run_in_env(
        p.path(),
        &["edit", "nosuch"],
        &[("EDITOR", Some(editor_only))],
    )
    .fails(2, &["nosuch"]);
    common::run_in_env(p.path(), &["edit", "head"], &[("VISUAL", Some("false"))])
        .fails(1, &["the editor `false` exited"]);
}

#[test]
fn help_texts_never_point_to_the_spec() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = run_in(dir.path(), &["--help"]);
    let text = top.ok().to_string();
    let commands: Vec<String> = text
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next().map(String::from))
        .filter(|name| name != "help")
        .collect();
    assert!(commands.len() > 10, "{text}");
    let mut helps = vec![text];
    for command in &commands {
        helps.push(run_in(dir.path(), &[command, "--help"]).ok().to_string());
    }
    for nested in [["db", "create"], ["db", "drop"], ["plugin", "check"]] {
        helps.push(
            run_in(dir.path(), &[nested[0], nested[1], "--help"])
                .ok()
                .to_string(),
        );
    }
    for help in helps {
        assert!(!help.contains("SPEC"), "{help}");
    }
}
