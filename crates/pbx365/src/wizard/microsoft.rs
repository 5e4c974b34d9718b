//! Step 2: the Microsoft account. Automatic mode signs the admin in (browser with PKCE and a
//! loopback redirect, a device code, or the sign-in saved in the keyring) and reads the tenant
//! and the admin's roles; guided mode checks the pasted IDs and that the tenant exists.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::from_sign_in;
use crate::access::sessions::{self, MICROSOFT_TOKEN_KEY, ProfileTokenStore};
use crate::access::{Environment, Error, GroupAccess};
use crate::input::{FieldError, GuidField, check_guid};
use crate::profile::{CloudChoice, Mode};
use crate::progress::{DeviceCodeInfo, ProgressEvent, ProgressText, StepContext, StepId};
use crate::wizard::pbx::PbxSession;
use crate::wizard::warning::WizardWarning;

/// How the admin signs in to Microsoft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SignInMethod {
    /// The system browser, answering on a loopback address.
    #[default]
    Browser,
    /// A code typed at microsoft.com/devicelogin (machines without a browser).
    DeviceCode,
    /// The sign-in this profile saved in the keyring.
    Saved,
}

/// Automatic mode's input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct MicrosoftSignIn {
    pub cloud: CloudChoice,
    /// The public client to sign in with; Microsoft Graph Command Line Tools when unset.
    pub client_id: Option<String>,
    pub method: SignInMethod,
    /// Preselects the account on Microsoft's page.
    pub login_hint: Option<String>,
}

/// Guided mode's input: the IDs copied from the Entra admin center.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GuidedIds {
    pub cloud: CloudChoice,
    /// The Directory (tenant) ID.
    pub tenant_id: String,
    /// The Application (client) ID of the app registration made by hand.
    pub app_id: String,
}

/// What step 2 found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct MicrosoftSummary {
    pub mode: Mode,
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    /// The default domain first.
    pub verified_domains: Vec<String>,
    /// Who signed in (automatic mode).
    pub account: Option<String>,
    /// The admin's directory roles (automatic mode).
    pub roles: Vec<String>,
    /// Whether the admin can grant Graph application permissions (automatic mode).
    pub can_grant_permissions: Option<bool>,
    /// The app registration's client ID (guided mode).
    pub app_id: Option<String>,
    /// Things to know before going on, e.g. that the admin cannot grant permissions.
    pub warnings: Vec<WizardWarning>,
}

/// The Microsoft side of a wizard run.
#[derive(Debug, Clone)]
pub(crate) enum MicrosoftContext {
    Auto {
        cloud: CloudChoice,
        client_id: Option<String>,
        session: entra::Session,
        summary: MicrosoftSummary,
    },
    Guided {
        cloud: CloudChoice,
        summary: MicrosoftSummary,
    },
}

impl MicrosoftContext {
    pub fn summary(&self) -> &MicrosoftSummary {
        match self {
            MicrosoftContext::Auto { summary, .. } | MicrosoftContext::Guided { summary, .. } => {
                summary
            }
        }
    }

    pub fn cloud(&self) -> &CloudChoice {
        match self {
            MicrosoftContext::Auto { cloud, .. } | MicrosoftContext::Guided { cloud, .. } => cloud,
        }
    }

    pub fn mode(&self) -> Mode {
        self.summary().mode
    }

    /// A Graph client reporting its waits as `step`'s progress (automatic mode only).
    pub fn graph(
        &self,
        env: &Environment,
        ctx: &StepContext,
        step: StepId,
    ) -> Option<entra::GraphClient> {
        match self {
            MicrosoftContext::Auto { session, .. } => Some(
                entra::GraphClient::new(session.clone())
                    .with_retry_policy(env.retry.microsoft())
                    .with_progress(ctx.entra_progress(step)),
            ),
            MicrosoftContext::Guided { .. } => None,
        }
    }
}

fn client_id(input: Option<&String>) -> Result<Option<String>, Error> {
    input
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|id| check_guid(GuidField::ClientId, id))
        .transpose()
        .map_err(Error::from)
}

/// What automatic mode checks before anything is sent: the cloud, and the client to sign in
/// with.
pub(crate) fn check_sign_in(
    input: &MicrosoftSignIn,
) -> Result<(entra::Cloud, Option<String>), Error> {
    Ok((
        sessions::entra_cloud(&input.cloud)?,
        client_id(input.client_id.as_ref())?,
    ))
}

/// What guided mode checks before anything is sent: the two IDs as typed (returned in lower
/// case), that they differ, and the cloud.
pub(crate) fn check_guided_ids(input: &GuidedIds) -> Result<(String, String, entra::Cloud), Error> {
    let tenant_id = check_guid(GuidField::TenantId, &input.tenant_id)?;
    let app_id = check_guid(GuidField::AppId, &input.app_id)?;
    if tenant_id == app_id {
        return Err(FieldError::new(
            "app_id",
            "The Application (client) ID is the same as the Directory (tenant) ID. Both are on the \
             app registration's Overview page: copy the one labelled Application (client) ID.",
        )
        .into());
    }
    Ok((tenant_id, app_id, sessions::entra_cloud(&input.cloud)?))
}

/// Automatic mode.
pub(crate) async fn sign_in(
    env: &Environment,
    profile: &crate::profile::Profile,
    pbx: &PbxSession,
    input: MicrosoftSignIn,
    ctx: &StepContext,
) -> Result<MicrosoftContext, Error> {
    let (cloud, client) = check_sign_in(&input)?;
    let login_hint = input
        .login_hint
        .as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let step = StepId::Microsoft;
    // Only the tenant and the group access differ between the methods.
    let authenticator_for = |tenant: String, groups: GroupAccess| {
        let options = env.sign_in_options(tenant, client.clone(), login_hint, groups);
        entra::Authenticator::with_policy(cloud, options, env.retry.microsoft())
    };
    let session = match input.method {
        SignInMethod::Saved => {
            let tenant = profile.microsoft.tenant_id.clone().ok_or_else(|| {
                FieldError::new(
                    "method",
                    "This profile has no saved Microsoft sign-in yet; sign in with the browser.",
                )
            })?;
            let authenticator = authenticator_for(tenant, GroupAccess::renewing(profile)).await?;
            let store: Arc<dyn entra::TokenStore> = Arc::new(ProfileTokenStore::new(
                Arc::clone(&env.secrets),
                &profile.name,
            ));
            ctx.report(step, ProgressText::ResumingMicrosoftSignIn);
            // `resume` keeps the sign-in saved as it renews it; that is the same keyring entry
            // apply would write, so nothing new is written here.
            authenticator
                .resume(store, MICROSOFT_TOKEN_KEY)
                .await
                .map_err(from_sign_in)?
        }
        SignInMethod::Browser => {
            let authenticator =
                authenticator_for("organizations".to_owned(), GroupAccess::Asked).await?;
            ctx.waiting(step, ProgressText::WaitingForBrowserSignIn);
            authenticator
                .sign_in_with_browser(env.browser.as_ref())
                .await
                .map_err(from_sign_in)?
        }
        SignInMethod::DeviceCode => {
            let authenticator =
                authenticator_for("organizations".to_owned(), GroupAccess::Asked).await?;
            let shown = ctx.clone();
            authenticator
                .sign_in_with_device_code(move |prompt| {
                    let text = ProgressText::EnterDeviceCode {
                        verification_uri: prompt.verification_uri.clone(),
                        user_code: prompt.user_code.clone(),
                    };
                    shown.emit(ProgressEvent {
                        waiting: true,
                        device_code: Some(DeviceCodeInfo {
                            user_code: prompt.user_code.clone(),
                            verification_uri: prompt.verification_uri.clone(),
                            expires_in_seconds: prompt.expires_in.as_secs(),
                        }),
                        ..ProgressEvent::new(step, text)
                    });
                })
                .await
                .map_err(from_sign_in)?
        }
    };
    ctx.report(step, ProgressText::ReadingTenant);
    let graph = entra::GraphClient::new(session.clone())
        .with_retry_policy(env.retry.microsoft())
        .with_progress(ctx.entra_progress(step));
    let organization = graph.organization().await?;
    let me = graph.me().await?;
    let roles = graph.my_directory_roles().await?;
    let can_grant = entra::can_grant_application_permissions(&roles);
    let account = me
        .user_principal_name
        .clone()
        .or(me.mail.clone())
        .or(session.account().username.clone());
    // The default domain first: it is the one screens name the tenant by.
    let mut domains: Vec<&entra::VerifiedDomain> = organization.verified_domains.iter().collect();
    domains.sort_by_key(|d| !d.is_default);
    let verified_domains: Vec<String> = domains.iter().map(|d| d.name.clone()).collect();
    let mut warnings = Vec::new();
    if !can_grant {
        warnings.push(WizardWarning::CannotGrant {
            account: account.clone(),
        });
    }
    warnings.extend(tenant_warnings(pbx, &organization.id, &verified_domains));
    Ok(MicrosoftContext::Auto {
        cloud: input.cloud,
        client_id: client,
        session,
        summary: MicrosoftSummary {
            mode: Mode::Auto,
            tenant_id: organization.id,
            tenant_name: organization.display_name,
            verified_domains,
            account,
            roles: roles
                .iter()
                .map(|r| {
                    r.display_name
                        .clone()
                        .unwrap_or_else(|| r.role_template_id.clone())
                })
                .collect(),
            can_grant_permissions: Some(can_grant),
            app_id: None,
            warnings,
        },
    })
}

/// Hints that the admin may be in the wrong tenant.
fn tenant_warnings(
    pbx: &PbxSession,
    tenant_id: &str,
    verified_domains: &[String],
) -> Vec<WizardWarning> {
    let mut warnings = Vec::new();
    if let Some(current) = pbx
        .summary
        .current
        .directory_id
        .as_deref()
        .filter(|d| !d.is_empty() && !d.eq_ignore_ascii_case(tenant_id))
    {
        warnings.push(WizardWarning::DirectorySwitch {
            current: current.to_owned(),
            tenant_id: tenant_id.to_owned(),
        });
    }
    if let Some(domain) = pbx.summary.tenant_domain.as_deref() {
        let verified = verified_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain));
        if !verified {
            warnings.push(WizardWarning::DomainNotVerified {
                domain: domain.to_owned(),
            });
        }
    }
    warnings
}

/// Guided mode.
pub(crate) async fn guided(
    env: &Environment,
    pbx: &PbxSession,
    input: GuidedIds,
    ctx: &StepContext,
) -> Result<MicrosoftContext, Error> {
    let (tenant_id, app_id, cloud) = check_guided_ids(&input)?;
    ctx.report(StepId::Microsoft, ProgressText::CheckingTenantExists);
    // Discovery needs no sign-in and fails with AADSTS90002 for an unknown tenant.
    let options = env.sign_in_options(tenant_id.clone(), None, None, GroupAccess::NotAsked);
    if let Err(error) =
        entra::Authenticator::with_policy(cloud.clone(), options, env.retry.microsoft()).await
    {
        return Err(match error.aadsts_code() {
            Some(90002) => FieldError::new(
                "tenant_id",
                format!(
                    "No Microsoft tenant has the Directory (tenant) ID {tenant_id} in the {cloud} cloud. \
                     Copy it again from the app registration's Overview page, or choose the other cloud."
                ),
            )
            .into(),
            _ => error.into(),
        });
    }
    Ok(MicrosoftContext::Guided {
        cloud: input.cloud,
        summary: MicrosoftSummary {
            mode: Mode::Guided,
            warnings: tenant_warnings(pbx, &tenant_id, &[])
                .into_iter()
                .filter(|w| matches!(w, WizardWarning::DirectorySwitch { .. }))
                .collect(),
            tenant_id,
            tenant_name: None,
            verified_domains: Vec::new(),
            account: None,
            roles: Vec::new(),
            can_grant_permissions: None,
            app_id: Some(app_id),
        },
    })
}
