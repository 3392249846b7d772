//! Neutral column types to SQLite declared types, and declared types back.
//!
//! Every neutral type gets its own declared spelling, with the affinity SPEC 3.4 asks for,
//! so that introspection maps it back to the same neutral type: `double` is `DOUBLE`
//! (REAL affinity), `json` and `uuid` are `JSON TEXT` and `UUID TEXT` (TEXT affinity, where
//! a bare `JSON` would get NUMERIC affinity and turn `'123'` into a number).

use crate::SQLITE;
use retort_core::dialect::DialectError;
use retort_core::render::per_dialect_type;
use retort_core::revision::types::{ColumnType, NeutralType};

/// The declared type for `column_type` in SQLite; `column` names the column in errors.
pub fn render_type(column: &str, column_type: &ColumnType) -> Result<String, DialectError> {
    match column_type {
        ColumnType::Neutral(neutral) => Ok(render_neutral(*neutral)),
        ColumnType::Native(native) => Ok(native.clone()),
        ColumnType::PerDialect(by_dialect) => per_dialect_type(SQLITE, &[], column, by_dialect),
    }
}

/// The declared SQLite type of a neutral type.
pub(crate) fn render_neutral(neutral: NeutralType) -> String {
    match neutral {
        NeutralType::SmallInt => "SMALLINT".into(),
        NeutralType::Integer => "INTEGER".into(),
        NeutralType::BigInt => "BIGINT".into(),
        NeutralType::Boolean => "BOOLEAN".into(),
        NeutralType::Real => "REAL".into(),
        NeutralType::Double => "DOUBLE".into(),
        NeutralType::Numeric {
            precision: None, ..
        } => "NUMERIC".into(),
        NeutralType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("NUMERIC({p})"),
        NeutralType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("NUMERIC({p},{s})"),
        NeutralType::Varchar(n) => format!("VARCHAR({n})"),
        NeutralType::Char(n) => format!("CHAR({n})"),
        NeutralType::Text => "TEXT".into(),
        NeutralType::Date => "DATE".into(),
        NeutralType::Time => "TIME".into(),
        NeutralType::Timestamp => "TIMESTAMP".into(),
        NeutralType::TimestampTz => "TIMESTAMPTZ".into(),
        NeutralType::Json => "JSON TEXT".into(),
        NeutralType::Uuid => "UUID TEXT".into(),
        NeutralType::Blob => "BLOB".into(),
    }
}

/// The model type of a declared SQLite type: neutral where the text names one, else native.
pub fn parse_declared(declared: &str) -> ColumnType {
    let normalized = declared
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    match normalized.as_str() {
        "JSON TEXT" => ColumnType::Neutral(NeutralType::Json),
        "UUID TEXT" => ColumnType::Neutral(NeutralType::Uuid),
        _ => match NeutralType::parse(declared) {
            Ok(neutral) => ColumnType::Neutral(neutral),
            Err(_) => ColumnType::Native(declared.to_string()),
        },
    }
}
