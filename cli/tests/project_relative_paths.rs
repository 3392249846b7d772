//! Paths retort prints are relative to the project directory (the directory of
//! `retort.toml`), so that the same project prints the same bytes in every checkout and from
//! every subdirectory; paths given on the command line stay relative to where retort was
//! started.

mod common;

use common::{run_in, Project};

/// A project with two revisions, the second one a SQL file.
fn two_revisions() -> Project {
    let project = Project::new();
    project.write(
        "1.toml",
        "revision = \"aaaa00000001\"\nmessage = \"t1\"\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"t1\"\n\
         columns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"t1\"\n",
    );
    project.write(
        "2.sql",
        "-- retort:revision aaaa00000002\n-- retort:down_revision aaaa00000001\n\
         -- retort:upgrade\nCREATE TABLE t2 (id INTEGER);\n-- retort:downgrade\nDROP TABLE t2;\n",
    );
    project
}

fn temp_dir_name(project: &Project) -> String {
    project.path().display().to_string()
}

#[test]
fn offline_scripts_are_the_same_bytes_in_every_checkout_and_subdirectory() {
    let first = two_revisions();
    let second = two_revisions();
    let from_root = first.run(&["upgrade", "--sql"]).ok().to_string();
    let from_subdirectory = run_in(&second.migrations(), &["upgrade", "--sql"])
        .ok()
        .to_string();
    assert_eq!(from_root, from_subdirectory);
    assert!(
        from_root.contains("(migrations/2.sql)"),
        "the script names files relative to the project: {from_root}"
    );
    for project in [&first, &second] {
        assert!(!from_root.contains(&temp_dir_name(project)), "{from_root}");
    }
}

#[test]
fn messages_and_show_name_files_relative_to_the_project() {
    let project = two_revisions();
    let outside = tempfile::tempdir().expect("temporary directory");
    let config = project.path().join("retort.toml");
    let config = config.to_str().expect("UTF-8 path");

    let shown = run_in(outside.path(), &["-c", config, "show", "aaaa00000002"]);
    assert!(
        shown.ok().contains("Path: migrations/2.sql"),
        "{}",
        shown.stdout
    );

    project.write("3.toml", "revision = \n");
    let from_outside = run_in(outside.path(), &["-c", config, "upgrade"]);
    from_outside.fails(2, &["error: migrations/3.toml:1:"]);
    let from_subdirectory = run_in(&project.migrations(), &["upgrade"]);
    from_subdirectory.fails(2, &["error: migrations/3.toml:1:"]);
    assert!(!from_outside.stderr.contains(&temp_dir_name(&project)));
}

#[test]
fn command_line_paths_stay_relative_to_where_retort_started() {
    let project = two_revisions();
    let started_in = project.migrations();
    run_in(&started_in, &["--url", "sqlite://here.db", "upgrade"]).ok();
    assert!(
        started_in.join("here.db").is_file(),
        "--url is relative to the start"
    );
    assert!(!project.path().join("here.db").exists());

    // `--config` given relative to a directory that is not the project's.
    let parent = project.path().parent().expect("a parent directory");
    let name = project.path().file_name().expect("a name");
    let relative_config = std::path::Path::new(name).join("retort.toml");
    let relative_config = relative_config.to_str().expect("UTF-8 path");
    let history = run_in(parent, &["-c", relative_config, "history"]);
    assert!(history.ok().contains("aaaa00000002"), "{}", history.stdout);
}

#[test]
fn files_outside_the_project_are_named_by_their_absolute_path() {
    let workspace = tempfile::tempdir().expect("temporary directory");
    let project_dir = workspace.path().join("app");
    let shared = workspace.path().join("shared");
    std::fs::create_dir_all(&project_dir).expect("project directory");
    std::fs::create_dir_all(&shared).expect("shared migrations directory");
    std::fs::write(
        project_dir.join("retort.toml"),
        "[database]\nurl = \"sqlite://app.db\"\n\n[migrations]\ndir = \"../shared\"\n",
    )
    .expect("write retort.toml");
    std::fs::write(shared.join("bad.toml"), "revision = \n").expect("write revision");
    let run = run_in(&project_dir, &["history"]);
    let expected = shared.join("bad.toml");
    run.fails(2, &[&format!("error: {}:1:", expected.display())]);
}
