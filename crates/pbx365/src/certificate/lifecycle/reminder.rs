//! Expiry reminders: a desktop notification at 30, 14, 7 and 1 days, on expiry and on a
//! mismatch, each once per certificate — remembered across restarts in a small JSON file
//! (`reminders.json` next to the profiles), written atomically.
//!
//! Only the most urgent reminder due is sent: a computer that was off at the 30-day mark and
//! first checks at 10 days says "14 days" once, and never "30 days" afterwards. A new
//! certificate (after a rotation) starts afresh. A mismatch is reminded again if it comes back
//! after the certificate was seen working.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::status::{CertificateState, CertificateStatus, REMINDER_DAYS};
use crate::atomic_file;

/// The state file's name in the config folder ([`crate::profile::ProfileStore::base`]).
pub const REMINDER_FILE: &str = "reminders.json";

/// Why a reminder is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Reminder {
    Expiring { threshold_days: u32, days_left: u32 },
    Expired,
    Mismatched,
}

impl Reminder {
    /// Whether the integration is broken now (rather than about to break): such a reminder
    /// should stay on screen until the admin sees it.
    pub fn urgent(&self) -> bool {
        matches!(self, Reminder::Expired | Reminder::Mismatched)
    }

    /// The name it is remembered under.
    fn key(&self) -> String {
        match self {
            Reminder::Expiring { threshold_days, .. } => format!("expiring-{threshold_days}"),
            Reminder::Expired => "expired".to_owned(),
            Reminder::Mismatched => "mismatched".to_owned(),
        }
    }
}

/// What clicking the notification does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum NotificationAction {
    /// Open the rotation screen of this profile.
    OpenRotation { profile: String },
}

/// A desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Notification {
    pub profile: String,
    pub reminder: Reminder,
    /// The certificate it is about (SHA-1), when the PBX has one.
    pub thumbprint: Option<String>,
    pub title: String,
    pub body: String,
    pub action: NotificationAction,
}

/// A notification could not be shown.
#[derive(Debug, Clone, thiserror::Error)]
#[error("The desktop notification could not be shown: {reason}")]
pub struct NotifyError {
    pub reason: String,
}

/// Shows notifications: the desktop shell's notification plugin, or a recorder in tests.
pub trait Notifier: Send + Sync {
    fn notify(&self, notification: &Notification) -> Result<(), NotifyError>;
}

/// Why the reminder state could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    #[error("Could not read the reminder state {path}: {source}. Check its permissions.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The reminder state {path} is damaged ({source}). Delete it: reminders already shown may \
         then be shown once more."
    )]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("Could not encode the reminder state: {0}. This is a bug in pbx365; please report it.")]
    Encode(serde_json::Error),
    #[error(transparent)]
    Write(#[from] atomic_file::AtomicWriteError),
}

/// What has been sent for one profile's current certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ProfileRecord {
    thumbprint: Option<String>,
    /// Reminder key → when it was sent (RFC 3339).
    sent: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct ReminderLog {
    /// By lower-case profile name (profile names are case-insensitive).
    profiles: BTreeMap<String, ProfileRecord>,
}

/// What one check did.
#[derive(Debug, Default)]
pub struct ReminderOutcome {
    /// Shown (and remembered).
    pub sent: Vec<Notification>,
    /// Due but not shown; they are tried again at the next check.
    pub failed: Vec<(Notification, NotifyError)>,
}

/// The reminder that is due for `status`, given what was sent before, or `None`.
fn due(status: &CertificateStatus, record: &ProfileRecord) -> Option<Reminder> {
    let reminder = match &status.state {
        CertificateState::Expiring {
            days_left,
            threshold_days,
        } => Reminder::Expiring {
            threshold_days: *threshold_days,
            days_left: *days_left,
        },
        CertificateState::Expired { .. } => Reminder::Expired,
        CertificateState::Mismatched { .. } => Reminder::Mismatched,
        CertificateState::Healthy { .. } | CertificateState::Unknown(_) => return None,
    };
    (!record.sent.contains_key(&reminder.key())).then_some(reminder)
}

/// Brings the record up to date with what the status shows, before deciding.
fn refresh(record: &mut ProfileRecord, status: &CertificateStatus) {
    if matches!(status.state, CertificateState::Unknown(_)) {
        return;
    }
    let thumbprint = status
        .pbx_certificate
        .as_ref()
        .map(|c| c.sha1_thumbprint.clone());
    if record.thumbprint != thumbprint {
        *record = ProfileRecord {
            thumbprint,
            sent: BTreeMap::new(),
        };
    }
    if matches!(
        status.state,
        CertificateState::Healthy { .. } | CertificateState::Expiring { .. }
    ) {
        record.sent.remove(&Reminder::Mismatched.key());
    }
}

/// Remembers `reminder` as sent, and the more distant thresholds with it.
fn remember(record: &mut ProfileRecord, reminder: &Reminder, at: &str) {
    let passed = REMINDER_DAYS.iter().filter(|t| match reminder {
        Reminder::Expiring { threshold_days, .. } => *t >= threshold_days,
        Reminder::Expired => true,
        Reminder::Mismatched => false,
    });
    let mut keys: BTreeSet<String> = passed
        .map(|threshold_days| {
            Reminder::Expiring {
                threshold_days: *threshold_days,
                days_left: 0,
            }
            .key()
        })
        .collect();
    keys.insert(reminder.key());
    for key in keys {
        record.sent.entry(key).or_insert_with(|| at.to_owned());
    }
}

/// The notification's words.
fn notification(status: &CertificateStatus, reminder: Reminder) -> Notification {
    let profile = &status.profile;
    let (title, body) = match &reminder {
        Reminder::Expiring { days_left, .. } => (
            format!(
                "{profile}: Microsoft 365 certificate expires in {days_left} day{}",
                if *days_left == 1 { "" } else { "s" }
            ),
            format!(
                "{} Rotating takes a minute and sync keeps working.",
                status.message
            ),
        ),
        Reminder::Expired => (
            format!("{profile}: Microsoft 365 certificate expired"),
            status.message.clone(),
        ),
        Reminder::Mismatched => (
            format!("{profile}: Microsoft 365 sync is broken"),
            status.message.clone(),
        ),
    };
    Notification {
        profile: profile.clone(),
        reminder,
        thumbprint: status
            .pbx_certificate
            .as_ref()
            .map(|c| c.sha1_thumbprint.clone()),
        title,
        body,
        action: NotificationAction::OpenRotation {
            profile: profile.clone(),
        },
    }
}

/// Sends the reminders that are due, remembering them in a state file.
pub struct Reminders {
    path: PathBuf,
    notifier: Arc<dyn Notifier>,
}

impl std::fmt::Debug for Reminders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reminders")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Reminders {
    /// State kept in `path`; see [`Reminders::default_path`].
    pub fn new(path: impl Into<PathBuf>, notifier: Arc<dyn Notifier>) -> Self {
        Self {
            path: path.into(),
            notifier,
        }
    }

    /// `reminders.json` in the config folder the profiles live in.
    pub fn default_path(config_dir: &Path) -> PathBuf {
        config_dir.join(REMINDER_FILE)
    }

    fn load(&self) -> Result<ReminderLog, ReminderError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| ReminderError::Damaged {
                path: self.path.clone(),
                source,
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(ReminderLog::default())
            }
            Err(source) => Err(ReminderError::Read {
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn save(&self, log: &ReminderLog) -> Result<(), ReminderError> {
        let mut bytes = serde_json::to_vec_pretty(log).map_err(ReminderError::Encode)?;
        bytes.push(b'\n');
        atomic_file::write(&self.path, &bytes)?;
        Ok(())
    }

    /// Notifies what is due for each status (at start and then daily, say). A notification that
    /// could not be shown is not remembered, so the next check tries it again.
    pub fn check(&self, statuses: &[CertificateStatus]) -> Result<ReminderOutcome, ReminderError> {
        let mut log = self.load()?;
        let before = log.clone();
        let mut outcome = ReminderOutcome::default();
        for status in statuses {
            let record = log
                .profiles
                .entry(status.profile.to_ascii_lowercase())
                .or_default();
            refresh(record, status);
            let Some(reminder) = due(status, record) else {
                continue;
            };
            let note = notification(status, reminder.clone());
            match self.notifier.notify(&note) {
                Ok(()) => {
                    remember(record, &reminder, &status.checked_at);
                    tracing::info!(profile = %status.profile, reminder = %reminder.key(), "certificate reminder shown");
                    outcome.sent.push(note);
                }
                Err(error) => {
                    tracing::warn!(profile = %status.profile, %error, "certificate reminder not shown");
                    outcome.failed.push((note, error));
                }
            }
        }
        if log != before {
            self.save(&log)?;
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::lifecycle::status::{
        AppMatch, MismatchCause, Unchecked, UncheckedCause,
    };
    use crate::pbx_certificate::CertificateInfo;

    #[test]
    fn only_a_broken_integration_is_urgent() {
        assert!(Reminder::Expired.urgent());
        assert!(Reminder::Mismatched.urgent());
        assert!(
            !Reminder::Expiring {
                threshold_days: 1,
                days_left: 0
            }
            .urgent()
        );
    }

    fn status(thumbprint: &str, state: CertificateState) -> CertificateStatus {
        CertificateStatus {
            profile: "Contoso".into(),
            checked_at: "2026-11-23T00:00:00Z".into(),
            state,
            app_match: AppMatch::OnApp,
            pbx_certificate: Some(CertificateInfo {
                subject: "CN=pbx".into(),
                sha1_thumbprint: thumbprint.into(),
                sha256_thumbprint: String::new(),
                not_before: String::new(),
                not_after: String::new(),
            }),
            expires_at: None,
            days_left: None,
            app_keys: Vec::new(),
            message: "m".into(),
        }
    }

    fn expiring(days_left: u32) -> CertificateState {
        CertificateState::Expiring {
            days_left,
            threshold_days: super::super::status::threshold_for(days_left).unwrap_or(0),
        }
    }

    fn keys(record: &ProfileRecord) -> Vec<&str> {
        record.sent.keys().map(String::as_str).collect()
    }

    #[test]
    fn only_the_most_urgent_reminder_is_due_and_passed_ones_are_skipped() -> Result<(), &'static str>
    {
        let mut record = ProfileRecord::default();
        let late = status("A", expiring(10));
        refresh(&mut record, &late);
        let reminder = due(&late, &record).ok_or("nothing due at 10 days")?;
        assert_eq!(reminder.key(), "expiring-14");
        remember(&mut record, &reminder, "t");
        assert_eq!(keys(&record), ["expiring-14", "expiring-30"]);
        assert_eq!(due(&late, &record), None);
        assert_eq!(due(&status("A", expiring(25)), &record), None);
        Ok(())
    }

    #[test]
    fn a_new_certificate_starts_afresh_and_mismatch_rearms_after_recovery() {
        let mut record = ProfileRecord::default();
        let mismatched = status(
            "A",
            CertificateState::Mismatched {
                detail: "d".into(),
                cause: MismatchCause::NotOnApp,
                said: None,
            },
        );
        refresh(&mut record, &mismatched);
        if let Some(reminder) = due(&mismatched, &record) {
            remember(&mut record, &reminder, "t");
        }
        assert_eq!(due(&mismatched, &record), None);
        refresh(
            &mut record,
            &status("A", CertificateState::Healthy { days_left: 200 }),
        );
        assert_eq!(due(&mismatched, &record), Some(Reminder::Mismatched));

        remember(&mut record, &Reminder::Expired, "t");
        let rotated = status("B", expiring(30));
        refresh(&mut record, &rotated);
        assert_eq!(record.thumbprint.as_deref(), Some("B"));
        assert!(record.sent.is_empty());
        assert!(due(&rotated, &record).is_some());
    }

    #[test]
    fn unknown_changes_nothing() {
        let mut record = ProfileRecord::default();
        remember(&mut record, &Reminder::Mismatched, "t");
        let before = record.clone();
        let mut unknown = status(
            "A",
            CertificateState::Unknown(Unchecked {
                reason: "r".into(),
                cause: UncheckedCause::NotConnected,
                detail: "r".into(),
                error: None,
            }),
        );
        unknown.pbx_certificate = None;
        refresh(&mut record, &unknown);
        assert_eq!(record, before);
        assert_eq!(due(&unknown, &record), None);
    }
}
