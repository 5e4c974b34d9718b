//! Files are replaced atomically: written to a temporary file in the same directory, flushed to
//! disk, then renamed over the old one, so a crash or a full disk never leaves half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error(
    "Could not write {path}: {source}. Check that the folder exists, is writable and the disk is not full."
)]
pub struct AtomicWriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Replaces `path` with `contents` atomically, creating the parent directory if needed.
pub fn write(path: &Path, contents: &[u8]) -> Result<(), AtomicWriteError> {
    let fail = |source| AtomicWriteError {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temporaries() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nested").join("p.json");
        write(&path, b"first version, longer")?;
        write(&path, b"second")?;
        assert_eq!(std::fs::read_to_string(&path)?, "second");
        assert_eq!(
            std::fs::read_dir(path.parent().ok_or("no parent")?)?.count(),
            1
        );
        Ok(())
    }

    #[test]
    fn failure_names_the_path() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x")?;
        let err = write(&blocker.join("child.json"), b"y")
            .err()
            .ok_or("expected an error")?;
        assert!(err.to_string().contains("child.json"), "{err}");
        Ok(())
    }
}
