//! One sync, rotation or reset of a profile at a time, across every process of the workstation
//! (the window, its tray, the CLI, a scheduled task). Two syncs of one profile would each take
//! the other's journal for an interrupted run and create users twice; two rotations would each
//! remove the other's certificate; a reset takes all three, so neither runs while it removes
//! what they write. The lock is an OS file lock, so a process that dies — even by SIGKILL —
//! releases it with no stale file to clean up.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::private_fs::{self, Folder};

/// What the lock guards; it names the lock file and the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    Sync,
    Rotation,
    /// Reading, replacing or forgetting the profile's saved PBX sign-in: PortSIP refresh
    /// tokens are single-use, so a process must not forget a token another has just saved.
    Session,
    /// Removing the integration (`pbx365 reset`): two resets would race over one journal.
    Reset,
}

impl Activity {
    fn noun(self) -> &'static str {
        match self {
            Activity::Sync => "sync",
            Activity::Rotation => "certificate rotation",
            Activity::Session => "change of the saved PBX sign-in",
            Activity::Reset => "reset",
        }
    }

    fn file_stem(self) -> &'static str {
        match self {
            Activity::Sync => "sync",
            Activity::Rotation => "rotation",
            Activity::Session => "session",
            Activity::Reset => "reset",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunLockError {
    #[error(
        "A {noun} of {profile} is already running (in the pbx365 window, its tray or the pbx365 \
         command). Wait for it to finish or cancel it there, then start again.",
        noun = activity.noun()
    )]
    Busy { activity: Activity, profile: String },

    #[error("The lock file {path} could not be used: {source}. Check that its folder is writable.")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Held while the activity runs; dropping it lets the next one start.
#[derive(Debug)]
pub struct RunLock {
    // The OS lock lives as long as this open file.
    _file: File,
}

impl RunLock {
    /// Takes the lock of `activity` on `profile` in `folder`, or says who holds it. Never waits.
    pub fn acquire(folder: &Path, activity: Activity, profile: &str) -> Result<Self, RunLockError> {
        // Profile names are compared without case; hex keeps any name a valid file name.
        let name = format!(
            "{}-{}.lock",
            activity.file_stem(),
            hex::encode(profile.to_lowercase())
        );
        let path = folder.join("locks").join(name);
        let io = |source| RunLockError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            private_fs::create_dir_all(parent, &Folder::own(parent)).map_err(io)?;
        }
        let file = private_fs::open(
            &path,
            OpenOptions::new().create(true).truncate(false).write(true),
        )
        .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(RunLockError::Busy {
                activity,
                profile: profile.to_owned(),
            }),
            Err(TryLockError::Error(source)) => Err(io(source)),
        }
    }

    /// Takes the lock, waiting up to `patience` for its holder (for locks held only for a
    /// moment, like [`Activity::Session`]).
    pub fn wait(
        folder: &Path,
        activity: Activity,
        profile: &str,
        patience: Duration,
    ) -> Result<Self, RunLockError> {
        let deadline = Instant::now() + patience;
        loop {
            match Self::acquire(folder, activity, profile) {
                Err(RunLockError::Busy { .. }) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let first = RunLock::acquire(dir.path(), Activity::Sync, "Contoso")?;
        let second = RunLock::acquire(dir.path(), Activity::Sync, "contoso");
        assert!(
            matches!(&second, Err(RunLockError::Busy { activity: Activity::Sync, profile }) if profile == "contoso"),
            "{second:?}"
        );
        let message = second.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("A sync of contoso is already running"),
            "{message}"
        );
        // Other profiles and other activities do not wait on it.
        RunLock::acquire(dir.path(), Activity::Sync, "fabrikam")?;
        RunLock::acquire(dir.path(), Activity::Rotation, "contoso")?;
        drop(first);
        RunLock::acquire(dir.path(), Activity::Sync, "contoso")?;
        Ok(())
    }

    #[test]
    fn waiting_takes_the_lock_once_its_holder_lets_go() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let held = RunLock::acquire(dir.path(), Activity::Session, "contoso")?;
        let impatient = RunLock::wait(
            dir.path(),
            Activity::Session,
            "contoso",
            Duration::from_millis(30),
        );
        assert!(matches!(impatient, Err(RunLockError::Busy { .. })));
        let folder = dir.path().to_owned();
        let waiter = std::thread::spawn(move || {
            RunLock::wait(
                &folder,
                Activity::Session,
                "contoso",
                Duration::from_secs(10),
            )
            .map(drop)
        });
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        assert!(matches!(waiter.join(), Ok(Ok(()))));
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn lock_files_and_their_folder_are_private() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| -> std::io::Result<u32> {
            Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
        };
        let dir = tempfile::tempdir()?;
        let locks = dir.path().join("locks");
        drop(RunLock::acquire(dir.path(), Activity::Sync, "contoso")?);
        let lock = std::fs::read_dir(&locks)?
            .next()
            .ok_or("no lock file")??
            .path();
        assert_eq!((mode(&lock)?, mode(&locks)?), (0o600, 0o700));

        // As an older version left them.
        std::fs::set_permissions(&lock, std::fs::Permissions::from_mode(0o644))?;
        std::fs::set_permissions(&locks, std::fs::Permissions::from_mode(0o755))?;
        let _held = RunLock::acquire(dir.path(), Activity::Sync, "contoso")?;
        assert_eq!((mode(&lock)?, mode(&locks)?), (0o600, 0o700));
        Ok(())
    }
}
