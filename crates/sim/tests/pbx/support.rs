//! Driving the emulated PBX with plain reqwest + JSON, and holding what it answered to the
//! OpenAPI contract.

use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use sim::{Account, Sim, SimConfig};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type TestResult = Result<(), Error>;

/// A started emulator and an HTTP client that trusts its CA.
pub struct Harness {
    pub sim: Sim,
    pub http: reqwest::Client,
}

/// One answer of the PBX.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Option<Value>,
    pub text: String,
}

impl Answer {
    /// The `code`s of a PortSIP error body.
    pub fn error_codes(&self) -> Vec<String> {
        self.errors().into_iter().map(|(code, _)| code).collect()
    }

    /// The `message`s of a PortSIP error body.
    pub fn error_messages(&self) -> Vec<String> {
        self.errors()
            .into_iter()
            .map(|(_, message)| message)
            .collect()
    }

    fn errors(&self) -> Vec<(String, String)> {
        self.json
            .as_ref()
            .and_then(|j| j.get("errors"))
            .and_then(Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let text = |f: &str| {
                            e.get(f)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned()
                        };
                        (text("code"), text("message"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The field names the validation errors start with (`field: problem`).
    pub fn error_fields(&self) -> Vec<String> {
        self.error_messages()
            .iter()
            .filter_map(|m| m.split_once(':').map(|(field, _)| field.to_owned()))
            .collect()
    }

    pub fn field(&self, pointer: &str) -> Option<&Value> {
        self.json.as_ref().and_then(|j| j.pointer(pointer))
    }

    pub fn text_at(&self, pointer: &str) -> String {
        self.field(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

/// Small populations keep the tests quick; the contract does not depend on size.
pub fn small_config() -> SimConfig {
    SimConfig {
        pbx_users: 30,
        ms_users: 40,
        auto_approve: true,
        ..SimConfig::default()
    }
}

/// Sends one request to `url`, with a bearer token and a JSON body if given.
pub async fn send(
    http: &reqwest::Client,
    method: &str,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<Answer, Error> {
    let method = reqwest::Method::from_bytes(method.as_bytes())?;
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await?;
    Ok(Answer {
        status,
        headers,
        json: serde_json::from_str(&text).ok(),
        text,
    })
}

/// `POST /login`'s body for a demo account (with its domain, if it has one).
pub fn login_body(account: &Account) -> Value {
    let mut body = json!({"username": account.username, "password": account.password});
    if let (Some(domain), Some(fields)) = (&account.domain, body.as_object_mut()) {
        fields.insert("domain".to_owned(), json!(domain));
    }
    body
}

impl Harness {
    pub async fn start(config: SimConfig) -> Result<Self, Error> {
        let sim = sim::start(config).await?;
        let mut builder = reqwest::Client::builder();
        if let Some(pem) = &sim.ca_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes())?);
        }
        Ok(Self {
            sim,
            http: builder.build()?,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sim.pbx_url)
    }

    /// Sends one request; `path` is relative to `/api` and may carry a query string.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Answer, Error> {
        send(&self.http, method, self.url(path), token, body).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Result<Answer, Error> {
        self.call("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Result<Answer, Error> {
        self.call("POST", path, Some(token), Some(body)).await
    }

    pub async fn login_answer(&self, account: &Account) -> Result<Answer, Error> {
        self.call("POST", "/login", None, Some(login_body(account)))
            .await
    }

    /// Signs in and returns the access token.
    pub async fn login(&self, account: &Account) -> Result<String, Error> {
        let answer = self.login_answer(account).await?;
        let token = answer.text_at("/access_token");
        if answer.status != 200 || token.is_empty() {
            return Err(format!(
                "login as {} failed: {} {}",
                account.username, answer.status, answer.text
            )
            .into());
        }
        Ok(token)
    }

    pub async fn admin(&self) -> Result<String, Error> {
        self.login(&self.sim.tenant.admin).await
    }
}
