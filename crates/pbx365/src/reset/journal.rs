//! The reset journal: which profile is being reset, what it needs to finish, and which steps
//! are done. Written before the first change and after every step, so a reset killed at any
//! point picks up where it stopped — even after its last step removed the profile file, since
//! the journal keeps a copy of it. One file per profile, `resets/NAME.json` next to the
//! profiles, private like every file pbx365 writes; it holds thumbprints, never a secret, and
//! goes away as the reset's very last act.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::ErrorReport;
use crate::atomic_file::{self, ReadJsonError};
use crate::private_fs::Folder;
use crate::profile::Profile;

/// The three steps of a reset, in the order they run: the PBX stops using the app before the
/// app loses the PBX's certificate, and this computer keeps the sign-ins both need until last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ResetStep {
    /// The PBX's Microsoft 365 integration is stopped.
    Pbx,
    /// The PBX's certificate comes off the app, or the app is deleted (by hand in guided mode).
    Entra,
    /// The profile, its sync history, its journals and its keyring entries are removed.
    ThisComputer,
}

impl ResetStep {
    pub const ALL: [ResetStep; 3] = [ResetStep::Pbx, ResetStep::Entra, ResetStep::ThisComputer];

    /// 1 to 3.
    pub fn number(self) -> usize {
        ResetStep::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i + 1)
    }

    pub fn title(self) -> &'static str {
        match self {
            ResetStep::Pbx => "stop the PBX's Microsoft 365 integration",
            ResetStep::Entra => "remove the integration from Microsoft Entra",
            ResetStep::ThisComputer => "remove the profile from this computer",
        }
    }

    /// Where the step makes its changes, as a label.
    pub fn place(self) -> &'static str {
        match self {
            ResetStep::Pbx => "PBX",
            ResetStep::Entra => "Microsoft Entra",
            ResetStep::ThisComputer => "This computer",
        }
    }
}

/// Where a reset stopped last time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetStop {
    pub step: ResetStep,
    /// Why, in English (the CLI).
    pub error: String,
    /// Why, for the UI to word; absent from journals written before it was kept.
    #[serde(default)]
    pub report: Option<ErrorReport>,
    /// RFC 3339.
    pub at: String,
}

/// One profile's reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetJournal {
    /// The profile as it was when the reset started: what the steps need (the PBX, the
    /// tenant, the app), kept here because the last step removes the profile file.
    pub profile: Profile,
    /// Whether the app registration is deleted rather than only cleared of the certificate.
    pub delete_app: bool,
    /// RFC 3339.
    pub started_at: String,
    /// SHA-1 thumbprints (upper-case hex) of the PBX's certificates to take off the app: read
    /// before the PBX step, which on PortSIP 22.6 deletes the key pair they belong to.
    pub thumbprints: Vec<String>,
    pub completed: Vec<ResetStep>,
    pub last_stop: Option<ResetStop>,
}

impl ResetJournal {
    pub fn new(profile: Profile, delete_app: bool, started_at: String) -> Self {
        Self {
            profile,
            delete_app,
            started_at,
            thumbprints: Vec::new(),
            completed: Vec::new(),
            last_stop: None,
        }
    }

    pub fn is_done(&self, step: ResetStep) -> bool {
        self.completed.contains(&step)
    }

    pub fn complete(&mut self, step: ResetStep) {
        if !self.is_done(step) {
            self.completed.push(step);
            self.completed.sort();
        }
    }

    /// Adds a thumbprint once, compared without case.
    pub fn remember_thumbprint(&mut self, thumbprint: &str) {
        let thumbprint = thumbprint.to_ascii_uppercase();
        if !self.thumbprints.contains(&thumbprint) {
            self.thumbprints.push(thumbprint);
        }
    }
}

/// Why the journal could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("Could not read the reset journal {path}: {source}. Check its permissions.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The reset journal {path} is damaged ({source}). Delete it and run the reset again: every \
         step checks for itself what is left to do."
    )]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("Could not encode the reset journal: {0}. This is a bug in pbx365; please report it.")]
    Encode(serde_json::Error),
    #[error(transparent)]
    Write(#[from] atomic_file::AtomicWriteError),
    #[error("Could not remove the reset journal {path}: {source}. Check its folder's permissions.")]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// `resets/NAME.json` under the folder the profiles live in
/// ([`crate::profile::ProfileStore::base`]); names are case-insensitive.
pub fn journal_path(config_dir: &Path, profile: &str) -> PathBuf {
    config_dir
        .join("resets")
        .join(format!("{}.json", profile.to_ascii_lowercase()))
}

pub fn load(path: &Path) -> Result<Option<ResetJournal>, JournalError> {
    atomic_file::read_json(path).map_err(|error| match error {
        ReadJsonError::Io(source) => JournalError::Read {
            path: path.to_owned(),
            source,
        },
        ReadJsonError::Damaged(source) => JournalError::Damaged {
            path: path.to_owned(),
            source,
        },
    })
}

/// Writes the journal atomically; `config_dir` is pbx365's own folder, so every folder on the
/// way is made private.
pub fn save(config_dir: &Path, path: &Path, journal: &ResetJournal) -> Result<(), JournalError> {
    let bytes = atomic_file::json_text(journal).map_err(JournalError::Encode)?;
    atomic_file::write_in(path, &bytes, &Folder::own(config_dir))?;
    Ok(())
}

/// Removes the journal; an absent one is fine (a repeated reset).
pub fn remove(path: &Path) -> Result<(), JournalError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(JournalError::Remove {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_complete_once_and_in_order() -> Result<(), crate::input::FieldError> {
        let mut journal = ResetJournal::new(Profile::new("c")?, false, "t".into());
        journal.complete(ResetStep::Entra);
        journal.complete(ResetStep::Pbx);
        journal.complete(ResetStep::Pbx);
        assert_eq!(journal.completed, [ResetStep::Pbx, ResetStep::Entra]);
        assert!(!journal.is_done(ResetStep::ThisComputer));
        assert_eq!(ResetStep::ThisComputer.number(), 3);
        journal.remember_thumbprint("ab12");
        journal.remember_thumbprint("AB12");
        assert_eq!(journal.thumbprints, ["AB12"]);
        Ok(())
    }

    #[test]
    fn saved_loaded_and_removed() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = journal_path(dir.path(), "Contoso");
        assert!(path.ends_with("resets/contoso.json"));
        assert!(load(&path)?.is_none());
        let journal = ResetJournal::new(Profile::new("Contoso")?, true, "t".into());
        save(dir.path(), &path, &journal)?;
        assert_eq!(load(&path)?, Some(journal));
        remove(&path)?;
        remove(&path)?;
        assert!(load(&path)?.is_none());
        std::fs::write(&path, b"{")?;
        assert!(matches!(load(&path), Err(JournalError::Damaged { .. })));
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_journal_and_its_folder_are_private() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        let path = journal_path(dir.path(), "contoso");
        save(
            dir.path(),
            &path,
            &ResetJournal::new(Profile::new("contoso")?, false, "t".into()),
        )?;
        let mode = |p: &Path| -> std::io::Result<u32> {
            Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
        };
        let folder = path.parent().ok_or("no folder")?;
        assert_eq!((mode(&path)?, mode(folder)?), (0o600, 0o700));
        Ok(())
    }
}
