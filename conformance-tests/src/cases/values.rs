//! Identifiers and values that try to break out of their quotes.

use crate::scratch::{connect, ensure, ensure_schema, live_schema, upgrade, Scratch};
use crate::Context;
use retort_core::dialect::Statement;
use retort_core::load::{read_revision, Revision};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;

pub(crate) fn hostile_identifiers_round_trip(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    let body = r#"
[[upgrade]]
op = "create_table"
table = 'select "weird" Tablé'
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "it's", type = "text" },
  { name = "Upper Case", type = "varchar(20)", nullable = false, default = "x'y" },
  { name = "crlf", type = "varchar(20)", default = "a\r\nb\r" },
  { name = "order", type = "integer" },
  { name = "naïve ✓", type = "boolean" },
  { name = "Parent Id", type = "integer" },
]
unique = [{ name = "uq \"it's\" unique", columns = ["it's"] }]
checks = [{ name = "ck 'order' ≥ 0", expr = "\"order\" >= 0" }]
foreign_keys = [{ name = "fk \"self\"", columns = ["Parent Id"], references_table = 'select "weird" Tablé', references_columns = ["id"] }]

[[upgrade]]
op = "create_index"
name = 'ix "quoted" index'
table = 'select "weird" Tablé'
columns = ["Upper Case", "order"]
"#;
    let path = scratch.revision("aaaa0001", None, body)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")?;
    let live = live_schema(conn.as_mut())?;
    let header = graph.get("aaaa0001").ok_or("revision missing")?;
    let Revision::Toml(rev) = read_revision(header).map_err(|e| e.to_string())? else {
        return Err(format!("{} is not a TOML revision", path.display()));
    };
    let (expected, _) = Schema::fold(&rev.upgrade).map_err(|e| e.to_string())?;
    ensure_schema(ctx.dialect, &live, &expected, "with hostile names")
}

pub(crate) fn bulk_insert_hostile_values_read_back(ctx: &Context<'_>) -> Result<(), String> {
    let (dialect, url) = (ctx.dialect, ctx.url);
    let scratch = Scratch::new()?;
    let large = "ab'c\"d\\e\n".repeat(20_000);
    let texts: Vec<String> = vec![
        "it's".into(),
        "'; DROP TABLE notes; --".into(),
        "ünïcödé ✓ 日本語 🚀".into(),
        String::new(),
        "back\\slash and \"double\" quotes".into(),
        large,
    ];
    let rows: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| format!("{{ id = {}, body = {} }}", i + 1, toml_string(text)))
        .chain(std::iter::once(format!("{{ id = {} }}", texts.len() + 1)))
        .collect();
    let body = format!(
        "[[upgrade]]\nop = \"create_table\"\ntable = \"notes\"\ncolumns = [{{ name = \"id\", type = \"integer\", primary_key = true }}, {{ name = \"body\", type = \"text\" }}]\n\n\
         [[upgrade]]\nop = \"bulk_insert\"\ntable = \"notes\"\nrows = [\n{}\n]\n",
        rows.join(",\n")
    );
    scratch.revision("aaaa0001", None, &body)?;
    let graph = scratch.graph()?;
    let mut conn = connect(dialect, url)?;
    upgrade(dialect, &graph, conn.as_mut(), "head")?;
    let syntax = dialect.syntax();
    let q = |name: &str| syntax.quote_identifier(name);
    let query = Statement::new(format!(
        "SELECT {}, {} FROM {} ORDER BY {}",
        q("id"),
        q("body"),
        q("notes"),
        q("id")
    ));
    let read = conn
        .query(&query)
        .map_err(|e| format!("reading back: {e}"))?;
    ensure(read.len() == texts.len() + 1, || {
        format!("{} rows read back", read.len())
    })?;
    for (row, text) in read.iter().zip(&texts) {
        ensure(row.get(1) == Some(&Value::String(text.clone())), || {
            format!(
                "row {}: the value changed on the way: wrote {}, read {}",
                text_index(&texts, text),
                shown(&Value::String(text.clone())),
                row.get(1).map_or_else(|| String::from("nothing"), shown)
            )
        })?;
    }
    ensure(
        read.last().and_then(|r| r.get(1)) == Some(&Value::Null),
        || "a left-out key did not read back as NULL".into(),
    )
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn text_index(texts: &[String], text: &str) -> usize {
    texts.iter().position(|t| t == text).map_or(0, |i| i + 1)
}

/// A value as it would be written in a revision file, cut after 60 characters.
pub(crate) fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(s) => toml_string(s),
        Value::Null => String::from("NULL"),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(x) => format!("the float {x}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::DateTime(t) => format!("the date/time {t}"),
        Value::Bytes(bytes) => format!(
            "the bytes {}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    };
    if text.chars().count() > 60 {
        format!(
            "{}... ({} characters)",
            text.chars().take(60).collect::<String>(),
            text.chars().count()
        )
    } else {
        text
    }
}
