//! The revisions both benchmarks generate: a `create_table` with 3 columns plus a
//! `create_index` each, as the issues specify.

use std::fmt::Write as _;
use std::path::Path;

/// The text of generated revision `n` with id `id` on `parents`.
pub(crate) fn revision_file(id: &str, parents: &[String], n: usize) -> String {
    let mut text = format!("revision = \"{id}\"\n");
    match parents {
        [] => {}
        [one] => {
            let _ = writeln!(text, "down_revision = \"{one}\"");
        }
        many => {
            let list: Vec<String> = many.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(text, "down_revision = [{}]", list.join(", "));
        }
    }
    let _ = write!(
        text,
        "message = \"revision {n}\"\ncreated = 2026-01-01T00:00:00Z\n\n\
         [[upgrade]]\nop = \"create_table\"\ntable = \"t{n}\"\ncolumns = [\n  \
         {{ name = \"id\", type = \"bigint\", primary_key = true }},\n  \
         {{ name = \"name\", type = \"varchar(100)\", nullable = false }},\n  \
         {{ name = \"created_at\", type = \"timestamptz\" }},\n]\n\n\
         [[upgrade]]\nop = \"create_index\"\nname = \"ix_t{n}_name\"\ntable = \"t{n}\"\ncolumns = [\"name\"]\n\n\
         [[downgrade]]\nop = \"drop_table\"\ntable = \"t{n}\"\n"
    );
    text
}

/// A project in `dir`: a `retort.toml` (its URL unused: benches pass `--url`) and
/// `revisions` generated revisions in a linear chain under `migrations/`.
#[allow(dead_code)] // Not every bench that shares this module writes whole projects.
pub(crate) fn write_project(dir: &Path, revisions: usize) -> std::io::Result<()> {
    let migrations = dir.join("migrations");
    std::fs::create_dir_all(&migrations)?;
    std::fs::write(
        dir.join("retort.toml"),
        "[database]\nurl = \"sqlite://unused.db\"\n",
    )?;
    let mut parent: Option<String> = None;
    for n in 0..revisions {
        let id = format!("{n:012x}");
        std::fs::write(
            migrations.join(format!("20260101_0000_{id}_revision_{n}.toml")),
            revision_file(&id, parent.as_slice(), n),
        )?;
        parent = Some(id);
    }
    Ok(())
}
