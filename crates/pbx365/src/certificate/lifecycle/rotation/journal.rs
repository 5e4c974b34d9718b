//! The rotation journal: which certificates a rotation replaces and which steps are done,
//! written after every step so that a second run picks up where the first stopped. One file
//! per profile, `rotations/NAME.json` next to the profiles; it holds thumbprints, never a key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stop::RotationCause;
use crate::atomic_file::{self, ReadJsonError};
use crate::profile::Mode;

/// The four steps of a rotation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationStep {
    /// The PBX makes a new key pair; from then on it signs with the new key.
    GenerateKeyPair,
    /// The new certificate goes on the app next to the old one.
    AddNewCertificate,
    /// Microsoft accepts the new certificate: the PBX lists Microsoft 365 users.
    WaitForMicrosoft,
    /// The old certificate comes off the app.
    RemoveOldCertificate,
}

impl RotationStep {
    pub const ALL: [RotationStep; 4] = [
        RotationStep::GenerateKeyPair,
        RotationStep::AddNewCertificate,
        RotationStep::WaitForMicrosoft,
        RotationStep::RemoveOldCertificate,
    ];

    /// 1 to 4.
    pub fn number(self) -> usize {
        RotationStep::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(0, |i| i + 1)
    }

    pub fn title(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (RotationStep::GenerateKeyPair, _) => "the PBX makes a new key pair",
            (RotationStep::AddNewCertificate, Mode::Auto) => {
                "add the new certificate to the app, next to the old one"
            }
            (RotationStep::AddNewCertificate, Mode::Guided) => {
                "upload the new certificate to the app by hand, next to the old one"
            }
            (RotationStep::WaitForMicrosoft, _) => {
                "wait until Microsoft accepts the new certificate (the PBX lists Microsoft 365 users)"
            }
            (RotationStep::RemoveOldCertificate, Mode::Auto) => {
                "remove the old certificate from the app"
            }
            (RotationStep::RemoveOldCertificate, Mode::Guided) => {
                "remove the old certificate from the app by hand"
            }
        }
    }
}

/// Where a rotation stopped last time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct StopRecord {
    pub step: RotationStep,
    /// Why, in English (the CLI).
    pub error: String,
    /// Why, for the UI to word; absent from journals written before it was kept.
    #[serde(default)]
    pub cause: Option<RotationCause>,
    /// RFC 3339.
    pub at: String,
}

/// One profile's rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RotationJournal {
    pub profile: String,
    pub mode: Mode,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; set when every step is done.
    pub finished_at: Option<String>,
    /// The certificate being replaced (SHA-1), `None` when the PBX had none.
    pub old_thumbprint: Option<String>,
    /// The PBX's new certificate (SHA-1), once it made one.
    pub new_thumbprint: Option<String>,
    /// Certificates made by an interrupted attempt that the PBX no longer signs with; they
    /// come off the app with the old one.
    pub superseded: Vec<String>,
    pub completed: Vec<RotationStep>,
    pub last_stop: Option<StopRecord>,
}

impl RotationJournal {
    pub fn new(profile: &str, mode: Mode, started_at: String, old: Option<String>) -> Self {
        Self {
            profile: profile.to_owned(),
            mode,
            started_at,
            finished_at: None,
            old_thumbprint: old,
            new_thumbprint: None,
            superseded: Vec::new(),
            completed: Vec::new(),
            last_stop: None,
        }
    }

    pub fn is_done(&self, step: RotationStep) -> bool {
        self.completed.contains(&step)
    }

    pub fn complete(&mut self, step: RotationStep) {
        if !self.is_done(step) {
            self.completed.push(step);
            self.completed.sort();
        }
    }

    /// Forgets `steps` (the PBX's key changed under the rotation, so they must run again).
    pub fn undo(&mut self, steps: &[RotationStep]) {
        self.completed.retain(|s| !steps.contains(s));
    }

    /// The first step not done yet; `None` when the rotation is complete.
    pub fn next_step(&self) -> Option<RotationStep> {
        RotationStep::ALL.into_iter().find(|s| !self.is_done(*s))
    }

    /// Started and not finished: the next run resumes it.
    pub fn is_unfinished(&self) -> bool {
        self.finished_at.is_none()
    }

    /// The thumbprints to take off the app at the end, the new one never among them.
    pub fn to_remove(&self) -> Vec<String> {
        let mut thumbprints: Vec<String> = Vec::new();
        for thumbprint in self.old_thumbprint.iter().chain(&self.superseded) {
            if Some(thumbprint) != self.new_thumbprint.as_ref() && !thumbprints.contains(thumbprint)
            {
                thumbprints.push(thumbprint.clone());
            }
        }
        thumbprints
    }
}

/// Why the journal could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("Could not read the rotation journal {path}: {source}. Check its permissions.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The rotation journal {path} is damaged ({source}). Check the app's certificates with \
         pbx365 cert status, then delete the file and rotate again."
    )]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "Could not encode the rotation journal: {0}. This is a bug in pbx365; please report it."
    )]
    Encode(serde_json::Error),
    #[error(transparent)]
    Write(#[from] atomic_file::AtomicWriteError),
}

/// `rotations/NAME.json` under the config folder the profiles live in
/// ([`crate::profile::ProfileStore::base`]); names are case-insensitive.
pub fn journal_path(config_dir: &Path, profile: &str) -> PathBuf {
    config_dir
        .join("rotations")
        .join(format!("{}.json", profile.to_ascii_lowercase()))
}

pub fn load(path: &Path) -> Result<Option<RotationJournal>, JournalError> {
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

pub fn save(path: &Path, journal: &RotationJournal) -> Result<(), JournalError> {
    let bytes = atomic_file::json_text(journal).map_err(JournalError::Encode)?;
    atomic_file::write(path, &bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_complete_in_any_order_and_report_the_next() {
        let mut journal = RotationJournal::new("c", Mode::Auto, "t".into(), Some("OLD".into()));
        assert_eq!(journal.next_step(), Some(RotationStep::GenerateKeyPair));
        journal.complete(RotationStep::AddNewCertificate);
        journal.complete(RotationStep::GenerateKeyPair);
        journal.complete(RotationStep::GenerateKeyPair);
        assert_eq!(
            journal.completed,
            [
                RotationStep::GenerateKeyPair,
                RotationStep::AddNewCertificate
            ]
        );
        assert_eq!(journal.next_step(), Some(RotationStep::WaitForMicrosoft));
        journal.undo(&[RotationStep::AddNewCertificate]);
        assert_eq!(journal.next_step(), Some(RotationStep::AddNewCertificate));
        assert_eq!(RotationStep::RemoveOldCertificate.number(), 4);
    }

    #[test]
    fn the_new_certificate_is_never_removed() {
        let mut journal = RotationJournal::new("c", Mode::Auto, "t".into(), Some("OLD".into()));
        journal.new_thumbprint = Some("NEW".into());
        journal.superseded = vec!["MID".into(), "NEW".into(), "OLD".into()];
        assert_eq!(journal.to_remove(), ["OLD", "MID"]);
    }

    #[test]
    fn saved_and_loaded_alike() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = journal_path(dir.path(), "Contoso");
        assert!(path.ends_with("rotations/contoso.json"));
        assert!(load(&path)?.is_none());
        let journal = RotationJournal::new("Contoso", Mode::Guided, "t".into(), None);
        save(&path, &journal)?;
        assert_eq!(load(&path)?, Some(journal));
        std::fs::write(&path, b"{")?;
        assert!(matches!(load(&path), Err(JournalError::Damaged { .. })));
        Ok(())
    }

    #[test]
    fn a_stop_keeps_its_cause_and_an_older_journal_without_it_still_loads()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = journal_path(dir.path(), "contoso");
        let mut journal = RotationJournal::new("contoso", Mode::Auto, "t".into(), None);
        let cause = RotationCause::Quoted {
            detail: "Graph refused.".into(),
        };
        journal.last_stop = Some(StopRecord {
            step: RotationStep::AddNewCertificate,
            error: "Certificate rotation for profile 'contoso' stopped at step 2 of 4".into(),
            cause: Some(cause.clone()),
            at: "2026-12-07T01:00:00Z".into(),
        });
        save(&path, &journal)?;
        let loaded = load(&path)?.ok_or("saved")?;
        assert_eq!(loaded.last_stop.and_then(|stop| stop.cause), Some(cause));

        // As written before the cause was kept: only the English sentence.
        let mut older = serde_json::to_value(&journal)?;
        if let Some(stop) = older["last_stop"].as_object_mut() {
            stop.remove("cause");
        }
        std::fs::write(&path, serde_json::to_vec(&older)?)?;
        let stop = load(&path)?.and_then(|j| j.last_stop).ok_or("a stop")?;
        assert_eq!(stop.cause, None);
        assert!(stop.error.contains("stopped at step 2 of 4"));
        Ok(())
    }
}
