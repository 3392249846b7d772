//! Neutral column types to PostgreSQL types (SPEC 3.4), and catalog types back.

use crate::POSTGRES;
use retort_core::dialect::DialectError;
use retort_core::render::per_dialect_type;
use retort_core::revision::types::{ColumnType, NeutralType};

/// The PostgreSQL type for `column_type`; `column` names the column in errors.
pub fn render_type(column: &str, column_type: &ColumnType) -> Result<String, DialectError> {
    match column_type {
        ColumnType::Neutral(neutral) => Ok(render_neutral(*neutral)),
        ColumnType::Native(native) => Ok(native.clone()),
        ColumnType::PerDialect(by_dialect) => per_dialect_type(POSTGRES, &[], column, by_dialect),
    }
}

/// The PostgreSQL spelling of a neutral type.
pub(crate) fn render_neutral(neutral: NeutralType) -> String {
    match neutral {
        NeutralType::SmallInt => "smallint".into(),
        NeutralType::Integer => "integer".into(),
        NeutralType::BigInt => "bigint".into(),
        NeutralType::Boolean => "boolean".into(),
        NeutralType::Real => "real".into(),
        NeutralType::Double => "double precision".into(),
        NeutralType::Numeric {
            precision: None, ..
        } => "numeric".into(),
        NeutralType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("numeric({p})"),
        NeutralType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("numeric({p},{s})"),
        NeutralType::Varchar(n) => format!("varchar({n})"),
        NeutralType::Char(n) => format!("char({n})"),
        NeutralType::Text => "text".into(),
        NeutralType::Date => "date".into(),
        NeutralType::Time => "time".into(),
        NeutralType::Timestamp => "timestamp".into(),
        NeutralType::TimestampTz => "timestamp with time zone".into(),
        NeutralType::Json => "jsonb".into(),
        NeutralType::Uuid => "uuid".into(),
        NeutralType::Blob => "bytea".into(),
    }
}

/// The model type of a type as `format_type` spells it: neutral where one matches, else
/// native (verbatim).
pub fn parse_catalog_type(formatted: &str) -> ColumnType {
    let neutral = match formatted {
        "smallint" => Some(NeutralType::SmallInt),
        "integer" => Some(NeutralType::Integer),
        "bigint" => Some(NeutralType::BigInt),
        "boolean" => Some(NeutralType::Boolean),
        "real" => Some(NeutralType::Real),
        "double precision" => Some(NeutralType::Double),
        "text" => Some(NeutralType::Text),
        "date" => Some(NeutralType::Date),
        "time without time zone" => Some(NeutralType::Time),
        "timestamp without time zone" => Some(NeutralType::Timestamp),
        "timestamp with time zone" => Some(NeutralType::TimestampTz),
        "jsonb" => Some(NeutralType::Json),
        "uuid" => Some(NeutralType::Uuid),
        "bytea" => Some(NeutralType::Blob),
        "numeric" => Some(NeutralType::Numeric {
            precision: None,
            scale: None,
        }),
        other => parse_with_arguments(other),
    };
    match neutral {
        Some(neutral) => ColumnType::Neutral(neutral),
        None => ColumnType::Native(formatted.to_string()),
    }
}

/// `numeric(p,s)`, `character varying(n)`, `character(n)`.
fn parse_with_arguments(formatted: &str) -> Option<NeutralType> {
    let (name, rest) = formatted.split_once('(')?;
    let args: Vec<u32> = rest
        .strip_suffix(')')?
        .split(',')
        .map(|a| a.trim().parse::<u32>().ok())
        .collect::<Option<_>>()?;
    match (name, args.as_slice()) {
        ("character varying", [n]) => Some(NeutralType::Varchar(*n)),
        ("character", [n]) => Some(NeutralType::Char(*n)),
        // PostgreSQL stores `numeric(p)` as `numeric(p,0)`; the neutral spelling keeps the
        // explicit scale only when it was written, so `numeric(p,0)` reads back as `(p,0)`.
        ("numeric", [p, s]) => Some(NeutralType::Numeric {
            precision: Some(*p),
            scale: Some(*s),
        }),
        _ => None,
    }
}
