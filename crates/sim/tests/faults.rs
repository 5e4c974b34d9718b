//! The fault switches on the wire, through the real servers of [`sim::start`] over HTTP and
//! HTTPS: replies dropped after the request was applied, faults aimed at the identity
//! platform or at Graph, and each endpoint's own error format.

mod ms_support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sim::{FaultScope, Sim, SimConfig};

use ms_support::{ADMIN_SCOPES, GRAPH_CLI, Pkce, TestResult, error_code, query_of};

const REDIRECT: &str = "http://localhost:8400";

/// Both emulators and a client that trusts their CA and follows no redirect.
struct World {
    sim: Sim,
    http: reqwest::Client,
}

impl World {
    async fn start(tls: bool) -> TestResult<World> {
        let sim = sim::start(SimConfig {
            tls,
            pbx_users: 10,
            ms_users: 20,
            auto_approve: true,
            ..SimConfig::default()
        })
        .await?;
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &sim.ca_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes())?);
        }
        Ok(World {
            sim,
            http: builder.build()?,
        })
    }

    fn pbx(&self, path: &str) -> String {
        format!("{}{path}", self.sim.pbx_url)
    }

    fn identity(&self, path: &str) -> String {
        format!(
            "{}/{}{path}",
            self.sim.ms_authority,
            self.sim.ms.tenant_id()
        )
    }

    fn graph(&self, path: &str) -> String {
        format!("{}/v1.0{path}", self.sim.ms_authority)
    }

    /// Signs in to the PBX as the tenant admin: (access token, refresh token).
    async fn pbx_login(&self) -> TestResult<(String, String)> {
        let admin = &self.sim.tenant.admin;
        let body =
            json!({"username": admin.username, "password": admin.password, "domain": admin.domain});
        let answer: Value = self
            .http
            .post(self.pbx("/login"))
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok((
            text(&answer, "access_token")?,
            text(&answer, "refresh_token")?,
        ))
    }

    fn create_user(&self, token: &str, n: u32) -> reqwest::RequestBuilder {
        self.http
            .post(self.pbx("/users"))
            .bearer_auth(token)
            .json(&json!({
                "name": format!("fault.user{n}"), "display_name": format!("Fault User {n}"),
                "password": "Secret-123", "email": format!("fault.user{n}@contoso.example"),
                "role": "StandardUser", "extension_number": format!("{}", 5000 + n),
                "extension_password": "ext-secret", "voicemail_pin": "123456"
            }))
    }

    /// The PBX users whose name starts with `fault.user`, as the PBX lists them.
    async fn fault_users(&self, token: &str) -> TestResult<Vec<String>> {
        let page: Value = self
            .http
            .get(self.pbx("/users?search=fault.user&top=100"))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut names: Vec<String> = page["items"]
            .as_array()
            .ok_or("no items")?
            .iter()
            .filter_map(|u| u["name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        Ok(names)
    }

    /// An authorization code of the Global Administrator (auto-approved) and its verifier.
    async fn ms_code(&self) -> TestResult<(String, String)> {
        let pkce = Pkce::new();
        let upn = self.sim.ms.demo_accounts().global_admin.user_principal_name;
        let response = self
            .http
            .get(self.identity("/oauth2/v2.0/authorize"))
            .query(&[
                ("client_id", GRAPH_CLI),
                ("response_type", "code"),
                ("redirect_uri", REDIRECT),
                ("scope", ADMIN_SCOPES),
                ("state", "s1"),
                ("code_challenge", pkce.challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("login_hint", upn.as_str()),
            ])
            .send()
            .await?;
        let location = ms_support::location(&response)?;
        let code = query_of(&location)?
            .remove("code")
            .ok_or_else(|| format!("no code in {location}"))?;
        Ok((code, pkce.verifier))
    }

    fn redeem(&self, code: &str, verifier: &str) -> reqwest::RequestBuilder {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("client_id", GRAPH_CLI),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
    }

    fn refresh(&self, refresh_token: &str) -> reqwest::RequestBuilder {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("client_id", GRAPH_CLI),
            ("refresh_token", refresh_token),
        ])
    }

    fn token_request(&self, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
        self.http
            .post(self.identity("/oauth2/v2.0/token"))
            .form(form)
    }

    /// The admin's token response (access and refresh token).
    async fn ms_sign_in(&self) -> TestResult<Value> {
        let (code, verifier) = self.ms_code().await?;
        Ok(self
            .redeem(&code, &verifier)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }
}

fn text(body: &Value, field: &str) -> TestResult<String> {
    body[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no {field} in {body}").into())
}

/// Sends the request and insists the connection was closed without any answer.
async fn assert_dropped(request: reqwest::RequestBuilder) -> TestResult {
    match request.send().await {
        Ok(response) => Err(format!("an answer came back: {}", response.status()).into()),
        Err(error) => {
            assert!(
                error.is_request() && !error.is_connect() && !error.is_timeout(),
                "not a connection dropped mid-request: {error:?}"
            );
            Ok(())
        }
    }
}

async fn json_of(response: reqwest::Response) -> TestResult<(StatusCode, Value)> {
    let status = response.status();
    Ok((status, response.json().await?))
}

#[tokio::test]
async fn a_user_created_whose_reply_is_dropped_exists_and_a_resend_is_refused() -> TestResult {
    for tls in [false, true] {
        let w = World::start(tls).await?;
        let (token, _) = w.pbx_login().await?;
        w.sim.pbx_faults.drop_reply_every(1);
        assert_dropped(w.create_user(&token, 1)).await?;
        w.sim.pbx_faults.clear();

        assert_eq!(w.fault_users(&token).await?, ["fault.user1"], "tls={tls}");
        // The client cannot tell the user was made; sending the same user again is refused
        // as a duplicate, as PortSIP refuses it.
        let (status, body) = json_of(w.create_user(&token, 1).send().await?).await?;
        assert_eq!(status, 400, "tls={tls}: {body}");
        assert_eq!(body["errors"][0]["code"], "VALIDATE_FAILED");
        assert!(
            body.to_string().contains("already exists"),
            "tls={tls}: {body}"
        );
        w.sim.shutdown().await;
    }
    Ok(())
}

#[tokio::test]
async fn a_pbx_refresh_whose_reply_is_dropped_spends_the_refresh_token() -> TestResult {
    let w = World::start(true).await?;
    let (_, refresh) = w.pbx_login().await?;
    let renew = || {
        w.http
            .post(w.pbx("/auth/refresh_token"))
            .json(&json!({"refresh_token": refresh}))
    };
    w.sim.pbx_faults.drop_reply_every(1);
    assert_dropped(renew()).await?;
    w.sim.pbx_faults.clear();
    // PortSIP's refresh tokens work once: the lost reply held the only successor.
    let (status, body) = json_of(renew().send().await?).await?;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["code"], "INVALID_REFRESH_TOKEN");
    Ok(())
}

#[tokio::test]
async fn every_nth_drop_after_apply_is_deterministic_and_yields_to_refusals() -> TestResult {
    let w = World::start(true).await?;
    let (token, _) = w.pbx_login().await?;
    w.sim.pbx_faults.drop_reply_every(3);
    w.sim.pbx_faults.fail_every(4, 503);
    let mut fates = Vec::new();
    for n in 1..=12 {
        fates.push(match w.create_user(&token, n).send().await {
            Ok(response) => response.status().as_u16().to_string(),
            Err(error) if error.is_request() => "dropped".to_owned(),
            Err(error) => return Err(error.into()),
        });
    }
    w.sim.pbx_faults.clear();
    assert_eq!(
        fates,
        [
            "201", "201", "dropped", "503", "201", "dropped", "201", "503", "dropped", "201",
            "201", "503"
        ]
    );
    // Every request but the refused ones was applied, the dropped ones included.
    let refused = [4, 8, 12];
    let mut expected: Vec<String> = (1..=12)
        .filter(|n| !refused.contains(n))
        .map(|n| format!("fault.user{n}"))
        .collect();
    expected.sort();
    assert_eq!(w.fault_users(&token).await?, expected);
    Ok(())
}

#[tokio::test]
async fn a_code_redeemed_whose_reply_is_dropped_is_spent() -> TestResult {
    let w = World::start(true).await?;
    let (code, verifier) = w.ms_code().await?;
    w.sim.ms_recorder.clear();
    w.sim.ms_faults.drop_reply_every(1);
    assert_dropped(w.redeem(&code, &verifier)).await?;
    w.sim.ms_faults.clear();

    // The emulator issued the tokens; only the reply was lost.
    let served = w.sim.ms_recorder.exchanges();
    let issued = served
        .iter()
        .find(|e| e.path.ends_with("/oauth2/v2.0/token"))
        .ok_or("the token request never reached the cloud")?;
    assert_eq!(issued.status, 200);
    assert!(
        issued
            .response_json
            .as_ref()
            .is_some_and(|j| j["refresh_token"].is_string())
    );
    // Authorization codes are single-use in Entra: the retry is refused with AADSTS54005.
    let (status, body) = json_of(w.redeem(&code, &verifier).send().await?).await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(error_code(&body), Some(54005));
    Ok(())
}

#[tokio::test]
async fn a_microsoft_refresh_whose_reply_is_dropped_leaves_the_refresh_token_usable() -> TestResult
{
    let w = World::start(false).await?;
    let refresh = text(&w.ms_sign_in().await?, "refresh_token")?;
    w.sim.ms_recorder.clear();
    w.sim.ms_faults.drop_reply_every(1);
    assert_dropped(w.refresh(&refresh)).await?;
    w.sim.ms_faults.clear();
    let lost = w
        .sim
        .ms_recorder
        .exchanges()
        .into_iter()
        .find(|e| e.path.ends_with("/oauth2/v2.0/token"))
        .ok_or("the refresh never reached the cloud")?;
    assert_eq!(lost.status, 200, "a new pair was issued");
    // Entra's refresh tokens are not single-use: the one the client still holds works.
    let (status, body) = json_of(w.refresh(&refresh).send().await?).await?;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    Ok(())
}

#[tokio::test]
async fn an_app_created_whose_reply_is_dropped_exists() -> TestResult {
    let w = World::start(true).await?;
    let access = text(&w.ms_sign_in().await?, "access_token")?;
    let before = w.sim.ms.applications().len();
    w.sim.ms_faults.drop_reply_every(1);
    assert_dropped(
        w.http
            .post(w.graph("/applications"))
            .bearer_auth(&access)
            .json(&json!({"displayName": "PortSIP PBX (fault test)"})),
    )
    .await?;
    w.sim.ms_faults.clear();
    let apps = w.sim.ms.applications();
    assert_eq!(apps.len(), before + 1);
    assert!(
        apps.iter()
            .any(|a| a.display_name == "PortSIP PBX (fault test)")
    );
    Ok(())
}

#[tokio::test]
async fn the_token_endpoint_throttles_with_retry_after_and_an_oauth_error() -> TestResult {
    let w = World::start(true).await?;
    let tokens = w.ms_sign_in().await?;
    let refresh = text(&tokens, "refresh_token")?;
    let access = text(&tokens, "access_token")?;
    let faults = &w.sim.ms_faults;
    faults.throttle_every(2, Duration::from_secs(3));
    faults.limit_to(FaultScope::Identity);

    let mut statuses = Vec::new();
    for _ in 0..2 {
        // Graph calls in between are neither faulted nor counted.
        let me = w
            .http
            .get(w.graph("/me"))
            .bearer_auth(&access)
            .send()
            .await?;
        assert_eq!(me.status(), 200);
        let response = w.refresh(&refresh).send().await?;
        statuses.push(response.status().as_u16());
        if response.status() != 429 {
            continue;
        }
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("3")
        );
        let body: Value = response.json().await?;
        assert_oauth_error(&body, "temporarily_unavailable", 90055)?;
    }
    assert_eq!(statuses, [200, 429]);

    // Discovery is an identity endpoint too.
    faults.throttle_every(1, Duration::from_secs(3));
    let discovery = w
        .http
        .get(w.identity("/v2.0/.well-known/openid-configuration"))
        .send()
        .await?;
    assert_eq!(discovery.status(), 429);
    assert_oauth_error(&discovery.json().await?, "temporarily_unavailable", 90055)?;
    Ok(())
}

#[tokio::test]
async fn identity_server_errors_carry_aadsts_codes_and_pages_stay_pages() -> TestResult {
    let w = World::start(false).await?;
    let refresh = text(&w.ms_sign_in().await?, "refresh_token")?;
    let faults = &w.sim.ms_faults;
    faults.limit_to(FaultScope::Identity);

    faults.fail_every(1, 503);
    let (status, body) = json_of(w.refresh(&refresh).send().await?).await?;
    assert_eq!(status, 503);
    assert_oauth_error(&body, "temporarily_unavailable", 90033)?;
    let device = w
        .http
        .post(w.identity("/oauth2/v2.0/devicecode"))
        .form(&[("client_id", GRAPH_CLI), ("scope", "User.Read")])
        .send()
        .await?;
    assert_eq!(device.status(), 503);
    assert_oauth_error(&device.json().await?, "temporarily_unavailable", 90033)?;

    faults.fail_every(1, 500);
    let (status, body) = json_of(w.refresh(&refresh).send().await?).await?;
    assert_eq!(status, 500);
    assert_oauth_error(&body, "server_error", 50000)?;

    // A browser page gets Entra's error page, not JSON.
    let page = w
        .http
        .get(w.identity("/oauth2/v2.0/authorize"))
        .query(&[("client_id", GRAPH_CLI)])
        .send()
        .await?;
    assert_eq!(page.status(), 500);
    let content_type = page
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(page.text().await?.contains("AADSTS50000"));
    Ok(())
}

#[tokio::test]
async fn graph_faults_are_graph_errors_and_spare_the_token_endpoint() -> TestResult {
    let w = World::start(true).await?;
    let tokens = w.ms_sign_in().await?;
    let refresh = text(&tokens, "refresh_token")?;
    let access = text(&tokens, "access_token")?;
    let faults = &w.sim.ms_faults;
    faults.limit_to(FaultScope::Graph);
    faults.throttle_every(1, Duration::from_secs(2));

    assert_eq!(w.refresh(&refresh).send().await?.status(), 200);
    let throttled = w
        .http
        .get(w.graph("/me"))
        .bearer_auth(&access)
        .header("client-request-id", "c0ffee00-0000-4000-8000-000000000001")
        .send()
        .await?;
    assert_eq!(throttled.status(), 429);
    assert_eq!(
        throttled
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    assert!(throttled.headers().contains_key("request-id"));
    let body: Value = throttled.json().await?;
    assert_eq!(body["error"]["code"], "TooManyRequests", "{body}");
    assert_eq!(
        body["error"]["innerError"]["client-request-id"],
        "c0ffee00-0000-4000-8000-000000000001"
    );

    faults.throttle_every(0, Duration::ZERO);
    faults.fail_every(1, 503);
    let (status, body) = json_of(
        w.http
            .get(w.graph("/me"))
            .bearer_auth(&access)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "serviceNotAvailable", "{body}");
    assert_eq!(w.refresh(&refresh).send().await?.status(), 200);
    Ok(())
}

#[tokio::test]
async fn unscoped_microsoft_faults_reach_both_halves_each_in_its_own_format() -> TestResult {
    let w = World::start(false).await?;
    let tokens = w.ms_sign_in().await?;
    let refresh = text(&tokens, "refresh_token")?;
    let access = text(&tokens, "access_token")?;
    w.sim.ms_faults.fail_every(1, 503);
    let (status, body) = json_of(w.refresh(&refresh).send().await?).await?;
    assert_eq!(status, 503);
    assert_oauth_error(&body, "temporarily_unavailable", 90033)?;
    let (status, body) = json_of(
        w.http
            .get(w.graph("/me"))
            .bearer_auth(&access)
            .send()
            .await?,
    )
    .await?;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "serviceNotAvailable");
    Ok(())
}

/// Entra's error body: OAuth `error`, `AADSTSnnnn:` description with its trace lines, the
/// code list and the IDs — and not Graph's `{"error":{…}}`.
fn assert_oauth_error(body: &Value, error: &str, code: u64) -> TestResult {
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(error_code(body), Some(code), "{body}");
    let description = body["error_description"].as_str().ok_or("no description")?;
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(description.contains("\r\nTrace ID: "), "{description}");
    for field in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[field].is_string(), "no {field} in {body}");
    }
    Ok(())
}
