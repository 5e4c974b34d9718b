//! Certificates: every profile's status, rotation with live steps, and the expiry reminders
//! checked at start and daily while the app runs. Thin wrappers over
//! `pbx365::certificate::lifecycle`.

use std::sync::Arc;
use std::time::Duration;

use pbx365::certificate::lifecycle::{
    CertificateStatus, Clock, Notification, NotificationAction, Notifier, NotifyError,
    ProfileConnection, Reminders, RotationCause, RotationError, RotationEvent, RotationNext,
    RotationPlan, RotationReport, RotationSink, RotationState, RotationStep, SystemClock,
    check_profile, check_profiles, connect_saved,
};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::notifications::{self, Message};
use crate::wizard_commands::WizardHost;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Why a rotation stopped, as the rotation screen shows it: where, what works now, what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationFailure {
    pub profile: String,
    pub step: RotationStep,
    pub cause: RotationCause,
    pub sync_works: bool,
    pub state: RotationState,
    pub next: RotationNext,
}

impl From<RotationError> for RotationFailure {
    fn from(error: RotationError) -> Self {
        Self {
            profile: error.profile,
            step: error.step,
            cause: error.cause,
            sync_works: error.sync_works,
            state: error.state,
            next: *error.next,
        }
    }
}

/// A failure before the first step: nothing was changed.
fn not_started(profile: &str, cause: String) -> RotationFailure {
    RotationFailure {
        profile: profile.to_owned(),
        step: RotationStep::GenerateKeyPair,
        cause: RotationCause::Quoted { detail: cause },
        sync_works: true,
        state: RotationState::NotStarted,
        next: RotationNext::FixConnection,
    }
}

/// One saved profile's certificate status: the dashboard asks for each profile's on its own,
/// a few at a time, so a hundred cards fill as the answers arrive.
#[tauri::command]
pub async fn certificate_status(
    host: State<'_, WizardHost>,
    profile: String,
) -> Result<CertificateStatus, String> {
    let saved = host
        .env
        .profiles
        .require(&profile)
        .map_err(|error| error.to_string())?;
    Ok(check_profile(&host.env, &saved, &SystemClock).await)
}

/// Every saved profile's certificate status, in profile order.
#[tauri::command]
pub async fn certificate_statuses(
    host: State<'_, WizardHost>,
) -> Result<Vec<CertificateStatus>, String> {
    let profiles = host
        .env
        .profiles
        .list()
        .map_err(|error| error.to_string())?;
    Ok(check_profiles(&host.env, &profiles, &SystemClock).await)
}

/// What a rotation would do, for the admin to confirm (reads only).
#[tauri::command]
pub async fn rotation_plan(
    host: State<'_, WizardHost>,
    profile: String,
) -> Result<RotationPlan, RotationFailure> {
    let connection = connect(&host, &profile).await?;
    let no_events: RotationSink = Arc::new(|_: &RotationEvent| {});
    Ok(connection
        .rotation(&host.env, &SystemClock, no_events)?
        .plan()
        .await?)
}

/// The rotation as one action, its steps streamed to `events`.
#[tauri::command]
pub async fn rotate_certificate(
    host: State<'_, WizardHost>,
    profile: String,
    events: Channel<RotationEvent>,
) -> Result<RotationReport, RotationFailure> {
    let connection = connect(&host, &profile).await?;
    let sink: RotationSink = Arc::new(move |event: &RotationEvent| {
        if let Err(error) = events.send(event.clone()) {
            tracing::warn!(%error, "a rotation progress event could not reach the window");
        }
    });
    Ok(connection
        .rotation(&host.env, &SystemClock, sink)?
        .run()
        .await?)
}

async fn connect(host: &WizardHost, profile: &str) -> Result<ProfileConnection, RotationFailure> {
    connect_saved(&host.env, profile)
        .await
        .map_err(|error| not_started(profile, error.to_string()))
}

/// Reminders as desktop notifications; a click opens the profile's rotation screen.
struct DesktopNotifier(AppHandle);

impl Notifier for DesktopNotifier {
    fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        let NotificationAction::OpenRotation { profile } = &notification.action;
        notifications::try_notify(
            &self.0,
            Message {
                title: notification.title.clone(),
                body: notification.body.clone(),
                route: notifications::rotation_route(profile),
                place: format!("Certificates > Rotate {profile}"),
                action_label: "Rotate the certificate".to_owned(),
                urgent: notification.reminder.urgent(),
            },
        )
        .map_err(|reason| NotifyError { reason })
    }
}

/// Checks every profile's certificate now and then once a day while the app runs.
pub fn spawn_reminders(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut daily = tokio::time::interval(DAY);
        loop {
            daily.tick().await;
            check_reminders(&app, &SystemClock).await;
        }
    });
}

/// Checks every profile's certificate at `clock`'s time and notifies what is due.
pub async fn check_reminders(app: &AppHandle, clock: &dyn Clock) {
    let env = app.state::<WizardHost>().env.clone();
    let profiles = match env.profiles.list() {
        Ok(profiles) => profiles,
        Err(error) => {
            tracing::warn!(%error, "certificate reminders skipped: the profiles cannot be read");
            return;
        }
    };
    let statuses = check_profiles(&env, &profiles, clock).await;
    let reminders = Reminders::new(
        Reminders::default_path(env.profiles.base()),
        Arc::new(DesktopNotifier(app.clone())),
    );
    if let Err(error) = reminders.check(&statuses) {
        tracing::warn!(%error, "certificate reminders could not be checked");
    }
}
