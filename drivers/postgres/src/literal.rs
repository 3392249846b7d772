//! Values and defaults as PostgreSQL literals (offline output and `DEFAULT` clauses), and
//! defaults as the catalog reports them back.

use crate::quote::{bytea_literal, quote_string};
use crate::POSTGRES;
use retort_core::dialect::DialectError;
use retort_core::render::finite_float_literal;
use retort_core::revision::types::ColumnType;
use retort_core::revision::values::{DefaultValue, Value};

/// A value as an SQL literal: `NULL`, `'text'`, numbers, `TRUE`/`FALSE`, date-times as
/// quoted text, bytes as `'\x..'::bytea`. Text with a NUL character is refused: PostgreSQL
/// text cannot hold one.
pub(crate) fn render_value(value: &Value) -> Result<String, DialectError> {
    Ok(match value {
        Value::Null => "NULL".into(),
        Value::String(text) | Value::DateTime(text) => string_literal(text)?,
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => render_float(*x)?,
        Value::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Value::Bytes(bytes) => bytea_literal(bytes),
    })
}

fn string_literal(text: &str) -> Result<String, DialectError> {
    if text.contains('\0') {
        return Err(DialectError::new(
            POSTGRES,
            "write a string holding a NUL character",
            "PostgreSQL text cannot hold NUL (\\0); store it in a `blob` column as { base64 = \"...\" }",
        ));
    }
    Ok(quote_string(text))
}

fn render_float(x: f64) -> Result<String, DialectError> {
    finite_float_literal(x).ok_or_else(|| {
        DialectError::new(
            POSTGRES,
            format!("write the float `{x}` as a literal"),
            "retort writes only finite numbers; use { sql = \"'Infinity'::float8\" } or NULL",
        )
    })
}

/// The text after `DEFAULT`: literals as written, expressions verbatim.
pub(crate) fn render_default(default: &DefaultValue) -> Result<String, DialectError> {
    Ok(match default {
        DefaultValue::String(text) => string_literal(text)?,
        DefaultValue::Integer(i) => i.to_string(),
        DefaultValue::Float(x) => render_float(*x)?,
        DefaultValue::Boolean(b) => if *b { "true" } else { "false" }.into(),
        DefaultValue::Sql(expr) => expr.clone(),
    })
}

/// A default as `pg_get_expr` spells it, back in the model: `'x'::character varying` is
/// the string `x`, `'-1'::integer` and `42` are integers (on a numeric column), `true` is
/// a boolean; anything else is an expression.
pub(crate) fn parse_default(text: &str, column_type: &ColumnType) -> DefaultValue {
    let trimmed = text.trim();
    if let Some(inner) = quoted_with_cast(trimmed) {
        if column_type.is_numeric() {
            if let Ok(i) = inner.parse::<i64>() {
                return DefaultValue::Integer(i);
            }
            if let Some(x) = float(&inner) {
                return DefaultValue::Float(x);
            }
        }
        return DefaultValue::String(inner);
    }
    match trimmed {
        "true" => return DefaultValue::Boolean(true),
        "false" => return DefaultValue::Boolean(false),
        _ => {}
    }
    let bare = trimmed
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(trimmed);
    if let Ok(i) = bare.parse::<i64>() {
        return DefaultValue::Integer(i);
    }
    if let Some(x) = float(bare) {
        return DefaultValue::Float(x);
    }
    DefaultValue::Sql(trimmed.to_string())
}

fn float(text: &str) -> Option<f64> {
    let looks_float = text.contains(['.', 'e', 'E'])
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    looks_float.then(|| text.parse::<f64>().ok()).flatten()
}

/// The string of `'...'` or `'...'::type` (one cast, of a plain type name), or `None`.
fn quoted_with_cast(text: &str) -> Option<String> {
    let rest = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|(_, n)| *n) == Some('\'') {
                value.push('\'');
                chars.next();
                continue;
            }
            let tail = &rest[index + 1..];
            let plain_cast = tail.is_empty()
                || tail.strip_prefix("::").is_some_and(|t| {
                    !t.is_empty()
                        && t.chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '"'))
                });
            return plain_cast.then_some(value);
        }
        value.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_core::revision::types::NeutralType;

    fn neutral(text: &str) -> ColumnType {
        ColumnType::Neutral(NeutralType::parse(text).expect("a neutral type"))
    }

    #[test]
    fn catalog_defaults_read_back_as_literals() {
        let text = neutral("text");
        assert_eq!(
            parse_default("'x''y'::character varying", &text),
            DefaultValue::String("x'y".into())
        );
        assert_eq!(
            parse_default("'-1'::integer", &neutral("integer")),
            DefaultValue::Integer(-1)
        );
        assert_eq!(
            parse_default("0", &neutral("numeric(12,2)")),
            DefaultValue::Integer(0)
        );
        assert_eq!(
            parse_default("1.5", &neutral("double")),
            DefaultValue::Float(1.5)
        );
        assert_eq!(
            parse_default("false", &neutral("boolean")),
            DefaultValue::Boolean(false)
        );
        assert_eq!(
            parse_default("now()", &neutral("timestamptz")),
            DefaultValue::Sql("now()".into())
        );
        assert_eq!(
            parse_default("'a'::text || 'b'::text", &text),
            DefaultValue::Sql("'a'::text || 'b'::text".into())
        );
    }

    #[test]
    fn literals_quote_and_refuse_nul() {
        assert_eq!(
            render_value(&Value::String("it's \\n".into())).ok(),
            Some("'it''s \\n'".into())
        );
        assert_eq!(
            render_value(&Value::Bytes(vec![0, 255])).ok(),
            Some("'\\x00ff'::bytea".into())
        );
        let error = render_value(&Value::String("a\0b".into())).err();
        assert!(error.is_some_and(|e| e.to_string().contains("NUL")));
    }
}
