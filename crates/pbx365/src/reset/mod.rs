//! Reset: one profile's Microsoft 365 integration taken apart, the inverse of the setup.
//!
//! 1. the PBX stops its integration — `POST /ms365/destroy` where the PortSIP version has it
//!    (22.6), else the IDs cleared and every feature switched off through `POST /ms365`;
//! 2. the app registration lets go of the PBX: its certificate comes off the app (other keys
//!    kept), or with `delete_app` the app and its service principal are deleted; in guided
//!    mode the admin gets these as hand steps;
//! 3. this computer forgets the profile: its sync history, journals, saved certificate,
//!    keyring entries and the profile file.
//!
//! [`plan`] only reads, so the admin confirms before anything changes; [`run`] checks both
//! sign-ins, then journals (`resets/NAME.json`) before its first change and after every step.
//! A reset killed or failed at any point is run again and continues where it stopped; each step
//! is idempotent (something already gone is done), and running a finished reset again finds
//! nothing to do. The PBX goes first so it never signs in with an app that no longer holds its
//! certificate; the sign-ins steps 1 and 2 need stay on this computer until step 3.

mod app;
mod error;
pub mod journal;
mod local;
mod pbx;
mod plan;
mod preview;
mod text;

use std::path::Path;

use time::OffsetDateTime;

use self::error::state_at;
pub use self::error::{Cause, ResetError};
use self::journal::{ResetJournal, journal_path};
pub use self::journal::{ResetStep, ResetStop};
pub use self::plan::{
    PlannedReset, ResetEvent, ResetOutcome, ResetPlan, ResetReport, ResetSink, ResetText,
};
pub use self::text::{
    PbxStop, ResetApp, ResetDetail, ResetEdition, ResetPbx, ResetSummary, ResetTenant, ResetWarning,
};
use crate::access::sessions::{require_graph, resume_pbx};
use crate::access::{Environment, Error};
use crate::certificate::lifecycle::journal_path as rotation_journal_path;
use crate::pbx_certificate::rfc3339;
use crate::pbx_versions::PbxEdition;
use crate::profile::{Mode, Profile, ProfileStore};
use crate::run_lock::{Activity, RunLock, RunLockError};

/// The profile a reset of `name` works on: an unfinished reset's copy (the profile file may
/// already be gone), else the saved profile; `None` when neither exists.
pub fn saved_profile(store: &ProfileStore, name: &str) -> Result<Option<Profile>, ResetError> {
    // A name that is not a valid profile name never reaches the disk.
    store.path_of(name)?;
    if let Some(journal) = journal::load(&journal_path(store.base(), name))? {
        return Ok(Some(journal.profile));
    }
    Ok(store.load(name)?)
}

/// What resetting `name` would do, for the admin to confirm. Reads only: it signs in to the PBX
/// (and, in automatic mode, to Microsoft) to say exactly what each step will change.
pub async fn plan(
    env: &Environment,
    name: &str,
    delete_app: bool,
) -> Result<ResetPlan, ResetError> {
    preview::make(env, name, delete_app).await
}

/// Resets `name`: the PBX, Entra, then this computer, journaling every step; or, after an
/// earlier reset stopped, continues where it stopped. Call it once the admin confirmed the
/// [`plan`]. `delete_app` applies unless an earlier run already did the Entra step.
pub async fn run(
    env: &Environment,
    name: &str,
    delete_app: bool,
    events: ResetSink,
) -> Result<ResetReport, ResetError> {
    env.profiles.path_of(name)?;
    let base = env.profiles.base().to_owned();
    let path = journal_path(&base, name);
    // Nothing to reset: answered before any lock file is made for a name that has nothing.
    if journal::load(&path)?.is_none() && env.profiles.load(name)?.is_none() {
        return Ok(nothing_done(name));
    }
    // Held to the end: a sync or rotation would write what this removes.
    let _locks = take_locks(env, name)?;
    let mut sessions = Sessions::default();
    let mut journal = match journal::load(&path)? {
        Some(journal) => {
            if let Some(step) = ResetStep::ALL.into_iter().find(|s| !journal.is_done(*s)) {
                emit(
                    &events,
                    step,
                    ResetText::Continuing {
                        step_number: step.number(),
                    },
                );
            }
            journal
        }
        None => match env.profiles.load(name)? {
            Some(profile) => start(env, profile, delete_app, &mut sessions, &path).await?,
            None => return Ok(nothing_done(name)),
        },
    };
    if !journal.is_done(ResetStep::Entra) {
        journal.delete_app = delete_app;
    }

    let mut outcomes = Vec::new();
    for step in ResetStep::ALL {
        if journal.is_done(step) {
            outcomes.push(ResetOutcome {
                step,
                place: step.place().to_owned(),
                detail: ResetDetail::DoneEarlier,
                done_earlier: true,
            });
            continue;
        }
        emit(&events, step, ResetText::Starting);
        let result = match step {
            ResetStep::Pbx => stop_pbx(env, &journal, &mut sessions).await,
            ResetStep::Entra => clean_entra(env, &journal, &mut sessions).await,
            ResetStep::ThisComputer => {
                // No client may write a renewed token into the keyring after it is cleared.
                sessions = Sessions::default();
                forget_locally(env, &journal, &path)
            }
        };
        let detail = match result {
            Ok(detail) => detail,
            Err(cause) => return Err(stopped(&base, &path, &mut journal, step, cause)),
        };
        emit(
            &events,
            step,
            ResetText::Finished {
                detail: detail.clone(),
            },
        );
        journal.complete(step);
        journal.last_stop = None;
        if step != ResetStep::ThisComputer
            && let Err(error) = journal::save(&base, &path, &journal)
        {
            return Err(stopped(&base, &path, &mut journal, step, error.into()));
        }
        outcomes.push(ResetOutcome {
            step,
            place: step.place().to_owned(),
            detail,
            done_earlier: false,
        });
    }
    drop(sessions);
    tracing::info!(profile = %journal.profile.name, "reset finished");
    let hand_steps = match journal.profile.microsoft.mode {
        Mode::Guided => app::hand_steps(&journal.profile, journal.delete_app, &journal.thumbprints),
        Mode::Auto => Vec::new(),
    };
    Ok(ResetReport {
        profile: journal.profile.name.clone(),
        steps: outcomes,
        hand_steps,
        nothing_to_do: false,
    })
}

fn nothing_done(name: &str) -> ResetReport {
    tracing::info!(profile = %name, "reset: nothing saved under this name");
    ResetReport {
        profile: name.to_owned(),
        steps: Vec::new(),
        hand_steps: Vec::new(),
        nothing_to_do: true,
    }
}

fn emit(events: &ResetSink, step: ResetStep, text: ResetText) {
    let message = text.english(step);
    tracing::info!(step = ?step, %message, "reset");
    events(&ResetEvent {
        step,
        text,
        message,
    });
}

/// The reset's own lock, and the sync's and the rotation's of the profile, in the folders those
/// take them in: none of them may write what the reset removes while it runs.
fn take_locks(env: &Environment, name: &str) -> Result<[RunLock; 3], RunLockError> {
    let base = env.profiles.base();
    let database = crate::sync::database_path(&env.profiles);
    let sync_folder = database.parent().unwrap_or(base);
    let rotation_journal = rotation_journal_path(base, name);
    let rotation_folder = rotation_journal.parent().unwrap_or(base);
    Ok([
        RunLock::acquire(base, Activity::Reset, name)?,
        RunLock::acquire(sync_folder, Activity::Sync, name)?,
        RunLock::acquire(rotation_folder, Activity::Rotation, name)?,
    ])
}

/// The clients the steps use, signed in once, when first needed.
#[derive(Default)]
struct Sessions {
    pbx: Option<portsip::Client>,
    graph: Option<entra::GraphClient>,
}

impl Sessions {
    async fn pbx(
        &mut self,
        env: &Environment,
        profile: &Profile,
    ) -> Result<&portsip::Client, Error> {
        match &mut self.pbx {
            Some(client) => Ok(&*client),
            slot => {
                let (client, _) = resume_pbx(env, profile).await?;
                Ok(&*slot.insert(client))
            }
        }
    }

    async fn graph(
        &mut self,
        env: &Environment,
        profile: &Profile,
    ) -> Result<&entra::GraphClient, Error> {
        match &mut self.graph {
            Some(graph) => Ok(&*graph),
            slot => {
                let graph = require_graph(env, profile).await?;
                Ok(&*slot.insert(graph))
            }
        }
    }
}

/// A new reset: both sign-ins work and the PBX's certificates are known before the journal —
/// the first write — is saved.
async fn start(
    env: &Environment,
    profile: Profile,
    delete_app: bool,
    sessions: &mut Sessions,
    path: &Path,
) -> Result<ResetJournal, ResetError> {
    let base = env.profiles.base();
    let client = sessions.pbx(env, &profile).await?;
    let thumbprints = pbx::thumbprints(client, base, &profile).await?;
    // Step 2 must not fail for want of Microsoft once the PBX is reset: prove the sign-in now.
    if profile.microsoft.mode == Mode::Auto && profile.app.is_some() {
        sessions.graph(env, &profile).await?;
    }
    let mut journal = ResetJournal::new(profile, delete_app, rfc3339(OffsetDateTime::now_utc()));
    for thumbprint in &thumbprints {
        journal.remember_thumbprint(thumbprint);
    }
    journal::save(base, path, &journal)?;
    tracing::info!(profile = %journal.profile.name, delete_app, "reset started");
    Ok(journal)
}

async fn stop_pbx(
    env: &Environment,
    journal: &ResetJournal,
    sessions: &mut Sessions,
) -> Result<ResetDetail, Cause> {
    let client = sessions.pbx(env, &journal.profile).await?;
    let edition = PbxEdition::read(client).await?;
    Ok(pbx::stop(client, &edition).await?)
}

async fn clean_entra(
    env: &Environment,
    journal: &ResetJournal,
    sessions: &mut Sessions,
) -> Result<ResetDetail, Cause> {
    let profile = &journal.profile;
    let Some(identity) = &profile.app else {
        return Ok(ResetDetail::NoApp);
    };
    match profile.microsoft.mode {
        Mode::Guided => Ok(ResetDetail::ByHand {
            app: ResetApp::of(identity),
            delete_app: journal.delete_app,
        }),
        Mode::Auto => {
            let graph = sessions.graph(env, profile).await?;
            Ok(app::clean(graph, journal).await?)
        }
    }
}

fn forget_locally(
    env: &Environment,
    journal: &ResetJournal,
    path: &Path,
) -> Result<ResetDetail, Cause> {
    let removed = local::remove(env, &journal.profile)?;
    // Last of all: until here a second run can pick up from the journal.
    journal::remove(path)?;
    Ok(ResetDetail::ProfileRemoved {
        profile: journal.profile.name.clone(),
        runs: u32::try_from(removed.runs).unwrap_or(u32::MAX),
        kept_certificate: removed
            .kept_certificate
            .map(|kept| kept.display().to_string()),
    })
}

/// Records where the reset stopped (best effort: the stop itself is what matters).
fn stopped(
    base: &Path,
    path: &Path,
    journal: &mut ResetJournal,
    step: ResetStep,
    cause: Cause,
) -> ResetError {
    tracing::warn!(step = ?step, %cause, "reset stopped");
    journal.last_stop = Some(ResetStop {
        step,
        error: cause.to_string(),
        report: Some(cause.report()),
        at: rfc3339(OffsetDateTime::now_utc()),
    });
    if let Err(error) = journal::save(base, path, journal) {
        tracing::warn!(%error, "the reset journal could not record the stop");
    }
    ResetError::Stopped {
        profile: journal.profile.name.clone(),
        step,
        state: state_at(step).to_owned(),
        cause: Box::new(cause),
    }
}
