//! pbx365's log files: in the OS's log folder, a few files of bounded size per program, every
//! line passed through the [`Redactor`] before it reaches the disk.
//!
//! `tracing-appender` rolls files by time only and cannot bound their size, so the rotation is
//! done here: when the current file would grow past [`LogCap::file_bytes`] it becomes
//! `<program>.1.log`, the older ones move up one, and the oldest beyond
//! [`LogCap::files`] is deleted.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

use super::redact::Redactor;
use crate::private_fs::{self, Folder};

/// The OS's conventional log folder for pbx365: `$XDG_STATE_HOME/pbx365/logs` (by default
/// `~/.local/state/pbx365/logs`) on Linux, `~/Library/Logs/pbx365` on macOS,
/// `%LOCALAPPDATA%\pbx365\data\logs` on Windows.
pub fn default_log_folder() -> Option<PathBuf> {
    if cfg!(target_os = "macos") {
        let home = directories::BaseDirs::new()?.home_dir().to_owned();
        return Some(home.join("Library").join("Logs").join("pbx365"));
    }
    let dirs = directories::ProjectDirs::from("", "", "pbx365")?;
    let base = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(base.join("logs"))
}

/// How much log one program keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogCap {
    /// A file is rotated before it grows past this.
    pub file_bytes: u64,
    /// The current file and the rotated ones together.
    pub files: usize,
}

impl Default for LogCap {
    /// 2 MiB × 4: days of info-level logging, and a diagnostics archive that still fits in an
    /// e-mail once compressed.
    fn default() -> Self {
        Self {
            file_bytes: 2 * 1024 * 1024,
            files: 4,
        }
    }
}

/// The log files of one program (`pbx365`, `pbx365-setup`) in a folder.
#[derive(Debug, Clone)]
pub struct LogFiles {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    folder: PathBuf,
    program: String,
    cap: LogCap,
    redactor: Redactor,
    current: Mutex<Option<Current>>,
}

#[derive(Debug)]
struct Current {
    file: File,
    written: u64,
}

impl LogFiles {
    /// Creates the folder (private) and opens the program's current file for appending.
    pub fn open(folder: &Path, program: &str, cap: LogCap) -> io::Result<Self> {
        private_fs::create_dir_all(folder, &Folder::own(folder))?;
        let inner = Inner {
            folder: folder.to_owned(),
            program: program.to_owned(),
            cap,
            redactor: Redactor::default(),
            current: Mutex::new(None),
        };
        let current = inner.open_current()?;
        *inner.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(current);
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    pub fn folder(&self) -> &Path {
        &self.inner.folder
    }

    /// The program's files, newest first.
    pub fn paths(&self) -> Vec<PathBuf> {
        (0..self.inner.cap.files)
            .map(|index| self.inner.path(index))
            .filter(|path| path.exists())
            .collect()
    }
}

impl Inner {
    /// `<program>.log`, then `<program>.1.log`, `<program>.2.log`, … from newest to oldest.
    fn path(&self, index: usize) -> PathBuf {
        let name = match index {
            0 => format!("{}.log", self.program),
            n => format!("{}.{n}.log", self.program),
        };
        self.folder.join(name)
    }

    fn open_current(&self) -> io::Result<Current> {
        let path = self.path(0);
        let file = private_fs::open(&path, OpenOptions::new().create(true).append(true))?;
        let written = file.metadata()?.len();
        Ok(Current { file, written })
    }

    /// Moves every file up one place, dropping the oldest, and starts an empty current one.
    fn rotate(&self) -> io::Result<Current> {
        let last = self.cap.files.saturating_sub(1);
        match std::fs::remove_file(self.path(last)) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
        for index in (0..last).rev() {
            match std::fs::rename(self.path(index), self.path(index + 1)) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        self.open_current()
    }

    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let clean = self.redactor.redact_bytes(line);
        // One line never exceeds the cap on its own: a huge one is cut to half the cap.
        let budget = usize::try_from(self.cap.file_bytes).unwrap_or(usize::MAX);
        let clean: &[u8] = if clean.len() > budget {
            &clean[..budget / 2]
        } else {
            &clean
        };
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let full = current.as_ref().is_none_or(|current| {
            current.written > 0 && current.written + clean.len() as u64 > self.cap.file_bytes
        });
        if full {
            // Another process may have rotated already; then this one just reopens.
            *current = Some(self.rotate()?);
        }
        let Some(current) = current.as_mut() else {
            return Ok(());
        };
        current.file.write_all(clean)?;
        current.written += clean.len() as u64;
        Ok(())
    }
}

/// What the fmt layer writes one event through: the whole formatted line in one `write`.
#[derive(Debug)]
pub struct LogLine<'a> {
    files: &'a Inner,
}

impl Write for LogLine<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.files.write_line(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogFiles {
    type Writer = LogLine<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LogLine { files: &self.inner }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(files: &LogFiles, text: &str) -> io::Result<()> {
        files.make_writer().write_all(text.as_bytes())
    }

    #[test]
    fn files_rotate_at_the_cap_and_the_oldest_goes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let cap = LogCap {
            file_bytes: 100,
            files: 3,
        };
        let files = LogFiles::open(dir.path(), "pbx365", cap)?;
        for n in 0..20 {
            write(&files, &format!("line {n:02} {}\n", "x".repeat(30)))?;
        }
        let paths = files.paths();
        assert_eq!(paths.len(), 3, "{paths:?}");
        let total: u64 = std::fs::read_dir(dir.path())?
            .map(|entry| entry.and_then(|e| e.metadata()).map(|m| m.len()))
            .sum::<io::Result<u64>>()?;
        assert!(total <= 300, "{total} bytes in the folder");
        let newest = std::fs::read_to_string(&paths[0])?;
        assert!(newest.contains("line 19"), "{newest}");
        let oldest = std::fs::read_to_string(&paths[2])?;
        assert!(!oldest.contains("line 00"), "{oldest}");
        Ok(())
    }

    #[test]
    fn a_reopened_log_goes_on_where_it_was() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let cap = LogCap {
            file_bytes: 1000,
            files: 2,
        };
        write(&LogFiles::open(dir.path(), "p", cap)?, "first\n")?;
        write(&LogFiles::open(dir.path(), "p", cap)?, "second\n")?;
        assert_eq!(
            std::fs::read_to_string(dir.path().join("p.log"))?,
            "first\nsecond\n"
        );
        Ok(())
    }

    #[test]
    fn secrets_never_reach_the_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let files = LogFiles::open(dir.path(), "p", LogCap::default())?;
        write(&files, "answer {\"refresh_token\":\"tok-123456789\"}\n")?;
        let text = std::fs::read_to_string(dir.path().join("p.log"))?;
        assert!(!text.contains("tok-123456789"), "{text}");
        assert!(text.contains("‹redacted›"), "{text}");
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_private() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let folder = dir.path().join("logs");
        let files = LogFiles::open(&folder, "p", LogCap::default())?;
        write(&files, "x\n")?;
        let mode = std::fs::metadata(folder.join("p.log"))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        Ok(())
    }
}
