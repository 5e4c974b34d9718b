//! The process's logging, the same for the CLI and the desktop app: one layer on stderr as
//! the program chooses, and one into the program's [`LogFiles`]. Both redact every line.

use std::io::Write;
use std::path::Path;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use super::log_files::{LogCap, LogFiles, default_log_folder};
use super::redact::Redactor;

/// The crates whose logs a more verbose level turns up; everyone else stays at warnings.
pub const OUR_CRATES: &[&str] = &["pbx365", "portsip", "entra", "sim"];

/// Filter directives: `level` for our crates, warnings (info at trace) for the rest.
pub fn directives(level: tracing::Level) -> String {
    let others = if level == tracing::Level::TRACE {
        "info"
    } else {
        "warn"
    };
    let ours = level.as_str().to_ascii_lowercase();
    std::iter::once(others.to_owned())
        .chain(OUR_CRATES.iter().map(|name| format!("{name}={ours}")))
        .collect::<Vec<_>>()
        .join(",")
}

/// How a program logs.
#[derive(Debug)]
pub struct LogSetup {
    /// The file name stem: `pbx365` for the CLI, `pbx365-setup` for the window.
    pub program: &'static str,
    pub stderr: EnvFilter,
    pub stderr_ansi: bool,
    pub file: EnvFilter,
}

/// Installs the subscriber. Returns the log files, or why there are none (the program then
/// logs on stderr only, and the caller says so); a subscriber already installed stays.
pub fn init(setup: LogSetup) -> Result<LogFiles, String> {
    let files = match default_log_folder() {
        Some(folder) => open(&folder, setup.program),
        None => Err("this computer has no home folder for pbx365's logs".to_owned()),
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(|| Redacted(std::io::stderr()))
        .with_ansi(setup.stderr_ansi)
        .with_filter(setup.stderr);
    let file = files.as_ref().ok().map(|files| {
        tracing_subscriber::fmt::layer()
            .with_writer(files.clone())
            .with_ansi(false)
            .with_filter(setup.file)
    });
    // Fails only if a subscriber is already installed, in which case that one keeps working.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    files
}

/// A writer whose every write (one event's line, as the fmt layer writes it) is redacted first,
/// as the log files' are: stderr may be a file or a journal too.
struct Redacted<W>(W);

impl<W: Write> Write for Redacted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_all(&Redactor::default().redact_bytes(buf))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn open(folder: &Path, program: &str) -> Result<LogFiles, String> {
    LogFiles::open(folder, program, LogCap::default()).map_err(|error| {
        format!(
            "the log folder {} cannot be written ({error}); check its permissions",
            folder.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stderr_lines_are_redacted_too() -> std::io::Result<()> {
        let mut out = Redacted(Vec::new());
        out.write_all(b"PBX answered {\"refresh_token\":\"rt-0123456789\"}\n")?;
        let text = String::from_utf8_lossy(&out.0);
        assert!(!text.contains("rt-0123456789"), "{text}");
        assert!(text.contains("PBX answered"), "{text}");
        Ok(())
    }

    #[test]
    fn a_level_raises_our_crates_first() {
        assert_eq!(
            directives(tracing::Level::INFO),
            "warn,pbx365=info,portsip=info,entra=info,sim=info"
        );
        assert_eq!(
            directives(tracing::Level::TRACE),
            "info,pbx365=trace,portsip=trace,entra=trace,sim=trace"
        );
    }
}
