//! Values and defaults as SQLite literals (offline output and `DEFAULT` clauses).

use crate::quote::{hex_blob, quote_string};
use crate::SQLITE;
use retort_core::dialect::DialectError;
use retort_core::render::finite_float_literal;
use retort_core::revision::values::{DefaultValue, Value};

/// A value as an SQL literal: `NULL`, `'text'`, numbers, booleans as `1`/`0`, date-times
/// as quoted text, bytes as `X'..'`.
pub(crate) fn render_value(value: &Value) -> Result<String, DialectError> {
    Ok(match value {
        Value::Null => "NULL".into(),
        // A NUL would end the statement text early; a cast of its bytes keeps it whole.
        Value::String(text) | Value::DateTime(text) if text.contains('\0') => {
            format!("CAST({} AS TEXT)", hex_blob(text.as_bytes()))
        }
        Value::String(text) | Value::DateTime(text) => string_literal(text),
        Value::Integer(i) => i.to_string(),
        Value::Float(x) => render_float(*x)?,
        Value::Boolean(b) => if *b { "1" } else { "0" }.into(),
        Value::Bytes(bytes) => hex_blob(bytes),
    })
}

/// Between the pieces of a string with carriage returns.
const CR: &str = " || char(13) || ";

/// `text` quoted; with a carriage return, `('a' || char(13) || 'b')`: the sqlite3 shell
/// reads a script line by line and drops the CR of a CR LF, even inside a string literal,
/// while char(13) reaches the database whole.
fn string_literal(text: &str) -> String {
    if text.contains('\r') && !text.contains('\0') {
        let pieces: Vec<String> = text.split('\r').map(quote_string).collect();
        format!("({})", pieces.join(CR))
    } else {
        quote_string(text)
    }
}

/// The string `string_literal` spelled as `'a' || char(13) || 'b'` (without the
/// parentheses), or `None` for any other expression.
fn with_carriage_returns(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let inner = rest.strip_prefix('\'')?;
        let mut end = None;
        let mut chars = inner.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|&(_, next)| next) == Some('\'') {
                    chars.next();
                    continue;
                }
                end = Some(index);
                break;
            }
        }
        let end = end?;
        out.push_str(&inner[..end].replace("''", "'"));
        rest = &inner[end + 1..];
        if rest.is_empty() {
            return Some(out);
        }
        rest = rest.strip_prefix(CR)?;
        out.push('\r');
    }
}

/// A float literal that reads back as a float: Rust's `{:?}` always has a `.` or an `e`.
fn render_float(x: f64) -> Result<String, DialectError> {
    finite_float_literal(x).ok_or_else(|| {
        DialectError::new(
            SQLITE,
            format!("write the float `{x}` as a literal"),
            "SQLite has no literal for infinities or NaN; use a finite number or NULL",
        )
    })
}

/// The text after `DEFAULT`: literals as written (booleans as `TRUE`/`FALSE`, so they read
/// back as booleans), expressions in parentheses as SQLite requires.
pub(crate) fn render_default(default: &DefaultValue) -> Result<String, DialectError> {
    Ok(match default {
        DefaultValue::String(text) if text.contains('\0') => {
            return Err(DialectError::new(
                SQLITE,
                "write a default that contains a NUL character",
                "SQLite keeps a table's definition as text, which a NUL would cut short",
            ))
        }
        DefaultValue::String(text) => string_literal(text),
        DefaultValue::Integer(i) => i.to_string(),
        DefaultValue::Float(x) => render_float(*x)?,
        DefaultValue::Boolean(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DefaultValue::Sql(expr) => format!("({expr})"),
    })
}

/// A default as SQLite reports it (`dflt_value`) back in the model.
pub(crate) fn parse_default(text: &str) -> DefaultValue {
    let trimmed = text.trim();
    if let Some(inner) = trimmed
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|_| wrapped_whole(trimmed))
    {
        return with_carriage_returns(inner)
            .filter(|text| text.contains('\r'))
            .map_or_else(
                || DefaultValue::Sql(inner.to_string()),
                DefaultValue::String,
            );
    }
    // SQLite reports an expression default without its parentheses.
    if let Some(text) = with_carriage_returns(trimmed).filter(|text| text.contains('\r')) {
        return DefaultValue::String(text);
    }
    if let Some(inner) = trimmed
        .strip_prefix('\'')
        .and_then(|rest| rest.strip_suffix('\''))
        .filter(|inner| !inner.replace("''", "").contains('\''))
    {
        return DefaultValue::String(inner.replace("''", "'"));
    }
    if trimmed.eq_ignore_ascii_case("true") {
        return DefaultValue::Boolean(true);
    }
    if trimmed.eq_ignore_ascii_case("false") {
        return DefaultValue::Boolean(false);
    }
    if let Ok(i) = trimmed.parse::<i64>() {
        return DefaultValue::Integer(i);
    }
    let looks_float = trimmed.contains(['.', 'e', 'E'])
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if looks_float {
        if let Ok(x) = trimmed.parse::<f64>() {
            return DefaultValue::Float(x);
        }
    }
    DefaultValue::Sql(trimmed.to_string())
}

/// True when the parenthesis opening `text` is closed by its last character (so `(a) + (b)`
/// is not taken for one parenthesized expression). Quotes are skipped.
fn wrapped_whole(text: &str) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let last = text.char_indices().last().map(|(i, _)| i).unwrap_or(0);
    for (index, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' | '`' => quote = Some(c),
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && index != last {
                        return false;
                    }
                }
                _ => {}
            },
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_are_spelled_with_char() {
        assert_eq!(
            render_value(&Value::String("a\r\nb\r".into())).ok(),
            Some("('a' || char(13) || '\nb' || char(13) || '')".into())
        );
        assert_eq!(
            render_value(&Value::String("a\nb".into())).ok(),
            Some("'a\nb'".into())
        );
    }

    #[test]
    fn defaults_with_carriage_returns_read_back_as_strings() {
        for text in ["a\r\nb", "\r", "it's\r'", "x\r\r"] {
            let default = DefaultValue::String(text.into());
            let rendered = render_default(&default).ok();
            assert_eq!(
                rendered.as_deref().map(parse_default),
                Some(default.clone())
            );
            let bare = rendered
                .as_deref()
                .and_then(|r| r.strip_prefix('(')?.strip_suffix(')'));
            assert_eq!(bare.map(parse_default), Some(default));
        }
        assert_eq!(
            parse_default("('a' || 'b')"),
            DefaultValue::Sql("'a' || 'b'".into())
        );
        assert_eq!(
            parse_default("('a' || char(13) || upper('b'))"),
            DefaultValue::Sql("'a' || char(13) || upper('b')".into())
        );
    }
}
