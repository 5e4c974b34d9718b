//! The device authorization grant: `/{tenant}/oauth2/v2.0/devicecode`, the `{base}/devicelogin`
//! page where a person enters the code and consents, and polling at the token endpoint.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde_json::{Value, json};

use super::Params;
use super::client::Client;
use super::issue::DelegatedGrant;
use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::html::{self, ConsentForm};
use crate::ms::ids::random_token;
use crate::ms::state::{DeviceAuthorization, DeviceStatus};

const DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(900);
const USER_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Polls this much earlier than the interval still count as on time.
const POLL_TOLERANCE: Duration = Duration::from_millis(500);
const LOGIN_PATH: &str = "/devicelogin";

pub(crate) async fn device_code(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    match cloud.start_device_flow(&tenant, &Params::parse(&body)) {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn login_page() -> Response {
    html::code_entry_page(LOGIN_PATH, None).into_response()
}

pub(crate) async fn login_submit(State(cloud): State<Arc<Cloud>>, body: Bytes) -> Response {
    cloud.device_login(&Params::parse(&body))
}

fn user_code() -> String {
    let mut rng = rand::thread_rng();
    (0..9)
        .map(|_| char::from(USER_CODE_ALPHABET[rng.gen_range(0..USER_CODE_ALPHABET.len())]))
        .collect()
}

fn normalize_user_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn poll_error(error: &'static str, code: u32, message: &str) -> AadError {
    AadError::new(StatusCode::BAD_REQUEST, error, code, message)
}

impl Cloud {
    fn start_device_flow(&self, segment: &str, params: &Params) -> Result<Value, AadError> {
        let authority = self
            .tenant
            .resolve(segment)
            .map_err(|e| e.with_error("invalid_request"))?;
        let client = self.require_client(params)?;
        client.check_authority(authority)?;
        if !client.allows_public_flows() {
            return Err(AadError::invalid_client(
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            ));
        }
        let scopes = Scopes::parse(
            params.require("scope")?,
            self.national.graph_resource(),
            &self.tenant.display_name,
        )?;
        let switches = self.switches();
        let device_code = random_token(48);
        let user_code = user_code();
        let mut state = self.state();
        state.prune(time::OffsetDateTime::now_utc().unix_timestamp());
        let (status, scopes) = match (switches.auto_approve, switches.consent_refused) {
            (true, true) => (DeviceStatus::Declined, scopes),
            (true, false) => match self.directory.auto_sign_in(None) {
                Some(user) => {
                    let granted = self.grant_delegated(&mut state, &client, &user.id, &scopes);
                    (
                        DeviceStatus::Approved {
                            user_id: user.id.clone(),
                        },
                        granted,
                    )
                }
                None => (DeviceStatus::Pending, scopes),
            },
            (false, _) => (DeviceStatus::Pending, scopes),
        };
        state.devices.push(DeviceAuthorization {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            client_id: client.app_id().to_owned(),
            client_name: client.name().to_owned(),
            scopes,
            expires: Instant::now() + DEVICE_CODE_LIFETIME,
            interval: switches.device_code_interval,
            last_poll: None,
            status,
        });
        let verification_uri = format!("{}{LOGIN_PATH}", self.base_url);
        Ok(json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": DEVICE_CODE_LIFETIME.as_secs(),
            "interval": switches.device_code_interval.as_secs().max(1),
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        }))
    }

    /// The device-login page after a submit: either the code, or the code with a sign-in.
    fn device_login(&self, params: &Params) -> Response {
        let typed = normalize_user_code(params.get("otc").unwrap_or_default());
        let device = self
            .state()
            .devices
            .iter()
            .find(|d| d.user_code == typed && d.expires > Instant::now())
            .cloned();
        let Some(device) = device else {
            return html::code_entry_page(
                LOGIN_PATH,
                Some("That code didn't work. Check the code and try again."),
            )
            .into_response();
        };
        if device.status != DeviceStatus::Pending {
            return html::code_entry_page(LOGIN_PATH, Some("That code has already been used."))
                .into_response();
        }
        let Some(client) = self.find_client(&device.client_id) else {
            return html::error_page(&AadError::app_not_found(
                &device.client_id,
                &self.tenant.display_name,
            ));
        };
        let action = params.get("action");
        if action.is_none() {
            return self.device_consent_page(&device, &client, params, None);
        }
        if action != Some("accept") || self.switches().consent_refused {
            self.set_device_status(&device.device_code, DeviceStatus::Declined, None);
            return html::message_page(
                "Sign-in declined",
                "You declined to sign in on the other device. You may now close this window.",
            )
            .into_response();
        }
        let username = params.get("username").unwrap_or_default();
        match self
            .directory
            .sign_in(username, params.get("password").unwrap_or_default())
        {
            Err(refusal) => {
                let message = refusal.message(username, &self.tenant);
                self.device_consent_page(&device, &client, params, Some(message))
            }
            Ok(user) => {
                let granted = {
                    let mut state = self.state();
                    self.grant_delegated(&mut state, &client, &user.id, &device.scopes)
                };
                self.set_device_status(
                    &device.device_code,
                    DeviceStatus::Approved {
                        user_id: user.id.clone(),
                    },
                    Some(granted),
                );
                html::message_page(
                    &device.client_name,
                    &format!(
                        "You have signed in to the {} application on your device. You may now close this window.",
                        device.client_name
                    ),
                )
                .into_response()
            }
        }
    }

    fn device_consent_page(
        &self,
        device: &DeviceAuthorization,
        client: &Client,
        params: &Params,
        error: Option<String>,
    ) -> Response {
        ConsentForm {
            action: LOGIN_PATH,
            hidden: vec![("otc", device.user_code.clone())],
            org_name: &self.tenant.display_name,
            app_name: &device.client_name,
            permissions: self.describe_delegated(client, &device.scopes),
            username: params.get("username").unwrap_or_default(),
            error,
            for_organization: false,
        }
        .render()
        .into_response()
    }

    fn set_device_status(&self, device_code: &str, status: DeviceStatus, scopes: Option<Scopes>) {
        let mut state = self.state();
        if let Some(device) = state
            .devices
            .iter_mut()
            .find(|d| d.device_code == device_code)
        {
            device.status = status;
            if let Some(scopes) = scopes {
                device.scopes = scopes;
            }
        }
    }

    pub(crate) fn redeem_device_code(&self, params: &Params) -> Result<Value, AadError> {
        let client_id = params.require("client_id")?;
        let device_code = params
            .get("device_code")
            .or_else(|| params.get("code"))
            .ok_or_else(|| AadError::missing_parameter("device_code"))?;
        if params.get("client_secret").is_some() || params.get("client_assertion").is_some() {
            return Err(AadError::invalid_client(
                700025,
                "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
            ));
        }
        let mut state = self.state();
        let now = Instant::now();
        let Some(device) = state
            .devices
            .iter_mut()
            .find(|d| d.device_code == device_code && d.client_id.eq_ignore_ascii_case(client_id))
        else {
            return Err(poll_error(
                "bad_verification_code",
                70000,
                "Provided grant is invalid or malformed. The device_code is not valid for this client.",
            ));
        };
        if device.expires <= now {
            return Err(poll_error(
                "expired_token",
                70019,
                "Verification code expired.",
            ));
        }
        let previous_poll = device.last_poll.replace(now);
        match device.status.clone() {
            DeviceStatus::Pending => {
                let too_fast = previous_poll.is_some_and(|at| {
                    now.duration_since(at) < device.interval.saturating_sub(POLL_TOLERANCE)
                });
                if too_fast {
                    Err(poll_error(
                        "slow_down",
                        70016,
                        "OAuth 2.0 device flow error. Authorization is pending and the client polls faster than the interval allows. Slow down.",
                    ))
                } else {
                    Err(poll_error(
                        "authorization_pending",
                        70016,
                        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                    ))
                }
            }
            DeviceStatus::Declined => Err(poll_error(
                "authorization_declined",
                65004,
                "User declined to consent to access the app.",
            )),
            DeviceStatus::Redeemed => Err(AadError::invalid_grant(
                54005,
                "The device code was already redeemed; start a new device code flow.",
            )),
            DeviceStatus::Approved { user_id } => {
                device.status = DeviceStatus::Redeemed;
                let scopes = device.scopes.clone();
                let client_id = device.client_id.clone();
                let user = self.directory.by_id(&user_id).ok_or_else(|| {
                    poll_error("invalid_grant", 70000, "The user no longer exists.")
                })?;
                self.delegated_response(
                    &mut state,
                    &DelegatedGrant {
                        user,
                        client_id: &client_id,
                        scopes: &scopes,
                        nonce: None,
                        public_client: true,
                    },
                )
            }
        }
    }
}
