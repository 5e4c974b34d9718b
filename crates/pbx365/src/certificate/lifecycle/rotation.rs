//! Certificate rotation as one resumable action:
//!
//! 1. the PBX makes a new key pair — from this moment it signs with the new key, so Microsoft
//!    365 sync is interrupted until step 2 is done, which therefore follows at once;
//! 2. the new certificate goes on the app next to the old one (every other key kept), or in
//!    guided mode the admin uploads the saved `public_key.pem`;
//! 3. wait until Microsoft accepts it: the PBX lists Microsoft 365 users, retried through
//!    Entra's replication delay;
//! 4. the old certificate comes off the app (by hand in guided mode).
//!
//! Nothing is removed before Microsoft accepts the new certificate, so a failure anywhere
//! leaves the old certificate on the app. Every step is journaled ([`journal`]); running the
//! rotation again resumes where it stopped, and each stop says exactly what state the
//! integration is in and what to do.

pub mod journal;
mod stop;
mod text;

use std::path::PathBuf;
use std::sync::Arc;

use entra::Thumbprint;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use self::journal::{JournalError, RotationJournal, RotationStep, StopRecord};
pub use self::stop::{RotationCause, RotationNext, RotationState};
pub use self::text::{RotationText, RotationWarning};
use super::acceptance::{AcceptanceError, wait_until_pbx_lists_users};
use super::clock::Clock;
use super::status::{PbxEvidence, read_pbx};
use super::sync_window::{SYNC_WARNING_WINDOW, SyncSoon, sync_soon_warning};
use crate::access::key_pair::generate_key_pair;
use crate::access::retry::RetryPolicy;
use crate::atomic_file;
use crate::guided::{HandStep, certificate_step, remove_old_certificate_step};
use crate::pbx_certificate::{CertificateInfo, PbxCertificate, rfc3339};
use crate::private_fs::Folder;
use crate::profile::{CloudChoice, Mode};
use crate::progress::ProgressText;
use crate::run_lock::{Activity, RunLock};

/// Where the app's certificates are changed.
#[derive(Debug, Clone, Copy)]
pub enum RotationTarget<'a> {
    /// Automatic mode: through Graph.
    Graph {
        graph: &'a entra::GraphClient,
        /// The app's object ID.
        object_id: &'a str,
    },
    /// Guided mode: the admin changes them in the Entra admin center; the PBX verifies.
    ByHand {
        cloud: &'a CloudChoice,
        /// The Application (client) ID, for the portal links.
        app_id: &'a str,
    },
}

impl RotationTarget<'_> {
    fn mode(&self) -> Mode {
        match self {
            RotationTarget::Graph { .. } => Mode::Auto,
            RotationTarget::ByHand { .. } => Mode::Guided,
        }
    }
}

/// A progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RotationEvent {
    pub step: RotationStep,
    /// What the UI words from its catalogue.
    pub text: RotationText,
    /// The same in English, for the CLI and logs.
    pub message: String,
    /// Waiting on someone else: Entra's replication, or the admin in the portal.
    pub waiting: bool,
    /// Something the admin does by hand now (guided mode).
    pub hand_step: Option<HandStep>,
}

impl RotationEvent {
    fn new(step: RotationStep, text: RotationText) -> Self {
        Self {
            step,
            message: text.to_string(),
            text,
            waiting: false,
            hand_step: None,
        }
    }
}

/// Receives progress reports, on the task doing the work: keep it quick.
pub type RotationSink = Arc<dyn Fn(&RotationEvent) + Send + Sync>;

/// A step as the confirmation screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PlannedStep {
    pub step: RotationStep,
    pub number: u32,
    pub title: String,
    /// Done by an earlier run that stopped.
    pub done: bool,
}

/// What a rotation would do, for the admin to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RotationPlan {
    pub profile: String,
    pub mode: Mode,
    /// The PBX's certificate now.
    pub current: Option<CertificateInfo>,
    /// Set when an earlier rotation stopped: this one picks up from there.
    pub resumes: Option<StopRecord>,
    pub steps: Vec<PlannedStep>,
    /// Things to know before confirming (a sync due soon, the interruption).
    pub warnings: Vec<RotationWarning>,
}

/// What a finished rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RotationReport {
    pub profile: String,
    pub old_thumbprint: Option<String>,
    pub new_certificate: CertificateInfo,
    /// Where the new `public_key.pem` was saved.
    pub certificate_file: String,
    /// Thumbprints taken off the app (automatic mode).
    pub removed: Vec<String>,
    /// Guided mode: the old certificate to delete in the portal.
    pub remove_by_hand: Option<HandStep>,
    /// Microsoft 365 users the PBX listed with the new certificate.
    pub users_listed: u32,
}

/// A rotation stopped: where, why, what state the integration is in and how to finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Certificate rotation for profile '{profile}' stopped at step {} of 4 ({}): {cause} {state} {next}",
    step.number(),
    step.title(*mode)
)]
pub struct RotationError {
    pub profile: String,
    pub mode: Mode,
    pub step: RotationStep,
    /// What failed.
    pub cause: RotationCause,
    /// Whether Microsoft 365 sync works right now.
    pub sync_works: bool,
    /// The integration's state.
    pub state: RotationState,
    /// What to do (boxed: the error stays small).
    pub next: Box<RotationNext>,
}

/// One rotation of one profile's certificate.
pub struct Rotation<'a> {
    pub profile: &'a str,
    /// Signed in as the tenant administrator.
    pub pbx: &'a portsip::Client,
    pub target: RotationTarget<'a>,
    /// The journal file ([`journal::journal_path`]).
    pub journal_path: PathBuf,
    /// Where the new `public_key.pem` is saved (the profile's certificate path, or
    /// [`crate::profile::ProfileStore::default_certificate_path`]).
    pub certificate_path: PathBuf,
    /// Whose folder that is ([`crate::profile::ProfileStore::folder_of`]).
    pub certificate_folder: Folder,
    pub clock: &'a dyn Clock,
    /// How every call rides out passing trouble, and how long to wait for Microsoft to accept
    /// the new certificate (and, guided, for the admin's upload): `replication`.
    pub wait: RetryPolicy,
    pub events: RotationSink,
}

impl std::fmt::Debug for Rotation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotation")
            .field("profile", &self.profile)
            .field("target", &self.target)
            .field("journal_path", &self.journal_path)
            .finish_non_exhaustive()
    }
}

impl Rotation<'_> {
    fn mode(&self) -> Mode {
        self.target.mode()
    }

    fn emit(&self, step: RotationStep, text: RotationText) {
        self.emit_event(RotationEvent::new(step, text));
    }

    fn emit_event(&self, event: RotationEvent) {
        tracing::info!(profile = %self.profile, step = ?event.step, message = %event.message, "rotation");
        (self.events)(&event);
    }

    fn now(&self) -> String {
        rfc3339(self.clock.now())
    }

    fn load_journal(&self) -> Result<Option<RotationJournal>, RotationError> {
        journal::load(&self.journal_path)
            .map_err(|error| self.nothing_changed(RotationStep::GenerateKeyPair, quoted(&error)))
    }

    fn lock(&self) -> Result<RunLock, RotationError> {
        let folder = self
            .journal_path
            .parent()
            .unwrap_or(std::path::Path::new("."));
        RunLock::acquire(folder, Activity::Rotation, self.profile).map_err(|error| {
            self.stopped(
                RotationStep::GenerateKeyPair,
                quoted(&error),
                true,
                RotationState::AlreadyRunning,
                RotationNext::WaitForRunning,
            )
        })
    }

    fn unfinished_journal(&self) -> Result<Option<RotationJournal>, RotationError> {
        Ok(self.load_journal()?.filter(RotationJournal::is_unfinished))
    }

    fn stopped(
        &self,
        step: RotationStep,
        cause: RotationCause,
        sync_works: bool,
        state: RotationState,
        next: RotationNext,
    ) -> RotationError {
        RotationError {
            profile: self.profile.to_owned(),
            mode: self.mode(),
            step,
            cause,
            sync_works,
            state,
            next: Box::new(next),
        }
    }

    fn profile(&self) -> String {
        self.profile.to_owned()
    }

    /// A stop before the PBX made its new key pair.
    fn nothing_changed(&self, step: RotationStep, cause: RotationCause) -> RotationError {
        self.stopped(
            step,
            cause,
            true,
            RotationState::NothingChanged,
            RotationNext::FixThenRunAgain {
                profile: self.profile(),
            },
        )
    }

    /// A stop while the PBX signs with a certificate the app does not hold (yet).
    fn sync_interrupted(&self, step: RotationStep, cause: RotationCause) -> RotationError {
        let file = self.certificate_path.display().to_string();
        let profile = self.profile();
        let (state, next) = match self.target {
            RotationTarget::Graph { .. } => (
                RotationState::SyncInterrupted,
                RotationNext::RunAgainOrUpload { profile, file },
            ),
            RotationTarget::ByHand { .. } => (
                RotationState::SyncInterruptedByHand,
                RotationNext::UploadThenRunAgain { profile, file },
            ),
        };
        self.stopped(step, cause, false, state, next)
    }

    /// Records the stop in the journal (best effort: the stop itself is what matters).
    fn record_stop(&self, journal: &mut RotationJournal, error: &RotationError) {
        journal.last_stop = Some(StopRecord {
            step: error.step,
            error: error.to_string(),
            cause: Some(error.cause.clone()),
            at: self.now(),
        });
        if let Err(save_error) = journal::save(&self.journal_path, journal) {
            tracing::warn!(%save_error, "the rotation journal could not record the stop");
        }
    }

    fn save(&self, journal: &RotationJournal, step: RotationStep) -> Result<(), RotationError> {
        journal::save(&self.journal_path, journal).map_err(|error: JournalError| {
            let cause = RotationCause::JournalUnwritable {
                detail: error.to_string(),
            };
            if journal.is_done(RotationStep::GenerateKeyPair)
                && !journal.is_done(RotationStep::WaitForMicrosoft)
            {
                self.sync_interrupted(step, cause)
            } else {
                self.nothing_changed(step, cause)
            }
        })
    }

    /// What a run would do, for the admin to confirm. Reads only.
    pub async fn plan(&self) -> Result<RotationPlan, RotationError> {
        let journal = self.unfinished_journal()?;
        let current = match read_pbx(self.pbx).await {
            PbxEvidence::Certificate(certificate) => Some(certificate.info),
            PbxEvidence::NoKeyPair => None,
            PbxEvidence::Unreadable(reason) => {
                return Err(self.nothing_changed(
                    RotationStep::GenerateKeyPair,
                    RotationCause::CertificateUnreadable { reason },
                ));
            }
        };
        let mut warnings = Vec::new();
        if journal
            .as_ref()
            .is_none_or(|j| !j.is_done(RotationStep::GenerateKeyPair))
        {
            if let Some(warning) = self.sync_warning().await {
                warnings.push(RotationWarning::SyncSoon { warning });
            }
            warnings.push(RotationWarning::SyncInterrupted);
        }
        let steps = RotationStep::ALL
            .into_iter()
            .map(|step| PlannedStep {
                step,
                number: u32::try_from(step.number()).unwrap_or_default(),
                title: step.title(self.mode()).to_owned(),
                done: journal.as_ref().is_some_and(|j| j.is_done(step)),
            })
            .collect();
        Ok(RotationPlan {
            profile: self.profile.to_owned(),
            mode: self.mode(),
            current,
            resumes: journal.and_then(|j| j.last_stop),
            steps,
            warnings,
        })
    }

    /// A warning when the PBX's sync is due within [`SYNC_WARNING_WINDOW`].
    async fn sync_warning(&self) -> Option<SyncSoon> {
        let settings = self.pbx.ms365().await.ok()?;
        let zone = self.pbx.tenant().await.ok().and_then(|t| t.timezone);
        sync_soon_warning(
            settings.settings.sync_time.as_deref(),
            zone.as_deref(),
            self.clock.now(),
            SYNC_WARNING_WINDOW,
        )
    }

    /// Runs the rotation, or resumes the one that stopped.
    pub async fn run(&self) -> Result<RotationReport, RotationError> {
        // Held to the end: a second rotation would remove the certificate this one adds.
        let _lock = self.lock()?;
        let mut journal = self.start_or_resume().await?;
        match self.steps(&mut journal).await {
            Ok(report) => Ok(report),
            Err(error) => {
                self.record_stop(&mut journal, &error);
                Err(error)
            }
        }
    }

    async fn start_or_resume(&self) -> Result<RotationJournal, RotationError> {
        if let Some(journal) = self.unfinished_journal()? {
            if let Some(step) = journal.next_step() {
                self.emit(
                    step,
                    RotationText::Resuming {
                        step_number: step.number(),
                    },
                );
            }
            return Ok(journal);
        }
        let step = RotationStep::GenerateKeyPair;
        let old = match read_pbx(self.pbx).await {
            PbxEvidence::Certificate(certificate) => Some(certificate.info.sha1_thumbprint),
            PbxEvidence::NoKeyPair => None,
            PbxEvidence::Unreadable(reason) => {
                return Err(self.nothing_changed(
                    step,
                    RotationCause::CurrentCertificateUnreadable { reason },
                ));
            }
        };
        // Adding the new certificate must not fail for want of Graph access once the PBX has
        // switched keys: prove access first.
        if let RotationTarget::Graph { graph, object_id } = self.target {
            graph.key_credentials(object_id).await.map_err(|error| {
                self.nothing_changed(
                    step,
                    RotationCause::AppCertificatesUnreadable {
                        detail: error.to_string(),
                    },
                )
            })?;
        }
        if let Some(warning) = self.sync_warning().await {
            self.emit(step, RotationText::SyncSoon { warning });
        }
        let journal = RotationJournal::new(self.profile, self.mode(), self.now(), old);
        self.save(&journal, step)?;
        Ok(journal)
    }

    async fn steps(&self, journal: &mut RotationJournal) -> Result<RotationReport, RotationError> {
        let new = self.new_key_pair(journal).await?;
        self.add_new_certificate(journal, &new).await?;
        let listed = self.wait_for_microsoft(journal, &new).await?;
        let (removed, remove_by_hand) = self.remove_old(journal, &new).await?;
        let users_listed = match listed {
            Some(users) => users,
            // Resumed after step 3: prove once more that the PBX still works.
            None => self.wait(RotationStep::RemoveOldCertificate, true).await?,
        };
        journal.finished_at = Some(self.now());
        journal.last_stop = None;
        self.save(journal, RotationStep::RemoveOldCertificate)?;
        self.emit(
            RotationStep::RemoveOldCertificate,
            RotationText::Complete {
                users: users_listed,
                thumbprint: new.info.sha1_thumbprint.clone(),
            },
        );
        Ok(RotationReport {
            profile: self.profile.to_owned(),
            old_thumbprint: journal.old_thumbprint.clone(),
            new_certificate: new.info.clone(),
            certificate_file: self.certificate_path.display().to_string(),
            removed,
            remove_by_hand,
            users_listed,
        })
    }

    /// Step 1, or on a resume: the PBX's new certificate as it is now.
    async fn new_key_pair(
        &self,
        journal: &mut RotationJournal,
    ) -> Result<PbxCertificate, RotationError> {
        let step = RotationStep::GenerateKeyPair;
        let current = match read_pbx(self.pbx).await {
            PbxEvidence::Certificate(certificate) => Some(*certificate),
            PbxEvidence::NoKeyPair => None,
            PbxEvidence::Unreadable(reason) => {
                let cause = RotationCause::CertificateUnreadable { reason };
                return Err(if journal.is_done(step) {
                    self.sync_interrupted(RotationStep::AddNewCertificate, cause)
                } else {
                    self.nothing_changed(step, cause)
                });
            }
        };
        let current_thumbprint = current.as_ref().map(|c| c.info.sha1_thumbprint.clone());
        let made_by_this_rotation =
            current_thumbprint.is_some() && current_thumbprint != journal.old_thumbprint;
        let certificate = match current {
            Some(current) if made_by_this_rotation => {
                if journal.new_thumbprint.is_some() && journal.new_thumbprint != current_thumbprint
                {
                    // Someone made another key pair since: that is the one the PBX signs with.
                    journal.superseded.extend(journal.new_thumbprint.take());
                    journal.undo(&[
                        RotationStep::AddNewCertificate,
                        RotationStep::WaitForMicrosoft,
                    ]);
                    self.emit(
                        step,
                        RotationText::RotatingToNewerKeyPair {
                            thumbprint: current.info.sha1_thumbprint.clone(),
                        },
                    );
                }
                current
            }
            _ => {
                journal.undo(&RotationStep::ALL);
                self.emit(step, RotationText::MakingKeyPair);
                self.generate(journal).await?
            }
        };
        let fresh = !journal.is_done(step) || journal.new_thumbprint.is_none();
        journal.new_thumbprint = Some(certificate.info.sha1_thumbprint.clone());
        journal.complete(step);
        self.save(journal, RotationStep::AddNewCertificate)?;
        self.save_certificate_file(&certificate)?;
        if fresh {
            self.emit(
                step,
                RotationText::KeyPairMade {
                    thumbprint: certificate.info.sha1_thumbprint.clone(),
                    by_hand: self.mode() == Mode::Guided,
                },
            );
        }
        Ok(certificate)
    }

    /// `POST /ms365/certificate`, its lost answers read back (see [`generate_key_pair`]). When
    /// it still fails, the PBX is asked once more whether it made the key pair, so the stop
    /// record says the integration's true state.
    async fn generate(&self, journal: &RotationJournal) -> Result<PbxCertificate, RotationError> {
        let step = RotationStep::GenerateKeyPair;
        let before = journal.old_thumbprint.as_deref();
        let failure = match generate_key_pair(self.pbx, before, &self.wait).await {
            Ok(certificate) => return Ok(certificate),
            Err(crate::access::Error::Certificate(error)) => {
                return Err(self.sync_interrupted(RotationStep::AddNewCertificate, quoted(&error)));
            }
            Err(error) => error,
        };
        match read_pbx(self.pbx).await {
            PbxEvidence::Certificate(certificate)
                if Some(&certificate.info.sha1_thumbprint) != journal.old_thumbprint.as_ref() =>
            {
                Ok(*certificate)
            }
            PbxEvidence::Certificate(_) | PbxEvidence::NoKeyPair => Err(self.nothing_changed(
                step,
                RotationCause::KeyPairNotMade {
                    detail: failure.to_string(),
                },
            )),
            PbxEvidence::Unreadable(reason) => Err(self.stopped(
                step,
                RotationCause::KeyPairNotConfirmed {
                    detail: failure.to_string(),
                },
                false,
                RotationState::KeyPairUnknown { reason },
                RotationNext::RunAgain {
                    profile: self.profile(),
                },
            )),
        }
    }

    /// Saves `public_key.pem`: the file guided mode uploads, and automatic mode's fallback.
    fn save_certificate_file(&self, certificate: &PbxCertificate) -> Result<(), RotationError> {
        match atomic_file::write_in(
            &self.certificate_path,
            &certificate.pem,
            &self.certificate_folder,
        ) {
            Ok(()) => Ok(()),
            Err(error) => match self.target {
                RotationTarget::Graph { .. } => {
                    tracing::warn!(%error, "the new certificate could not be saved; going on without the file");
                    Ok(())
                }
                RotationTarget::ByHand { .. } => Err(self.sync_interrupted(
                    RotationStep::AddNewCertificate,
                    RotationCause::CertificateNotSaved {
                        detail: error.to_string(),
                    },
                )),
            },
        }
    }

    /// Step 2.
    async fn add_new_certificate(
        &self,
        journal: &mut RotationJournal,
        new: &PbxCertificate,
    ) -> Result<(), RotationError> {
        let step = RotationStep::AddNewCertificate;
        if journal.is_done(step) {
            return Ok(());
        }
        match self.target {
            RotationTarget::Graph { graph, object_id } => {
                self.emit(step, RotationText::AddingCertificate);
                let added = graph
                    .add_certificate(object_id, &new.key, &new.info.subject)
                    .await
                    .map_err(|error| self.sync_interrupted(step, quoted(&error)))?;
                self.emit(
                    step,
                    if added {
                        RotationText::CertificateAdded
                    } else {
                        RotationText::CertificateAlreadyOnApp
                    },
                );
                journal.complete(step);
                self.save(journal, step)
            }
            // Done when Microsoft accepts it (step 3): only the PBX can tell.
            RotationTarget::ByHand { cloud, app_id } => {
                let path = self.certificate_path.display().to_string();
                self.emit_event(RotationEvent {
                    waiting: true,
                    hand_step: Some(certificate_step(
                        cloud,
                        app_id,
                        &path,
                        Some(&new.info.sha1_thumbprint),
                    )),
                    ..RotationEvent::new(step, RotationText::UploadCertificate { path })
                });
                Ok(())
            }
        }
    }

    /// Polls the PBX's listing, reporting each wait; `resumed_check` words a failure for a
    /// check after step 3 was done.
    async fn wait(&self, step: RotationStep, resumed_check: bool) -> Result<u32, RotationError> {
        let on_wait = |progress: &entra::Progress| {
            let wait = ProgressText::from_entra(progress);
            let text = match self.target {
                RotationTarget::Graph { .. } => RotationText::MicrosoftWait { wait },
                RotationTarget::ByHand { .. } => RotationText::WaitingForUpload { wait },
            };
            self.emit_event(RotationEvent {
                waiting: true,
                ..RotationEvent::new(step, text)
            });
        };
        let listed = wait_until_pbx_lists_users(
            self.pbx,
            self.mode(),
            &self.wait.microsoft(),
            entra::Replicating::NewCertificate,
            &on_wait,
        )
        .await;
        let error = match listed {
            Ok(users) => return Ok(u32::try_from(users).unwrap_or(u32::MAX)),
            Err(error) => error,
        };
        if resumed_check {
            return Err(self.stopped(
                step,
                RotationCause::PbxCannotList {
                    detail: error.to_string(),
                },
                false,
                RotationState::OldRemoved,
                RotationNext::CheckAppCertificates,
            ));
        }
        Err(match (&error, self.target) {
            (AcceptanceError::NotYet { .. }, RotationTarget::Graph { .. }) => self.stopped(
                step,
                quoted(&error),
                false,
                RotationState::NotAcceptedYet,
                RotationNext::WaitThenRunAgain {
                    profile: self.profile(),
                },
            ),
            (AcceptanceError::NotYet { .. }, RotationTarget::ByHand { .. }) => {
                self.sync_interrupted(RotationStep::AddNewCertificate, quoted(&error))
            }
            (AcceptanceError::Pbx(_), _) => self.stopped(
                step,
                quoted(&error),
                false,
                RotationState::AcceptanceUnchecked,
                RotationNext::FixThenRunAgain {
                    profile: self.profile(),
                },
            ),
        })
    }

    /// Step 3; `None` when an earlier run did it.
    async fn wait_for_microsoft(
        &self,
        journal: &mut RotationJournal,
        new: &PbxCertificate,
    ) -> Result<Option<u32>, RotationError> {
        let step = RotationStep::WaitForMicrosoft;
        if journal.is_done(step) {
            return Ok(None);
        }
        self.emit(step, RotationText::WaitingForAcceptance);
        let users = self.wait(step, false).await?;
        journal.complete(RotationStep::AddNewCertificate);
        journal.complete(step);
        self.save(journal, step)?;
        self.emit(
            step,
            RotationText::Accepted {
                thumbprint: new.info.sha1_thumbprint.clone(),
                users,
            },
        );
        Ok(Some(users))
    }

    /// Step 4: the removed thumbprints (automatic) or the hand step (guided).
    async fn remove_old(
        &self,
        journal: &mut RotationJournal,
        new: &PbxCertificate,
    ) -> Result<(Vec<String>, Option<HandStep>), RotationError> {
        let step = RotationStep::RemoveOldCertificate;
        let to_remove = journal.to_remove();
        let outcome = match self.target {
            _ if journal.is_done(step) || to_remove.is_empty() => (Vec::new(), None),
            RotationTarget::Graph { graph, object_id } => {
                self.emit(step, RotationText::RemovingOldCertificate);
                let mut removed = Vec::new();
                for thumbprint in &to_remove {
                    let parsed = Thumbprint::from_hex(thumbprint)
                        .map_err(|error| self.old_still_on_app(step, thumbprint, quoted(&error)))?;
                    if graph
                        .remove_certificate(object_id, parsed)
                        .await
                        .map_err(|error| self.old_still_on_app(step, thumbprint, quoted(&error)))?
                    {
                        removed.push(thumbprint.clone());
                    }
                }
                (removed, None)
            }
            RotationTarget::ByHand { cloud, app_id } => {
                let text = RotationText::RemoveOldByHand {
                    new_thumbprint: new.info.sha1_thumbprint.clone(),
                    old_thumbprints: to_remove.join(", "),
                };
                let hand_step = remove_old_certificate_step(
                    cloud,
                    app_id,
                    &new.info.sha1_thumbprint,
                    &to_remove,
                );
                self.emit_event(RotationEvent {
                    hand_step: Some(hand_step.clone()),
                    ..RotationEvent::new(step, text)
                });
                (Vec::new(), Some(hand_step))
            }
        };
        journal.complete(step);
        self.save(journal, step)?;
        Ok(outcome)
    }

    fn old_still_on_app(
        &self,
        step: RotationStep,
        thumbprint: &str,
        cause: RotationCause,
    ) -> RotationError {
        self.stopped(
            step,
            cause,
            true,
            RotationState::OldStillOnApp {
                thumbprint: thumbprint.to_owned(),
            },
            RotationNext::RunAgainOrDeleteByHand {
                profile: self.profile(),
            },
        )
    }
}

/// Another layer's failure, quoted as its own sentence.
fn quoted(error: &impl std::fmt::Display) -> RotationCause {
    RotationCause::Quoted {
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_read_as_sentences() {
        let quoted = |detail: &str| {
            RotationCause::Quoted {
                detail: detail.into(),
            }
            .to_string()
        };
        assert_eq!(quoted("the PBX said no"), "The PBX said no.");
        assert_eq!(quoted("Done!"), "Done!");
        assert_eq!(quoted("refused\r\nTrace ID: 1"), "Refused Trace ID: 1.");
    }

    #[test]
    fn a_stop_names_the_step_the_state_and_the_way_on() {
        let error = RotationError {
            profile: "contoso".into(),
            mode: Mode::Auto,
            step: RotationStep::AddNewCertificate,
            cause: RotationCause::Quoted {
                detail: "Graph refused".into(),
            },
            sync_works: false,
            state: RotationState::SyncInterrupted,
            next: Box::new(RotationNext::RunAgain {
                profile: "contoso".into(),
            }),
        };
        let text = error.to_string();
        assert!(
            text.starts_with("Certificate rotation for profile 'contoso' stopped at step 2 of 4 (add the new certificate to the app, next to the old one): Graph refused. The PBX already signs with its new key"),
            "{text}"
        );
        assert!(text.contains("Run the rotation again"), "{text}");
        assert!(text.contains("pbx365 cert rotate --profile contoso"));
    }
}
