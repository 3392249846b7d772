//! Literal values: column defaults and `bulk_insert` cells.

use base64::Engine as _;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

const NOT_FINITE: &str =
    "nan and inf are not values every database can store: use a number or { sql = \"...\" }";

/// A column default: a literal, or an SQL expression (`{ sql = "CURRENT_TIMESTAMP" }`).
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A string literal.
    String(String),
    /// An integer literal.
    Integer(i64),
    /// A floating-point literal.
    Float(f64),
    /// `true` / `false`.
    Boolean(bool),
    /// An SQL expression, rendered verbatim.
    Sql(String),
}

/// One cell of a `bulk_insert` row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A key left out of a row.
    Null,
    /// Text (or, for a `blob` column, its UTF-8 bytes).
    String(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// A TOML date, time or date-time, kept in its RFC 3339 spelling.
    DateTime(String),
    /// Arbitrary bytes, written `{ base64 = "..." }`.
    Bytes(Vec<u8>),
}

impl Serialize for DefaultValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            DefaultValue::String(s) => serializer.serialize_str(s),
            DefaultValue::Integer(i) => serializer.serialize_i64(*i),
            DefaultValue::Float(x) => serializer.serialize_f64(*x),
            DefaultValue::Boolean(b) => serializer.serialize_bool(*b),
            DefaultValue::Sql(sql) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("sql", sql)?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for DefaultValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(s) => Ok(DefaultValue::String(s)),
            toml::Value::Integer(i) => Ok(DefaultValue::Integer(i)),
            toml::Value::Float(x) if !x.is_finite() => Err(de::Error::custom(NOT_FINITE)),
            toml::Value::Float(x) => Ok(DefaultValue::Float(x)),
            toml::Value::Boolean(b) => Ok(DefaultValue::Boolean(b)),
            toml::Value::Table(table) => match (table.get("sql"), table.len()) {
                (Some(toml::Value::String(sql)), 1) if !sql.trim().is_empty() => {
                    Ok(DefaultValue::Sql(sql.clone()))
                }
                _ => Err(de::Error::custom(
                    "a default table must be { sql = \"expression\" } with a non-empty expression",
                )),
            },
            other => Err(de::Error::custom(format!(
                "a default must be a string, number, boolean or {{ sql = \"...\" }}, not a {}",
                other.type_str()
            ))),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_none(),
            Value::String(s) => serializer.serialize_str(s),
            Value::Integer(i) => serializer.serialize_i64(*i),
            Value::Float(x) => serializer.serialize_f64(*x),
            Value::Boolean(b) => serializer.serialize_bool(*b),
            Value::DateTime(text) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("datetime", text)?;
                map.end()
            }
            Value::Bytes(bytes) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("base64", &BASE64.encode(bytes))?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(s) => Ok(Value::String(s)),
            toml::Value::Integer(i) => Ok(Value::Integer(i)),
            toml::Value::Float(x) if !x.is_finite() => Err(de::Error::custom(NOT_FINITE)),
            toml::Value::Float(x) => Ok(Value::Float(x)),
            toml::Value::Boolean(b) => Ok(Value::Boolean(b)),
            toml::Value::Datetime(dt) => Ok(Value::DateTime(dt.to_string())),
            toml::Value::Table(table) if table.len() == 1 && table.contains_key("datetime") => {
                // The serialised form of `Value::DateTime` (how values cross the plugin ABI).
                match table.get("datetime") {
                    Some(toml::Value::String(text)) => Ok(Value::DateTime(text.clone())),
                    Some(toml::Value::Datetime(dt)) => Ok(Value::DateTime(dt.to_string())),
                    _ => Err(de::Error::custom("`datetime` must hold a date-time")),
                }
            }
            toml::Value::Table(table) => match (table.get("base64"), table.len()) {
                (Some(toml::Value::String(encoded)), 1) => {
                    BASE64.decode(encoded.trim()).map(Value::Bytes).map_err(|e| {
                        de::Error::custom(format!("`base64` holds a string that is not valid base64: {e}"))
                    })
                }
                _ => Err(de::Error::custom(
                    "a table cell must be { base64 = \"...\" } (bytes); other tables are not values",
                )),
            },
            toml::Value::Array(_) => Err(de::Error::custom(
                "an array is not a cell value: a row maps column names to single values",
            )),
        }
    }
}
