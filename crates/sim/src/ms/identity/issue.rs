//! Minting tokens: Graph access tokens (delegated with `scp`, app-only with `roles`), ID tokens
//! and refresh tokens, and the token endpoint's success body.

use std::time::Instant;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::directory::DirectoryUser;
use crate::ms::ids::{b64url, random_token, sha256};
use crate::ms::model::ServicePrincipal;
use crate::ms::state::{RefreshGrant, State};

/// Who a delegated token is for, and what it may do.
#[derive(Debug)]
pub(crate) struct DelegatedGrant<'a> {
    pub user: &'a DirectoryUser,
    pub client_id: &'a str,
    pub scopes: &'a Scopes,
    pub nonce: Option<&'a str>,
    pub public_client: bool,
}

impl Cloud {
    fn sign(&self, claims: &Value) -> Result<String, AadError> {
        let key = self.signer().map_err(|r| AadError::server_error(&r))?;
        key.sign(claims)
            .map_err(|e| AadError::server_error(&e.to_string()))
    }

    /// The claims every token carries; `lifetime_secs` from now.
    fn base_claims(&self, audience: &str, lifetime_secs: i64) -> Map<String, Value> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut claims = Map::new();
        claims.insert("aud".into(), json!(audience));
        claims.insert("iss".into(), json!(self.issuer()));
        claims.insert("iat".into(), json!(now));
        claims.insert("nbf".into(), json!(now));
        claims.insert("exp".into(), json!(now + lifetime_secs));
        claims.insert("tid".into(), json!(self.tenant.id));
        claims.insert("uti".into(), json!(random_token(16)));
        claims
    }

    fn access_lifetime(&self) -> i64 {
        i64::try_from(self.switches().access_token_lifetime.as_secs()).unwrap_or(i64::MAX / 4)
    }

    /// Access, ID and refresh tokens for a signed-in user, as the token endpoint returns them.
    pub(crate) fn delegated_response(
        &self,
        state: &mut State,
        grant: &DelegatedGrant<'_>,
    ) -> Result<Value, AadError> {
        let lifetime = self.access_lifetime();
        let user = grant.user;
        let scp = grant.scopes.granted_text();
        let mut access = self.base_claims(self.national.graph_resource(), lifetime);
        access.insert("oid".into(), json!(user.id));
        access.insert(
            "sub".into(),
            json!(pairwise_subject(&user.id, grant.client_id)),
        );
        access.insert("appid".into(), json!(grant.client_id));
        access.insert("idtyp".into(), json!("user"));
        access.insert("ver".into(), json!("1.0"));
        access.insert("scp".into(), json!(scp));
        access.insert("upn".into(), json!(user.user_principal_name));
        access.insert("unique_name".into(), json!(user.user_principal_name));
        access.insert("name".into(), json!(user.display_name));
        access.insert("amr".into(), json!(["pwd"]));
        if let Some(given) = &user.given_name {
            access.insert("given_name".into(), json!(given));
        }
        if let Some(surname) = &user.surname {
            access.insert("family_name".into(), json!(surname));
        }
        access.insert(
            "wids".into(),
            json!(user.roles.iter().map(|r| r.template_id).collect::<Vec<_>>()),
        );
        let mut body = json!({
            "token_type": "Bearer",
            "scope": scp,
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": self.sign(&Value::Object(access))?,
        });
        if grant.scopes.has("openid") {
            body["id_token"] = json!(self.id_token(grant, lifetime)?);
        }
        if grant.scopes.has("offline_access") {
            let token = random_token(64);
            let lifetime = self.switches().refresh_token_lifetime;
            state.refresh_tokens.insert(
                token.clone(),
                RefreshGrant {
                    client_id: grant.client_id.to_owned(),
                    user_id: user.id.clone(),
                    scopes: grant.scopes.clone(),
                    public_client: grant.public_client,
                    issued: OffsetDateTime::now_utc(),
                    expires: Instant::now() + lifetime,
                    revoked: false,
                },
            );
            body["refresh_token"] = json!(token);
        }
        Ok(body)
    }

    fn id_token(&self, grant: &DelegatedGrant<'_>, lifetime: i64) -> Result<String, AadError> {
        let user = grant.user;
        let mut claims = self.base_claims(grant.client_id, lifetime);
        claims.insert("ver".into(), json!("2.0"));
        claims.insert("oid".into(), json!(user.id));
        claims.insert(
            "sub".into(),
            json!(pairwise_subject(&user.id, grant.client_id)),
        );
        claims.insert("name".into(), json!(user.display_name));
        claims.insert("preferred_username".into(), json!(user.user_principal_name));
        if grant.scopes.has("email")
            && let Some(mail) = &user.mail
        {
            claims.insert("email".into(), json!(mail));
        }
        if let Some(nonce) = grant.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        self.sign(&Value::Object(claims))
    }

    /// An app-only Graph token for a service principal holding `roles`.
    pub(crate) fn app_only_response(
        &self,
        sp: &ServicePrincipal,
        roles: &[String],
    ) -> Result<Value, AadError> {
        let lifetime = self.access_lifetime();
        let mut access = self.base_claims(self.national.graph_resource(), lifetime);
        access.insert("oid".into(), json!(sp.id));
        access.insert("sub".into(), json!(sp.id));
        access.insert("appid".into(), json!(sp.app_id));
        access.insert("app_displayname".into(), json!(sp.display_name));
        access.insert("idtyp".into(), json!("app"));
        access.insert("ver".into(), json!("1.0"));
        // Entra leaves `roles` out entirely when nothing has been granted yet.
        if !roles.is_empty() {
            access.insert("roles".into(), json!(roles));
        }
        Ok(json!({
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": self.sign(&Value::Object(access))?,
        }))
    }
}

/// `sub` differs per app for the same user, as Entra's pairwise subjects do.
pub(crate) fn pairwise_subject(user_id: &str, client_id: &str) -> String {
    b64url(&sha256(format!("{user_id}:{client_id}").as_bytes()))
}
