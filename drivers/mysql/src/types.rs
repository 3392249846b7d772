//! Neutral column types to MySQL/MariaDB types (SPEC 3.4), and catalog types back.
//!
//! Two neutral types are spelled so that they can be told apart on the way back: `uuid`
//! is `char(36)` in the `ascii` character set (a plain `char(n)` is `utf8mb4`), and `text`
//! is `longtext`, because MySQL's `text` holds only 64 KiB. MariaDB stores `json` as
//! `longtext` with a `json_valid` check; introspection folds the two back into `json`.

use crate::MYSQL;
use retort_core::dialect::DialectError;
use retort_core::render::per_dialect_type;
use retort_core::revision::types::{ColumnType, NeutralType};

/// The MySQL type for `column_type`; `column` names the column in errors.
pub fn render_type(column: &str, column_type: &ColumnType) -> Result<String, DialectError> {
    match column_type {
        ColumnType::Neutral(neutral) => Ok(render_neutral(*neutral)),
        ColumnType::Native(native) => Ok(native.clone()),
        ColumnType::PerDialect(by_dialect) => {
            per_dialect_type(MYSQL, &["mariadb"], column, by_dialect)
        }
    }
}

/// The MySQL spelling of a neutral type.
pub(crate) fn render_neutral(neutral: NeutralType) -> String {
    match neutral {
        NeutralType::SmallInt => "smallint".into(),
        NeutralType::Integer => "int".into(),
        NeutralType::BigInt => "bigint".into(),
        NeutralType::Boolean => "tinyint(1)".into(),
        NeutralType::Real => "float".into(),
        NeutralType::Double => "double".into(),
        NeutralType::Numeric {
            precision: None, ..
        } => "decimal".into(),
        NeutralType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("decimal({p})"),
        NeutralType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("decimal({p},{s})"),
        NeutralType::Varchar(n) => format!("varchar({n})"),
        NeutralType::Char(n) => format!("char({n})"),
        NeutralType::Text => "longtext".into(),
        NeutralType::Date => "date".into(),
        NeutralType::Time => "time".into(),
        NeutralType::Timestamp => "datetime(6)".into(),
        NeutralType::TimestampTz => "timestamp(6)".into(),
        NeutralType::Json => "json".into(),
        NeutralType::Uuid => "char(36) CHARACTER SET ascii".into(),
        NeutralType::Blob => "longblob".into(),
    }
}

/// The model type of a column as `information_schema.COLUMNS` describes it: `data_type`
/// (`int`), `column_type` (`int(11) unsigned`) and the character set.
pub fn parse_catalog_type(data_type: &str, column_type: &str, charset: Option<&str>) -> ColumnType {
    let column_type = column_type.trim();
    let neutral = match data_type {
        "smallint" if column_type.starts_with("smallint") && !unsigned(column_type) => {
            Some(NeutralType::SmallInt)
        }
        "int" if !unsigned(column_type) => Some(NeutralType::Integer),
        "bigint" if !unsigned(column_type) => Some(NeutralType::BigInt),
        "tinyint" if column_type == "tinyint(1)" => Some(NeutralType::Boolean),
        "float" if column_type == "float" => Some(NeutralType::Real),
        "double" if column_type == "double" => Some(NeutralType::Double),
        "text" | "mediumtext" | "longtext" => Some(NeutralType::Text),
        "json" => Some(NeutralType::Json),
        "date" => Some(NeutralType::Date),
        "time" if column_type == "time" => Some(NeutralType::Time),
        "datetime" if column_type == "datetime(6)" => Some(NeutralType::Timestamp),
        "timestamp" if column_type == "timestamp(6)" => Some(NeutralType::TimestampTz),
        "blob" | "mediumblob" | "longblob" => Some(NeutralType::Blob),
        "char" if column_type == "char(36)" && charset == Some("ascii") => Some(NeutralType::Uuid),
        "char" | "varchar" | "decimal" if charset != Some("ascii") => with_arguments(column_type),
        _ => None,
    };
    match neutral {
        Some(neutral) => ColumnType::Neutral(neutral),
        None => ColumnType::Native(column_type.to_string()),
    }
}

fn unsigned(column_type: &str) -> bool {
    column_type.contains("unsigned") || column_type.contains("zerofill")
}

/// `decimal(p,s)`, `varchar(n)`, `char(n)`.
fn with_arguments(column_type: &str) -> Option<NeutralType> {
    let (name, rest) = column_type.split_once('(')?;
    let args: Vec<u32> = rest
        .strip_suffix(')')?
        .split(',')
        .map(|a| a.trim().parse::<u32>().ok())
        .collect::<Option<_>>()?;
    match (name, args.as_slice()) {
        ("varchar", [n]) => Some(NeutralType::Varchar(*n)),
        ("char", [n]) => Some(NeutralType::Char(*n)),
        ("decimal", [p, s]) => Some(NeutralType::Numeric {
            precision: Some(*p),
            scale: Some(*s),
        }),
        _ => None,
    }
}
