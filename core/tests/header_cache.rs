//! The header cache: it must never hide a change to a revision file.

use retort_core::load::{read_headers, read_headers_cached};
use retort_core::RevisionHeader;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

struct Dir {
    _root: tempfile::TempDir,
    migrations: PathBuf,
    cache: PathBuf,
}

fn project() -> Dir {
    let root = tempfile::tempdir().expect("tempdir");
    let migrations = root.path().join("migrations");
    std::fs::create_dir(&migrations).expect("mkdir");
    let cache = root.path().join(".retort/header-cache.bin");
    Dir {
        _root: root,
        migrations,
        cache,
    }
}

fn toml(id: &str, parent: Option<&str>, message: &str) -> String {
    let parent = parent
        .map(|p| format!("down_revision = \"{p}\"\n"))
        .unwrap_or_default();
    format!("revision = \"{id}\"\n{parent}message = \"{message}\"\ncreated = 2026-11-21T17:40:00+02:00\n")
}

/// Writes a file whose modification time lies an hour back, as for files not touched lately.
fn write_old(path: &Path, text: &str) {
    std::fs::write(path, text).expect("write");
    set_mtime(path, SystemTime::now() - Duration::from_secs(3600));
}

fn set_mtime(path: &Path, time: SystemTime) {
    File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .expect("set mtime");
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime")
}

fn cached(dir: &Dir) -> Vec<RevisionHeader> {
    read_headers_cached(&dir.migrations, &dir.cache).expect("headers")
}

fn fill(dir: &Dir) {
    write_old(
        &dir.migrations.join("a.toml"),
        &toml("aaaa0001", None, "first"),
    );
    write_old(
        &dir.migrations.join("b.toml"),
        &toml("aaaa0002", Some("aaaa0001"), "second"),
    );
    write_old(
        &dir.migrations.join("c.sql"),
        "-- retort:revision aaaa0003\n-- retort:down_revision aaaa0002\n-- retort:message third\n-- retort:created 2026-11-21T17:40:00-05:00\n-- retort:dialect postgres\n-- retort:upgrade\nSELECT 1;\n",
    );
}

#[test]
fn cached_headers_equal_freshly_read_ones_including_offsets_and_sql_fields() {
    let dir = project();
    fill(&dir);
    let fresh = read_headers(&dir.migrations).expect("headers");
    assert_eq!(cached(&dir), fresh, "first run builds the cache");
    assert!(dir.cache.is_file(), "the cache was written");
    assert_eq!(
        std::fs::read_to_string(dir.cache.with_file_name(".gitignore")).expect("gitignore"),
        "*\n"
    );
    assert_eq!(cached(&dir), fresh, "second run reads from the cache");
    assert_eq!(fresh[0].created.map(|c| c.offset().whole_hours()), Some(2));
    assert_eq!(fresh[2].dialect.as_deref(), Some("postgres"));
}

#[test]
fn edits_additions_and_removals_are_seen() {
    let dir = project();
    fill(&dir);
    cached(&dir);
    // An ordinary edit: new size, new time.
    std::fs::write(
        dir.migrations.join("b.toml"),
        toml("aaaa0002", Some("aaaa0001"), "second, edited"),
    )
    .expect("edit");
    assert_eq!(cached(&dir)[1].message, "second, edited");
    // The same size, a new time.
    let path = dir.migrations.join("a.toml");
    write_old(&path, &toml("aaaa0001", None, "FIRST"));
    assert_eq!(cached(&dir)[0].message, "FIRST");
    // Removed and added files.
    std::fs::remove_file(dir.migrations.join("c.sql")).expect("remove");
    write_old(
        &dir.migrations.join("d.toml"),
        &toml("aaaa0004", Some("aaaa0002"), "fourth"),
    );
    let ids: Vec<String> = cached(&dir).into_iter().map(|h| h.id).collect();
    assert_eq!(ids, ["aaaa0001", "aaaa0002", "aaaa0004"]);
}

#[test]
fn a_same_size_edit_in_the_same_clock_tick_is_not_hidden() {
    // The racy case: a file written just now, read into the cache, then rewritten with the
    // same size and the same timestamp. Fresh files are never cached, so this is seen.
    let dir = project();
    let path = dir.migrations.join("a.toml");
    std::fs::write(&path, toml("aaaa0001", None, "one")).expect("write");
    let written_at = mtime(&path);
    assert_eq!(cached(&dir)[0].message, "one");
    std::fs::write(&path, toml("aaaa0001", None, "two")).expect("rewrite");
    set_mtime(&path, written_at);
    assert_eq!(cached(&dir)[0].message, "two");
}

#[test]
fn a_broken_cache_is_ignored_and_rebuilt() {
    let dir = project();
    fill(&dir);
    let fresh = read_headers(&dir.migrations).expect("headers");
    std::fs::create_dir_all(dir.cache.parent().expect("parent")).expect("mkdir");
    std::fs::write(&dir.cache, b"\x01garbage\xff\xfe").expect("corrupt");
    assert_eq!(cached(&dir), fresh);
    std::fs::write(&dir.cache, b"").expect("empty");
    assert_eq!(cached(&dir), fresh);
    // One changed byte in a well-formed cache (say, in an id) must not be trusted either.
    std::fs::remove_file(&dir.cache).expect("remove");
    cached(&dir);
    let mut bytes = std::fs::read(&dir.cache).expect("cache written");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&dir.cache, bytes).expect("damage");
    assert_eq!(cached(&dir), fresh);
}

#[test]
fn malformed_files_are_reported_even_when_cached_before() {
    let dir = project();
    fill(&dir);
    cached(&dir);
    std::fs::write(
        dir.migrations.join("b.toml"),
        "revision = \"aaaa0002\"\nmesage = \"typo\"\n",
    )
    .expect("break");
    let error = read_headers_cached(&dir.migrations, &dir.cache).expect_err("malformed");
    assert!(
        error
            .to_string()
            .contains("b.toml:2:1: unknown field `mesage`"),
        "{error}"
    );
}

#[test]
fn an_unchanged_stamp_is_trusted_which_is_what_makes_the_cache_fast() {
    // Documents the contract: size, nanosecond mtime and inode identify a file's contents,
    // as they do for git and make. Only a deliberate forgery of all three goes unseen.
    let dir = project();
    fill(&dir);
    cached(&dir);
    let path = dir.migrations.join("a.toml");
    let old_time = mtime(&path);
    std::fs::write(&path, toml("aaaa0001", None, "FORGE")).expect("forge");
    set_mtime(&path, old_time);
    assert_eq!(cached(&dir)[0].message, "first", "served from the cache");
    assert_eq!(
        read_headers(&dir.migrations).expect("headers")[0].message,
        "FORGE"
    );
}
