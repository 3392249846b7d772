//! Names as long as the database keeps: tables named at the limit keep distinct names for
//! the constraints the user left unnamed, and a longer name is refused before a run
//! rather than cut short by the server.

use crate::scratch::{
    connect, describe_tables, downgrade, ensure, ensure_schema, live_schema, upgrade, Scratch,
};
use crate::Context;
use retort_core::dialect::IdentifierLimit;
use retort_core::migrate::{Direction, Migrator, MigratorSettings};

/// `stem` padded to `length` ASCII characters (as many bytes).
fn long_name(stem: &str, length: usize) -> String {
    let mut name = format!("{stem}_");
    let filler = "abcdefghijklmnopqrstuvwxyz";
    while name.len() < length {
        let at = (name.len() - stem.len()) % filler.len();
        name.push_str(&filler[at..=at]);
    }
    name
}

/// Two tables named at the dialect's limit, every constraint unnamed: a primary key, a
/// unique column, checks and (on the second) two foreign keys to the first.
fn write_tables(scratch: &Scratch, accounts: &str, entries: &str) -> Result<(), String> {
    scratch.revision(
        "aaaa0001",
        None,
        &format!(
            r#"[[upgrade]]
op = "create_table"
table = "{accounts}"
columns = [
  {{ name = "id", type = "integer", primary_key = true }},
  {{ name = "code", type = "text", unique = true }},
  {{ name = "qty", type = "integer" }},
]
checks = [{{ expr = "qty >= 0" }}]

[[downgrade]]
op = "drop_table"
table = "{accounts}"
"#
        ),
    )?;
    scratch.revision(
        "aaaa0002",
        Some("aaaa0001"),
        &format!(
            r#"[[upgrade]]
op = "create_table"
table = "{entries}"
columns = [
  {{ name = "id", type = "integer", primary_key = true }},
  {{ name = "account_id", type = "integer" }},
  {{ name = "other_account_id", type = "integer" }},
  {{ name = "code", type = "text", unique = true }},
]
checks = [{{ expr = "account_id > 0" }}, {{ expr = "other_account_id > 0" }}]
foreign_keys = [
  {{ columns = ["account_id"], references_table = "{accounts}", references_columns = ["id"] }},
  {{ columns = ["other_account_id"], references_table = "{accounts}", references_columns = ["id"] }},
]

[[downgrade]]
op = "drop_table"
table = "{entries}"
"#
        ),
    )?;
    Ok(())
}

pub(crate) fn names_at_the_limit_round_trip_and_longer_ones_are_refused(
    ctx: &Context<'_>,
) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let limit = dialect.capabilities().max_identifier_length;
    let length = limit.map_or(63, IdentifierLimit::max);
    let accounts = long_name("accounts", length);
    let entries = long_name("entries", length);

    let scratch = Scratch::new()?;
    write_tables(&scratch, &accounts, &entries)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")
        .map_err(|e| format!("tables named at the limit ({length}) failed: {e}"))?;
    let live = live_schema(conn.as_mut())?;
    ensure_schema(
        ctx.dialect,
        &live,
        &scratch.folded()?,
        "with names at the limit",
    )?;
    downgrade(dialect, &graph, conn.as_mut(), "base")?;
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        format!(
            "tables left after downgrade base: {}",
            describe_tables(&live)
        )
    })?;

    let Some(limit) = limit else {
        return Ok(());
    };
    // One unit over: in bytes, a name whose characters alone would fit.
    let too_long = match limit {
        IdentifierLimit::Bytes(n) => "é".repeat(n.div_ceil(2) + usize::from(n % 2 == 0)),
        IdentifierLimit::Characters(n) => "c".repeat(n + 1),
    };
    scratch.revision(
        "aaaa0003",
        Some("aaaa0002"),
        &format!(
            r#"[[upgrade]]
op = "add_column"
table = "{entries}"
column = {{ name = "{too_long}", type = "integer" }}
"#
        ),
    )?;
    let graph = scratch.graph()?;
    let error = upgrade(dialect, &graph, conn.as_mut(), "head")
        .err()
        .ok_or_else(|| format!("a column named with {} was accepted", too_long.len()))?;
    for fragment in [
        "aaaa0003",
        too_long.as_str(),
        &limit.to_string(),
        "add_column",
    ] {
        ensure(error.contains(fragment), || {
            format!("the refusal lacks `{fragment}`: {error}")
        })?;
    }
    let live = live_schema(conn.as_mut())?;
    ensure(live.is_empty(), || {
        format!(
            "the refused run executed something: {}",
            describe_tables(&live)
        )
    })?;
    let offline = Migrator::new(dialect, &graph, MigratorSettings::default()).offline_script(
        None,
        "head",
        Direction::Upgrade,
    );
    let error = offline
        .err()
        .ok_or("an offline script with a name over the limit was written")?
        .to_string();
    ensure(error.contains(&too_long), || {
        format!("the offline refusal lacks the name: {error}")
    })
}
