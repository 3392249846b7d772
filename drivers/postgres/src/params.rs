//! Values to and from the wire: a bound [`Value`] is encoded as whatever type the server
//! inferred for its placeholder, and a column of a result row is decoded into a [`Value`].

use bytes::{BufMut, BytesMut};
use postgres::types::{FromSql, IsNull, ToSql, Type};
use retort_core::revision::values::Value;
use std::error::Error;
use time::macros::datetime;
use time::{format_description::well_known::Rfc3339, Duration, PrimitiveDateTime};

type BoxError = Box<dyn Error + Sync + Send>;

/// A bound value; accepts any parameter type and converts where the conversion is exact.
#[derive(Debug)]
pub(crate) struct Param<'a>(pub(crate) &'a Value);

fn refuse(value: &Value, ty: &Type) -> BoxError {
    let value = match value {
        Value::Null => String::from("NULL"),
        Value::String(s) => format!("the text '{s}'"),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(x) => format!("the number {x}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::DateTime(s) => format!("the date-time {s}"),
        Value::Bytes(bytes) => format!("{} bytes", bytes.len()),
    };
    format!(
        "cannot bind {value} to a parameter of type {ty}; cast the placeholder (`$1::text`) in the SQL"
    )
    .into()
}

impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let text_like = [
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
        ];
        match self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::INT8 => out.put_i64(*i),
                Type::INT4 => out.put_i32(i32::try_from(*i)?),
                Type::INT2 => out.put_i16(i16::try_from(*i)?),
                Type::FLOAT8 => out.put_f64(*i as f64),
                _ if text_like.contains(ty) => out.put_slice(i.to_string().as_bytes()),
                _ => return Err(refuse(self.0, ty)),
            },
            Value::Float(x) => match *ty {
                Type::FLOAT8 => out.put_f64(*x),
                Type::FLOAT4 => out.put_f32(*x as f32),
                _ if text_like.contains(ty) => out.put_slice(format!("{x:?}").as_bytes()),
                _ => return Err(refuse(self.0, ty)),
            },
            Value::Boolean(b) => match *ty {
                Type::BOOL => out.put_u8(u8::from(*b)),
                _ if text_like.contains(ty) => out.put_slice(b.to_string().as_bytes()),
                _ => return Err(refuse(self.0, ty)),
            },
            Value::String(text) | Value::DateTime(text) => match *ty {
                Type::JSON | Type::BYTEA => out.put_slice(text.as_bytes()),
                Type::JSONB => {
                    out.put_u8(1);
                    out.put_slice(text.as_bytes());
                }
                _ if text_like.contains(ty) => out.put_slice(text.as_bytes()),
                _ => return Err(refuse(self.0, ty)),
            },
            Value::Bytes(bytes) => match *ty {
                Type::BYTEA => out.put_slice(bytes),
                _ => return Err(refuse(self.0, ty)),
            },
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

/// A bound value sent as text, for a placeholder whose type the server infers itself
/// (no round trip to learn it first): the server parses the text as it would a literal of
/// that type.
#[derive(Debug)]
pub(crate) struct TextParam<'a>(pub(crate) &'a Value);

impl ToSql for TextParam<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Integer(i) => out.put_slice(i.to_string().as_bytes()),
            Value::Float(x) => out.put_slice(format!("{x:?}").as_bytes()),
            Value::Boolean(b) => out.put_slice(b.to_string().as_bytes()),
            Value::String(text) | Value::DateTime(text) => out.put_slice(text.as_bytes()),
            Value::Bytes(bytes) => {
                out.put_slice(b"\\x");
                for byte in bytes {
                    out.put_slice(format!("{byte:02x}").as_bytes());
                }
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> postgres::types::Format {
        postgres::types::Format::Text
    }

    postgres::types::to_sql_checked!();
}

/// A column of a result row, decoded by its type; types retort has no decoder for are an
/// error that says to cast them to text.
#[derive(Debug)]
pub(crate) struct Cell(pub(crate) Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Cell, BoxError> {
        let value = match *ty {
            Type::BOOL => Value::Boolean(bool::from_sql(ty, raw)?),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::FLOAT4 => Value::Float(f32::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Float(f64::from_sql(ty, raw)?),
            Type::BYTEA => Value::Bytes(raw.to_vec()),
            Type::JSONB => Value::String(String::from_utf8(
                raw.get(1..).unwrap_or_default().to_vec(),
            )?),
            Type::TIMESTAMP => Value::DateTime(
                timestamp(raw)?
                    .assume_utc()
                    .format(&Rfc3339)?
                    .trim_end_matches('Z')
                    .to_string(),
            ),
            Type::TIMESTAMPTZ => Value::DateTime(timestamp(raw)?.assume_utc().format(&Rfc3339)?),
            Type::DATE => {
                let days = i32::from_sql(ty, raw)?;
                Value::DateTime(
                    (datetime!(2000-01-01 0:00).date() + Duration::days(days.into())).to_string(),
                )
            }
            Type::UUID => Value::String(uuid_text(raw)?),
            _ => Value::String(String::from_utf8(raw.to_vec()).map_err(|_| {
                format!("cannot read a value of type {ty}; cast it to text in the query")
            })?),
        };
        Ok(Cell(value))
    }

    fn from_sql_null(_: &Type) -> Result<Cell, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(ty: &Type) -> bool {
        !matches!(
            *ty,
            Type::NUMERIC | Type::TIME | Type::TIMETZ | Type::INTERVAL
        )
    }
}

fn timestamp(raw: &[u8]) -> Result<PrimitiveDateTime, BoxError> {
    let micros = i64::from_sql(&Type::INT8, raw)?;
    datetime!(2000-01-01 0:00)
        .checked_add(Duration::microseconds(micros))
        .ok_or_else(|| "a timestamp out of range (infinity?)".into())
}

fn uuid_text(raw: &[u8]) -> Result<String, BoxError> {
    if raw.len() != 16 {
        return Err("a uuid of other than 16 bytes".into());
    }
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}
