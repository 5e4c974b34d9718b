//! Logs on stderr, so stdout stays clean for the commands' output (JSON, export lines), and in
//! the size-capped, redacted log files the diagnostics archive takes
//! ([`pbx365::diagnostics::logging`]).

use std::io::IsTerminal;

use pbx365::diagnostics::logging::{self, LogSetup, directives};
use tracing::Level;
use tracing_subscriber::EnvFilter;

/// Without `-v` or `RUST_LOG` only errors are logged on stderr: every command reports its own
/// failure as a sentence, which the libraries' warnings would merely repeat. `-v` wins over
/// `RUST_LOG`. The files always get our crates' info lines, and more with `-vv` and `-vvv`.
pub fn init(verbosity: u8) {
    let stderr = match level(verbosity) {
        None => from_env(),
        Some(level) => EnvFilter::new(directives(level)),
    };
    let file = file_level(verbosity);
    let files = logging::init(LogSetup {
        program: "pbx365",
        stderr,
        stderr_ansi: std::io::stderr().is_terminal(),
        file: EnvFilter::new(directives(file)),
    });
    if let Err(reason) = files {
        tracing::warn!("no log file: {reason}");
    }
}

fn level(verbosity: u8) -> Option<Level> {
    match verbosity {
        0 => None,
        1 => Some(Level::INFO),
        2 => Some(Level::DEBUG),
        _ => Some(Level::TRACE),
    }
}

/// Tracing orders levels by verbosity: TRACE is the greatest.
fn file_level(verbosity: u8) -> Level {
    level(verbosity).map_or(Level::INFO, |level| level.max(Level::INFO))
}

fn from_env() -> EnvFilter {
    match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::try_new(&value).unwrap_or_else(|error| {
            eprintln!("warning: RUST_LOG={value:?} is not a valid log filter ({error}); logging errors only");
            EnvFilter::new("error")
        }),
        _ => EnvFilter::new("error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbosity_raises_the_level() {
        assert_eq!(level(0), None);
        assert_eq!(level(2), Some(Level::DEBUG));
        assert_eq!(level(7), Some(Level::TRACE));
        assert_eq!(file_level(0), Level::INFO);
        assert_eq!(file_level(3), Level::TRACE);
    }
}
