//! Step 7's reading: the PBX's settings and certificate, the app registration, the groups'
//! members and the licence, turned into the review and the plan that apply follows.

use time::OffsetDateTime;

use super::microsoft::MicrosoftContext;
use super::plan::{self, KeyAction};
use super::review::{self, Plan, Review};
use super::{ReviewStep, Wizard, WizardWarning, check_can_grant, sync_options};
use crate::access::{Error, StaleWhat};
use crate::guided;
use crate::progress::{ProgressText, StepContext, StepId};

impl Wizard {
    pub(super) async fn compute_review(&self, ctx: &StepContext) -> Result<ReviewStep, Error> {
        let step = StepId::Review;
        let pbx = self.pbx_session()?;
        let microsoft = self.microsoft_context(step)?;
        let app_step = self.app_step(step)?;
        let key_step = self.key.as_ref().ok_or(Error::OutOfOrder {
            step,
            needed: StepId::KeyPair,
        })?;
        let sync = self.sync.as_ref().ok_or(Error::OutOfOrder {
            step,
            needed: StepId::SyncOptions,
        })?;
        let tenant_id = microsoft.summary().tenant_id.clone();
        let read_app = async {
            let Some(graph) = microsoft.graph(&self.env, ctx, step) else {
                return Ok(None);
            };
            ctx.report(step, ProgressText::ReadingAppRegistration);
            let progress = ctx.entra_progress(step);
            let retry = self.env.retry.microsoft();
            let state = plan::read_app_state(
                &graph,
                self.profile.app.as_ref(),
                self.unfinished_apply().then_some((&retry, &progress)),
                pbx,
                &tenant_id,
                &app_step.permissions,
            )
            .await?;
            check_can_grant(microsoft, &state)?;
            Ok::<_, Error>(Some(state))
        };
        ctx.report(step, ProgressText::ReadingPbxSettings);
        // The PBX's and Microsoft's reads do not depend on each other: they run at once.
        let (settings, certificate, app_state, group_members) = futures::try_join!(
            async { Ok::<_, Error>(pbx.client.ms365().await?) },
            crate::pbx_certificate::read_certificate::<Error>(&pbx.client),
            read_app,
            sync_options::group_members(
                microsoft.graph(&self.env, ctx, step),
                &self.profile.name,
                &sync.options,
            ),
        )?;
        let settings_before = serde_json::to_value(&settings).map_err(|e| Error::ReviewStale {
            what: StaleWhat::SettingsUnreadable {
                detail: e.to_string(),
            },
        })?;
        let now = OffsetDateTime::now_utc();
        let key_summary = plan::key_summary(
            certificate.as_ref(),
            app_state.as_ref().map(|s| s.keys.as_slice()),
            now,
        );
        let (key_action, _) = plan::decide_key(certificate.as_ref(), now);
        let app_id = match microsoft {
            MicrosoftContext::Guided { summary, .. } => summary.app_id.clone(),
            MicrosoftContext::Auto { .. } => app_state
                .as_ref()
                .and_then(|s| s.existing.as_ref())
                .map(|a| a.app_id.clone()),
        };
        let desired = sync_options::desired_settings(
            microsoft.cloud(),
            &tenant_id,
            app_id.as_deref(),
            &app_step.features,
            &sync.options,
            &pbx.summary.edition.traits(),
            &group_members,
        );
        let mut changes = Vec::new();
        let mut warnings = microsoft.summary().warnings.clone();
        warnings.extend(
            pbx.summary
                .edition
                .warning
                .iter()
                .map(|warning| WizardWarning::Edition {
                    warning: warning.clone(),
                }),
        );
        warnings.extend(
            sync.notices
                .iter()
                .map(|notice| WizardWarning::SyncOptions {
                    notice: notice.clone(),
                }),
        );
        warnings.extend(key_summary.warnings.iter().cloned());
        warnings.extend(plan::unusable_grant_warnings(
            pbx,
            &app_step.optional_grants,
        ));
        let guided = match microsoft {
            MicrosoftContext::Guided { cloud, summary } => Some((cloud, summary)),
            MicrosoftContext::Auto { .. } => None,
        };
        let registration = plan::app_summary(
            app_state.as_ref(),
            pbx,
            &app_step.display_name,
            &app_step.permissions,
            guided.as_ref().map(|(c, s)| {
                (
                    *c,
                    s.app_id.as_deref().unwrap_or_default(),
                    s.tenant_id.as_str(),
                )
            }),
        );
        let mut consent = plan::consent_summary(app_state.as_ref(), &app_step.permissions);
        let mut hand_steps = Vec::new();
        let mut revocations = Vec::new();
        if let Some(state) = &app_state {
            let (narrowed, kept) = plan::narrowing(state, microsoft.summary());
            revocations = narrowed;
            warnings.extend(kept);
            changes.extend(review::entra_changes(
                state,
                &registration,
                &key_summary,
                certificate.as_ref(),
                &revocations,
            ));
        }
        if let Some((cloud, summary)) = &guided {
            let app_id = summary.app_id.clone().unwrap_or_default();
            if key_action == KeyAction::Generate {
                changes.push(review::key_pair_change(&key_summary, certificate.as_ref()));
            }
            hand_steps.extend(registration.hand_steps.iter().cloned());
            let path = key_step
                .certificate_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let thumbprint = match key_action {
                KeyAction::Reuse => certificate.as_ref().map(|c| c.info.sha1_thumbprint.clone()),
                KeyAction::Generate => None,
            };
            hand_steps.push(guided::certificate_step(
                cloud,
                &app_id,
                &path,
                thumbprint.as_deref(),
            ));
            let url = self.admin_consent_url(cloud, &summary.tenant_id, &app_id)?;
            hand_steps.push(guided::consent_step(cloud, &app_id, &url));
            consent.admin_consent_url = Some(url);
            if settings
                .settings
                .app
                .application_id
                .as_deref()
                .is_some_and(|current| {
                    !current.is_empty() && !current.eq_ignore_ascii_case(&app_id)
                })
            {
                warnings.push(WizardWarning::AppSwitch {
                    current: settings
                        .settings
                        .app
                        .application_id
                        .clone()
                        .unwrap_or_default(),
                    app_id: app_id.clone(),
                });
            }
        }
        if let Some(warning) = self.licence_warning(ctx, &desired).await {
            warnings.push(warning);
        }
        let new_app = app_state.as_ref().is_some_and(|s| s.existing.is_none());
        changes.extend(review::settings_changes(
            &settings_before,
            &desired,
            new_app,
        )?);
        changes.extend(review::concurrency_change(
            self.profile.sync.as_ref(),
            &sync.options,
        ));
        changes.extend(review::local_changes(
            &self.env,
            &self.profile.name,
            self.profile_exists,
            microsoft.mode(),
            pbx.password.as_ref(),
            key_step.certificate_path.as_ref().filter(|path| {
                certificate.as_ref().is_none_or(|c| {
                    key_action == KeyAction::Generate
                        || std::fs::read(path).map_or(true, |old| old != c.pem)
                })
            }),
        )?);
        let review = Review {
            nothing_to_change: changes.is_empty(),
            changes,
            warnings,
            hand_steps,
            app: registration,
            key_pair: key_summary,
            consent,
        };
        Ok(ReviewStep {
            review,
            plan: Plan {
                mode: microsoft.mode(),
                settings_before,
                certificate,
                key_action,
                app: app_state,
                revocations,
                display_name: app_step.display_name.clone(),
                desired,
                certificate_path: key_step.certificate_path.clone(),
            },
        })
    }

    /// The review's warning when the users the options take in are more than the PBX's
    /// licence allows (automatic mode, where pbx365 can read the directory).
    async fn licence_warning(
        &self,
        ctx: &StepContext,
        desired: &portsip::model::Ms365SettingsUpdate,
    ) -> Option<WizardWarning> {
        let (pbx, microsoft) = (self.pbx.as_ref()?, self.microsoft.as_ref()?);
        let (licensed, users) = (pbx.summary.edition.licensed_users?, desired.users.as_ref()?);
        let graph = microsoft
            .graph(&self.env, ctx, StepId::Review)
            .filter(|_| users.enabled == Some(true))?;
        ctx.report(StepId::Review, ProgressText::CountingUsersInScope);
        // Advice, not a step of its own: a count that fails leaves the review as it is.
        let in_scope = match crate::sync::users_in_scope(graph, users).await {
            Ok(count) => count,
            Err(error) => {
                tracing::warn!(%error, "the users in the sync's scope could not be counted");
                return None;
            }
        };
        (i64::from(in_scope) > i64::from(licensed))
            .then_some(WizardWarning::OverLicence { in_scope, licensed })
    }
}
