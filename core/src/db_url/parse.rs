//! Parsing: SQLite's forms by hand, server URLs with the `url` crate, other schemes kept whole.

use std::path::PathBuf;

use percent_encoding::percent_decode_str;
use url::Url;

use super::redact::{is_scheme, redact_url};
use super::{DatabaseUrl, ServerParts, SqliteLocation, Target, UrlError, MYSQL, POSTGRES, SQLITE};

/// The canonical family of a (lower-case) scheme, for the three built-in ones.
pub(super) fn builtin_dialect(scheme: &str) -> Option<&'static str> {
    match scheme {
        "sqlite" => Some(SQLITE),
        "postgres" | "postgresql" => Some(POSTGRES),
        "mysql" | "mariadb" => Some(MYSQL),
        _ => None,
    }
}

/// Parses `url` (surrounding whitespace ignored).
pub(super) fn parse(url: &str) -> Result<DatabaseUrl, UrlError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(UrlError::Empty);
    }
    let missing_scheme = || UrlError::MissingScheme {
        url: redact_url(url),
    };
    let (scheme, after_colon) = url.split_once(':').ok_or_else(missing_scheme)?;
    if !is_scheme(scheme) {
        return Err(missing_scheme());
    }
    let scheme = scheme.to_ascii_lowercase();
    let target = match builtin_dialect(&scheme) {
        Some(SQLITE) => parse_sqlite(url, after_colon)?,
        Some(_) => {
            if !after_colon.starts_with("//") {
                return Err(UrlError::Invalid {
                    url: redact_url(url),
                    reason: format!(
                        "expected `{scheme}://` followed by `user:password@host:port/database`"
                    ),
                });
            }
            Target::Server(parse_server(url)?)
        }
        None => {
            let rest = after_colon.strip_prefix("//").ok_or_else(missing_scheme)?;
            Target::Other {
                rest: rest.to_string(),
            }
        }
    };
    Ok(DatabaseUrl {
        raw: url.to_string(),
        scheme,
        target,
    })
}

/// The part after `sqlite:`: `//path`, `:memory:`, `//:memory:` or a bare path, then `?query`.
fn parse_sqlite(url: &str, after_colon: &str) -> Result<Target, UrlError> {
    let body = after_colon.strip_prefix("//").unwrap_or(after_colon);
    let (path, query) = body.split_once('?').unwrap_or((body, ""));
    let params = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let location = match path {
        "" => {
            return Err(UrlError::MissingSqlitePath {
                url: redact_url(url),
            })
        }
        ":memory:" => SqliteLocation::Memory,
        _ => SqliteLocation::File(PathBuf::from(decode(url, path, "path")?)),
    };
    Ok(Target::Sqlite { location, params })
}

/// A `postgres://` or `mysql://` URL, taken apart by the `url` crate.
fn parse_server(url: &str) -> Result<ServerParts, UrlError> {
    let parsed = Url::parse(url).map_err(|error| match error {
        url::ParseError::InvalidPort => UrlError::InvalidPort {
            url: redact_url(url),
        },
        // `url`'s messages ("empty host", ...) never quote the input.
        other => UrlError::Invalid {
            url: redact_url(url),
            reason: other.to_string(),
        },
    })?;
    let non_empty = |text: String| (!text.is_empty()).then_some(text);
    let host = match parsed.host() {
        None => None,
        Some(url::Host::Domain(domain)) => non_empty(decode(url, domain, "host")?),
        Some(url::Host::Ipv4(address)) => Some(address.to_string()),
        Some(url::Host::Ipv6(address)) => Some(address.to_string()),
    };
    let database = parsed.path().strip_prefix('/').unwrap_or(parsed.path());
    check_escapes(url, parsed.username(), "user name")?;
    check_escapes(url, parsed.password().unwrap_or_default(), "password")?;
    check_escapes(url, parsed.host_str().unwrap_or_default(), "host")?;
    check_escapes(url, database, "database name")?;
    check_escapes(url, parsed.query().unwrap_or_default(), "query")?;
    Ok(ServerParts {
        user: non_empty(decode(url, parsed.username(), "user name")?),
        password: parsed
            .password()
            .map(|password| decode(url, password, "password"))
            .transpose()?,
        host,
        port: parsed.port(),
        database: non_empty(decode(url, database, "database name")?),
        params: parsed.query_pairs().into_owned().collect(),
    })
}

/// Percent-decodes `part` of `url`, which must then be UTF-8.
fn decode(url: &str, part: &str, what: &str) -> Result<String, UrlError> {
    match percent_decode_str(part).decode_utf8() {
        Ok(text) => Ok(text.into_owned()),
        Err(_) => Err(UrlError::Invalid {
            url: redact_url(url),
            reason: format!("the {what} is not valid UTF-8 after percent-decoding"),
        }),
    }
}

/// Refuses a `%` that does not start an escape of two hex digits (`%ZZ`, a trailing `%`) in
/// a server URL: decoders pass such text through unchanged, so a typo in a password would
/// otherwise reach the server and fail as a login error. The message shows neither the
/// part nor the escape, which may be a password's. (SQLite paths stay lenient: they are
/// written as paths, where a `%` is an ordinary character.)
fn check_escapes(url: &str, part: &str, what: &str) -> Result<(), UrlError> {
    let bytes = part.as_bytes();
    let malformed = bytes.iter().enumerate().any(|(at, &byte)| {
        byte == b'%'
            && !(bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if malformed {
        return Err(UrlError::Invalid {
            url: redact_url(url),
            reason: format!(
                "the {what} holds a `%` that is not followed by two hex digits: \
                 percent-encode the character (a literal `%` is `%25`)"
            ),
        });
    }
    Ok(())
}
