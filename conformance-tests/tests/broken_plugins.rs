//! Plugins that are broken on purpose: refused or contained, never a crash.

use retort_conformance::cdylib;
use retort_core::db_url::DatabaseUrl;
use retort_core::plugin::{self, PluginError};
use retort_core::Dialect;

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
