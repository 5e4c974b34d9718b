//! The client against the emulated Microsoft cloud (`crates/sim`), over HTTPS with the
//! emulator's CA trusted explicitly.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entra::{
    AppLocator, AppRegistration, Authenticator, BrowserOpener, CertificateKey, Cloud,
    DeviceCodePrompt, EntraError, GROUP_MEMBERSHIP_PERMISSION, GraphClient, HttpOptions,
    IdentityError, MemoryTokenStore, Progress, ProgressFn, RetryPolicy, SETUP_PERMISSIONS, Session,
    SignInOptions, TokenStore, USER_SYNC_PERMISSION,
};
use futures::TryStreamExt;
use reqwest::header::LOCATION;
use sha1::{Digest, Sha1};
use url::Url;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PBX_REDIRECTS: [&str; 2] = [
    "https://pbx.contoso.example/api/ms365/callback",
    "https://sbc.contoso.example/api/ms365/callback",
];

/// Plays the browser: follows the redirects of the sign-in page (auto-approve is on) to the
/// loopback listener. With `forge_state`, it replaces `state` on the way back, as an attacker's
/// page would.
struct FollowRedirects {
    client: reqwest::Client,
    forge_state: bool,
}

impl BrowserOpener for FollowRedirects {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        let client = self.client.clone();
        let url = url.clone();
        let forge_state = self.forge_state;
        tokio::spawn(async move {
            if let Err(error) = follow(&client, url, forge_state).await {
                eprintln!("test browser: {error}");
            }
        });
        Ok(())
    }
}

async fn follow(
    client: &reqwest::Client,
    mut url: Url,
    forge_state: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..10 {
        let response = client.get(url.clone()).send().await?;
        let Some(location) = response.headers().get(LOCATION) else {
            return Ok(());
        };
        let mut next = url.join(location.to_str()?)?;
        if forge_state && next.host_str() == Some("localhost") {
            let pairs: Vec<(String, String)> = next
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "state" { "forged".into() } else { v };
                    (k.into_owned(), v.into_owned())
                })
                .collect();
            next.query_pairs_mut().clear().extend_pairs(pairs);
        }
        url = next;
    }
    Err("too many redirects".into())
}

// The same tap the pbx365 end-to-end worlds use: every Graph call of a test is held to
// Microsoft's Graph v1.0 metadata when its world is dropped.
#[path = "../../pbx365/tests/graph_contract_support/mod.rs"]
mod graph_contract_support;

struct World {
    sim: sim::Sim,
    _graph_contract: graph_contract_support::GraphContractTap,
    cloud: Cloud,
    options: SignInOptions,
    browser: FollowRedirects,
    http: reqwest::Client,
}

async fn world() -> Result<World, Box<dyn std::error::Error>> {
    let sim = sim::start(sim::SimConfig {
        tls: true,
        auto_approve: true,
        ms_users: 40,
        ..sim::SimConfig::default()
    })
    .await?;
    let graph_contract = graph_contract_support::GraphContractTap::install(&sim.ms_recorder);
    let ca_pem = sim.ca_pem.clone().ok_or("the emulator has no CA")?;
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes())?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut permissions: Vec<String> = SETUP_PERMISSIONS.iter().map(|p| (*p).to_owned()).collect();
    permissions.push(USER_SYNC_PERMISSION.to_owned());
    let options = SignInOptions {
        graph_permissions: permissions,
        http: HttpOptions {
            extra_ca_pem: Some(ca_pem),
            ..HttpOptions::default()
        },
        browser_timeout: Duration::from_secs(30),
        ..SignInOptions::default()
    };
    Ok(World {
        cloud: Cloud::custom(&sim.ms_authority)?,
        browser: FollowRedirects {
            client: http.clone(),
            forge_state: false,
        },
        sim,
        _graph_contract: graph_contract,
        options,
        http,
    })
}

impl World {
    async fn authenticator(&self) -> Result<Authenticator, EntraError> {
        Authenticator::new(self.cloud.clone(), self.options.clone()).await
    }

    async fn sign_in(&self) -> Result<Session, EntraError> {
        self.authenticator()
            .await?
            .sign_in_with_browser(&self.browser)
            .await
    }

    /// App-only tokens need the tenant's own token endpoint (not `organizations`), as the PBX
    /// uses it.
    fn tenant_token_endpoint(&self, session: &Session) -> Result<Url, url::ParseError> {
        Url::parse(&format!(
            "{}/{}/oauth2/v2.0/token",
            self.sim.ms_authority,
            session.account().tenant_id
        ))
    }
}

/// Collects progress reports as text.
fn recorder() -> (ProgressFn, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let progress: ProgressFn = Arc::new(move |p: &Progress| {
        if let Ok(mut seen) = sink.lock() {
            seen.push(p.to_string());
        }
    });
    (progress, seen)
}

fn reports(seen: &Mutex<Vec<String>>) -> Vec<String> {
    seen.lock().map(|s| s.clone()).unwrap_or_default()
}

fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        throttle_budget: Duration::from_secs(20),
        unreachable_budget: Duration::from_secs(1),
        throttle_base: Duration::from_millis(50),
        replication_base: Duration::from_millis(100),
        replication_cap: Duration::from_millis(800),
        replication_budget: Duration::from_secs(30),
    }
}

/// An RSA certificate the way the PBX makes one, with its private key (PKCS#8 PEM) for
/// signing client assertions.
fn pbx_certificate(name: &str) -> Result<(CertificateKey, String), Box<dyn std::error::Error>> {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
    let pem = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)?.to_string();
    let pair = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256)?;
    let certificate = rcgen::CertificateParams::new(vec![name.to_owned()])?.self_signed(&pair)?;
    Ok((CertificateKey::from_pem(&certificate.pem())?, pem))
}

/// What the PBX does with its key: client credentials with an RS256 assertion carrying `x5t`.
/// Entra's refusal comes back as the typed error, so its AADSTS code can be checked.
async fn pbx_token(
    http: &reqwest::Client,
    token_endpoint: &Url,
    client_id: &str,
    certificate: &CertificateKey,
    key_pem: &str,
) -> Result<serde_json::Value, EntraError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.x5t = Some(URL_SAFE_NO_PAD.encode(Sha1::digest(certificate.der())));
    let claims = serde_json::json!({
        "aud": token_endpoint.as_str(), "iss": client_id, "sub": client_id,
        "jti": format!("{now}-{}", rand::random::<u64>()), "nbf": now, "iat": now, "exp": now + 300,
    });
    let signing_error = |e: jsonwebtoken::errors::Error| EntraError::Certificate {
        reason: e.to_string(),
    };
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(key_pem.as_bytes()).map_err(signing_error)?;
    let assertion = jsonwebtoken::encode(&header, &claims, &key).map_err(signing_error)?;
    let network = |source| EntraError::Network {
        context: "get an app-only token".into(),
        source,
    };
    let response = http
        .post(token_endpoint.clone())
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", "https://graph.microsoft.com/.default"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .map_err(network)?;
    let status = response.status();
    let body = response.text().await.map_err(network)?;
    if !status.is_success() {
        return Err(EntraError::Identity {
            context: "get an app-only token".into(),
            error: Box::new(IdentityError::parse(status.as_u16(), &body)),
        });
    }
    serde_json::from_str(&body).map_err(|e| EntraError::UnexpectedResponse {
        context: "get an app-only token".into(),
        reason: e.to_string(),
    })
}

/// The claims of a JWT, unverified (the test only reads what the emulator put in).
fn jwt_claims(token: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let payload = token.split('.').nth(1).ok_or("not a JWT")?;
    Ok(serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?)
}

fn spec(graph_app_role_ids: Vec<String>) -> AppRegistration {
    AppRegistration {
        display_name: "PortSIP PBX (contoso.example)".into(),
        web_redirect_uris: PBX_REDIRECTS.iter().map(|u| (*u).to_owned()).collect(),
        graph_app_role_ids,
        creator_tag: None,
    }
}

#[tokio::test]
async fn browser_sign_in_then_automatic_registration_is_idempotent() -> TestResult {
    let world = world().await?;
    let session = world.sign_in().await?;
    let graph = GraphClient::new(session.clone()).with_retry_policy(fast_policy());

    let organization = graph.organization().await?;
    assert_eq!(organization.id, session.account().tenant_id);
    assert!(
        organization
            .verified_domains
            .iter()
            .any(|d| d.name == "contoso.example")
    );
    let me = graph.me().await?;
    assert_eq!(Some(me.id.as_str()), session.account().object_id.as_deref());
    assert!(entra::can_grant_application_permissions(
        &graph.my_directory_roles().await?
    ));

    let graph_sp = graph.graph_service_principal().await?;
    let role_ids = entra::resolve_app_role_ids(&graph_sp, &["User.Read.All", "Contacts.Read"])?;
    assert_eq!(role_ids[0], "df021288-bdef-4463-88db-98f22de89214");
    let spec = spec(role_ids.clone());

    let first = graph.ensure_application(&spec, None).await?;
    assert!(first.created);
    let app = first.application;
    let (earlier, _) = pbx_certificate("earlier.contoso.example")?;
    assert!(
        graph
            .add_certificate(&app.id, &earlier, "a key that was there before")
            .await?
    );
    let (pbx, _) = pbx_certificate("pbx.contoso.example")?;
    assert!(graph.add_certificate(&app.id, &pbx, "PortSIP PBX").await?);
    let sp = graph.ensure_service_principal(&app.app_id).await?;
    assert!(sp.created);
    let grants = graph
        .grant_app_roles(&sp.service_principal.id, &graph_sp, &role_ids)
        .await?;
    assert_eq!(grants.granted, role_ids);

    // The whole run again, as after a restart of the wizard: nothing new, nothing lost.
    let again = graph
        .ensure_application(&spec, Some(&AppLocator::ObjectId(app.id.clone())))
        .await?;
    assert!(!again.created && !again.repaired);
    assert_eq!(again.application.id, app.id);
    let by_app_id = graph
        .find_application(&AppLocator::AppId(app.app_id.clone()))
        .await?;
    assert_eq!(by_app_id.map(|a| a.id), Some(app.id.clone()));
    assert!(!graph.add_certificate(&app.id, &pbx, "PortSIP PBX").await?);
    let thumbprints: Vec<_> = graph
        .key_credentials(&app.id)
        .await?
        .iter()
        .map(|k| k.thumbprint())
        .collect();
    assert_eq!(
        thumbprints,
        [Some(earlier.thumbprint()), Some(pbx.thumbprint())]
    );
    let sp_again = graph.ensure_service_principal(&app.app_id).await?;
    assert!(!sp_again.created);
    assert_eq!(sp_again.service_principal.id, sp.service_principal.id);
    let grants = graph
        .grant_app_roles(&sp.service_principal.id, &graph_sp, &role_ids)
        .await?;
    assert!(grants.granted.is_empty());
    assert_eq!(grants.already_granted, role_ids);
    let held = graph.granted_app_roles(&sp.service_principal.id).await?;
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|a| a.resource_id == graph_sp.id));
    let ms = &world.sim.ms;
    assert_eq!(ms.applications().len(), 1, "a second app was created");
    let ours = ms
        .service_principals()
        .into_iter()
        .filter(|sp| sp.app_id == app.app_id)
        .count();
    assert_eq!(ours, 1, "a second service principal was created");
    assert_eq!(
        ms.granted_graph_permissions(&app.app_id),
        ["Contacts.Read", "User.Read.All"]
    );
    assert_eq!(ms.key_credentials(&app.app_id).len(), 2);

    // Redirect URIs and keys are changed only when they differ.
    let uris: Vec<String> = PBX_REDIRECTS.iter().map(|u| (*u).to_owned()).collect();
    assert!(!graph.set_redirect_uris(&app.id, &uris).await?);
    assert!(graph.set_redirect_uris(&app.id, &uris[..1]).await?);
    let repaired = graph
        .ensure_application(&spec, Some(&AppLocator::AppId(app.app_id.clone())))
        .await?;
    assert!(repaired.repaired && !repaired.created);
    assert!(
        graph
            .remove_certificate(&app.id, earlier.thumbprint())
            .await?
    );
    assert!(
        !graph
            .remove_certificate(&app.id, earlier.thumbprint())
            .await?
    );
    let left: Vec<_> = graph
        .key_credentials(&app.id)
        .await?
        .iter()
        .map(|k| k.thumbprint())
        .collect();
    assert_eq!(left, [Some(pbx.thumbprint())]);

    // The admin-consent URL is one Entra understands.
    let consent = entra::admin_consent_url(
        &world.cloud,
        &organization.id,
        &app.app_id,
        PBX_REDIRECTS[0],
        "st-1",
    )?;
    let response = world.http.get(consent).send().await?;
    let location = response
        .headers()
        .get(LOCATION)
        .ok_or("no redirect from admin consent")?
        .to_str()?;
    assert!(location.starts_with(PBX_REDIRECTS[0]), "{location}");
    assert!(location.contains("admin_consent=True"), "{location}");
    assert!(location.contains("state=st-1"), "{location}");
    Ok(())
}

#[tokio::test]
async fn users_are_streamed_page_by_page_with_select() -> TestResult {
    let world = world().await?;
    let graph = GraphClient::new(world.sign_in().await?);
    let users: Vec<entra::User> = graph
        .users(&["id", "displayName", "accountEnabled"], 7)
        .try_collect()
        .await?;
    assert!(users.len() > 40, "only {} users", users.len());
    let mut ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), users.len(), "a page was read twice");
    assert!(
        users
            .iter()
            .all(|u| u.mail.is_none() && u.user_principal_name.is_none()),
        "$select ignored"
    );
    assert!(users.iter().any(|u| u.account_enabled == Some(false)));
    Ok(())
}

#[tokio::test]
async fn device_code_sign_in() -> TestResult {
    let world = world().await?;
    world
        .sim
        .ms
        .set_device_code_interval(Duration::from_secs(1));
    let shown: Arc<Mutex<Option<DeviceCodePrompt>>> = Arc::default();
    let sink = Arc::clone(&shown);
    let session = world
        .authenticator()
        .await?
        .sign_in_with_device_code(move |prompt| {
            if let Ok(mut shown) = sink.lock() {
                *shown = Some(prompt.clone());
            }
        })
        .await?;
    let prompt = shown
        .lock()
        .map(|p| p.clone())
        .unwrap_or_default()
        .ok_or("no prompt shown")?;
    assert!(!prompt.user_code.is_empty());
    assert!(prompt.verification_uri.starts_with(&world.sim.ms_authority));
    let organization = GraphClient::new(session.clone()).organization().await?;
    assert_eq!(organization.id, session.account().tenant_id);
    Ok(())
}

#[tokio::test]
async fn device_code_sign_in_on_the_login_page() -> TestResult {
    let world = world().await?;
    world.sim.ms.set_auto_approve(false);
    world
        .sim
        .ms
        .set_device_code_interval(Duration::from_secs(1));
    let admin = world.sim.ms.demo_accounts().global_admin;
    let (http, entered) = (world.http.clone(), Arc::new(Mutex::new(None)));
    let entered_by_test = Arc::clone(&entered);
    let session = world
        .authenticator()
        .await?
        .sign_in_with_device_code(move |prompt| {
            let prompt = prompt.clone();
            let typing = tokio::spawn(async move {
                // What the admin does on another device: open the page, type the code, sign in.
                let form = [
                    ("otc", prompt.user_code.as_str()),
                    ("action", "accept"),
                    ("username", admin.user_principal_name.as_str()),
                    ("password", admin.password.as_str()),
                ];
                http.post(&prompt.verification_uri)
                    .form(&form)
                    .send()
                    .await?
                    .error_for_status()?
                    .text()
                    .await
            });
            if let Ok(mut entered) = entered_by_test.lock() {
                *entered = Some(typing);
            }
        })
        .await?;
    let typing = entered
        .lock()
        .map(|mut e| e.take())
        .unwrap_or_default()
        .ok_or("no prompt shown")?;
    assert!(typing.await??.contains("You have signed in"));
    assert_eq!(
        session.account().username.as_deref(),
        Some(
            world
                .sim
                .ms
                .demo_accounts()
                .global_admin
                .user_principal_name
                .as_str()
        )
    );
    Ok(())
}

#[tokio::test]
async fn admin_without_the_grant_role_is_recognised() -> TestResult {
    let world = world().await?;
    let user_admin = world.sim.ms.demo_accounts().user_admin;
    let options = SignInOptions {
        login_hint: Some(user_admin.user_principal_name.clone()),
        ..world.options.clone()
    };
    let session = Authenticator::new(world.cloud.clone(), options)
        .await?
        .sign_in_with_browser(&world.browser)
        .await?;
    assert_eq!(
        session.account().username.as_deref(),
        Some(user_admin.user_principal_name.as_str())
    );
    let roles = GraphClient::new(session).my_directory_roles().await?;
    assert!(!roles.is_empty(), "the User Administrator role is missing");
    assert!(!entra::can_grant_application_permissions(&roles));
    Ok(())
}

#[tokio::test]
async fn consent_refused_is_explained() -> TestResult {
    let world = world().await?;
    world.sim.ms.set_consent_refused(true);
    world
        .sim
        .ms
        .set_device_code_interval(Duration::from_secs(1));
    let auth = world.authenticator().await?;

    let refused = auth.sign_in_with_browser(&world.browser).await;
    let error = refused.err().ok_or("the browser sign-in passed")?;
    assert_eq!(error.aadsts_code(), Some(65004), "{error}");
    assert!(error.to_string().contains("declined"), "{error}");

    // Entra ends the device flow with `authorization_declined` carrying AADSTS65004; the
    // code is kept so the admin sees the same explanation as on the browser path.
    let refused = auth.sign_in_with_device_code(|_| {}).await;
    let error = refused.err().ok_or("the device code sign-in passed")?;
    let EntraError::Identity { error: refusal, .. } = &error else {
        return Err(format!("not Entra's refusal: {error:?}").into());
    };
    assert_eq!(refusal.error, "authorization_declined", "{error}");
    assert_eq!(error.aadsts_code(), Some(65004), "{error}");
    assert!(error.to_string().contains("declined"), "{error}");
    Ok(())
}

/// A forged answer is turned away without ending the sign-in, which keeps waiting for the real
/// one (here: until its timeout, since the forger is the only browser).
#[tokio::test]
async fn forged_state_on_the_loopback_is_rejected() -> TestResult {
    let world = world().await?;
    let forger = FollowRedirects {
        client: world.http.clone(),
        forge_state: true,
    };
    let options = SignInOptions {
        browser_timeout: Duration::from_secs(3),
        ..world.options.clone()
    };
    let outcome = Authenticator::new(world.cloud.clone(), options)
        .await?
        .sign_in_with_browser(&forger)
        .await;
    assert!(
        matches!(outcome, Err(EntraError::TimedOut { .. })),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_tenant_is_explained() -> TestResult {
    let world = world().await?;
    let options = SignInOptions {
        tenant: "nowhere.example".into(),
        ..world.options.clone()
    };
    let error = Authenticator::new(world.cloud.clone(), options)
        .await
        .err()
        .ok_or("discovery passed")?;
    assert_eq!(error.aadsts_code(), Some(90002), "{error}");
    assert!(
        error.to_string().contains("Directory (tenant) ID"),
        "{error}"
    );
    Ok(())
}

#[tokio::test]
async fn saved_sign_in_resumes_and_renews_before_expiry() -> TestResult {
    let world = world().await?;
    world
        .sim
        .ms
        .set_access_token_lifetime(Duration::from_secs(120));
    let auth = world.authenticator().await?;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    let session = auth.sign_in_with_browser(&world.browser).await?;
    session.persist_to(Arc::clone(&store), "profile-1").await?;
    assert!(store.load("profile-1")?.is_some(), "nothing saved");

    // Tokens living 2 minutes are inside the 5-minute margin: each use renews first.
    let first = session.access_token().await?;
    let second = session.access_token().await?;
    assert_ne!(first, second);
    GraphClient::new(session.clone()).me().await?;

    let resumed = auth.resume(Arc::clone(&store), "profile-1").await?;
    assert_eq!(resumed.account(), session.account());
    GraphClient::new(resumed).me().await?;
    assert!(store.load("profile-1")?.is_some());
    Ok(())
}

#[tokio::test]
async fn expired_or_revoked_refresh_token_asks_to_sign_in_again() -> TestResult {
    let world = world().await?;
    let auth = world.authenticator().await?;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());

    world
        .sim
        .ms
        .set_refresh_token_lifetime(Duration::from_millis(1));
    auth.sign_in_with_browser(&world.browser)
        .await?
        .persist_to(Arc::clone(&store), "expired")
        .await?;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let outcome = auth.resume(Arc::clone(&store), "expired").await;
    assert!(
        matches!(&outcome, Err(EntraError::SignInAgain { reason }) if reason.contains("700082")),
        "{outcome:?}"
    );
    assert!(store.load("expired")?.is_none(), "the dead token was kept");

    world
        .sim
        .ms
        .set_refresh_token_lifetime(Duration::from_secs(3600));
    let session = auth.sign_in_with_browser(&world.browser).await?;
    session.persist_to(Arc::clone(&store), "revoked").await?;
    world.sim.ms.revoke_refresh_tokens();
    let outcome = session.refresh().await;
    assert!(
        matches!(&outcome, Err(EntraError::SignInAgain { reason }) if reason.contains("50173")),
        "{outcome:?}"
    );
    assert!(store.load("revoked")?.is_none());
    let outcome = auth.resume(Arc::clone(&store), "revoked").await;
    assert!(matches!(outcome, Err(EntraError::SignInAgain { .. })));
    Ok(())
}

#[tokio::test]
async fn throttling_is_waited_out_within_the_budget() -> TestResult {
    // The emulator's throttling settings: the bounds below derive from them.
    const EVERY: u64 = 3;
    const RETRY_AFTER: Duration = Duration::from_secs(1);
    let world = world().await?;
    let session = world.sign_in().await?;
    let (progress, seen) = recorder();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&waits);
    let report_and_keep: ProgressFn = Arc::new(move |p: &Progress| {
        progress(p);
        if let (Progress::Throttled { wait, .. }, Ok(mut waits)) = (p, sink.lock()) {
            waits.push(*wait);
        }
    });
    let policy = fast_policy();
    let graph = GraphClient::new(session.clone())
        .with_retry_policy(policy.clone())
        .with_progress(report_and_keep);
    world.sim.ms_recorder.clear();
    world.sim.ms_faults.throttle_every(EVERY, RETRY_AFTER);
    let started = std::time::Instant::now();
    let users: Vec<entra::User> = graph.users(&["id"], 10).try_collect().await?;
    assert!(users.len() > 40);
    graph.organization().await?;
    let elapsed = started.elapsed();
    // How many 429s the emulator sent, from its own side: the recorder sees only the calls
    // that passed, every EVERY-th call was refused, and the last call passed.
    let passed = u64::try_from(world.sim.ms_recorder.exchanges().len())?;
    let refused = (passed - 1) / (EVERY - 1);
    assert!(refused > 0, "the emulator never throttled");
    let throttled = reports(&seen);
    assert_eq!(u64::try_from(throttled.len())?, refused, "{throttled:?}");
    assert!(
        throttled.iter().all(|r| r.contains("slow down")),
        "{throttled:?}"
    );
    // Each 429 was waited out exactly as long as Microsoft asked: the run took at least the
    // sum of the Retry-After values sent, and no request came near its budget.
    let waits = waits.lock().map(|w| w.clone()).unwrap_or_default();
    assert!(waits.iter().all(|w| *w == RETRY_AFTER), "{waits:?}");
    let asked = RETRY_AFTER * u32::try_from(refused)?;
    assert!(elapsed >= asked, "{elapsed:?} < {asked:?}");
    assert!(elapsed < policy.throttle_budget, "{elapsed:?}");

    // Throttled on every call: the waits add up to the budget and no further, then the
    // client gives up (one more wait would have overrun it).
    world.sim.ms_faults.throttle_every(1, RETRY_AFTER);
    let budget = RETRY_AFTER * 3 + RETRY_AFTER / 2;
    let bounded = GraphClient::new(session.clone()).with_retry_policy(RetryPolicy {
        throttle_budget: budget,
        ..fast_policy()
    });
    let started = std::time::Instant::now();
    let outcome = bounded.organization().await;
    let elapsed = started.elapsed();
    let Err(EntraError::Throttled { waited, .. }) = outcome else {
        return Err(format!("not given up on throttling: {outcome:?}").into());
    };
    assert_eq!(waited, RETRY_AFTER * 3);
    assert!(elapsed >= waited, "{elapsed:?} < {waited:?}");
    assert!(elapsed < budget + RETRY_AFTER, "{elapsed:?}");

    // Retry-After longer than the whole budget: give up at once with a clear error.
    let too_long = Duration::from_secs(60);
    world.sim.ms_faults.throttle_every(1, too_long);
    let impatient = GraphClient::new(session).with_retry_policy(RetryPolicy {
        throttle_budget: Duration::from_secs(5),
        ..fast_policy()
    });
    let started = std::time::Instant::now();
    let outcome = impatient.organization().await;
    assert!(
        matches!(outcome, Err(EntraError::Throttled { waited, .. }) if waited.is_zero()),
        "{outcome:?}"
    );
    assert!(started.elapsed() < too_long);
    Ok(())
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_on_reads_only() -> TestResult {
    let world = world().await?;
    let graph = GraphClient::new(world.sign_in().await?).with_retry_policy(fast_policy());
    world.sim.ms_faults.fail_every(3, 503);
    world.sim.ms_faults.drop_every(4);
    let users: Vec<entra::User> = graph.users(&["id"], 10).try_collect().await?;
    assert!(users.len() > 40);

    // A failed POST may have been applied: it is reported, never sent twice.
    world.sim.ms_faults.clear();
    world.sim.ms_faults.fail_every(1, 500);
    let outcome = graph.create_application(&spec(vec![])).await;
    let error = outcome.err().ok_or("the POST passed through a 500")?;
    assert!(
        matches!(&error, EntraError::Graph { error, .. } if error.status == 500),
        "{error}"
    );
    Ok(())
}

#[tokio::test]
async fn replication_delay_is_waited_out_with_progress() -> TestResult {
    let world = world().await?;
    let session = world.sign_in().await?;
    let (progress, seen) = recorder();
    let graph = GraphClient::new(session.clone())
        .with_retry_policy(fast_policy())
        .with_progress(Arc::clone(&progress));
    let graph_sp = graph.graph_service_principal().await?;
    let role_ids = entra::resolve_app_role_ids(&graph_sp, &["User.Read.All"])?;

    let token_endpoint = world.tenant_token_endpoint(&session)?;
    world.sim.ms.set_replication_delay(Duration::from_secs(3));
    let app = graph.create_application(&spec(role_ids.clone())).await?;
    let (certificate, key_pem) = pbx_certificate("pbx.contoso.example")?;
    let too_early = pbx_token(
        &world.http,
        &token_endpoint,
        &app.app_id,
        &certificate,
        &key_pem,
    )
    .await;
    let error = too_early
        .err()
        .ok_or("a token for an app not yet replicated")?;
    assert_eq!(error.aadsts_code(), Some(700016), "{error}");
    assert!(error.to_string().contains("wait a minute"), "{error}");

    assert!(
        graph
            .add_certificate(&app.id, &certificate, "PortSIP PBX")
            .await?
    );
    let waits = reports(&seen);
    assert!(
        waits
            .iter()
            .any(|r| r.starts_with("Waiting for Entra to replicate the new app…")),
        "{waits:?}"
    );
    let sp = graph.ensure_service_principal(&app.app_id).await?;
    graph
        .grant_app_roles(&sp.service_principal.id, &graph_sp, &role_ids)
        .await?;

    // The new key is not usable yet either (AADSTS700027); the PBX's token arrives once it is.
    let lagging = |e: &EntraError| matches!(e.aadsts_code(), Some(700016 | 700027));
    let token = entra::retry_while_replicating(
        &fast_policy(),
        Some(&progress),
        entra::Replicating::NewApp,
        lagging,
        || {
            pbx_token(
                &world.http,
                &token_endpoint,
                &app.app_id,
                &certificate,
                &key_pem,
            )
        },
    )
    .await?;
    let waits = reports(&seen);
    assert!(
        waits
            .iter()
            .any(|r| r.starts_with("Waiting for Entra to replicate the new app…")),
        "{waits:?}"
    );
    let access_token = token["access_token"].as_str().ok_or("no access token")?;
    assert_eq!(
        jwt_claims(access_token)?["roles"],
        serde_json::json!(["User.Read.All"])
    );
    Ok(())
}

#[tokio::test]
async fn wrong_certificate_is_explained() -> TestResult {
    let world = world().await?;
    let session = world.sign_in().await?;
    let graph = GraphClient::new(session.clone()).with_retry_policy(fast_policy());
    let app = graph.create_application(&spec(vec![])).await?;
    let (registered, _) = pbx_certificate("registered.contoso.example")?;
    graph
        .add_certificate(&app.id, &registered, "registered")
        .await?;
    graph.ensure_service_principal(&app.app_id).await?;
    let (stranger, stranger_key) = pbx_certificate("stranger.example")?;
    let token_endpoint = world.tenant_token_endpoint(&session)?;
    let outcome = pbx_token(
        &world.http,
        &token_endpoint,
        &app.app_id,
        &stranger,
        &stranger_key,
    )
    .await;
    let error = outcome.err().ok_or("a foreign certificate was accepted")?;
    assert_eq!(error.aadsts_code(), Some(700027), "{error}");
    assert!(
        error
            .to_string()
            .contains("Upload the PBX's current certificate"),
        "{error}"
    );
    Ok(())
}

/// Deleting the app and its service principal: each answers whether it was there, and a
/// second deletion (a repeated reset, or a retry after a lost answer) is not an error.
#[tokio::test]
async fn an_app_and_its_service_principal_are_deleted_once_and_then_found_gone() -> TestResult {
    let world = world().await?;
    let graph = GraphClient::new(world.sign_in().await?).with_retry_policy(fast_policy());
    let app = graph
        .ensure_application(&spec(Vec::new()), None)
        .await?
        .application;
    let sp = graph
        .ensure_service_principal(&app.app_id)
        .await?
        .service_principal;

    assert!(graph.delete_service_principal(&sp.id).await?);
    assert!(!graph.delete_service_principal(&sp.id).await?);
    assert_eq!(graph.find_service_principal(&app.app_id).await?, None);
    assert!(graph.delete_application(&app.id).await?);
    assert!(!graph.delete_application(&app.id).await?);
    let locator = AppLocator::ObjectId(app.id.clone());
    assert_eq!(graph.find_application(&locator).await?, None);
    assert!(world.sim.ms.application(&app.app_id).is_none());
    assert!(
        !world
            .sim
            .ms
            .service_principals()
            .iter()
            .any(|s| s.app_id == app.app_id)
    );
    Ok(())
}

#[tokio::test]
async fn directory_search_finds_people_by_name_and_checks_pasted_addresses() -> TestResult {
    let world = world().await?;
    let graph = GraphClient::new(world.sign_in().await?);
    let people = world.sim.ms.users();
    let someone = people
        .iter()
        .find(|u| u.display_name.contains(' ') && u.user_type == "Member")
        .ok_or("no member with two names")?;
    let surname = someone.display_name.split(' ').nth(1).ok_or("no surname")?;
    let prefix: String = surname.chars().take(3).collect::<String>().to_lowercase();
    let found = graph.search_users(&prefix.to_uppercase(), 50).await?;
    assert!(
        found.iter().any(|u| u.id == someone.id),
        "{} not found by {prefix}",
        someone.display_name
    );
    for user in &found {
        let name = user.display_name.clone().unwrap_or_default().to_lowercase();
        let upn = user.user_principal_name.clone().unwrap_or_default();
        assert!(
            name.split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&prefix))
                || upn.to_lowercase().starts_with(&prefix),
            "{name} <{upn}> does not match {prefix}"
        );
        assert!(user.account_enabled.is_some() && user.user_type.is_some());
    }
    assert!(graph.search_users("ab", 2).await?.len() <= 2);

    // Quotes, backslashes and URL syntax in the text are the text, not query syntax.
    for hostile in [
        r#"x" OR "displayName:a"#,
        r"\",
        "a&$top=999",
        "#frag",
        "' or 1 eq 1",
    ] {
        let found = graph.search_users(hostile, 999).await?;
        assert!(found.len() < 5, "{hostile:?} found {}", found.len());
    }
    assert!(graph.search_users("   ", 10).await?.is_empty());

    // 20 names (two batches of at most 15), differently cased, one nobody has.
    let mut names: Vec<String> = people
        .iter()
        .take(19)
        .map(|u| u.user_principal_name.to_uppercase())
        .collect();
    names.push("nobody@contoso.example".to_owned());
    let known = graph.users_by_principal_names(&names).await?;
    let mut ids: Vec<&str> = known.iter().map(|u| u.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected: Vec<&str> = people.iter().take(19).map(|u| u.id.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);

    let with_mail = people
        .iter()
        .find(|u| u.mail.is_some() && u.mail.as_deref() != Some(&u.user_principal_name))
        .or_else(|| people.iter().find(|u| u.mail.is_some()))
        .ok_or("nobody has mail")?;
    let by_mail = graph
        .users_by_mail(&[with_mail.mail.clone().unwrap_or_default()])
        .await?;
    assert_eq!(
        by_mail.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [with_mail.id.as_str()]
    );
    Ok(())
}

/// A sign-in that may read group membership.
async fn group_reader(world: &mut World) -> Result<GraphClient, EntraError> {
    world
        .options
        .graph_permissions
        .push(GROUP_MEMBERSHIP_PERMISSION.to_owned());
    Ok(GraphClient::new(world.sign_in().await?))
}

#[tokio::test]
async fn a_groups_members_are_read_across_pages_nested_groups_included() -> TestResult {
    let mut world = world().await?;
    let graph = group_reader(&mut world).await?;
    let facing = world
        .sim
        .ms
        .group_named(sim::ms::group_names::CUSTOMER_FACING)
        .ok_or("no Customer Facing group")?;
    let mut expected: Vec<String> = world
        .sim
        .ms
        .transitive_member_users(&facing.id)
        .into_iter()
        .map(|u| u.id)
        .collect();
    expected.sort();
    assert!(
        expected.len() > 8,
        "too few members to page: {}",
        expected.len()
    );
    let users = graph.transitive_member_users(&facing.id, 4).await?;
    let mut got: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    got.sort();
    assert_eq!(got, expected, "nested members missed, or a page read twice");
    assert!(
        users
            .iter()
            .all(|u| u.account_enabled.is_some() && u.user_type.is_some()),
        "the sync's fields were not selected"
    );

    let group = graph
        .group(&facing.id)
        .await?
        .ok_or("the group was not found")?;
    assert_eq!(group.display_name.as_deref(), Some("Customer Facing"));
    let empty = world
        .sim
        .ms
        .group_named(sim::ms::group_names::PROJECT_FALCON)
        .ok_or("no Project Falcon group")?;
    assert!(
        graph
            .transitive_member_users(&empty.id, 999)
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_group_and_a_missing_permission_are_told_apart() -> TestResult {
    let mut world = world().await?;
    let sales = world
        .sim
        .ms
        .group_named(sim::ms::group_names::SALES)
        .ok_or("no Sales group")?;
    let without = GraphClient::new(world.sign_in().await?);
    let denied = without
        .transitive_member_users(&sales.id, 999)
        .await
        .err()
        .ok_or("read without GroupMember.Read.All")?;
    assert_eq!(
        denied.graph_code(),
        Some("Authorization_RequestDenied"),
        "{denied:?}"
    );
    assert!(without.group(&sales.id).await.is_err());

    let graph = group_reader(&mut world).await?;
    let missing = "5d2f0c1e-0000-4000-8000-000000000000";
    assert_eq!(graph.group(missing).await?, None);
    let unknown = graph
        .transitive_member_users(missing, 999)
        .await
        .err()
        .ok_or("an unknown group has members")?;
    assert_eq!(unknown.graph_code(), Some("Request_ResourceNotFound"));
    assert!(graph.group("../users").await.is_err());
    Ok(())
}
