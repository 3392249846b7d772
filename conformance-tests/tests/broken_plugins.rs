//! Plugins that are broken (or old) on purpose: refused, contained or loaded, never a
//! crash. Each is a fixture crate under `conformance-tests/broken-plugins/`.

use retort_conformance::cdylib;
use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{render_sequence, RenderMode};
use retort_core::graph::Graph;
use retort_core::load::read_headers;
use retort_core::plugin::{self, PluginError};
use retort_core::revision::toml_file::parse_toml_revision;
use retort_core::schema::Schema;
use retort_core::{Dialect, Migrator, MigratorSettings};

/// The error of loading fixture `package`, which must be refused.
fn refusal(package: &str) -> (PluginError, String) {
    let library = cdylib::build(package).expect("building the fixture");
    let error = plugin::load(&library).expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains(&library.display().to_string()),
        "the message names the file: {message}"
    );
    (error, message)
}

#[test]
fn a_plugin_of_another_abi_major_is_refused_naming_both_versions() {
    let library = cdylib::build("retort-test-plugin-wrong-abi").expect("building the fixture");
    let error = plugin::load(&library).expect_err("refused");
    assert!(
        matches!(error, PluginError::AbiMismatch { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("ABI 99.0"), "{message}");
    let host = format!("ABI {}.{}", plugin::abi::ABI_MAJOR, plugin::abi::ABI_MINOR);
    assert!(message.contains(&host), "{message}");
    assert!(
        message.contains("needs a newer retort, one that speaks plugin ABI 99.x"),
        "{message}"
    );
    assert!(
        message.contains(&library.display().to_string()),
        "{message}"
    );
}

#[test]
fn a_panicking_plugin_is_poisoned_and_refuses_later_calls() {
    let library = cdylib::build("retort-test-plugin-panicking").expect("building the fixture");
    let dialect = plugin::load(&library).expect("the fixture loads");
    assert_eq!(dialect.name(), "panicky");
    let url = DatabaseUrl::parse("panicky://somewhere").expect("url");

    let error = dialect
        .connect(&url)
        .map(|_| ())
        .expect_err("connect panics");
    let message = error.to_string();
    assert!(message.contains("panicked"), "{message}");
    assert!(
        message.contains("always panics in connect"),
        "the panic message is passed on: {message}"
    );
    assert!(dialect.is_poisoned());

    let later = dialect
        .create_database(&url)
        .expect_err("refused after the panic");
    assert!(later.to_string().contains("panicked earlier"), "{later}");
}

#[test]
fn a_panic_while_rendering_a_sequence_is_reported_as_its_failure() {
    let library = cdylib::build("retort-test-plugin-panicking").expect("building the fixture");
    // A copy of its own: the library loaded by the test above is poisoned already.
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join(library.file_name().expect("a file name"));
    std::fs::copy(&library, &copy).expect("copying the library");
    let dialect = plugin::load(&copy).expect("the fixture loads");
    let revision = parse_toml_revision(
        std::path::Path::new("r.toml"),
        "revision = \"a1\"\nmessage = \"m\"\n\n[[upgrade]]\nop = \"create_table\"\n\
         table = \"t\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n\n\
         [[upgrade]]\nop = \"drop_table\"\ntable = \"t\"\n",
    )
    .expect("revision");
    let (create, drop) = (&revision.upgrade[0], &revision.upgrade[1]);
    let rendered = render_sequence(
        &dialect,
        &[create, drop, create],
        &Schema::new(),
        RenderMode::Online,
    );
    assert_eq!(
        rendered.statements.len(),
        1,
        "the operation before the panic"
    );
    let failure = rendered
        .failure
        .expect("the panic is the sequence's failure");
    assert_eq!(failure.what, "render `drop_table` through its plugin");
    assert!(
        failure
            .reason
            .contains("panicked (the panicky test plugin always panics rendering drop_table)"),
        "{failure}"
    );
    assert!(dialect.is_poisoned());
}

#[test]
fn a_plugin_of_abi_1_is_refused_saying_which_retort_runs_it_or_how_to_rebuild() {
    let (error, message) = refusal("retort-test-plugin-abi-one");
    assert!(
        matches!(error, PluginError::AbiMismatch { .. }),
        "{error:?}"
    );
    assert!(
        message.contains("was built for retort plugin ABI 1.2"),
        "{message}"
    );
    assert!(
        message.contains("ABI 1 plugins run with the retort builds from before plugin ABI 2.0"),
        "{message}"
    );
    assert!(
        message.contains("rebuild the plugin against retort-core"),
        "{message}"
    );
}

#[test]
fn a_declaration_without_the_magic_bytes_is_refused() {
    let (error, message) = refusal("retort-test-plugin-bad-magic");
    assert!(matches!(error, PluginError::BadMagic { .. }), "{error:?}");
    assert!(
        message.contains("lacks the retort magic bytes"),
        "{message}"
    );
}

#[test]
fn a_function_table_shorter_than_abi_2_0_is_refused() {
    let (error, message) = refusal("retort-test-plugin-short-table");
    assert!(
        matches!(error, PluginError::TableTooSmall { plugin, .. } if plugin == 2 * std::mem::size_of::<usize>()),
        "{error:?}"
    );
    assert!(
        message.contains("the plugin is corrupt or built wrongly"),
        "{message}"
    );
}

#[test]
fn a_null_declaration_is_refused() {
    let (error, message) = refusal("retort-test-plugin-null-declaration");
    assert!(matches!(error, PluginError::Malformed { .. }), "{error:?}");
    assert!(message.contains("returned a null declaration"), "{message}");
}

#[test]
fn a_plugin_that_aborts_on_panic_is_refused() {
    let (error, message) = refusal("retort-test-plugin-aborts-on-panic");
    assert!(
        matches!(error, PluginError::AbortsOnPanic { .. }),
        "{error:?}"
    );
    assert!(message.contains("panic = \"abort\""), "{message}");
    assert!(message.contains("panic = \"unwind\""), "{message}");
}

#[test]
fn a_plugin_of_the_previous_minor_loads_and_migrates() {
    let library = cdylib::build("retort-test-plugin-previous-minor").expect("building the fixture");
    let dialect = plugin::load(&library).expect("an older minor of this major loads");
    assert_eq!(
        dialect.plugin_abi(),
        format!("{}.0", plugin::abi::ABI_MAJOR)
    );
    assert!(
        !dialect.has_execute_transaction(),
        "its table ends before execute_transaction"
    );
    assert_eq!(dialect.name(), "sqlite");

    let dir = tempfile::tempdir().expect("tempdir");
    let migrations = dir.path().join("migrations");
    std::fs::create_dir(&migrations).expect("migrations directory");
    std::fs::write(
        migrations.join("20260101_0000_aaaa0001_first.toml"),
        "revision = \"aaaa0001\"\nmessage = \"first\"\n\n[[upgrade]]\nop = \"create_table\"\n\
         table = \"notes\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"notes\"\n",
    )
    .expect("first revision");
    std::fs::write(
        migrations.join("20260101_0001_aaaa0002_second.toml"),
        "revision = \"aaaa0002\"\ndown_revision = \"aaaa0001\"\nmessage = \"second\"\n\n\
         [[upgrade]]\nop = \"add_column\"\ntable = \"notes\"\n\
         column = { name = \"body\", type = \"text\" }\n\n\
         [[downgrade]]\nop = \"drop_column\"\ntable = \"notes\"\ncolumn = \"body\"\n",
    )
    .expect("second revision");
    let graph = Graph::new(read_headers(&migrations).expect("headers")).expect("graph");
    let url = DatabaseUrl::parse(&format!(
        "sqlite://{}",
        dir.path().join("db.sqlite").display()
    ))
    .expect("url");
    let mut conn = dialect.connect(&url).expect("connects");
    let steps = Migrator::new(&dialect, &graph, MigratorSettings::default())
        .upgrade(conn.as_mut(), "head", false, &mut |_| {})
        .expect("upgrades through the older plugin");
    assert_eq!(steps.len(), 2);
    let schema = conn.introspect().expect("introspects");
    let notes = schema.table("notes").expect("the table is there");
    let columns: Vec<&str> = notes.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "body"]);
}

#[test]
fn a_file_that_is_not_a_shared_library_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("libnot_a_plugin.so");
    std::fs::write(&path, "just text\n").expect("write");
    let error = plugin::load(&path).expect_err("refused");
    assert!(
        matches!(error, PluginError::NotALibrary { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("is not a loadable shared library"),
        "{error}"
    );
}

#[test]
fn a_shared_library_without_the_entry_symbol_is_refused() {
    // A real shared library that is no plugin: the wrong-ABI fixture has the symbol, so use
    // the system's C library, present wherever these tests run.
    let libc = [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/libc.so.6",
        "/usr/lib/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
    ]
    .iter()
    .map(std::path::Path::new)
    .find(|path| path.is_file())
    .expect("a system libc to load");
    let error = plugin::load(libc).expect_err("refused");
    assert!(
        matches!(error, PluginError::NoEntrySymbol { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("exports no `retort_plugin_entry` symbol"),
        "{error}"
    );
}
