//! Column types (SPEC 3.4): the neutral vocabulary and the two escape hatches.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A dialect-neutral type that every dialect knows how to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeutralType {
    /// 2-byte integer.
    SmallInt,
    /// 4-byte integer.
    Integer,
    /// 8-byte integer.
    BigInt,
    /// true / false.
    Boolean,
    /// Single-precision float.
    Real,
    /// Double-precision float.
    Double,
    /// Exact decimal; `numeric` and `decimal` are the same type.
    Numeric {
        /// Total digits, if bounded.
        precision: Option<u32>,
        /// Digits after the point, if given.
        scale: Option<u32>,
    },
    /// Variable-length string of at most `n` characters.
    Varchar(u32),
    /// Fixed-length string of `n` characters.
    Char(u32),
    /// Unbounded string.
    Text,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time without time zone.
    Timestamp,
    /// Date and time with time zone.
    TimestampTz,
    /// JSON document.
    Json,
    /// UUID.
    Uuid,
    /// Bytes.
    Blob,
}

impl NeutralType {
    /// Parses a neutral type name such as `varchar(255)` or `NUMERIC(10, 2)`.
    pub fn parse(text: &str) -> Result<NeutralType, TypeError> {
        let lowered = text.trim().to_ascii_lowercase();
        let (name, args) = match lowered.split_once('(') {
            Some((name, rest)) => {
                let Some(inner) = rest.trim_end().strip_suffix(')') else {
                    return Err(TypeError::Unclosed(text.to_string()));
                };
                (name.trim(), Some(parse_args(text, inner)?))
            }
            None => (lowered.as_str(), None),
        };
        // `double   precision` is `double precision`; most names have no inner space at all.
        let name: std::borrow::Cow<'_, str> = if name.contains(char::is_whitespace) {
            name.split_whitespace().collect::<Vec<_>>().join(" ").into()
        } else {
            name.into()
        };
        let no_args = |t: NeutralType| match &args {
            None => Ok(t),
            Some(_) => Err(TypeError::TakesNoArguments {
                name: name.to_string(),
                text: text.to_string(),
            }),
        };
        let length = |make: fn(u32) -> NeutralType| match args.as_deref() {
            Some([n]) if *n > 0 => Ok(make(*n)),
            _ => Err(TypeError::NeedsLength {
                name: name.to_string(),
                text: text.to_string(),
            }),
        };
        match name.as_ref() {
            "smallint" | "int2" => no_args(NeutralType::SmallInt),
            "integer" | "int" | "int4" => no_args(NeutralType::Integer),
            "bigint" | "int8" => no_args(NeutralType::BigInt),
            "boolean" | "bool" => no_args(NeutralType::Boolean),
            "real" | "float4" => no_args(NeutralType::Real),
            "double" | "double precision" | "float8" => no_args(NeutralType::Double),
            "numeric" | "decimal" => match args.as_deref() {
                None => Ok(NeutralType::Numeric {
                    precision: None,
                    scale: None,
                }),
                // `numeric(p)` is `numeric(p,0)` in the SQL standard and in every database;
                // one spelling, so that a declared column equals its introspected self.
                Some([p]) if *p > 0 => Ok(NeutralType::Numeric {
                    precision: Some(*p),
                    scale: Some(0),
                }),
                Some([p, s]) if *p > 0 && s <= p => Ok(NeutralType::Numeric {
                    precision: Some(*p),
                    scale: Some(*s),
                }),
                _ => Err(TypeError::BadPrecision {
                    name: name.to_string(),
                    text: text.to_string(),
                }),
            },
            "varchar" | "character varying" => length(NeutralType::Varchar),
            "char" | "character" => length(NeutralType::Char),
            "text" => no_args(NeutralType::Text),
            "date" => no_args(NeutralType::Date),
            "time" => no_args(NeutralType::Time),
            "timestamp" => no_args(NeutralType::Timestamp),
            "timestamptz" | "timestamp with time zone" => no_args(NeutralType::TimestampTz),
            "json" => no_args(NeutralType::Json),
            "uuid" => no_args(NeutralType::Uuid),
            "blob" => no_args(NeutralType::Blob),
            _ => Err(TypeError::Unknown(text.to_string())),
        }
    }
}

fn parse_args(whole: &str, inner: &str) -> Result<Vec<u32>, TypeError> {
    inner
        .split(',')
        .map(|arg| {
            arg.trim()
                .parse::<u32>()
                .map_err(|_| TypeError::NotANumber {
                    text: whole.to_string(),
                    argument: arg.trim().to_string(),
                })
        })
        .collect()
}

/// A neutral type name that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeError {
    /// `varchar(255` without its `)`.
    #[error("type `{0}` lacks its closing parenthesis")]
    Unclosed(String),
    /// An argument that is not a whole number.
    #[error("type `{text}` has `{argument}` where a whole number was expected")]
    NotANumber {
        /// The type as written.
        text: String,
        /// The argument as written.
        argument: String,
    },
    /// Arguments to a type that takes none (`text(5)`).
    #[error("type `{name}` takes no arguments (in `{text}`)")]
    TakesNoArguments {
        /// The type's name.
        name: String,
        /// The type as written.
        text: String,
    },
    /// `varchar` or `char` without one positive length.
    #[error("type `{name}` needs one positive length, as in `{name}(255)` (in `{text}`)")]
    NeedsLength {
        /// The type's name.
        name: String,
        /// The type as written.
        text: String,
    },
    /// `numeric` with a zero precision, a scale above it, or more than two arguments.
    #[error(
        "type `{name}` takes a precision and an optional scale no larger than it, as in \
         `{name}(10,2)` (in `{text}`)"
    )]
    BadPrecision {
        /// The type's name.
        name: String,
        /// The type as written.
        text: String,
    },
    /// A name that is no neutral type.
    #[error(
        "unknown type `{0}`: expected one of smallint, integer, bigint, boolean, real, double, \
         numeric(p,s), decimal(p,s), varchar(n), char(n), text, date, time, timestamp, \
         timestamptz, json, uuid, blob, or {{ native = \"...\" }} for a type retort does not know"
    )]
    Unknown(String),
}

impl fmt::Display for NeutralType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NeutralType::SmallInt => f.write_str("smallint"),
            NeutralType::Integer => f.write_str("integer"),
            NeutralType::BigInt => f.write_str("bigint"),
            NeutralType::Boolean => f.write_str("boolean"),
            NeutralType::Real => f.write_str("real"),
            NeutralType::Double => f.write_str("double"),
            NeutralType::Numeric {
                precision: None, ..
            } => f.write_str("numeric"),
            NeutralType::Numeric {
                precision: Some(p),
                scale: None,
            } => write!(f, "numeric({p})"),
            NeutralType::Numeric {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "numeric({p},{s})"),
            NeutralType::Varchar(n) => write!(f, "varchar({n})"),
            NeutralType::Char(n) => write!(f, "char({n})"),
            NeutralType::Text => f.write_str("text"),
            NeutralType::Date => f.write_str("date"),
            NeutralType::Time => f.write_str("time"),
            NeutralType::Timestamp => f.write_str("timestamp"),
            NeutralType::TimestampTz => f.write_str("timestamptz"),
            NeutralType::Json => f.write_str("json"),
            NeutralType::Uuid => f.write_str("uuid"),
            NeutralType::Blob => f.write_str("blob"),
        }
    }
}

/// A column's type as written in a revision: neutral, native, or chosen per dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// `type = "varchar(255)"`.
    Neutral(NeutralType),
    /// `type = { native = "tsvector" }`, passed through verbatim.
    Native(String),
    /// `type = { postgres = "citext", default = "text" }`: a native type per dialect name,
    /// with `default` for every other dialect.
    PerDialect(BTreeMap<String, String>),
}

impl ColumnType {
    /// A neutral `smallint`, `integer` or `bigint` (what autoincrement and identity
    /// columns need).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            ColumnType::Neutral(NeutralType::SmallInt | NeutralType::Integer | NeutralType::BigInt)
        )
    }

    /// A neutral type that holds numbers: the integers, `real`, `double` and `numeric`
    /// (a default read back from a catalog is a number on such a column).
    pub fn is_numeric(&self) -> bool {
        self.is_integer()
            || matches!(
                self,
                ColumnType::Neutral(
                    NeutralType::Real | NeutralType::Double | NeutralType::Numeric { .. }
                )
            )
    }
}

impl Serialize for ColumnType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ColumnType::Neutral(t) => serializer.collect_str(t),
            ColumnType::Native(native) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("native", native)?;
                map.end()
            }
            ColumnType::PerDialect(by_dialect) => by_dialect.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ColumnType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ColumnTypeVisitor)
    }
}

struct ColumnTypeVisitor;

impl<'de> Visitor<'de> for ColumnTypeVisitor {
    type Value = ColumnType;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a type name such as \"varchar(255)\", { native = \"...\" } or { postgres = \"...\", default = \"...\" }")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ColumnType, E> {
        NeutralType::parse(value)
            .map(ColumnType::Neutral)
            .map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnType, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, String>()? {
            if value.trim().is_empty() {
                return Err(de::Error::custom(format!("the type for `{key}` is empty")));
            }
            entries.insert(key, value);
        }
        if let Some(native) = entries.get("native") {
            if entries.len() > 1 {
                return Err(de::Error::custom(
                    "`native` stands alone: use { native = \"...\" } or a table of per-dialect types",
                ));
            }
            return Ok(ColumnType::Native(native.clone()));
        }
        if entries.is_empty() {
            return Err(de::Error::custom(
                "an empty type table: name at least `default`",
            ));
        }
        Ok(ColumnType::PerDialect(entries))
    }
}

#[cfg(test)]
mod tests;
