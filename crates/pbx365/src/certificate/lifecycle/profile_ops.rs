//! A saved profile's certificate: sign in again from the keyring (as the doctor does), then
//! check its status or rotate it. This is what `pbx365 cert status` and `pbx365 cert rotate`
//! (and the dashboard) call.

use super::clock::Clock;
use super::rotation::journal::{RotationStep, journal_path};
use super::rotation::{
    Rotation, RotationCause, RotationError, RotationNext, RotationSink, RotationState,
    RotationTarget,
};
use super::status::{
    AppSource, CertificateState, CertificateStatus, Unchecked, UncheckedCause, check,
};
use crate::access::retry::{Replication, RetryPolicy};
use crate::access::sessions;
use crate::access::{Environment, Error};
use crate::all_profiles::{Parallel, for_each};
use crate::pbx_certificate::rfc3339;
use crate::profile::{Mode, Profile};

/// A profile signed in to its PBX and, in automatic mode, to Microsoft.
#[derive(Debug)]
pub struct ProfileConnection {
    pub profile: Profile,
    pub pbx: portsip::Client,
    /// Automatic mode with a usable Microsoft sign-in.
    pub graph: Option<entra::GraphClient>,
    /// Why automatic mode has no Graph access (an expired Microsoft sign-in, say).
    pub graph_unavailable: Option<String>,
}

/// Signs in to the profile's PBX (required) and, in automatic mode, to Microsoft (optional:
/// the status falls back to the PBX's own sign-in without it).
pub async fn connect_profile(
    env: &Environment,
    profile: &Profile,
) -> Result<ProfileConnection, Error> {
    let (pbx, _) = sessions::resume_pbx(env, profile).await?;
    let (graph, graph_unavailable) = match profile.microsoft.mode {
        Mode::Guided => (None, None),
        Mode::Auto => match sessions::resume_graph(env, profile).await {
            Ok(graph) => (Some(graph), None),
            Err(error) => (None, Some(error.to_string())),
        },
    };
    Ok(ProfileConnection {
        profile: profile.clone(),
        pbx,
        graph,
        graph_unavailable,
    })
}

/// [`connect_profile`] for the saved profile named `name`.
pub async fn connect_saved(env: &Environment, name: &str) -> Result<ProfileConnection, Error> {
    connect_profile(env, &env.profiles.require(name)?).await
}

/// The status of a profile that could not even be connected.
fn unknown(
    profile: &Profile,
    reason: String,
    cause: UncheckedCause,
    error: Option<crate::access::ErrorReport>,
    clock: &dyn Clock,
) -> CertificateStatus {
    // Only an engine error is quoted (and worded by the UI); a missing app is the cause alone.
    let detail = if error.is_some() {
        reason.clone()
    } else {
        String::new()
    };
    let message = format!("The certificate could not be checked: {reason}");
    let unchecked = Unchecked {
        reason,
        cause,
        detail,
        error,
    };
    CertificateStatus {
        profile: profile.name.clone(),
        checked_at: rfc3339(clock.now()),
        message,
        state: CertificateState::Unknown(unchecked.clone()),
        app_match: super::status::AppMatch::Unchecked(unchecked),
        pbx_certificate: None,
        expires_at: None,
        days_left: None,
        app_keys: Vec::new(),
    }
}

/// A saved profile's status. Never fails: what stops the check becomes an `Unknown` status.
pub async fn check_profile(
    env: &Environment,
    profile: &Profile,
    clock: &dyn Clock,
) -> CertificateStatus {
    if profile.app.is_none() {
        return unknown(
            profile,
            "the profile has no app registration yet; run the setup first".to_owned(),
            UncheckedCause::NoAppRegistration,
            None,
            clock,
        );
    }
    match connect_profile(env, profile).await {
        Ok(connection) => connection.status(clock).await,
        Err(error) => unknown(
            profile,
            error.to_string(),
            UncheckedCause::NotConnected,
            Some(error.report()),
            clock,
        ),
    }
}

/// Every profile's status, in order, a bounded number at a time (the Certificates page, the
/// daily check).
pub async fn check_profiles(
    env: &Environment,
    profiles: &[Profile],
    clock: &dyn Clock,
) -> Vec<CertificateStatus> {
    for_each(profiles, Parallel::default(), |profile| {
        check_profile(env, profile, clock)
    })
    .await
}

impl ProfileConnection {
    /// Graph when it can be read, else the PBX's own sign-in.
    pub fn app_source(&self) -> AppSource<'_> {
        let object_id = self
            .profile
            .app
            .as_ref()
            .and_then(|app| app.object_id.as_deref());
        match (&self.graph, object_id) {
            (Some(graph), Some(object_id)) => AppSource::Graph { graph, object_id },
            _ => AppSource::PbxSignIn,
        }
    }

    pub async fn status(&self, clock: &dyn Clock) -> CertificateStatus {
        check(&self.profile.name, &self.pbx, self.app_source(), clock).await
    }

    /// The rotation of this profile's certificate: through Graph in automatic mode, by hand in
    /// guided mode. The journal and `public_key.pem` go where the profiles live.
    pub fn rotation<'a>(
        &'a self,
        env: &Environment,
        clock: &'a dyn Clock,
        events: RotationSink,
    ) -> Result<Rotation<'a>, RotationError> {
        let profile = &self.profile;
        let refuse = |cause: RotationCause, next: RotationNext| RotationError {
            profile: profile.name.clone(),
            mode: profile.microsoft.mode,
            step: RotationStep::GenerateKeyPair,
            cause,
            sync_works: true,
            state: RotationState::NotStarted,
            next: Box::new(next),
        };
        let Some(app) = &profile.app else {
            return Err(refuse(RotationCause::NoApp, RotationNext::RunSetupFirst));
        };
        let target = match (profile.microsoft.mode, &self.graph, &app.object_id) {
            (Mode::Guided, _, _) => RotationTarget::ByHand {
                cloud: &profile.microsoft.cloud,
                app_id: &app.app_id,
            },
            (Mode::Auto, Some(graph), Some(object_id)) => {
                RotationTarget::Graph { graph, object_id }
            }
            (Mode::Auto, _, _) => {
                return Err(refuse(
                    RotationCause::NoMicrosoftSignIn {
                        reason: self.graph_unavailable.clone(),
                    },
                    RotationNext::SignInAgain,
                ));
            }
        };
        let certificate_path = match &profile.certificate_path {
            Some(path) => path.clone(),
            None => env
                .profiles
                .default_certificate_path(&profile.name)
                .map_err(|error| {
                    refuse(
                        RotationCause::Quoted {
                            detail: error.to_string(),
                        },
                        RotationNext::ChooseAnotherName,
                    )
                })?,
        };
        Ok(Rotation {
            profile: &profile.name,
            pbx: &self.pbx,
            target,
            journal_path: journal_path(env.profiles.base(), &profile.name),
            certificate_folder: env.profiles.folder_of(&certificate_path),
            certificate_path,
            clock,
            wait: RetryPolicy {
                replication: Replication {
                    // Guided mode waits for the admin's upload as long as verification does.
                    budget: match profile.microsoft.mode {
                        Mode::Auto => env.retry.replication.budget,
                        Mode::Guided => env.verify_budget,
                    },
                    ..env.retry.replication
                },
                ..env.retry
            },
            events,
        })
    }
}
