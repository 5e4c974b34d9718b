//! Files are replaced atomically: written to a temporary file in the same directory, flushed to
//! disk, then renamed over the old one, so a crash or a full disk never leaves half a file. The
//! file is private ([`crate::private_fs`]): the renamed temporary file brings its mode along, so
//! a file an older version left readable to others is private once it is written again.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::private_fs::{self, Folder};

#[derive(Debug, thiserror::Error)]
#[error(
    "Could not write {path}: {source}. Check that the folder exists, is writable and the disk is not full."
)]
pub struct AtomicWriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Replaces `path`, in a folder of pbx365's own, with `contents` atomically, creating the
/// folder if needed.
pub fn write(path: &Path, contents: &[u8]) -> Result<(), AtomicWriteError> {
    write_in(path, contents, &Folder::own(folder_of(path)))
}

/// Replaces `path` with `contents` atomically, creating its folder if needed; `folder` says
/// whose that folder is.
pub fn write_in(path: &Path, contents: &[u8], folder: &Folder) -> Result<(), AtomicWriteError> {
    let fail = |source| AtomicWriteError {
        path: path.to_owned(),
        source,
    };
    let dir = folder_of(path);
    private_fs::create_dir_all(dir, folder).map_err(fail)?;
    let mut tmp = private_fs::temporary_file_in(dir).map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
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

    #[cfg(unix)]
    #[test]
    fn written_files_and_own_folders_are_private() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| -> std::io::Result<u32> {
            Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
        };
        let dir = tempfile::tempdir()?;
        let folder = dir.path().join("profiles");
        let path = folder.join("p.json");
        write(&path, b"new")?;
        assert_eq!((mode(&path)?, mode(&folder)?), (0o600, 0o700));

        // As an older version left them: open to others.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755))?;
        write(&path, b"again")?;
        assert_eq!((mode(&path)?, mode(&folder)?), (0o600, 0o700));

        // A folder the admin chose keeps its mode; the file is private all the same.
        let chosen = dir.path().join("desktop");
        std::fs::create_dir(&chosen)?;
        std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o755))?;
        let copy = chosen.join("public_key.pem");
        write_in(&copy, b"pem", &Folder::Chosen)?;
        assert_eq!((mode(&copy)?, mode(&chosen)?), (0o600, 0o755));
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

/// Why a JSON file pbx365 keeps (a journal, say) could not be read: each kind of file says in
/// its own words what the admin does about it.
#[derive(Debug)]
pub enum ReadJsonError {
    Io(std::io::Error),
    Damaged(serde_json::Error),
}

/// The value in the JSON file at `path`, or `None` when there is no such file.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, ReadJsonError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(ReadJsonError::Damaged),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ReadJsonError::Io(error)),
    }
}

/// `value` as indented JSON with a final newline, as pbx365's JSON files are written.
pub fn json_text<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
