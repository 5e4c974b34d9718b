//! Carrying out a plan on the PBX: a bounded number of users at a time, every request
//! journaled before it is sent and after it answered, retried through throttling and passing
//! failures, and stopped between requests when the run is cancelled.

use std::time::Duration;

use futures::StreamExt;
use portsip::model::{NewUser, Role, UserSettings, UserUpdate};
use tokio_util::sync::CancellationToken;

use super::SyncError;
use super::credentials::NewCredentials;
use super::failure::UserFailure;
use super::pbx_users;
use super::plan::{ActionKind, PlannedAction, UserField};
use super::progress::{ProgressSink, SyncEvent, waiting};
use super::report::{OutcomeCounts, OutcomeStatus, UserOutcome};
use super::store::{Phase, SyncStore};
use crate::access::retry::{CallError, RetryPolicy, with_retry};

/// How one step ended short of success.
enum StepEnd {
    Failed(UserFailure),
    Cancelled,
    /// The journal could not be written: the run must stop, it could not resume safely.
    Journal(SyncError),
}

impl From<CallError> for StepEnd {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Failed(error) => StepEnd::Failed(UserFailure::Pbx {
                detail: error.to_string(),
            }),
            CallError::Cancelled => StepEnd::Cancelled,
        }
    }
}

impl From<SyncError> for StepEnd {
    fn from(error: SyncError) -> Self {
        StepEnd::Journal(error)
    }
}

/// Everything the steps of one run share.
pub(crate) struct Applier<'a> {
    pub pbx: &'a portsip::Client,
    pub store: &'a SyncStore,
    pub profile: &'a str,
    pub run_id: i64,
    pub policy: RetryPolicy,
    pub concurrency: usize,
    pub cancel: &'a CancellationToken,
    pub progress: Option<&'a ProgressSink>,
}

impl Applier<'_> {
    fn emit(&self, event: &SyncEvent) {
        if let Some(sink) = self.progress {
            sink(event);
        }
    }

    /// Runs every action; answers their outcomes in plan order and the counts. A journal
    /// failure stops the run (after the steps in flight) and is returned as the error.
    pub async fn apply(
        &self,
        actions: &[PlannedAction],
    ) -> (Vec<UserOutcome>, OutcomeCounts, Option<SyncError>) {
        let total = super::plan::count(actions.len());
        let mut counts = OutcomeCounts::default();
        let mut outcomes: Vec<UserOutcome> = Vec::with_capacity(actions.len());
        let mut journal_error = None;
        let mut finished = futures::stream::iter(actions)
            .map(|action| self.apply_one(action))
            .buffer_unordered(self.concurrency.max(1));
        while let Some((outcome, error)) = finished.next().await {
            if let Some(error) = error {
                // Nothing more may start: without a journal a kill could not be resumed.
                self.cancel.cancel();
                journal_error.get_or_insert(error);
            }
            counts.add(&outcome);
            self.emit(&SyncEvent::Progress {
                done: counts.finished_actions(),
                total,
                counts,
                user: outcome.clone(),
            });
            outcomes.push(outcome);
        }
        outcomes.sort_by_key(|o| o.seq);
        (outcomes, counts, journal_error)
    }

    async fn apply_one(&self, action: &PlannedAction) -> (UserOutcome, Option<SyncError>) {
        let mut outcome = UserOutcome::planned(action);
        let end = if self.cancel.is_cancelled() {
            Err(StepEnd::Cancelled)
        } else {
            self.steps(action, &mut outcome).await
        };
        let journal_error = match end {
            Ok(()) => {
                outcome.status = OutcomeStatus::Done;
                None
            }
            Err(StepEnd::Failed(error)) => {
                tracing::warn!(user = %action.principal, action = action.kind.as_str(), %error, "sync step failed");
                outcome.status = OutcomeStatus::Failed;
                outcome.error = Some(error);
                None
            }
            Err(StepEnd::Cancelled) => {
                outcome.status = OutcomeStatus::Cancelled;
                None
            }
            Err(StepEnd::Journal(error)) => {
                outcome.status = OutcomeStatus::Started;
                outcome.error = Some(UserFailure::Journal {
                    detail: error.to_string(),
                });
                return (outcome, Some(error));
            }
        };
        let journal_error =
            journal_error.or_else(|| self.store.step_finished(self.run_id, &outcome).err());
        (outcome, journal_error)
    }

    /// The requests of one action, each journaled before it is sent and after it answered.
    async fn steps(
        &self,
        action: &PlannedAction,
        outcome: &mut UserOutcome,
    ) -> Result<(), StepEnd> {
        let seq = action.seq;
        let user_id = match (action.kind, &action.pbx_user_id) {
            (ActionKind::Create, _) => {
                self.store
                    .step_phase(self.run_id, seq, Phase::Create, None)?;
                let id = self.create(action).await?;
                // Created: journaled at once, so a resumed run knows which user to bind.
                self.store
                    .step_phase(self.run_id, seq, Phase::Bind, Some(&id))?;
                outcome.pbx_user_id = Some(id.clone());
                id
            }
            (_, Some(id)) => id.clone(),
            (_, None) => {
                return Err(StepEnd::Failed(UserFailure::NoPbxUser));
            }
        };
        if matches!(action.kind, ActionKind::Create | ActionKind::Adopt) {
            if action.kind == ActionKind::Adopt {
                self.store.step_phase(self.run_id, seq, Phase::Bind, None)?;
            }
            self.stop_if_cancelled()?;
            // Binding to the same account twice leaves one binding: the client retries it.
            self.pbx
                .bind_ms365(&user_id, &action.object_id)
                .await
                .map_err(CallError::Failed)?;
            self.store
                .save_link(self.profile, &action.object_id, &user_id)?;
        }
        if action.kind != ActionKind::Create && !action.changes.is_empty() {
            self.stop_if_cancelled()?;
            self.store
                .step_phase(self.run_id, seq, Phase::Update, None)?;
            // Setting the same fields twice changes nothing: the client retries it by itself.
            self.pbx
                .update_user(&user_id, &update_of(action))
                .await
                .map_err(CallError::Failed)?;
        }
        Ok(())
    }

    fn stop_if_cancelled(&self) -> Result<(), StepEnd> {
        if self.cancel.is_cancelled() {
            Err(StepEnd::Cancelled)
        } else {
            Ok(())
        }
    }

    async fn call<T, F, Fut>(&self, call: F) -> Result<T, CallError>
    where
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<T, portsip::Error>>,
    {
        let waiting = |pause: Duration, error: &portsip::Error| self.emit(&waiting(pause, error));
        with_retry(&self.policy, self.cancel, &waiting, call).await
    }

    /// Creates the user; a retry first looks for the user an unanswered attempt may have made.
    async fn create(&self, action: &PlannedAction) -> Result<String, CallError> {
        self.call(|attempt| async move {
            if attempt > 0
                && let Some(id) = self.find_created(action).await? {
                    tracing::info!(user = %action.pbx_name, "an unanswered create went through; using that user");
                    return Ok(id);
                }
            let credentials = NewCredentials::generate();
            let user = new_user(action, credentials);
            self.pbx.create_user(&user).await.map(|created| created.id)
        })
        .await
    }

    /// The PBX user with this action's name, extension and e-mail, if one exists.
    async fn find_created(&self, action: &PlannedAction) -> Result<Option<String>, portsip::Error> {
        let found = pbx_users::search(self.pbx, &action.pbx_name).await?;
        let email = action.value(UserField::Email);
        Ok(found
            .into_iter()
            .find(|u| {
                u.name.eq_ignore_ascii_case(&action.pbx_name)
                    && u.extension == action.extension
                    && u.email.as_deref().map(str::to_lowercase) == email.map(str::to_lowercase)
            })
            .map(|u| u.id))
    }
}

fn settings_of(action: &PlannedAction) -> UserSettings {
    let text = |field| action.value(field).map(str::to_owned);
    UserSettings {
        department: text(UserField::Department),
        work_phone: text(UserField::WorkPhone),
        mobile_phone: text(UserField::MobilePhone),
        enabled: action
            .value(UserField::Enabled)
            .map(|value| value == "true"),
        ..UserSettings::default()
    }
}

fn new_user(action: &PlannedAction, credentials: NewCredentials) -> NewUser {
    NewUser {
        name: action.pbx_name.clone(),
        display_name: action
            .value(UserField::DisplayName)
            .unwrap_or(&action.pbx_name)
            .to_owned(),
        password: credentials.password,
        email: action
            .value(UserField::Email)
            .unwrap_or_default()
            .to_owned(),
        role: Role::StandardUser,
        extension_number: action.extension.clone().unwrap_or_default(),
        extension_password: credentials.extension_password,
        voicemail_pin: credentials.voicemail_pin,
        settings: settings_of(action),
    }
}

/// The update request for an adopted, changed or disabled user: only the changed fields.
fn update_of(action: &PlannedAction) -> UserUpdate {
    UserUpdate {
        email: action.value(UserField::Email).map(str::to_owned),
        display_name: Some(action.display_name.clone()),
        voicemail_pin: None,
        settings: settings_of(action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::plan::FieldChange;

    fn action(kind: ActionKind, changes: Vec<FieldChange>) -> PlannedAction {
        PlannedAction {
            seq: 0,
            kind,
            object_id: "o".to_owned(),
            principal: "a@x.example".to_owned(),
            pbx_user_id: Some("7".to_owned()),
            pbx_name: "a".to_owned(),
            extension: Some("1000".to_owned()),
            changes,
            notes: Vec::new(),
            unclassified: false,
            display_name: "Anna Berg".to_owned(),
        }
    }

    fn change(field: UserField, to: &str) -> FieldChange {
        FieldChange {
            field,
            from: None,
            to: Some(to.to_owned()),
        }
    }

    #[test]
    fn an_update_sends_what_changed_and_the_display_name() -> Result<(), serde_json::Error> {
        let disable = action(
            ActionKind::Disable,
            vec![FieldChange {
                field: UserField::Enabled,
                from: Some("true".to_owned()),
                to: Some("false".to_owned()),
            }],
        );
        assert_eq!(
            serde_json::to_value(update_of(&disable))?,
            // PortSIP 22.6 refuses an update without the display name.
            serde_json::json!({"enabled": false, "display_name": "Anna Berg"})
        );
        let update = action(
            ActionKind::Update,
            vec![
                change(UserField::Department, "Sales"),
                change(UserField::Email, "b@x.example"),
            ],
        );
        assert_eq!(
            serde_json::to_value(update_of(&update))?,
            serde_json::json!({"department": "Sales", "email": "b@x.example", "display_name": "Anna Berg"})
        );
        Ok(())
    }

    #[test]
    fn a_new_user_carries_fresh_secrets_and_the_planned_fields() {
        let create = action(
            ActionKind::Create,
            vec![
                change(UserField::DisplayName, "Anna Berg"),
                change(UserField::Email, "a@x.example"),
                change(UserField::WorkPhone, "+1 425 555 0100"),
            ],
        );
        let user = new_user(&create, NewCredentials::generate());
        assert_eq!(user.display_name, "Anna Berg");
        assert_eq!(user.extension_number, "1000");
        assert_eq!(user.role, Role::StandardUser);
        assert_eq!(user.settings.work_phone.as_deref(), Some("+1 425 555 0100"));
        assert!(!user.password.expose().is_empty());
        assert!(!format!("{user:?}").contains(user.password.expose()));
    }
}
