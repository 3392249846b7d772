//! The `mysql` crate's errors said in prose. Its `Display` wraps every error in the
//! variant's name (`IoError { server disconnected }`, `DriverError { Could not connect
//! ... }`), which reads like a Rust value; users get what happened instead.

use mysql::{DriverError, UrlError};
use std::io;

/// What `error` means, for a message that already says what retort was doing. A server
/// error (`MySqlError`) is the caller's to word: it has a code and a SQLSTATE.
pub(crate) fn describe(error: &mysql::Error) -> String {
    match error {
        mysql::Error::IoError(io) => io_failure(io),
        mysql::Error::DriverError(driver) => driver_failure(driver),
        mysql::Error::CodecError(codec) => format!(
            "the server sent a packet the client cannot read ({})",
            lower_first(&codec.to_string())
        ),
        mysql::Error::MySqlError(server) => {
            format!("{} (error {})", server.message, server.code)
        }
        mysql::Error::UrlError(UrlError::ParseError(parse)) => {
            format!("the URL is malformed: {parse}")
        }
        mysql::Error::UrlError(url) => lower_first(&url.to_string()),
        mysql::Error::TlsError(tls) => format!("the TLS handshake failed: {tls}"),
        mysql::Error::FromValueError(_) | mysql::Error::FromRowError(_) => {
            String::from("the server returned a value of an unexpected type")
        }
    }
}

/// An I/O error: a connection lost on the way, or one that could not be made.
fn io_failure(error: &io::Error) -> String {
    let detail = lower_first(&error.to_string());
    match error.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof => {
            format!("lost the connection to the server ({detail})")
        }
        io::ErrorKind::TimedOut => format!("the server did not answer in time ({detail})"),
        _ => format!("the connection to the server failed: {detail}"),
    }
}

fn driver_failure(error: &DriverError) -> String {
    match error {
        DriverError::CouldNotConnect(Some((address, description, _))) => {
            format!("could not reach {address}: {}", lower_first(description))
        }
        DriverError::CouldNotConnect(None) => String::from("no server address to connect to"),
        DriverError::ConnectTimeout => String::from("the server did not answer in time"),
        other => lower_first(&other.to_string()),
    }
}

/// "Connection refused (os error 111)" → "connection refused (os error 111)", so that the
/// client's words read as the end of retort's sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms ("TLS ...", "URL ...") as they are.
        Some(first) if chars.next().is_some_and(char::is_lowercase) => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_prose(message: &str) {
        assert!(
            !message.contains('{') && !message.contains("Error"),
            "not prose: {message}"
        );
    }

    #[test]
    fn a_lost_connection_is_said_so() {
        let message = describe(&mysql::Error::server_disconnected());
        assert_eq!(
            message,
            "lost the connection to the server (server disconnected)"
        );
    }

    #[test]
    fn a_refused_connection_names_the_address() {
        let error = mysql::Error::DriverError(DriverError::CouldNotConnect(Some((
            String::from("127.0.0.1:1"),
            String::from("Connection refused (os error 111)"),
            io::ErrorKind::ConnectionRefused,
        ))));
        let message = describe(&error);
        assert_eq!(
            message,
            "could not reach 127.0.0.1:1: connection refused (os error 111)"
        );
        assert_prose(&message);
    }

    #[test]
    fn driver_errors_lose_their_variant_name() {
        for error in [
            DriverError::PacketOutOfSync,
            DriverError::ConnectTimeout,
            DriverError::CouldNotConnect(None),
            DriverError::UnexpectedPacket,
        ] {
            assert_prose(&describe(&mysql::Error::DriverError(error)));
        }
        let io = io::Error::new(io::ErrorKind::ConnectionRefused, "Connection refused");
        assert_prose(&describe(&mysql::Error::IoError(io)));
    }
}
