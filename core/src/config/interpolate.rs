//! `${VAR}` and `${VAR:-default}` in configuration values.
//!
//! - `${VAR}`: the value of `VAR` (empty if set but empty); an error if unset.
//! - `${VAR:-default}`: the value of `VAR`, or `default` when unset or empty (as in a
//!   POSIX shell). The default is literal text up to the first `}`: no nesting.
//! - `$$`: a literal `$`. A `$` followed by anything but `{` or `$` is kept as it is, so a
//!   password like `pa$word` needs no escaping.
//!
//! Variable names are a letter or `_`, then letters, digits or `_`.

use crate::db_url::redact_url;

/// Why a value could not be expanded, and the byte offset in it of the `$` at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InterpolationError {
    /// `${name}` without a default, and `name` is not set.
    Unset { name: String, offset: usize },
    /// A malformed `${...}`.
    Syntax { message: String, offset: usize },
}

/// `text` with every `${...}` replaced, looking variables up with `lookup`.
pub(crate) fn interpolate(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, InterpolationError> {
    let mut out = String::with_capacity(text.len());
    let mut offset = 0;
    while let Some(found) = text[offset..].find('$') {
        let dollar = offset + found;
        out.push_str(&text[offset..dollar]);
        let after = &text[dollar + 1..];
        if after.starts_with('$') {
            out.push('$');
            offset = dollar + 2;
        } else if let Some(body) = after.strip_prefix('{') {
            let close = body.find('}').ok_or_else(|| InterpolationError::Syntax {
                message: "unterminated `${`: expected `}` after the variable name".into(),
                offset: dollar,
            })?;
            let inner = &body[..close];
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            if !is_variable_name(name) {
                return Err(InterpolationError::Syntax {
                    // The text may be a mistyped URL: print it redacted.
                    message: format!(
                        "invalid variable name `{}` in `${{...}}`: expected a letter or `_`, \
                         then letters, digits or `_` (and `:-default` for a default)",
                        redact_url(name)
                    ),
                    offset: dollar,
                });
            }
            match (lookup(name), default) {
                (Some(value), Some(default)) if value.is_empty() => out.push_str(default),
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(default),
                (None, None) => {
                    return Err(InterpolationError::Unset {
                        name: name.to_string(),
                        offset: dollar,
                    })
                }
            }
            // `$`, `{`, the body and `}` are all one byte each.
            offset = dollar + 2 + close + 1;
        } else {
            out.push('$');
            offset = dollar + 1;
        }
    }
    out.push_str(&text[offset..]);
    Ok(out)
}

/// Checks the `${...}` syntax of `text` without looking anything up.
pub(crate) fn check_syntax(text: &str) -> Result<(), InterpolationError> {
    interpolate(text, |_| Some(String::new())).map(|_| ())
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(text: &str) -> Result<String, InterpolationError> {
        interpolate(text, |name| match name {
            "HOST" => Some("db.internal".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        })
    }

    #[test]
    fn set_variables_defaults_and_escapes() {
        let cases = [
            ("postgres://${HOST}/app", "postgres://db.internal/app"),
            ("${HOST:-fallback}", "db.internal"),
            ("${MISSING:-sqlite://app.db}", "sqlite://app.db"),
            ("${EMPTY:-used when empty}", "used when empty"),
            ("[${EMPTY}]", "[]"),
            ("${MISSING:-}", ""),
            ("pa$word and $ alone$", "pa$word and $ alone$"),
            ("$${HOST} costs $$5", "${HOST} costs $5"),
            ("${HOST}${HOST}", "db.internaldb.internal"),
            ("no variables", "no variables"),
        ];
        for (text, expected) in cases {
            assert_eq!(expand(text).as_deref(), Ok(expected), "{text}");
        }
    }

    #[test]
    fn unset_variable_without_default_names_it_and_its_offset() {
        assert_eq!(
            expand("x ${HOST} ${PROD_URL}"),
            Err(InterpolationError::Unset {
                name: "PROD_URL".into(),
                offset: 10
            })
        );
    }

    #[test]
    fn malformed_references_are_syntax_errors_at_their_dollar() {
        for (text, offset) in [("ab${HOST", 2), ("${}", 0), ("x${1A}", 1), ("${A-b}", 0)] {
            match expand(text) {
                Err(InterpolationError::Syntax { offset: at, .. }) => {
                    assert_eq!(at, offset, "{text}")
                }
                other => panic!("{text}: {other:?}"),
            }
            assert!(check_syntax(text).is_err(), "{text}");
        }
        assert_eq!(check_syntax("${ANYTHING} ${X:-y}"), Ok(()));
    }

    #[test]
    fn invalid_names_are_printed_redacted() {
        match expand("${postgres://app:hunter2@h/db}") {
            Err(InterpolationError::Syntax { message, .. }) => {
                assert!(message.contains("postgres://app:***@h/db"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
