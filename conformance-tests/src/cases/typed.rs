//! `bulk_insert` into columns of every neutral type, read back through the connection:
//! each value arrives as the same value, in the database's spelling of it (a boolean may
//! read back as 1, a numeric as the text `12.50`, a date as text).

use super::values::shown;
use crate::scratch::{connect, ensure, upgrade, Scratch};
use crate::Context;
use retort_core::dialect::Statement;
use retort_core::revision::values::Value;

const TYPED: &str = r#"[[upgrade]]
op = "create_table"
table = "typed"
columns = [
  { name = "id", type = "smallint", primary_key = true },
  { name = "big", type = "bigint" },
  { name = "n", type = "numeric(10,2)" },
  { name = "d", type = "date" },
  { name = "ts", type = "timestamptz" },
  { name = "u", type = "uuid" },
  { name = "j", type = "json" },
  { name = "b", type = "blob" },
  { name = "f", type = "double" },
  { name = "ok", type = "boolean" },
  { name = "txt", type = "varchar(40)" },
]

[[upgrade]]
op = "bulk_insert"
table = "typed"
rows = [
  { id = 7, big = -9007199254740993, n = 12.5, d = 2024-02-29, ts = 2024-01-02T03:04:05Z,
    u = "8d9c1f0e-0000-4000-8000-000000000001", j = '{"a": [1, 2]}', b = { base64 = "AP9c" },
    f = 0.1, ok = true, txt = "x'\\y ✓" },
  { id = 8, ok = false },
]
"#;

/// What a column must read back as.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Integer(i64),
    Number(f64),
    Date(&'static str),
    Instant(&'static str),
    Uuid(&'static str),
    Json(&'static str),
    Bytes(&'static [u8]),
    Boolean(bool),
    Text(&'static str),
    Null,
}

fn matches(expect: Expect, value: &Value) -> bool {
    match (expect, value) {
        (Expect::Null, Value::Null) => true,
        (Expect::Integer(i), Value::Integer(v)) => i == *v,
        (Expect::Integer(i), Value::String(s)) => s.parse() == Ok(i),
        (Expect::Number(x), Value::Float(v)) => x == *v,
        (Expect::Number(x), Value::Integer(v)) => x == *v as f64,
        (Expect::Number(x), Value::String(s)) => s.parse() == Ok(x),
        (Expect::Date(d), Value::DateTime(s) | Value::String(s)) => s == d,
        (Expect::Instant(t), Value::DateTime(s) | Value::String(s)) => instant(s) == instant(t),
        (Expect::Uuid(u), Value::String(s)) => s.eq_ignore_ascii_case(u),
        (Expect::Uuid(u), Value::Bytes(b)) => hex(b) == u.replace('-', ""),
        (Expect::Json(j), Value::String(s)) => {
            serde_json::from_str::<serde_json::Value>(s).ok()
                == serde_json::from_str::<serde_json::Value>(j).ok()
        }
        (Expect::Bytes(e), Value::Bytes(b)) => e == b.as_slice(),
        (Expect::Boolean(e), Value::Boolean(b)) => e == *b,
        (Expect::Boolean(e), Value::Integer(i)) => i64::from(e) == *i,
        (Expect::Text(e), Value::String(s)) => e == s,
        _ => false,
    }
}

fn described(expect: Expect) -> String {
    match expect {
        Expect::Integer(i) => format!("the integer {i}"),
        Expect::Number(x) => format!("the number {x}"),
        Expect::Date(d) => format!("the date {d}"),
        Expect::Instant(t) => format!("the instant {t}"),
        Expect::Uuid(u) => format!("the UUID {u}"),
        Expect::Json(j) => format!("the JSON {j}"),
        Expect::Bytes(b) => format!("the bytes {}", hex(b)),
        Expect::Boolean(b) => format!("the boolean {b}"),
        Expect::Text(t) => format!("the text {t}"),
        Expect::Null => String::from("NULL"),
    }
}

/// `2024-01-02T03:04:05Z`, `2024-01-02 03:04:05+00:00` and `2024-01-02 03:04:05+00` alike.
fn instant(text: &str) -> String {
    let text = text.replace('T', " ");
    let text = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))
        .or_else(|| text.strip_suffix("+00"))
        .unwrap_or(&text);
    text.to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn bulk_insert_of_every_type_reads_back(ctx: &Context<'_>) -> Result<(), String> {
    let scratch = Scratch::new()?;
    scratch.revision("aaaa0001", None, TYPED)?;
    let graph = scratch.graph()?;
    let mut conn = connect(ctx.dialect, ctx.url)?;
    upgrade(ctx.dialect, &graph, conn.as_mut(), "head")?;
    let columns = ["id", "big", "n", "d", "ts", "u", "j", "b", "f", "ok", "txt"];
    let first = [
        Expect::Integer(7),
        Expect::Integer(-9_007_199_254_740_993),
        Expect::Number(12.5),
        Expect::Date("2024-02-29"),
        Expect::Instant("2024-01-02T03:04:05Z"),
        Expect::Uuid("8d9c1f0e-0000-4000-8000-000000000001"),
        Expect::Json(r#"{"a": [1, 2]}"#),
        Expect::Bytes(&[0, 255, 0x5c]),
        Expect::Number(0.1),
        Expect::Boolean(true),
        Expect::Text("x'\\y ✓"),
    ];
    let mut second = [Expect::Null; 11];
    second[0] = Expect::Integer(8);
    second[9] = Expect::Boolean(false);
    let syntax = ctx.dialect.syntax();
    let list: Vec<String> = columns.iter().map(|c| syntax.quote_identifier(c)).collect();
    let query = Statement::new(format!(
        "SELECT {} FROM {} ORDER BY {}",
        list.join(", "),
        syntax.quote_identifier("typed"),
        syntax.quote_identifier("id")
    ));
    let rows = conn
        .query(&query)
        .map_err(|e| format!("reading back: {e}"))?;
    ensure(rows.len() == 2, || {
        format!("{} rows read back, not 2", rows.len())
    })?;
    let mut wrong = Vec::new();
    for (row, expected) in rows.iter().zip([first, second]) {
        for ((column, expect), value) in columns.iter().zip(expected).zip(row) {
            if !matches(expect, value) {
                wrong.push(format!(
                    "column `{column}`: expected {}, read {}",
                    described(expect),
                    shown(value)
                ));
            }
        }
    }
    ensure(wrong.is_empty(), || {
        format!("values changed on the way:\n  {}", wrong.join("\n  "))
    })
}
