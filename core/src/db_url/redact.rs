//! Redaction: a URL with its secrets replaced by `***`, safe to print anywhere.

use percent_encoding::percent_decode_str;

/// What a redacted secret is replaced with.
pub(crate) const MASK: &str = "***";

/// `url` with its password and secret query parameters replaced by `***`.
///
/// Works on any string, including one that does not parse as a URL, so that error messages
/// about a malformed URL never echo its password. Redacted:
///
/// - the password of the user-info part: `postgres://app:***@db/prod`;
/// - the value of every query parameter whose name (case-insensitive, percent-decoded)
///   contains `pass`, `pwd`, `secret` or `token`: `password=`, `pass=`, `pwd=`,
///   `sslpassword=`, `authToken=`, ...
///
/// Passwords are often pasted without percent-encoding, so the user-info part is taken to
/// end at the last `@` before the query (not at the first `/`, as a strict parser would):
/// a password containing `@`, `:`, `/` or `?` is still hidden whole. When in doubt this
/// hides too much (part of a host), never too little.
pub fn redact_url(url: &str) -> String {
    let (head, rest) = split_scheme(url);
    let (user_info, after_user_info) = redact_user_info(rest, !head.is_empty());
    let mut out = String::with_capacity(url.len());
    out.push_str(head);
    out.push_str(&user_info);
    out.push_str(&redact_query(after_user_info));
    // A fragment has no business in a database URL; it could carry anything.
    if let Some(hash) = out.find('#') {
        out.truncate(hash + 1);
        out.push_str(MASK);
    }
    out
}

/// Splits `scheme://` off the front when there is one; otherwise the whole string is the rest.
fn split_scheme(url: &str) -> (&str, &str) {
    match url.find("://") {
        Some(end) if is_scheme(&url[..end]) => url.split_at(end + 3),
        _ => ("", url),
    }
}

/// True for a syntactically valid URL scheme (RFC 3986: a letter, then letters, digits, `+-.`).
pub(crate) fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The user-info part (password masked) and what follows it (`@host...`), or no user-info
/// and the whole `rest` when there is no `@`.
fn redact_user_info(rest: &str, after_scheme: bool) -> (String, &str) {
    // Everything up to the last `@` may be user-info: an unescaped `@`, `?`, `#` or `/` in a
    // password included. Masking a little too much (part of a query) is safe; too little
    // is not.
    if let Some(at) = rest.rfind('@') {
        let (user_info, after) = rest.split_at(at);
        return match user_info.find(':') {
            Some(colon) => (format!("{}:{MASK}", &user_info[..colon]), after),
            None => (user_info.to_string(), after),
        };
    }
    // No `@`: after `scheme://`, `user:secret` without a host looks like a port that is not
    // a number.
    if !after_scheme {
        return (String::new(), rest);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if let Some(colon) = authority.rfind(':') {
        let port = &authority[colon + 1..];
        if !authority.ends_with(']')
            && !port.is_empty()
            && !port.bytes().all(|b| b.is_ascii_digit())
        {
            return (format!("{}:{MASK}", &authority[..colon]), &rest[end..]);
        }
    }
    (String::new(), rest)
}

/// `text` with the values of secret query parameters masked.
fn redact_query(text: &str) -> String {
    let Some(question) = text.find('?') else {
        return text.to_string();
    };
    let (before, query) = text.split_at(question + 1);
    let mut out = String::with_capacity(text.len());
    out.push_str(before);
    for (index, pair) in query.split('&').enumerate() {
        if index > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) if is_secret_key(key) => {
                out.push_str(key);
                out.push('=');
                out.push_str(MASK);
            }
            _ => out.push_str(pair),
        }
    }
    out
}

/// True for a query parameter name that carries a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = percent_decode_str(key)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    ["pass", "pwd", "secret", "token"]
        .iter()
        .any(|word| key.contains(word))
}
