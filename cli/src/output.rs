//! Writing results: text for people, or one JSON document (SPEC 7.1), never both.

use crate::args::{ColorWhen, Format, GlobalArgs};
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Where and how a command prints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) format: Format,
    pub(crate) color: bool,
    pub(crate) verbose: u8,
    pub(crate) quiet: bool,
    pub(crate) terminal: bool,
}

impl Output {
    pub(crate) fn new(global: &GlobalArgs) -> Self {
        let terminal = std::io::stdout().is_terminal();
        let color = use_color(global.color, terminal);
        Output {
            format: global.format,
            color,
            verbose: global.verbose,
            quiet: global.quiet,
            terminal,
        }
    }

    pub(crate) fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints the command's text result, or its JSON document; exactly one of the two.
    pub(crate) fn emit<T: Serialize>(
        &self,
        text: impl FnOnce(&Output) -> String,
        json: impl FnOnce() -> T,
    ) {
        // stdout is line-buffered: without this, pretty JSON costs one write per line.
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let written = match self.format {
            Format::Text => stdout.write_all(text(self).as_bytes()),
            // Indented for people at a terminal, compact (and faster) for programs.
            Format::Json if self.terminal => serde_json::to_writer_pretty(&mut stdout, &json())
                .map_err(std::io::Error::other)
                .and_then(|()| stdout.write_all(b"\n")),
            Format::Json => serde_json::to_writer(&mut stdout, &json())
                .map_err(std::io::Error::other)
                .and_then(|()| stdout.write_all(b"\n")),
        };
        // A closed pipe (`retort history | head`) is not an error worth reporting.
        let _ = written.and_then(|()| stdout.flush());
    }

    /// `text` in bold when colour is on.
    pub(crate) fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// `text` in green when colour is on (markers such as `(head)`).
    pub(crate) fn marker(&self, text: &str) -> String {
        self.paint("32", text)
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Prints an error on stderr, `error:` in red on a terminal (unless NO_COLOR).
pub(crate) fn report_error(message: &str, color: ColorWhen) {
    let mut stderr = std::io::stderr().lock();
    let paint = use_color(color, stderr.is_terminal());
    let prefix = if paint {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    let _ = writeln!(stderr, "{prefix} {message}");
}

/// With `--format json`, a failure's one document on stdout:
/// `{"error": {"kind", "message", "exit_code"}}`, written in one piece.
pub(crate) fn error_document(kind: &str, message: &str, exit_code: u8) {
    let document = serde_json::json!({
        "error": { "kind": kind, "message": message, "exit_code": exit_code }
    });
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{document}").and_then(|()| stdout.flush());
}

/// Whether to colour a stream: `auto` means a terminal and no (non-empty) NO_COLOR.
fn use_color(when: ColorWhen, is_terminal: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}
