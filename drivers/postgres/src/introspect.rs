//! Reading the live schema into the model's normal form through the catalogs: four
//! queries (tables, columns, constraints, indexes) whatever the number of tables, for the
//! first schema of the search_path (`current_schema()`).
//!
//! Constraints retort named because the user did not (comment `retort:unnamed`), and those
//! bearing PostgreSQL's own default names, read back as unnamed. A check constraint's
//! expression comes from its comment where retort wrote one, else from
//! `pg_get_constraintdef`.

use crate::connection::{db_error, PostgresConnection};
use crate::literal::parse_default;
use crate::render::{default_constraint_name, CHECK_MARK, UNNAMED_CHECK_MARK, UNNAMED_MARK};
use crate::types::parse_catalog_type;
use postgres::Row;
use retort_core::dialect::DbError;
use retort_core::revision::ops::ReferentialAction;
use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint,
};
use std::collections::BTreeMap;

/// The condition every query below starts its `WHERE` clause with (`c` is the table).
const IN_SCHEMA: &str = "WHERE n.nspname = current_schema()";

const TABLES: &str = "SELECT c.oid, c.relname::text, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";

const COLUMNS: &str = "SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod),
  a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text,
  col_description(a.attrelid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum";

const CONSTRAINTS: &str = "SELECT con.conrelid, con.conname::text, con.contype::text,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, pos)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.pos),
  ref.relname::text,
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, pos)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.pos),
  con.confdeltype::text, con.confupdtype::text, pg_get_constraintdef(con.oid),
  obj_description(con.oid, 'pg_constraint')
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class ref ON ref.oid = con.confrelid
WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'c', 'f')";

const INDEXES: &str = "SELECT i.indrelid, ic.relname::text, i.indisunique,
  pg_get_expr(i.indpred, i.indrelid),
  ARRAY(SELECT CASE WHEN k.num = 0 THEN pg_get_indexdef(i.indexrelid, k.pos::int, true)
                    ELSE (SELECT a.attname::text FROM pg_attribute a
                          WHERE a.attrelid = i.indrelid AND a.attnum = k.num) END
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, pos)
        WHERE k.pos <= i.indnkeyatts ORDER BY k.pos)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema()
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                    AND con.contype IN ('p', 'u', 'x'))";

/// Every table of the current schema; with `only`, just the tables it names.
pub(crate) fn introspect(
    conn: &mut PostgresConnection,
    only: Option<&[String]>,
) -> Result<Schema, DbError> {
    let mut run = |sql: &str| {
        conn.introspection_queries += 1;
        let result = match only {
            None => conn.client().query(sql, &[]),
            // Each query's one `WHERE` starts with the schema; the tables follow it.
            Some(tables) => conn.client().query(
                &sql.replacen(
                    IN_SCHEMA,
                    &format!("{IN_SCHEMA} AND c.relname = ANY($1)"),
                    1,
                ),
                &[&tables],
            ),
        };
        result.map_err(|e| db_error("cannot read the schema from the catalogs", &e))
    };
    let table_rows = run(TABLES)?;
    let column_rows = run(COLUMNS)?;
    let constraint_rows = run(CONSTRAINTS)?;
    let index_rows = run(INDEXES)?;

    let mut tables: BTreeMap<u32, Table> = BTreeMap::new();
    for row in &table_rows {
        let mut table = Table::new(get::<String>(row, 1)?, Vec::new());
        table.comment = get(row, 2)?;
        tables.insert(get(row, 0)?, table);
    }
    for row in &column_rows {
        let Some(table) = tables.get_mut(&get::<u32>(row, 0)?) else {
            continue;
        };
        let column_type = parse_catalog_type(&get::<String>(row, 2)?);
        let default: Option<String> = get(row, 4)?;
        let identity = get::<String>(row, 5)?;
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        table.columns.push(Column {
            name: get(row, 1)?,
            nullable: !get::<bool>(row, 3)?,
            default: default
                .filter(|_| !serial)
                .map(|d| parse_default(&d, &column_type)),
            autoincrement: serial || !identity.is_empty(),
            comment: get(row, 6)?,
            column_type,
        });
    }
    for row in &constraint_rows {
        let Some(table) = tables.get_mut(&get::<u32>(row, 0)?) else {
            continue;
        };
        read_constraint(table, row)?;
    }
    for row in &index_rows {
        let Some(table) = tables.get_mut(&get::<u32>(row, 0)?) else {
            continue;
        };
        table.indexes.push(Index {
            name: get(row, 1)?,
            unique: get(row, 2)?,
            predicate: get(row, 3)?,
            columns: get(row, 4)?,
        });
    }
    Ok(tables.into_values().collect())
}

fn read_constraint(table: &mut Table, row: &Row) -> Result<(), DbError> {
    let name: String = get(row, 1)?;
    let kind: String = get(row, 2)?;
    let columns: Vec<String> = get(row, 3)?;
    let comment: Option<String> = get(row, 9)?;
    let marked_unnamed = comment.as_deref() == Some(UNNAMED_MARK);
    let named = |suffix: &str, columns: &[String]| {
        let unnamed =
            marked_unnamed || name == default_constraint_name(&table.name, columns, suffix);
        (!unnamed).then(|| name.clone())
    };
    match kind.as_str() {
        "p" => {
            table.primary_key = Some(PrimaryKey {
                name: named("pkey", &[]),
                columns,
            })
        }
        "u" => table.unique_constraints.push(UniqueConstraint {
            name: named("key", &columns),
            columns,
        }),
        "f" => table.foreign_keys.push(ForeignKey {
            name: named("fkey", &columns),
            columns,
            references_table: get::<Option<String>>(row, 4)?.unwrap_or_default(),
            references_columns: get(row, 5)?,
            on_delete: action(&get::<String>(row, 6)?),
            on_update: action(&get::<String>(row, 7)?),
        }),
        _ => {
            let kept = comment.as_deref().and_then(|c| {
                c.strip_prefix(UNNAMED_CHECK_MARK)
                    .map(|rest| (None, rest))
                    .or_else(|| {
                        c.strip_prefix(CHECK_MARK)
                            .map(|rest| (Some(name.clone()), rest))
                    })
                    .and_then(|(name, rest)| {
                        rest.strip_prefix('\n').map(|expr| (name, expr.to_string()))
                    })
            });
            let (name, expr) = match kept {
                Some(found) => found,
                None => {
                    let definition: String = get(row, 8)?;
                    (Some(name), deparsed_check(&definition))
                }
            };
            table.checks.push(CheckConstraint { name, expr });
        }
    }
    Ok(())
}

/// How PostgreSQL writes each of `checks` (table, expression): all added at once, `NOT
/// VALID`, to empty temporary copies of their tables in a transaction that is rolled back,
/// then read back as introspection reads checks. One round trip for the DDL, one for the
/// answer; nothing is left behind.
pub(crate) fn render_checks(
    conn: &mut PostgresConnection,
    checks: &[(String, String)],
) -> Result<Vec<String>, DbError> {
    if checks.is_empty() {
        return Ok(Vec::new());
    }
    let mut copies: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sql = String::from("BEGIN;\n");
    for (table, _) in checks {
        let next = copies.len();
        let copy = *copies.entry(table.as_str()).or_insert(next);
        if copy == next {
            sql.push_str(&format!(
                "CREATE TEMPORARY TABLE retort_render_{copy} (LIKE {});\n",
                crate::quote::quote_identifier(table)
            ));
        }
    }
    for (n, (table, expr)) in checks.iter().enumerate() {
        sql.push_str(&format!(
            "ALTER TABLE retort_render_{} ADD CONSTRAINT retort_render_check_{n} CHECK ({expr}) NOT VALID;\n",
            copies[table.as_str()]
        ));
    }
    let rendered = conn
        .batch(&sql, "cannot render the declared checks on the server")
        .and_then(|()| {
            conn.client()
                .query(
                    "SELECT substr(conname::text, 21)::int, pg_get_constraintdef(oid) \
                     FROM pg_constraint \
                     WHERE connamespace = pg_my_temp_schema() \
                       AND conname::text LIKE 'retort\\_render\\_check\\_%'",
                    &[],
                )
                .map_err(|e| db_error("cannot read the rendered checks", &e))
        });
    // Whatever happened, nothing stays: the temporary tables go with the transaction.
    let rolled_back = conn.batch("ROLLBACK", "cannot roll the check rendering back");
    let rows = rendered?;
    rolled_back?;
    let mut out = vec![String::new(); checks.len()];
    for row in &rows {
        let n: i32 = get(row, 0)?;
        let definition: String = get(row, 1)?;
        if let Some(slot) = usize::try_from(n).ok().and_then(|n| out.get_mut(n)) {
            *slot = deparsed_check(&definition);
        }
    }
    Ok(out)
}

/// `CHECK ((a > 0))` → `a > 0`.
fn deparsed_check(definition: &str) -> String {
    use retort_core::Dialect as _;
    let mut expr = definition
        .trim()
        .strip_prefix("CHECK ")
        .unwrap_or(definition)
        .trim();
    expr = expr.strip_suffix(" NOT VALID").unwrap_or(expr);
    retort_core::sql::strip_enclosing_parentheses(expr, &crate::PostgresDialect.syntax())
        .to_string()
}

fn action(code: &str) -> ReferentialAction {
    match code {
        "c" => ReferentialAction::Cascade,
        "r" => ReferentialAction::Restrict,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, DbError> {
    row.try_get(index)
        .map_err(|e| db_error("the catalogs returned an unexpected row", &e))
}

#[cfg(test)]
mod filter_tests {
    use super::{COLUMNS, CONSTRAINTS, INDEXES, IN_SCHEMA, TABLES};

    /// `introspect_tables` adds its filter after this condition: each query needs it once.
    #[test]
    fn every_catalog_query_starts_its_where_clause_with_the_schema_once() {
        for query in [TABLES, COLUMNS, CONSTRAINTS, INDEXES] {
            assert_eq!(query.matches(IN_SCHEMA).count(), 1, "{query}");
        }
    }
}
