//! Verification of the ID token against the tenant's signing keys (JWKS).

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::discovery::Endpoints;
use crate::error::EntraError;
use crate::public_document;
use crate::response_body::BodyKind;
use crate::retry::Waiting;

/// Who signed in, from the verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The directory (tenant) ID, from `tid`.
    pub tenant_id: String,
    /// The user's object ID, from `oid`.
    pub object_id: Option<String>,
    /// Usually the UPN, from `preferred_username`.
    pub username: Option<String>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    tid: String,
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct KeySet {
    keys: Vec<serde_json::Value>,
}

pub(crate) async fn verify(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    client_id: &str,
    id_token: &str,
    waiting: Waiting<'_>,
) -> Result<Account, EntraError> {
    let context = "read Microsoft's signing keys";
    let body = public_document::get(
        http,
        &endpoints.jwks,
        BodyKind::SigningKeys,
        context,
        waiting,
    )
    .await?;
    let keys: KeySet =
        serde_json::from_slice(&body).map_err(|e| EntraError::unexpected(context, e))?;
    verify_with_keys(&keys.keys, &endpoints.issuer, client_id, id_token)
}

fn rejected(reason: impl Into<String>) -> EntraError {
    EntraError::IdToken {
        reason: reason.into(),
    }
}

/// Signature (RS256, key by `kid`), audience = our client ID, expiry, and the issuer of the
/// discovery document with `{tenantid}` replaced by the token's own `tid`.
fn verify_with_keys(
    keys: &[serde_json::Value],
    issuer_template: &str,
    client_id: &str,
    id_token: &str,
) -> Result<Account, EntraError> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|e| rejected(e.to_string()))?;
    if header.alg != Algorithm::RS256 {
        return Err(rejected(format!(
            "it is signed with {:?}, not RS256",
            header.alg
        )));
    }
    let candidates: Vec<DecodingKey> = keys
        .iter()
        .filter_map(|value| serde_json::from_value::<Jwk>(value.clone()).ok())
        .filter(|jwk| header.kid.is_none() || jwk.common.key_id == header.kid)
        .filter_map(|jwk| DecodingKey::from_jwk(&jwk).ok())
        .collect();
    if candidates.is_empty() {
        return Err(rejected("no signing key of the tenant matches it"));
    }
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    let mut last_error = None;
    for key in &candidates {
        match jsonwebtoken::decode::<Claims>(id_token, key, &validation) {
            Ok(data) => {
                let claims = data.claims;
                let expected_issuer = issuer_template.replace("{tenantid}", &claims.tid);
                if claims.iss != expected_issuer {
                    return Err(rejected(format!(
                        "issuer {:?} is not {expected_issuer:?}",
                        claims.iss
                    )));
                }
                return Ok(Account {
                    tenant_id: claims.tid,
                    object_id: claims.oid,
                    username: claims.preferred_username,
                    name: claims.name,
                });
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(rejected(last_error.map_or_else(
        || "no key verified it".to_owned(),
        |e| e.to_string(),
    )))
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{EncodingKey, Header};
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    use serde_json::json;

    use super::*;

    const CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
    const TENANT: &str = "11111111-2222-3333-4444-555555555555";
    const TEMPLATE: &str = "https://login.example/{tenantid}/v2.0";

    struct Signer {
        encoding: EncodingKey,
        jwk: serde_json::Value,
    }

    fn signer(kid: &str) -> Result<Signer, Box<dyn std::error::Error>> {
        let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
        let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)?;
        Ok(Signer {
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes())?,
            jwk: json!({
                "kty": "RSA", "use": "sig", "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
            }),
        })
    }

    fn token(
        signer: &Signer,
        kid: &str,
        claims: &serde_json::Value,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.into());
        Ok(jsonwebtoken::encode(&header, claims, &signer.encoding)?)
    }

    fn claims(iss: &str, aud: &str, exp_offset: i64) -> serde_json::Value {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        json!({
            "iss": iss, "aud": aud, "tid": TENANT, "oid": "u-1",
            "preferred_username": "admin@contoso.example", "name": "Admin",
            "iat": now, "nbf": now, "exp": now + exp_offset,
        })
    }

    #[test]
    fn checks_signature_issuer_audience_and_expiry() -> Result<(), Box<dyn std::error::Error>> {
        let good = signer("k1")?;
        let other = signer("k2")?;
        let keys = vec![good.jwk.clone(), json!({"kty": "EC", "kid": "weird"})];
        let issuer = format!("https://login.example/{TENANT}/v2.0");

        let valid = token(&good, "k1", &claims(&issuer, CLIENT, 3600))?;
        let account = verify_with_keys(&keys, TEMPLATE, CLIENT, &valid)?;
        assert_eq!(account.tenant_id, TENANT);
        assert_eq!(account.username.as_deref(), Some("admin@contoso.example"));

        let cases = [
            (
                "foreign key",
                token(&other, "k1", &claims(&issuer, CLIENT, 3600))?,
            ),
            (
                "unknown kid",
                token(&other, "k2", &claims(&issuer, CLIENT, 3600))?,
            ),
            (
                "wrong issuer",
                token(
                    &good,
                    "k1",
                    &claims("https://login.example/other/v2.0", CLIENT, 3600),
                )?,
            ),
            (
                "wrong audience",
                token(&good, "k1", &claims(&issuer, "someone-else", 3600))?,
            ),
            (
                "expired",
                token(&good, "k1", &claims(&issuer, CLIENT, -3600))?,
            ),
        ];
        for (case, token) in cases {
            let outcome = verify_with_keys(&keys, TEMPLATE, CLIENT, &token);
            assert!(
                matches!(outcome, Err(EntraError::IdToken { .. })),
                "{case} accepted"
            );
        }
        Ok(())
    }

    #[test]
    fn concrete_issuer_of_a_single_tenant_authority() -> Result<(), Box<dyn std::error::Error>> {
        let good = signer("k1")?;
        let issuer = format!("https://login.example/{TENANT}/v2.0");
        let valid = token(&good, "k1", &claims(&issuer, CLIENT, 600))?;
        assert!(verify_with_keys(std::slice::from_ref(&good.jwk), &issuer, CLIENT, &valid).is_ok());
        Ok(())
    }
}
