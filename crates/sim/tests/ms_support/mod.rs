//! Shared helpers of the `ms_*` tests: an emulated cloud on 127.0.0.1:0, certificates, client
//! assertions and delegated sign-in, all built here on plain reqwest + jsonwebtoken so the
//! emulator is exercised on the wire and shares no code with `crates/entra`.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use serde_json::{Value, json};
use sha2::Digest;
use sim::ms::{Cloud, CloudConfig, National};
use time::OffsetDateTime;

pub type TestResult<T = ()> = Result<T, Box<dyn Error>>;

pub const GRAPH_CLI: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub const ADMIN_SCOPES: &str = "openid profile offline_access User.Read User.Read.All Application.ReadWrite.All AppRoleAssignment.ReadWrite.All";
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// An emulated cloud served on a random loopback port for one test.
pub struct TestCloud {
    pub cloud: Arc<Cloud>,
    pub base: String,
    /// Follows no redirects, so tests can read `Location`.
    pub http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestCloud {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestCloud {
    pub async fn start(users: usize, auto_approve: bool) -> TestResult<TestCloud> {
        Self::start_as(National::Global, users, auto_approve).await
    }

    /// A cloud playing `national`.
    pub async fn start_as(
        national: National,
        users: usize,
        auto_approve: bool,
    ) -> TestResult<TestCloud> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let cloud = Cloud::new(CloudConfig {
            base_url: base.clone(),
            tenant_domain: "contoso.example".to_owned(),
            users,
            seed: 7,
            auto_approve,
            ca_pem: None,
            national,
        });
        let router = cloud.router();
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                eprintln!("emulated cloud stopped: {e}");
            }
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(TestCloud {
            cloud,
            base,
            http,
            server,
        })
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.base, self.cloud.tenant_id())
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> TestResult<(u16, Value)> {
        let response = self
            .http
            .post(self.token_endpoint())
            .form(form)
            .send()
            .await?;
        Ok((response.status().as_u16(), response.json().await?))
    }

    /// GET on Graph with a bearer token.
    pub async fn graph(&self, token: &str, path_and_query: &str) -> TestResult<(u16, Value)> {
        let url = if path_and_query.starts_with("http") {
            path_and_query.to_owned()
        } else {
            format!("{}/v1.0/{path_and_query}", self.base)
        };
        let response = self.http.get(url).bearer_auth(token).send().await?;
        let status = response.status().as_u16();
        let body = response.bytes().await?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }

    /// A Graph call with a JSON body.
    pub async fn graph_send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> TestResult<(u16, Value)> {
        let response = self
            .http
            .request(method, format!("{}/v1.0/{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// Signs in with authorization code + PKCE through the auto-approved authorize endpoint
    /// and returns the token response.
    pub async fn sign_in(&self, login_hint: &str, scope: &str) -> TestResult<Value> {
        let pkce = Pkce::new();
        let redirect = "http://localhost:8400";
        let location = self
            .authorize(&[
                ("client_id", GRAPH_CLI),
                ("response_type", "code"),
                ("redirect_uri", redirect),
                ("scope", scope),
                ("state", "s1"),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
                ("login_hint", login_hint),
            ])
            .await?;
        let params = query_of(&location)?;
        let code = params
            .get("code")
            .ok_or_else(|| format!("no code in {location}"))?;
        let (status, body) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", GRAPH_CLI),
                ("code", code),
                ("redirect_uri", redirect),
                ("code_verifier", &pkce.verifier),
            ])
            .await?;
        if status != 200 {
            return Err(format!("code redemption failed: {body}").into());
        }
        Ok(body)
    }

    /// An access token of the Global Administrator with the wizard's scopes.
    pub async fn admin_token(&self) -> TestResult<String> {
        let upn = self.cloud.demo_accounts().global_admin.user_principal_name;
        access_token(&self.sign_in(&upn, ADMIN_SCOPES).await?)
    }

    /// GET authorize and return the `Location` it redirects to.
    pub async fn authorize(&self, params: &[(&str, &str)]) -> TestResult<String> {
        let url = format!(
            "{}/{}/oauth2/v2.0/authorize",
            self.base,
            self.cloud.tenant_id()
        );
        let response = self.http.get(url).query(params).send().await?;
        location(&response)
    }
}

pub fn access_token(tokens: &Value) -> TestResult<String> {
    tokens["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no access token in {tokens}").into())
}

pub fn location(response: &reqwest::Response) -> TestResult<String> {
    if response.status() != reqwest::StatusCode::FOUND {
        return Err(format!("expected a redirect, got {}", response.status()).into());
    }
    Ok(response
        .headers()
        .get(reqwest::header::LOCATION)
        .ok_or("redirect without Location")?
        .to_str()?
        .to_owned())
}

/// The query parameters of a redirect URL.
pub fn query_of(url: &str) -> TestResult<HashMap<String, String>> {
    Ok(url::Url::parse(url)?.query_pairs().into_owned().collect())
}

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> TestResult<Value> {
    let payload = jwt.split('.').nth(1).ok_or("not a JWT")?;
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?)
}

pub fn error_code(body: &Value) -> Option<u64> {
    body["error_codes"][0].as_u64()
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
        let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// A self-signed RSA certificate and its key, as the PBX would generate.
pub struct TestCert {
    pub der: Vec<u8>,
    pkcs1: Vec<u8>,
}

impl TestCert {
    pub fn new(not_before: OffsetDateTime, not_after: OffsetDateTime) -> TestResult<TestCert> {
        let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
        let pkcs8 = private.to_pkcs8_der()?;
        let key_pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &pkcs8.as_bytes().into(),
            &rcgen::PKCS_RSA_SHA256,
        )?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pbx.contoso.example");
        params.not_before = not_before;
        params.not_after = not_after;
        let der = params.self_signed(&key_pair)?.der().to_vec();
        Ok(TestCert {
            der,
            pkcs1: private.to_pkcs1_der()?.as_bytes().to_vec(),
        })
    }

    /// Valid from a day ago for a year.
    pub fn current() -> TestResult<TestCert> {
        let now = OffsetDateTime::now_utc();
        TestCert::new(
            now - time::Duration::days(1),
            now + time::Duration::days(365),
        )
    }

    pub fn base64(&self) -> String {
        STANDARD.encode(&self.der)
    }

    pub fn x5t(&self) -> String {
        URL_SAFE_NO_PAD.encode(sha1::Sha1::digest(&self.der))
    }

    pub fn x5t_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&self.der))
    }

    pub fn thumbprint_hex(&self) -> String {
        hex::encode_upper(sha1::Sha1::digest(&self.der))
    }

    /// A client assertion with `claims`, signed with `alg` and naming the certificate by `x5t`
    /// (RS256) or `x5t#S256` (PS256) unless `thumbprint` overrides the header value.
    pub fn sign(
        &self,
        alg: Algorithm,
        claims: &Value,
        thumbprint: Option<&str>,
    ) -> TestResult<String> {
        let mut header = Header::new(alg);
        match alg {
            Algorithm::PS256 => {
                header.x5t_s256 = Some(thumbprint.map_or_else(|| self.x5t_s256(), str::to_owned))
            }
            _ => header.x5t = Some(thumbprint.map_or_else(|| self.x5t(), str::to_owned)),
        }
        Ok(jsonwebtoken::encode(
            &header,
            claims,
            &EncodingKey::from_rsa_der(&self.pkcs1),
        )?)
    }
}

/// The claims of a well-formed client assertion for `client_id` at `audience`.
pub fn assertion_claims(client_id: &str, audience: &str) -> Value {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    json!({
        "aud": audience,
        "iss": client_id,
        "sub": client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now,
        "iat": now,
        "exp": now + 600,
    })
}

impl TestCloud {
    /// Client credentials with a certificate assertion.
    pub async fn client_credentials(
        &self,
        client_id: &str,
        assertion: &str,
    ) -> TestResult<(u16, Value)> {
        self.token(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", "https://graph.microsoft.com/.default"),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion),
        ])
        .await
    }

    /// An app-only access token for `client_id` signed with `cert` (RS256 + x5t).
    pub async fn app_token(&self, client_id: &str, cert: &TestCert) -> TestResult<String> {
        let assertion = cert.sign(
            Algorithm::RS256,
            &assertion_claims(client_id, &self.token_endpoint()),
            None,
        )?;
        let (status, body) = self.client_credentials(client_id, &assertion).await?;
        if status != 200 {
            return Err(format!("client credentials failed: {body}").into());
        }
        access_token(&body)
    }
}
