//! Parsing: every URL read both as a server URL (by the `url` crate) and as naming a local
//! database file (by hand), whatever its scheme; the dialect says which reading applies.

use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use url::Url;

use super::redact::{is_scheme, redact_url};
use super::{DatabaseUrl, FileLocation, LocalFile, ServerParts, UrlError};

/// Parses `url` (surrounding whitespace ignored), resolving a relative file path against
/// `base_dir` when given.
pub(super) fn parse(url: &str, base_dir: Option<&Path>) -> Result<DatabaseUrl, UrlError> {
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
    let server = if after_colon.starts_with("//") {
        parse_server(url)
    } else {
        Err(UrlError::Invalid {
            url: redact_url(url),
            reason: format!(
                "expected `{scheme}://` followed by `user:password@host:port/database`"
            ),
        })
    };
    let local = parse_local(url, &scheme, after_colon).map(|mut local| {
        if let (FileLocation::File(path), Some(base)) = (&mut local.location, base_dir) {
            *path = base.join(&*path);
        }
        local
    });
    Ok(DatabaseUrl {
        raw: url.to_string(),
        scheme,
        base_dir: base_dir.map(Path::to_path_buf),
        server,
        local,
    })
}

/// The part after `scheme:` as a local file: `//path`, `:memory:`, `//:memory:` or a bare
/// path, then `?query`.
fn parse_local(url: &str, scheme: &str, after_colon: &str) -> Result<LocalFile, UrlError> {
    let body = after_colon.strip_prefix("//").unwrap_or(after_colon);
    let (path, query) = body.split_once('?').unwrap_or((body, ""));
    let params = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let location = match path {
        "" => {
            return Err(UrlError::MissingFilePath {
                url: redact_url(url),
                scheme: scheme.to_string(),
            })
        }
        ":memory:" => FileLocation::Memory,
        _ => FileLocation::File(PathBuf::from(decode(url, path, "path")?)),
    };
    Ok(LocalFile { location, params })
}

/// A `scheme://` URL, taken apart by the `url` crate.
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
/// part nor the escape, which may be a password's. (Local file paths stay lenient: they
/// are written as paths, where a `%` is an ordinary character.)
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
