//! `/{tenant}/oauth2/v2.0/authorize`: validate the request, show the sign-in and consent page
//! (or skip it when auto-approving), then send a code or an error back to the redirect URI.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Params;
use super::client::{Client, RedirectKind, ReplyTo, redirect_mismatch};
use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::directory::DirectoryUser;
use crate::ms::html::{self, ConsentForm};
use crate::ms::ids::{new_uuid, random_token};
use crate::ms::state::AuthCode;

const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Parameters of the page itself, never carried back into the next round.
const PAGE_FIELDS: &[&str] = &["username", "password", "action"];

pub(crate) async fn show(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    cloud.authorize(&tenant, &Params::from_query(query), false)
}

pub(crate) async fn submit(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    cloud.authorize(&tenant, &Params::parse(&body), true)
}

#[derive(Debug)]
struct AuthorizeRequest {
    client: Client,
    reply: ReplyTo,
    kind: RedirectKind,
    scopes: Scopes,
    code_challenge: Option<String>,
    nonce: Option<String>,
    login_hint: Option<String>,
    prompt: Option<String>,
}

/// Before the redirect URI is trusted, errors are shown as a page; after, they go back to it.
enum Refusal {
    Page(AadError),
    Reply(Box<ReplyTo>, AadError),
}

impl Cloud {
    fn authorize(&self, tenant: &str, params: &Params, submitted: bool) -> Response {
        let request = match self.validate_authorize(tenant, params) {
            Ok(request) => request,
            Err(Refusal::Page(e)) => return html::error_page(&e),
            Err(Refusal::Reply(reply, e)) => return reply.send_error(&e),
        };
        let switches = self.switches();
        if switches.auto_approve {
            if switches.consent_refused {
                return request.reply.send_error(&AadError::consent_declined());
            }
            return match self.directory.auto_sign_in(request.login_hint.as_deref()) {
                Some(user) => self.reply_with_code(&request, user),
                None => html::error_page(&AadError::server_error(
                    "The tenant has no Global Administrator.",
                )),
            };
        }
        if !submitted {
            if request.prompt.as_deref() == Some("none") {
                return request.reply.send_error(&AadError::new(
                    StatusCode::BAD_REQUEST,
                    "login_required",
                    50058,
                    "A silent sign-in request was sent but no user is signed in.",
                ));
            }
            return self.sign_in_page(tenant, params, &request, None);
        }
        if params.get("action") != Some("accept") {
            return request.reply.send_error(&AadError::consent_declined());
        }
        let username = params.get("username").unwrap_or_default();
        match self
            .directory
            .sign_in(username, params.get("password").unwrap_or_default())
        {
            Err(refusal) => {
                let message = refusal.message(username, &self.tenant);
                self.sign_in_page(tenant, params, &request, Some(message))
            }
            Ok(_) if switches.consent_refused => {
                request.reply.send_error(&AadError::consent_declined())
            }
            Ok(user) => self.reply_with_code(&request, user),
        }
    }

    fn validate_authorize(
        &self,
        tenant: &str,
        params: &Params,
    ) -> Result<AuthorizeRequest, Refusal> {
        let authority = self.tenant.resolve(tenant).map_err(Refusal::Page)?;
        let client = self.require_client(params).map_err(Refusal::Page)?;
        let redirect_uri = params.require("redirect_uri").map_err(Refusal::Page)?;
        let kind = client
            .redirect_kind(redirect_uri)
            .ok_or_else(|| Refusal::Page(redirect_mismatch(redirect_uri, client.app_id())))?;
        client.check_authority(authority).map_err(Refusal::Page)?;
        let reply = ReplyTo::from_params(redirect_uri, params);
        let refuse = |e: AadError| Refusal::Reply(Box::new(reply.clone()), e);
        if !matches!(
            reply.response_mode.as_str(),
            "query" | "fragment" | "form_post"
        ) {
            return Err(refuse(AadError::invalid_request(
                90010,
                format!(
                    "The response_mode '{}' is not supported.",
                    reply.response_mode
                ),
            )));
        }
        match params.require("response_type").map_err(refuse)? {
            "code" => {}
            other => {
                return Err(refuse(AadError::new(
                    StatusCode::BAD_REQUEST,
                    "unsupported_response_type",
                    70005,
                    format!("response_type '{other}' is not enabled for the application."),
                )));
            }
        }
        let scopes = Scopes::parse(
            params.get("scope").unwrap_or_default(),
            self.national.graph_resource(),
            &self.tenant.display_name,
        )
        .map_err(refuse)?;
        let code_challenge = match (
            params.get("code_challenge"),
            params.get("code_challenge_method"),
        ) {
            (Some(challenge), Some("S256")) if challenge.len() == 43 => Some(challenge.to_owned()),
            (Some(_), Some("S256")) => {
                return Err(refuse(AadError::invalid_request(
                    501491,
                    "Invalid size of Code_Challenge parameter.",
                )));
            }
            (Some(_), _) => {
                return Err(refuse(AadError::invalid_request(
                    900144,
                    "The request body must contain the following parameter: 'code_challenge_method' with the value 'S256'.",
                )));
            }
            (None, _) if kind == RedirectKind::Public => {
                return Err(refuse(AadError::missing_parameter("code_challenge")));
            }
            (None, _) => None,
        };
        Ok(AuthorizeRequest {
            client,
            reply,
            kind,
            scopes,
            code_challenge,
            nonce: params.get("nonce").map(str::to_owned),
            login_hint: params.get("login_hint").map(str::to_owned),
            prompt: params.get("prompt").map(str::to_owned),
        })
    }

    fn sign_in_page(
        &self,
        tenant: &str,
        params: &Params,
        request: &AuthorizeRequest,
        error: Option<String>,
    ) -> Response {
        let action = format!("/{tenant}/oauth2/v2.0/authorize");
        let hidden = params.pairs_except(PAGE_FIELDS);
        let username = params
            .get("username")
            .or(request.login_hint.as_deref())
            .unwrap_or_default();
        let form = ConsentForm {
            action: &action,
            hidden,
            org_name: &self.tenant.display_name,
            app_name: request.client.name(),
            permissions: self.describe_delegated(&request.client, &request.scopes),
            username,
            error,
            for_organization: false,
        };
        form.render().into_response()
    }

    fn reply_with_code(&self, request: &AuthorizeRequest, user: &DirectoryUser) -> Response {
        let code = random_token(64);
        {
            let mut state = self.state();
            let scopes =
                self.grant_delegated(&mut state, &request.client, &user.id, &request.scopes);
            state.prune(time::OffsetDateTime::now_utc().unix_timestamp());
            state.codes.insert(
                code.clone(),
                AuthCode {
                    client_id: request.client.app_id().to_owned(),
                    redirect_uri: request.reply.redirect_uri.clone(),
                    user_id: user.id.clone(),
                    scopes,
                    code_challenge: request.code_challenge.clone(),
                    nonce: request.nonce.clone(),
                    public_client: request.kind == RedirectKind::Public,
                    expires: Instant::now() + CODE_LIFETIME,
                    redeemed: false,
                },
            );
        }
        request
            .reply
            .send(&[("code", &code), ("session_state", &new_uuid())])
    }
}

impl Params {
    /// Every parameter but `excluded`, sorted, to carry a request through a form.
    pub(crate) fn pairs_except<'a>(&'a self, excluded: &[&str]) -> Vec<(&'a str, String)> {
        let mut pairs: Vec<(&str, String)> = self
            .0
            .iter()
            .filter(|(k, _)| !excluded.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.sort();
        pairs
    }
}
