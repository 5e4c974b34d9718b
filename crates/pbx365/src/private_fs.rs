//! Files and folders only their owner can open. Profiles, the sync history (user principal
//! names, object IDs), journals and locks say who works where and which tenant is connected to
//! which app; on a shared workstation or server other accounts must not read them. On Unix
//! every file pbx365 writes is created 0600 and every folder 0700, and those an older version
//! left open to others are tightened when pbx365 next writes or opens them. Elsewhere the
//! user's profile folder is already private, and this module creates plain files and folders.
//!
//! Every writer goes through here, so the modes are decided in one place.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The mode of every file pbx365 writes, on Unix.
pub const FILE_MODE: u32 = 0o600;
/// The mode of every folder pbx365 creates, on Unix.
pub const FOLDER_MODE: u32 = 0o700;

/// Whose folder a file goes into, which decides whether existing folders are tightened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Folder {
    /// pbx365's own, as is every folder above it up to `root` (the profiles' base, say): all
    /// of them are made private, even when an older version created them open to others.
    Own { root: PathBuf },
    /// One the admin picked, such as a desktop for `public_key.pem`: folders missing on the way
    /// are created private, existing ones keep the modes their owner gave them.
    Chosen,
}

impl Folder {
    /// pbx365's own folder tree from `root` down.
    pub fn own(root: impl Into<PathBuf>) -> Self {
        Folder::Own { root: root.into() }
    }
}

/// Creates `dir` and every missing folder above it private; for pbx365's own, `dir` and the
/// folders above it up to the root are tightened.
pub fn create_dir_all(dir: &Path, folder: &Folder) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, FOLDER_MODE);
    builder.create(dir)?;
    match folder {
        Folder::Own { root } => dir
            .ancestors()
            .take_while(|above| above.starts_with(root))
            .try_for_each(|above| tighten(above, FOLDER_MODE)),
        Folder::Chosen => Ok(()),
    }
}

/// Opens `path` with `options`; a file it creates is private, and an existing one that others
/// could read is tightened.
pub fn open(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, FILE_MODE);
    let file = options.open(path)?;
    tighten_open_file(&file)?;
    Ok(file)
}

/// Creates `path` empty and private unless it exists; an existing one is tightened. For files
/// another library opens by name afterwards (SQLite), so they never exist with wider modes.
pub fn create_file(path: &Path) -> io::Result<()> {
    open(path, OpenOptions::new().append(true).create(true)).map(drop)
}

/// Tightens `path` if it exists and others may read it; a missing file is fine.
pub fn tighten_file(path: &Path) -> io::Result<()> {
    match tighten(path, FILE_MODE) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// A private temporary file in `dir`, to be renamed over the real one.
pub fn temporary_file_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(FILE_MODE));
    builder.tempfile_in(dir)
}

/// Whether a mode lets anyone but the owner in.
#[cfg(unix)]
fn open_to_others(mode: u32) -> bool {
    mode & 0o077 != 0
}

#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode();
    if open_to_others(current) {
        tracing::info!(path = %path.display(), from = format!("{:o}", current & 0o777), to = format!("{mode:o}"), "made private");
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(path: &Path, _mode: u32) -> io::Result<()> {
    std::fs::metadata(path).map(drop)
}

#[cfg(unix)]
fn tighten_open_file(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if open_to_others(file.metadata()?.permissions().mode()) {
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten_open_file(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> io::Result<u32> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    }

    fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    #[test]
    fn new_folders_are_private_all_the_way_down() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let deep = dir.path().join("a").join("b");
        create_dir_all(&deep, &Folder::Chosen)?;
        assert_eq!(mode(&dir.path().join("a"))?, 0o700);
        assert_eq!(mode(&deep)?, 0o700);
        Ok(())
    }

    #[test]
    fn only_own_folders_are_tightened_up_to_their_root() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("pbx365");
        let own = root.join("certificates").join("contoso");
        let chosen = dir.path().join("chosen");
        for folder in [&own, &chosen] {
            std::fs::create_dir_all(folder)?;
        }
        for folder in [dir.path(), &root, &root.join("certificates"), &own, &chosen] {
            set_mode(folder, 0o755)?;
        }
        create_dir_all(&own, &Folder::own(&root))?;
        create_dir_all(&chosen, &Folder::Chosen)?;
        for folder in [&root, &root.join("certificates"), &own] {
            assert_eq!(mode(folder)?, 0o700, "{}", folder.display());
        }
        // Above the root and outside it, nothing is pbx365's to change.
        assert_eq!(mode(dir.path())?, 0o755);
        assert_eq!(mode(&chosen)?, 0o755);
        Ok(())
    }

    #[test]
    fn files_are_created_private_and_tightened_when_opened() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let new = dir.path().join("new");
        create_file(&new)?;
        assert_eq!(mode(&new)?, 0o600);

        let old = dir.path().join("old");
        std::fs::write(&old, b"kept")?;
        set_mode(&old, 0o644)?;
        open(&old, OpenOptions::new().write(true))?;
        assert_eq!(mode(&old)?, 0o600);
        assert_eq!(std::fs::read(&old)?, b"kept");

        let side = dir.path().join("side");
        std::fs::write(&side, b"")?;
        set_mode(&side, 0o664)?;
        tighten_file(&side)?;
        assert_eq!(mode(&side)?, 0o600);
        tighten_file(&dir.path().join("missing"))?;
        // The owner's own choice of fewer rights is left alone.
        set_mode(&side, 0o400)?;
        tighten_file(&side)?;
        assert_eq!(mode(&side)?, 0o400);
        Ok(())
    }

    #[test]
    fn temporary_files_are_private() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = temporary_file_in(dir.path())?;
        assert_eq!(mode(file.path())?, 0o600);
        Ok(())
    }
}
