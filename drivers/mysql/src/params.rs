//! Values to and from the wire: a bound [`Value`] as a `mysql` value, and a result row's
//! columns, decoded by their types, as [`Value`]s.

use crate::literal::datetime_text;
use mysql::consts::ColumnType;
use mysql::{Row, Value as Wire};
use retort_core::revision::values::Value;

/// The character set number of binary strings (`blob`, `binary`).
const BINARY_CHARSET: u16 = 63;

/// A bound value. Booleans are 0/1 (MySQL has no boolean type); date-times are text in
/// the form MySQL reads.
pub(crate) fn to_param(value: &Value) -> Wire {
    match value {
        Value::Null => Wire::NULL,
        Value::Integer(i) => Wire::Int(*i),
        Value::Float(x) => Wire::Double(*x),
        Value::Boolean(b) => Wire::Int(i64::from(*b)),
        Value::String(text) => Wire::Bytes(text.as_bytes().to_vec()),
        Value::DateTime(text) => Wire::Bytes(datetime_text(text).into_bytes()),
        Value::Bytes(bytes) => Wire::Bytes(bytes.clone()),
    }
}

/// Every column of `row`, decoded by its type.
pub(crate) fn decode_row(row: Row) -> Result<Vec<Value>, String> {
    let columns = row.columns();
    row.unwrap()
        .into_iter()
        .zip(columns.iter())
        .map(|(wire, column)| decode(wire, column.column_type(), column.character_set()))
        .collect()
}

fn decode(wire: Wire, ty: ColumnType, charset: u16) -> Result<Value, String> {
    Ok(match wire {
        Wire::NULL => Value::Null,
        Wire::Int(i) => Value::Integer(i),
        Wire::UInt(u) => {
            i64::try_from(u).map_or_else(|_| Value::String(u.to_string()), Value::Integer)
        }
        Wire::Float(x) => Value::Float(f64::from(x)),
        Wire::Double(x) => Value::Float(x),
        Wire::Bytes(bytes) => {
            let binary = charset == BINARY_CHARSET
                && !matches!(
                    ty,
                    ColumnType::MYSQL_TYPE_DECIMAL
                        | ColumnType::MYSQL_TYPE_NEWDECIMAL
                        | ColumnType::MYSQL_TYPE_JSON
                );
            if binary || ty == ColumnType::MYSQL_TYPE_BIT {
                Value::Bytes(bytes)
            } else {
                Value::String(String::from_utf8(bytes).map_err(|_| {
                    String::from("a text column holds bytes that are not UTF-8; read it as binary (CAST(... AS BINARY))")
                })?)
            }
        }
        Wire::Date(year, month, day, hour, minute, second, micros) => {
            let date = format!("{year:04}-{month:02}-{day:02}");
            if ty == ColumnType::MYSQL_TYPE_DATE {
                Value::DateTime(date)
            } else {
                let zone = if ty == ColumnType::MYSQL_TYPE_TIMESTAMP {
                    "Z"
                } else {
                    ""
                };
                Value::DateTime(format!(
                    "{date}T{hour:02}:{minute:02}:{second:02}{}{zone}",
                    fraction(micros)
                ))
            }
        }
        Wire::Time(negative, days, hours, minutes, seconds, micros) => {
            let hours = u64::from(days) * 24 + u64::from(hours);
            Value::String(format!(
                "{}{hours:02}:{minutes:02}:{seconds:02}{}",
                if negative { "-" } else { "" },
                fraction(micros)
            ))
        }
    })
}

/// `.ffffff` without trailing zeros; empty for whole seconds.
fn fraction(micros: u32) -> String {
    if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}").trim_end_matches('0').to_string()
    }
}
