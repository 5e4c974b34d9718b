//! Certificate client assertions (RFC 7523 `private_key_jwt`) checked as Entra checks them:
//! the key named by `x5t` / `x5t#S256` among the app's replicated `keyCredentials`, its dates
//! against the emulated clock, the RS256 or PS256 signature, then `iss` = `sub` = client ID,
//! `aud` = the token endpoint, the lifetime, and `jti` replay.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::macros::format_description;

use super::Params;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::ids::b64url_decode;
use crate::ms::model::{Application, KeyCredential};
use crate::ms::state::State;

pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Clock skew Entra tolerates on `nbf` and `exp`.
const SKEW_SECS: i64 = 300;
/// The longest an assertion may still be valid for.
const MAX_REMAINING_SECS: i64 = 600;
const CERT_DOCS: &str = "Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .";

/// A compact JWS split into its parts; nothing verified yet.
struct Jws<'a> {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    signing_input: &'a str,
    signature: &'a str,
}

fn parse_jws(token: &str) -> Option<Jws<'_>> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, claims) = signing_input.split_once('.')?;
    let decode = |part: &str| -> Option<Map<String, Value>> {
        serde_json::from_slice::<Value>(&b64url_decode(part)?)
            .ok()?
            .as_object()
            .cloned()
    };
    Some(Jws {
        header: decode(header)?,
        claims: decode(claims)?,
        signing_input,
        signature,
    })
}

fn malformed(why: &str) -> AadError {
    AadError::invalid_client(50027, format!("JWT token is invalid or malformed. {why}"))
}

/// Which thumbprint the header names.
enum Thumbprint {
    Sha1(Vec<u8>),
    Sha256(Vec<u8>),
}

impl Thumbprint {
    fn from_header(header: &Map<String, Value>) -> Option<Thumbprint> {
        let get = |name: &str| {
            header
                .get(name)
                .and_then(Value::as_str)
                .and_then(b64url_decode)
        };
        get("x5t#S256")
            .map(Thumbprint::Sha256)
            .or_else(|| get("x5t").map(Thumbprint::Sha1))
    }

    fn matches(&self, key: &KeyCredential) -> bool {
        match self {
            Thumbprint::Sha1(t) => *t == key.thumbprint_sha1,
            Thumbprint::Sha256(t) => *t == key.thumbprint_sha256,
        }
    }

    fn hex(&self) -> String {
        match self {
            Thumbprint::Sha1(t) | Thumbprint::Sha256(t) => hex::encode_upper(t),
        }
    }
}

fn key_dates(key: &KeyCredential) -> String {
    let fmt = format_description!("[month]/[day]/[year] [hour]:[minute]:[second]");
    format!(
        "Found key 'Start={}, End={}'",
        key.start.format(fmt).unwrap_or_default(),
        key.end.format(fmt).unwrap_or_default()
    )
}

fn invalid_signature(reason: &str, thumbprint: &Thumbprint, key: &KeyCredential) -> AadError {
    AadError::invalid_client(
        700027,
        format!(
            "Client assertion contains an invalid signature. [Reason - {reason}, Thumbprint of key used by client: '{}', {}]",
            thumbprint.hex(),
            key_dates(key)
        ),
    )
}

fn key_not_found(thumbprint: Option<&Thumbprint>, app_id: &str) -> AadError {
    AadError::invalid_client(
        700027,
        format!(
            "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app_id}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/{app_id}']",
            thumbprint.map(Thumbprint::hex).unwrap_or_default()
        ),
    )
}

/// Verifies `signing_input` against the certificate's RSA public key.
fn signature_valid(
    jws: &Jws<'_>,
    algorithm: jsonwebtoken::Algorithm,
    certificate_der: &[u8],
) -> bool {
    let Ok((_, certificate)) = x509_parser::parse_x509_certificate(certificate_der) else {
        return false;
    };
    let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = certificate.public_key().parsed() else {
        return false;
    };
    let trim =
        |bytes: &[u8]| -> Vec<u8> { bytes.iter().copied().skip_while(|b| *b == 0).collect() };
    let key =
        jsonwebtoken::DecodingKey::from_rsa_raw_components(&trim(rsa.modulus), &trim(rsa.exponent));
    jsonwebtoken::crypto::verify(jws.signature, jws.signing_input.as_bytes(), &key, algorithm)
        .unwrap_or(false)
}

/// A NumericDate claim (`exp`, `nbf`, `iat`) in whole seconds, `None` when absent.
///
/// RFC 7519 §2 makes a NumericDate any JSON number of seconds, fractions allowed, and Entra
/// takes them so: MSAL Python signs `time.time()` as it is. Fractions are cut off, as
/// Microsoft's token library reads these claims into whole seconds. An absent claim is left to
/// the caller: Entra reads a missing time as the epoch, which is why its time-range error
/// shows `1970-01-01T00:00:00` for an assertion without `nbf`, and why one without `exp` is
/// outside its time range (AADSTS700024) rather than malformed. A claim that is there but not
/// a number (a string, say) makes the assertion malformed (AADSTS50027).
fn time_claim(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, AadError> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    value
        .as_i64()
        .or_else(|| {
            value
                .as_f64()
                .filter(|seconds| seconds.is_finite())
                // `as` saturates: absurd times stay absurd and fail the range check.
                .map(|seconds| seconds.trunc() as i64)
        })
        .map(Some)
        .ok_or_else(|| {
            malformed(&format!(
                "The '{name}' claim is not a NumericDate (a number of seconds since the epoch)."
            ))
        })
}

fn entra_instant(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].0000000Z"
            ))
            .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

impl Cloud {
    /// The audiences Entra accepts for this tenant: its token endpoints, by GUID or domain,
    /// v2.0 or v1.
    fn assertion_audiences(&self, segment: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .tenant
            .domains()
            .iter()
            .map(|d| d.to_string())
            .collect();
        names.push(self.tenant.id.clone());
        names.push(segment.to_ascii_lowercase());
        names
            .iter()
            .flat_map(|name| {
                [
                    format!("{}/{name}/oauth2/v2.0/token", self.base_url),
                    format!("{}/{name}/oauth2/token", self.base_url),
                ]
            })
            .collect()
    }

    /// Authenticates a confidential client by its certificate assertion and spends its `jti`.
    pub(crate) fn verify_client_assertion(
        &self,
        state: &mut State,
        app: &Application,
        params: &Params,
        segment: &str,
    ) -> Result<(), AadError> {
        let assertion_type = params.require("client_assertion_type")?;
        if assertion_type != ASSERTION_TYPE {
            return Err(AadError::invalid_request(
                50012,
                format!("Client assertion type '{assertion_type}' is not supported."),
            ));
        }
        let jws = parse_jws(params.require("client_assertion")?)
            .ok_or_else(|| malformed("The client assertion is not a signed JWT."))?;
        let algorithm = match jws.header.get("alg").and_then(Value::as_str) {
            Some("RS256") => jsonwebtoken::Algorithm::RS256,
            Some("PS256") => jsonwebtoken::Algorithm::PS256,
            other => {
                return Err(malformed(&format!(
                    "The signing algorithm '{}' is not supported; use RS256 or PS256.",
                    other.unwrap_or_default()
                )));
            }
        };
        let thumbprint = Thumbprint::from_header(&jws.header);
        let key = thumbprint
            .as_ref()
            .and_then(|t| {
                app.key_credentials
                    .iter()
                    .find(|k| k.is_replicated() && k.usage == "Verify" && t.matches(k))
            })
            .ok_or_else(|| key_not_found(thumbprint.as_ref(), &app.app_id))?;
        let Some(thumbprint) = thumbprint else {
            return Err(key_not_found(None, &app.app_id));
        };
        let cert_now = self.certificate_clock();
        if cert_now > key.end {
            return Err(invalid_signature(
                "The key used is expired.",
                &thumbprint,
                key,
            ));
        }
        if cert_now < key.start {
            return Err(invalid_signature(
                "The key used is not yet valid.",
                &thumbprint,
                key,
            ));
        }
        if !signature_valid(&jws, algorithm, &key.certificate_der) {
            return Err(invalid_signature(
                "The provided signature value did not match the expected signature value.",
                &thumbprint,
                key,
            ));
        }
        self.check_assertion_claims(state, app, &jws.claims, segment)
    }

    fn check_assertion_claims(
        &self,
        state: &mut State,
        app: &Application,
        claims: &Map<String, Value>,
        segment: &str,
    ) -> Result<(), AadError> {
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let is_client = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(&app.app_id));
        if !is_client(text("iss")) || !is_client(text("sub")) {
            return Err(AadError::invalid_client(
                700021,
                format!(
                    "Client assertion application identifier doesn't match 'client_id' parameter. {CERT_DOCS}"
                ),
            ));
        }
        let audiences = self.assertion_audiences(segment);
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => audiences.contains(&aud.to_ascii_lowercase()),
            Some(Value::Array(auds)) => auds
                .iter()
                .filter_map(Value::as_str)
                .any(|aud| audiences.contains(&aud.to_ascii_lowercase())),
            _ => false,
        };
        if !audience_ok {
            return Err(AadError::invalid_client(
                50013,
                format!(
                    "Assertion audience claim does not match the required value. The provided audience value was '{}'. The expected value is the token endpoint '{}'.",
                    claims.get("aud").map(Value::to_string).unwrap_or_default(),
                    audiences.first().cloned().unwrap_or_default()
                ),
            ));
        }
        // Every time claim present is read, used or not: a token that carries one that is no
        // number does not parse, whatever else it carries.
        let exp = time_claim(claims, "exp")?.unwrap_or(0);
        let nbf = time_claim(claims, "nbf")?;
        let iat = time_claim(claims, "iat")?;
        let valid_from = nbf.or(iat).unwrap_or(0);
        let now = OffsetDateTime::now_utc().unix_timestamp();
        if now + SKEW_SECS < valid_from
            || now - SKEW_SECS > exp
            || exp.saturating_sub(now) > MAX_REMAINING_SECS + SKEW_SECS
        {
            return Err(AadError::invalid_client(
                700024,
                format!(
                    "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. {CERT_DOCS}",
                    entra_instant(now),
                    entra_instant(valid_from),
                    entra_instant(exp)
                ),
            ));
        }
        let jti = text("jti").ok_or_else(|| malformed("The 'jti' claim is missing."))?;
        state.prune(now);
        let key = (app.app_id.clone(), jti.to_owned());
        if state.used_jtis.contains_key(&key) {
            return Err(AadError::invalid_client(
                50027,
                format!(
                    "Invalid JWT token. The client assertion with jti '{jti}' has already been used; sign a new assertion for every request."
                ),
            ));
        }
        state.used_jtis.insert(key, exp);
        Ok(())
    }
}
