//! Step 1: connect to the PBX — sign in, read `/info`, `/tenant`, `/ms365` and the current
//! certificate, and insist on an administrator's role.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::retry::RetryPolicy;
use crate::access::sessions;
use crate::access::{Environment, Error};
use crate::input::{FieldError, check_domain};
use crate::pbx_certificate::{CertificateInfo, read_certificate};
use crate::pbx_versions::PbxEdition;
use crate::profile::PbxSettings;

/// The field a connect without a password blames when the saved PBX sign-in is not usable.
pub(crate) const SAVED_SIGN_IN_FIELD: &str = "password";

/// What the admin enters to connect to the PBX.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PbxLogin {
    /// e.g. `https://pbx.example.com:8887`.
    pub url: String,
    pub username: String,
    /// `None` (or empty) signs in with the PBX sign-in the profile saved in the keyring.
    pub password: Option<String>,
    /// The tenant's SIP domain.
    pub domain: Option<String>,
    /// An extra CA certificate (PEM text) to trust for the PBX's HTTPS certificate.
    pub ca_pem: Option<String>,
    pub pin_sha256: Option<String>,
    /// Keep the password in the OS keyring (otherwise only the refresh token is kept).
    pub remember_password: bool,
}

impl fmt::Debug for PbxLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PbxLogin")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("domain", &self.domain)
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<PEM>"))
            .field("pin_sha256", &self.pin_sha256)
            .field("remember_password", &self.remember_password)
            .finish()
    }
}

/// The PBX's integration settings as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CurrentIntegration {
    pub application_id: Option<String>,
    pub directory_id: Option<String>,
    pub national_cloud: Option<String>,
    pub sync_time: Option<String>,
}

/// What step 1 found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PbxSummary {
    /// The REST API base the wizard talks to.
    pub api_url: String,
    pub web_domain: Option<String>,
    pub tenant_name: Option<String>,
    pub tenant_domain: Option<String>,
    pub role: String,
    /// The tenant's time zone: the sync schedule runs in it.
    pub timezone: Option<String>,
    /// The Redirect URI(s) the app must register: `redirect_uri`, then `sbc_redirect_uri`.
    pub redirect_uris: Vec<String>,
    pub current: CurrentIntegration,
    pub certificate: Option<CertificateInfo>,
    pub certificate_valid: bool,
    /// The PortSIP version and the tenant's licence, from `GET /tenant/status`.
    pub edition: PbxEdition,
}

/// A signed-in PBX and what was read from it.
#[derive(Debug, Clone)]
pub(crate) struct PbxSession {
    pub client: portsip::Client,
    pub settings: PbxSettings,
    /// Kept in memory until apply stores it, only when the admin asked to remember it.
    pub password: Option<crate::secrets::Secret>,
    pub summary: PbxSummary,
}

fn is_admin(role: &portsip::model::Role) -> bool {
    matches!(
        role,
        portsip::model::Role::Admin | portsip::model::Role::SystemAdmin
    )
}

fn trimmed(value: Option<&String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Address, CA and pin problems belong to their form fields.
fn field_of(error: portsip::Error) -> Error {
    let field = match &error {
        portsip::Error::InvalidUrl { .. }
        | portsip::Error::InsecureUrl { .. }
        | portsip::Error::Redirected { .. } => "url",
        portsip::Error::InvalidCa { .. } => "ca_pem",
        portsip::Error::InvalidFingerprint { .. } => "pin_sha256",
        portsip::Error::BadCredentials { .. } => "password",
        _ => return Error::Pbx(error),
    };
    Error::Input(FieldError::new(field, error.to_string()))
}

/// What step 1 checks before anything is sent: the address and the user name are there, the
/// domain is a domain, and the address, the CA and the pin make a client. Returns the settings
/// to keep and that client, which tries each call within `retry`.
pub(crate) fn check_login(
    login: &PbxLogin,
    retry: &RetryPolicy,
) -> Result<(PbxSettings, portsip::Client), Error> {
    let url = login.url.trim().to_owned();
    if url.is_empty() {
        return Err(FieldError::new(
            "url",
            "Enter the PBX's address, e.g. https://pbx.example.com:8887.",
        )
        .into());
    }
    let username = login.username.trim().to_owned();
    if username.is_empty() {
        return Err(FieldError::new(
            "username",
            "Enter the PBX user name of the tenant's administrator.",
        )
        .into());
    }
    let settings = PbxSettings {
        url,
        username,
        domain: trimmed(login.domain.as_ref())
            .map(|domain| check_domain("domain", &domain))
            .transpose()?,
        ca_pem: login.ca_pem.clone().filter(|pem| !pem.trim().is_empty()),
        pin_sha256: trimmed(login.pin_sha256.as_ref()),
        remember_password: login.remember_password,
    };
    let client = sessions::pbx_client(retry, &settings, None).map_err(|e| match e {
        Error::Pbx(error) => field_of(error),
        other => other,
    })?;
    Ok((settings, client))
}

/// Step 1. `profile` is the profile's name, for the saved sign-in.
pub(crate) async fn connect(
    env: &Environment,
    profile: &crate::profile::Profile,
    login: PbxLogin,
) -> Result<PbxSession, Error> {
    let (settings, probe) = check_login(&login, &env.retry.first_contact())?;
    let password = trimmed(login.password.as_ref()).map(crate::secrets::Secret::new);

    let (client, signed_in, info) = match &password {
        Some(password) => {
            // `/info` first: it needs no sign-in, so an unreachable PBX, a wrong port or an
            // unknown tenant domain is reported as such, not as a failed sign-in.
            let info = probe.info(settings.domain.as_deref()).await?;
            let client = sessions::pbx_client(&env.retry, &settings, None)?;
            // The password stays in this session's memory (it is saved only when the admin
            // asked): a refresh whose answer is lost spends PortSIP's single-use token, and
            // the wizard then signs in again instead of losing the session mid-setup.
            let signed_in = client
                .login_with(
                    portsip::Credentials::new(
                        &settings.username,
                        password.expose(),
                        settings.domain.as_deref(),
                    ),
                    portsip::PasswordRetention::KeepInMemory,
                )
                .await
                .map_err(field_of)?;
            (client, signed_in, Some(info))
        }
        None => {
            let mut saved = profile.clone();
            saved.pbx = settings.clone();
            // A keyring that fails is its own trouble, not a sign-in to make again.
            let (client, signed_in) = sessions::resume_pbx(env, &saved).await.map_err(|error| {
                match error {
                    Error::Secret(_) => error,
                    _ => Error::Input(FieldError::new(
                        SAVED_SIGN_IN_FIELD,
                        "Enter the PBX password: no saved PBX sign-in is usable for this profile.",
                    )),
                }
            })?;
            (client, signed_in, None)
        }
    };

    let role = signed_in.role.clone().unwrap_or_default();
    if !is_admin(&role) {
        return Err(Error::PbxRole {
            username: settings.username.clone(),
            role: role.to_string(),
        });
    }
    let info = match info {
        Some(info) => info,
        None => client.info(settings.domain.as_deref()).await?,
    };
    let tenant = client.tenant().await?;
    let ms365 = client.ms365().await?;
    let certificate = read_certificate::<Error>(&client).await?;
    let edition = PbxEdition::read(&client).await?;
    let now = OffsetDateTime::now_utc();
    let summary = PbxSummary {
        api_url: client.base_url().to_string(),
        web_domain: info.web_domain.clone(),
        tenant_name: tenant.name.clone().or(info.name.clone()),
        tenant_domain: tenant.domain.clone().or(settings.domain.clone()),
        role: role.to_string(),
        timezone: tenant.timezone.clone(),
        redirect_uris: ms365
            .redirect_uris()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        current: CurrentIntegration {
            application_id: ms365.settings.app.application_id.clone(),
            directory_id: ms365.settings.app.directory_id.clone(),
            national_cloud: ms365
                .settings
                .app
                .national_cloud
                .as_ref()
                .map(ToString::to_string),
            sync_time: ms365.settings.sync_time.clone(),
        },
        certificate: certificate.as_ref().map(|c| c.info.clone()),
        certificate_valid: certificate.as_ref().is_some_and(|c| c.is_valid_at(now)),
        edition,
    };
    if summary.redirect_uris.is_empty() {
        return Err(Error::PbxNoRedirectUri);
    }
    Ok(PbxSession {
        client,
        password: if settings.remember_password {
            password
        } else {
            None
        },
        settings,
        summary,
    })
}
