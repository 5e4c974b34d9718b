//! Step 8: apply, in an order that leaves things working or resumable at every point:
//!
//! 1. preflight — re-read the PBX and the app; a PBX that went away or changed stops here,
//!    before anything is written;
//! 2. the sign-ins go to the keyring and the profile is saved (its journal starts);
//! 3. the app registration is created or repaired, and its IDs are journaled at once, so a
//!    re-run finds it instead of creating a second one; then its service principal;
//! 4. the key pair: the PBX's certificate is kept while it is valid (generating a new pair
//!    would cut off whatever uses the old one); only a missing or expired one is replaced —
//!    and the new certificate goes onto the app right after, next to the app's other keys;
//! 5. the permissions are granted, and only then those the review listed as not needed are
//!    removed, so the PBX never holds less than it needs (an upgrade to 22.5 gains
//!    `User.ReadBasic.All` before it loses `User.Read.All`);
//! 6. only then is the PBX pointed at the app (`POST /ms365`), so it never switches to an app
//!    that cannot serve it yet.
//!
//! Every step is idempotent and journaled in the profile as it ends: a failure says where it
//! stopped, and running the setup again continues from there.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::key_pair::generate_key_pair;
use crate::access::sessions::{self, MICROSOFT_TOKEN_KEY, ProfileTokenStore};
use crate::access::{Environment, Error, StaleWhat};
use crate::atomic_file;
use crate::guided::HandStep;
use crate::pbx_certificate::read_certificate;
use crate::pbx_certificate::{CertificateInfo, PbxCertificate, rfc3339};
use crate::profile::{
    AppIdentity, ApplyJournal, ApplyStep, JournalEntry, Mode, Profile, StepOutcome,
};
use crate::progress::{ProgressText, StepContext, StepId};
use crate::secrets::{SecretKey, SecretKind};
use crate::wizard::microsoft::MicrosoftContext;
use crate::wizard::pbx::PbxSession;
use crate::wizard::plan::{AppState, KeyAction, declared_roles};
use crate::wizard::review::{Plan, settings_changes};

/// What apply did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ApplyOutcome {
    pub journal: ApplyJournal,
    pub app: Option<AppIdentity>,
    pub certificate: Option<CertificateInfo>,
    /// Guided mode: where `public_key.pem` was saved.
    #[ts(type = "string | null")]
    pub certificate_path: Option<PathBuf>,
    /// Guided mode: what is left to do in Entra before verification can pass.
    pub hand_steps: Vec<HandStep>,
    /// Whether anything was changed at all.
    pub changed: bool,
}

/// Everything apply works with.
pub(crate) struct Apply<'a> {
    pub env: &'a Environment,
    pub profile: &'a mut Profile,
    pub pbx: &'a PbxSession,
    pub microsoft: &'a MicrosoftContext,
    pub plan: &'a Plan,
    pub ctx: &'a StepContext,
    pub hand_steps: Vec<HandStep>,
}

type StepResult<T> = Result<(T, bool, Option<String>), Error>;

impl Apply<'_> {
    fn record(
        &mut self,
        step: ApplyStep,
        outcome: StepOutcome,
        detail: Option<String>,
    ) -> Result<(), Error> {
        let journal = self.profile.apply.get_or_insert_with(ApplyJournal::default);
        journal.entries.push(JournalEntry {
            step,
            outcome,
            at: rfc3339(OffsetDateTime::now_utc()),
            detail,
        });
        self.env.profiles.save(self.profile)?;
        Ok(())
    }

    /// Journals a step's result; a failure becomes [`Error::ApplyFailed`].
    fn settle<T>(
        &mut self,
        step: ApplyStep,
        result: StepResult<T>,
        changed: &mut bool,
    ) -> Result<T, Error> {
        match result {
            Ok((value, step_changed, detail)) => {
                *changed |= step_changed;
                self.record(
                    step,
                    StepOutcome::Done {
                        changed: step_changed,
                    },
                    detail,
                )?;
                Ok(value)
            }
            Err(error) => {
                tracing::warn!(?step, %error, "apply stopped");
                // The journal records the failure; if even that fails, the step's own error
                // is still the one the admin needs to see.
                if let Err(journal_error) = self.record(
                    step,
                    StepOutcome::Failed {
                        error: error.to_string(),
                    },
                    None,
                ) {
                    tracing::warn!(%journal_error, "could not journal the failed step");
                }
                Err(Error::ApplyFailed {
                    step,
                    source: Box::new(error),
                })
            }
        }
    }

    async fn guarded<T>(
        &self,
        work: impl std::future::Future<Output = StepResult<T>>,
    ) -> StepResult<T> {
        self.ctx.cancellable(StepId::Apply, work).await
    }

    fn say(&self, step: ApplyStep) {
        self.ctx
            .report(StepId::Apply, ProgressText::Applying { step });
    }

    pub async fn run(mut self) -> Result<ApplyOutcome, Error> {
        self.say(ApplyStep::Preflight);
        self.ctx
            .cancellable(
                StepId::Apply,
                preflight(self.pbx, self.microsoft, self.plan, self.env, self.ctx),
            )
            .await?;
        // Nothing was written up to here.
        self.profile.apply = Some(ApplyJournal {
            started_at: rfc3339(OffsetDateTime::now_utc()),
            finished_at: None,
            entries: Vec::new(),
        });
        let mut changed = false;
        self.record(
            ApplyStep::Preflight,
            StepOutcome::Done { changed: false },
            None,
        )?;

        self.say(ApplyStep::Secrets);
        let result = self
            .guarded(save_secrets(
                self.env,
                &self.profile.name,
                self.pbx,
                self.microsoft,
            ))
            .await;
        self.settle(ApplyStep::Secrets, result, &mut changed)?;

        let certificate = match self.plan.mode {
            Mode::Auto => self.run_auto(&mut changed).await?,
            Mode::Guided => self.run_guided(&mut changed).await?,
        };

        self.say(ApplyStep::PbxSettings);
        let app_id = self.profile.app.as_ref().map(|a| a.app_id.clone());
        let result = self
            .guarded(configure_pbx(self.pbx, self.plan, app_id.as_deref()))
            .await;
        self.settle(ApplyStep::PbxSettings, result, &mut changed)?;

        if let Some(journal) = self.profile.apply.as_mut() {
            journal.finished_at = Some(rfc3339(OffsetDateTime::now_utc()));
        }
        self.env.profiles.save(self.profile)?;
        Ok(ApplyOutcome {
            journal: self.profile.apply.clone().unwrap_or_default(),
            app: self.profile.app.clone(),
            certificate: certificate.map(|c| c.info),
            certificate_path: self.profile.certificate_path.clone(),
            hand_steps: self.hand_steps,
            changed,
        })
    }

    async fn run_auto(&mut self, changed: &mut bool) -> Result<Option<PbxCertificate>, Error> {
        let (Some(app), Some(graph)) = (
            self.plan.app.as_ref(),
            self.microsoft.graph(self.env, self.ctx, StepId::Apply),
        ) else {
            return Err(Error::ReviewStale {
                what: StaleWhat::NoAppPlan,
            });
        };

        self.say(ApplyStep::AppRegistration);
        let spec = entra::AppRegistration {
            display_name: self.plan.display_name.clone(),
            web_redirect_uris: self.pbx.summary.redirect_uris.clone(),
            graph_app_role_ids: app.role_ids(),
            creator_tag: Some(creator_tag(&self.pbx.summary)),
        };
        let locator = app
            .existing
            .as_ref()
            .map(|a| entra::AppLocator::ObjectId(a.id.clone()));
        let result = self
            .guarded(async {
                let ensured = graph.ensure_application(&spec, locator.as_ref()).await?;
                let detail = format!("app {}", ensured.application.app_id);
                Ok((
                    ensured.application,
                    ensured.created || ensured.repaired,
                    Some(detail),
                ))
            })
            .await;
        // The IDs are journaled in the same save as the step, before anything else happens.
        if let Ok((application, _, _)) = &result {
            self.profile.app = Some(AppIdentity {
                app_id: application.app_id.clone(),
                object_id: Some(application.id.clone()),
                service_principal_id: None,
                display_name: application.display_name.clone(),
            });
        }
        let application = self.settle(ApplyStep::AppRegistration, result, changed)?;

        self.say(ApplyStep::ServicePrincipal);
        let result = self
            .guarded(async {
                let ensured = graph.ensure_service_principal(&application.app_id).await?;
                Ok((ensured.service_principal, ensured.created, None))
            })
            .await;
        if let (Ok((sp, _, _)), Some(identity)) = (&result, self.profile.app.as_mut()) {
            identity.service_principal_id = Some(sp.id.clone());
        }
        let service_principal = self.settle(ApplyStep::ServicePrincipal, result, changed)?;

        let certificate = self.key_pair(changed).await?;

        self.say(ApplyStep::CertificateOnApp);
        let display = format!(
            "{} until {}",
            self.plan.display_name,
            certificate.info.not_after.get(..10).unwrap_or_default()
        );
        let result = self
            .guarded(async {
                let added = graph
                    .add_certificate(&application.id, &certificate.key, &display)
                    .await?;
                Ok((
                    (),
                    added,
                    Some(format!("thumbprint {}", certificate.info.sha1_thumbprint)),
                ))
            })
            .await;
        self.settle(ApplyStep::CertificateOnApp, result, changed)?;

        self.say(ApplyStep::Consent);
        let role_ids = app.role_ids();
        let result = self
            .guarded(async {
                let outcome = graph
                    .grant_app_roles(&service_principal.id, &app.graph_sp, &role_ids)
                    .await?;
                Ok(((), !outcome.granted.is_empty(), None))
            })
            .await;
        self.settle(ApplyStep::Consent, result, changed)?;

        if !self.plan.revocations.is_empty() {
            self.say(ApplyStep::RemoveGrants);
            let revocations = &self.plan.revocations;
            let result = self
                .guarded(async {
                    let mut removed = Vec::new();
                    for revocation in revocations {
                        // A grant gone already (removed by hand, or by a run whose answer was
                        // lost) is what this step wants: Graph's 404 counts as done.
                        if graph
                            .revoke_app_role(&app.graph_sp.id, &revocation.assignment_id)
                            .await?
                        {
                            removed.push(revocation.name.clone());
                        }
                    }
                    let detail =
                        (!removed.is_empty()).then(|| format!("removed {}", removed.join(", ")));
                    Ok(((), !removed.is_empty(), detail))
                })
                .await;
            self.settle(ApplyStep::RemoveGrants, result, changed)?;
        }
        Ok(Some(certificate))
    }

    async fn run_guided(&mut self, changed: &mut bool) -> Result<Option<PbxCertificate>, Error> {
        let certificate = self.key_pair(changed).await?;
        self.say(ApplyStep::CertificateFile);
        let path = self.plan.certificate_path.clone();
        let result = self
            .guarded(async {
                let Some(path) = path else {
                    return Ok((None, false, None));
                };
                let same = std::fs::read(&path).is_ok_and(|old| old == certificate.pem);
                // Written even when unchanged: a copy an older version saved readable to others
                // comes out private.
                let folder = self.env.profiles.folder_of(&path);
                atomic_file::write_in(&path, &certificate.pem, &folder)?;
                let detail = path.display().to_string();
                Ok((Some(path), !same, Some(detail)))
            })
            .await;
        let path = self.settle(ApplyStep::CertificateFile, result, changed)?;
        self.profile.certificate_path = path;
        Ok(Some(certificate))
    }

    async fn key_pair(&mut self, changed: &mut bool) -> Result<PbxCertificate, Error> {
        self.say(ApplyStep::KeyPair);
        let action = self.plan.key_action;
        let reviewed = self.plan.certificate.clone();
        let client = self.pbx.client.clone();
        let result = self
            .guarded(async {
                match (action, reviewed) {
                    (KeyAction::Reuse, Some(cert)) => {
                        let detail = format!("kept thumbprint {}", cert.info.sha1_thumbprint);
                        Ok((cert, false, Some(detail)))
                    }
                    (_, reviewed) => {
                        let before = reviewed.as_ref().map(|c| c.info.sha1_thumbprint.as_str());
                        let cert = generate_key_pair(&client, before, &self.env.retry).await?;
                        let detail = format!("generated thumbprint {}", cert.info.sha1_thumbprint);
                        Ok((cert, true, Some(detail)))
                    }
                }
            })
            .await;
        self.settle(ApplyStep::KeyPair, result, changed)
    }
}

/// The tag pbx365 gives the app it registers for a PBX tenant, by which a creation whose answer
/// was lost is found again: the PBX's address and the tenant's domain (one app per tenant).
fn creator_tag(pbx: &crate::wizard::PbxSummary) -> String {
    let host = url::Url::parse(&pbx.api_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| pbx.api_url.clone());
    let tenant = pbx
        .tenant_domain
        .as_deref()
        .or(pbx.tenant_name.as_deref())
        .unwrap_or_default();
    format!("pbx365:{host}/{tenant}").to_lowercase()
}

/// The PBX and the app still look as the review saw them; nothing is written before this.
async fn preflight(
    pbx: &PbxSession,
    microsoft: &MicrosoftContext,
    plan: &Plan,
    env: &Environment,
    ctx: &StepContext,
) -> Result<(), Error> {
    let gone = |error: portsip::Error| match error {
        portsip::Error::Network { .. }
        | portsip::Error::Tls { .. }
        | portsip::Error::Server { .. }
        | portsip::Error::SessionExpired { .. } => Error::PbxGone {
            url: pbx.client.base_url().to_string(),
            reason: crate::access::sentence(&error.to_string())
                .trim_end_matches('.')
                .to_owned(),
        },
        other => Error::Pbx(other),
    };
    let settings = pbx.client.ms365().await.map_err(gone)?;
    let now = serde_json::to_value(&settings).map_err(|e| Error::ReviewStale {
        what: StaleWhat::SettingsNotComparable {
            detail: e.to_string(),
        },
    })?;
    if now != plan.settings_before {
        return Err(Error::ReviewStale {
            what: StaleWhat::SettingsChanged,
        });
    }
    let certificate = read_certificate::<Error>(&pbx.client)
        .await
        .map_err(|e| match e {
            Error::Pbx(error) => gone(error),
            other => other,
        })?;
    let thumbprint = |c: Option<&PbxCertificate>| c.map(PbxCertificate::thumbprint);
    if thumbprint(certificate.as_ref()) != thumbprint(plan.certificate.as_ref()) {
        return Err(Error::ReviewStale {
            what: StaleWhat::KeyPairReplaced,
        });
    }
    if let (Some(graph), Some(app)) = (
        microsoft.graph(env, ctx, StepId::Apply),
        plan.app.as_ref().and_then(|a| a.existing.as_ref()),
    ) {
        let still_there = graph
            .find_application(&entra::AppLocator::ObjectId(app.id.clone()))
            .await?;
        let Some(now) = still_there else {
            return Err(Error::ReviewStale {
                what: StaleWhat::AppDeleted {
                    app_id: app.app_id.clone(),
                },
            });
        };
        // Apply sets the declared permissions to exactly the needed ones: a permission
        // declared since the review would be removed without having been shown.
        let reviewed = plan.app.as_ref().and_then(AppState::declared_roles);
        if reviewed != Some(declared_roles(&now)) {
            return Err(Error::ReviewStale {
                what: StaleWhat::PermissionsChanged {
                    app_id: app.app_id.clone(),
                },
            });
        }
    }
    Ok(())
}

/// The sign-ins go to the keyring, nothing else does.
async fn save_secrets(
    env: &Environment,
    profile: &str,
    pbx: &PbxSession,
    microsoft: &MicrosoftContext,
) -> StepResult<()> {
    sessions::save_pbx_refresh_token(env.secrets.as_ref(), profile, &pbx.client).await?;
    if let Some(password) = &pbx.password {
        env.secrets
            .set(&SecretKey::new(profile, SecretKind::PbxPassword), password)?;
    }
    if let MicrosoftContext::Auto { session, .. } = microsoft {
        let store = std::sync::Arc::new(ProfileTokenStore::new(
            std::sync::Arc::clone(&env.secrets),
            profile,
        ));
        session.persist_to(store, MICROSOFT_TOKEN_KEY).await?;
    }
    Ok(((), false, None))
}

/// `POST /ms365` when the PBX's settings differ from the profile's.
async fn configure_pbx(pbx: &PbxSession, plan: &Plan, app_id: Option<&str>) -> StepResult<()> {
    let mut desired = plan.desired.clone();
    if let Some(app_id) = app_id {
        desired.app.application_id = Some(app_id.to_owned());
    }
    let current = pbx.client.ms365().await?;
    let before = serde_json::to_value(&current).map_err(|e| Error::ReviewStale {
        what: StaleWhat::SettingsNotComparable {
            detail: e.to_string(),
        },
    })?;
    let changes = settings_changes(&before, &desired, false)?;
    if changes.is_empty() {
        return Ok(((), false, None));
    }
    pbx.client.set_ms365(&desired).await?;
    let fields: Vec<String> = changes.into_iter().filter_map(|c| c.field).collect();
    Ok(((), true, Some(format!("changed {}", fields.join(", ")))))
}
