//! strict-sqlite: a retort dialect plugin that wraps the SQLite driver and creates every
//! table as a SQLite `STRICT` table, mapping neutral types to the five types STRICT tables
//! accept (`INTEGER`, `REAL`, `TEXT`, `BLOB`, `ANY`). URLs: `sqlite+strict://app.db`,
//! `sqlite+strict:///abs/path.db`.
//!
//! Build with `cargo build --release`, load with
//! `retort --plugin target/release/libstrict_sqlite.so ...`, and check with
//! `retort plugin check target/release/libstrict_sqlite.so --url sqlite+strict://check.db`.

use retort_core::db_url::DatabaseUrl;
use retort_core::dialect::{Capabilities, DbError, DialectError, RenderMode, Statement};
use retort_core::revision::ops::{Column, Operation};
use retort_core::revision::types::{ColumnType, NeutralType};
use retort_core::revision::values::Value;
use retort_core::schema::Schema;
use retort_core::{Connection, Dialect};
use retort_sqlite::SqliteDialect;

/// The dialect's name, as in `-- retort:dialect strict-sqlite`.
const NAME: &str = "strict-sqlite";
/// The URL scheme it serves.
const SCHEME: &str = "sqlite+strict";

/// SQLite with STRICT tables: everything else is the SQLite driver's.
#[derive(Debug, Default)]
pub struct StrictSqlite {
    sqlite: SqliteDialect,
}

/// The STRICT-table type for a neutral type. `numeric` becomes `ANY`, which keeps the
/// value exactly as given (a STRICT table has no NUMERIC affinity).
fn strict_type(neutral: &NeutralType) -> &'static str {
    match neutral {
        NeutralType::SmallInt
        | NeutralType::Integer
        | NeutralType::BigInt
        | NeutralType::Boolean => "INTEGER",
        NeutralType::Real | NeutralType::Double => "REAL",
        NeutralType::Numeric { .. } => "ANY",
        NeutralType::Blob => "BLOB",
        _ => "TEXT",
    }
}

/// The column with its type spelled for a STRICT table. An autoincrement key stays the
/// neutral `integer` the SQLite driver needs to see for `INTEGER PRIMARY KEY AUTOINCREMENT`.
fn strict_column(column: &Column) -> Column {
    let mut column = column.clone();
    column.column_type = match &column.column_type {
        _ if column.autoincrement => ColumnType::Neutral(NeutralType::Integer),
        ColumnType::Neutral(neutral) => ColumnType::Native(strict_type(neutral).to_string()),
        ColumnType::PerDialect(by_dialect) => match by_dialect
            .get(NAME)
            .or_else(|| by_dialect.get("sqlite"))
            .or_else(|| by_dialect.get("default"))
        {
            Some(native) => ColumnType::Native(native.clone()),
            None => column.column_type.clone(),
        },
        ColumnType::Native(_) => column.column_type.clone(),
    };
    column
}

/// `CREATE TABLE ... (...)` with `STRICT` after the column list.
fn make_strict(statement: Statement) -> Statement {
    if statement.sql.starts_with("CREATE TABLE") && !statement.sql.ends_with(" STRICT") {
        Statement {
            sql: format!("{} STRICT", statement.sql.trim_end().trim_end_matches(';')),
            params: statement.params,
        }
    } else {
        statement
    }
}

impl Dialect for StrictSqlite {
    fn name(&self) -> &str {
        NAME
    }

    fn url_schemes(&self) -> Vec<String> {
        vec![SCHEME.to_string()]
    }

    fn version(&self) -> String {
        format!(
            "{} (on {})",
            env!("CARGO_PKG_VERSION"),
            self.sqlite.version()
        )
    }

    fn capabilities(&self) -> Capabilities {
        self.sqlite.capabilities()
    }

    fn syntax(&self) -> retort_core::sql::SqlSyntax {
        self.sqlite.syntax()
    }

    fn offline_script(&self) -> retort_core::dialect::OfflineScript {
        self.sqlite.offline_script()
    }

    fn spelling_rules(&self) -> retort_core::diff::SpellingRules {
        self.sqlite.spelling_rules()
    }

    fn transaction_elapsed_ms(&self) -> Option<String> {
        self.sqlite.transaction_elapsed_ms()
    }

    fn render_literal(&self, value: &Value) -> Result<String, DialectError> {
        self.sqlite.render_literal(value)
    }

    fn render_operation(
        &self,
        op: &Operation,
        before: &Schema,
        mode: RenderMode,
    ) -> Result<Vec<Statement>, DialectError> {
        let strict_op = match op {
            Operation::CreateTable(create) => {
                let mut create = create.clone();
                create.columns = create.columns.iter().map(strict_column).collect();
                Operation::CreateTable(create)
            }
            Operation::AddColumn(add) => {
                let mut add = add.clone();
                add.column = strict_column(&add.column);
                Operation::AddColumn(add)
            }
            other => other.clone(),
        };
        Ok(self
            .sqlite
            .render_operation(&strict_op, before, mode)?
            .into_iter()
            .map(make_strict)
            .collect())
    }

    fn connect(&self, url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
        self.sqlite.connect(url)
    }

    fn create_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.sqlite.create_database(url)
    }

    fn drop_database(&self, url: &DatabaseUrl) -> Result<bool, DbError> {
        self.sqlite.drop_database(url)
    }
}

retort_core::export_dialect!(StrictSqlite::default());
