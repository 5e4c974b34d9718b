//! The client: its configuration and the typed request helpers the endpoint modules use.
//! The session lives in [`session`], the request pipeline in [`transport`], what it retries
//! in [`retry`] and what each endpoint is in [`endpoints`].

mod body;
mod endpoints;
mod retry;
mod session;
mod transport;

pub use retry::RetryPolicy;

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::auth::AuthState;
use crate::base_url::parse_base_url;
use crate::paging::{MAX_PAGE_SIZE, clamp_page_size};
use crate::rejection::Purpose;
use crate::session_sink::SessionSink;
use crate::tls::{ExtraCa, Sha256Fingerprint, client_config};
use retry::RetryObserver;
use transport::error_chain;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Configures a [`Client`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # // The emulated PBX over TLS, with a certificate from its own CA (written to a file).
/// # let ca_file = std::env::temp_dir().join(format!("portsip-doc-ca-{}.pem", std::process::id()));
/// # let sim = sim::start(sim::SimConfig { tls: true, ca_file: Some(ca_file.clone()), ..Default::default() }).await?;
/// # let url = &sim.pbx_url;
/// let client = portsip::Client::builder(url)
///     .ca_file(&ca_file)
///     .build()?;
/// client.login("pbxadmin", "Admin-pbx365!", Some("contoso.example")).await?;
/// # std::fs::remove_file(&ca_file)?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    extra_cas: Vec<ExtraCa>,
    pin: Option<Sha256Fingerprint>,
    timeout: Duration,
    connect_timeout: Duration,
    page_size: u8,
    retry: RetryPolicy,
    on_retry: Option<RetryObserver>,
    sink: Option<Sink>,
}

/// The [`SessionSink`], with a `Debug` that says only that there is one.
#[derive(Clone)]
struct Sink(Arc<dyn SessionSink>);

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSink")
    }
}

impl ClientBuilder {
    fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            extra_cas: Vec::new(),
            pin: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            page_size: MAX_PAGE_SIZE,
            retry: RetryPolicy::default(),
            on_retry: None,
            sink: None,
        }
    }

    /// Also trusts the CA certificate(s) in this PEM text (besides the system's roots).
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_cas.push(ExtraCa::Pem(pem.into()));
        self
    }

    /// Also trusts the CA certificate(s) in this PEM file; it is read by [`build`](Self::build).
    pub fn ca_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.extra_cas.push(ExtraCa::File(path.into()));
        self
    }

    /// Also trusts exactly the server certificate with this SHA-256 fingerprint, even if no
    /// trusted CA issued it. Parse one with `"AB:CD:…".parse()`.
    pub fn pin_sha256(mut self, fingerprint: Sha256Fingerprint) -> Self {
        self.pin = Some(fingerprint);
        self
    }

    /// Gives up on one attempt of a request after this long, reading the answer included
    /// (default 30 s). A timed-out attempt may be retried within the
    /// [`retry_policy`](Self::retry_policy)'s budget.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Gives up connecting after this long (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Items per page when listing (`top`, 1–100, default 100).
    pub fn page_size(mut self, size: u8) -> Self {
        self.page_size = clamp_page_size(size);
        self
    }

    /// How requests are retried through throttling, server errors and broken connections
    /// (default [`RetryPolicy::default`]; [`RetryPolicy::NEVER`] turns retrying off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Calls `observer` before each pause between attempts, with its length and the failure
    /// it waits out, e.g. to show "The PBX is busy, retrying in 4 s". It runs on the
    /// request's task, so it should return quickly.
    pub fn on_retry(mut self, observer: impl Fn(Duration, &Error) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(RetryObserver(Arc::new(observer)));
        self
    }

    /// Hands every new refresh token to `sink` before it is used; see [`SessionSink`].
    pub fn session_sink(mut self, sink: Arc<dyn SessionSink>) -> Self {
        self.sink = Some(Sink(sink));
        self
    }

    /// Checks the address, reads the extra CAs and sets up HTTPS.
    pub fn build(self) -> Result<Client, Error> {
        let base = parse_base_url(&self.url)?;
        let tls = client_config(&self.extra_cas, self.pin)?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            // A redirect to http:// elsewhere would resend the password in clear text; 3xx
            // answers become Error::Redirected instead.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("pbx365-portsip/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::TlsSetup {
                reason: error_chain(&error),
            })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                auth: tokio::sync::Mutex::new(AuthState::default()),
                page_size: self.page_size,
                retry: self.retry,
                answered: AtomicBool::new(false),
                on_retry: self.on_retry,
                sink: self.sink.map(|sink| sink.0),
            }),
        })
    }
}

/// A client of one PBX's REST API. Cheap to clone; clones share the session.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    auth: tokio::sync::Mutex<AuthState>,
    page_size: u8,
    retry: RetryPolicy,
    /// Whether the PBX has answered any request of this client: after that, a refused
    /// connection is a restart to wait out rather than a wrong address (see [`RetryPolicy`]).
    answered: AtomicBool,
    on_retry: Option<RetryObserver>,
    sink: Option<Arc<dyn SessionSink>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .finish_non_exhaustive()
    }
}

/// A path below the API base, kept as segments so IDs are escaped correctly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiPath(Vec<String>);

impl ApiPath {
    pub(crate) fn new(segments: &[&str]) -> Self {
        Self(
            segments
                .iter()
                .map(|segment| (*segment).to_owned())
                .collect(),
        )
    }
}

impl fmt::Display for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.0 {
            write!(f, "/{segment}")?;
        }
        Ok(())
    }
}

/// One API call as the pipeline sees it.
struct Call<'a> {
    method: Method,
    path: &'a ApiPath,
    query: &'a [(&'static str, String)],
    body: Option<Value>,
    purpose: Purpose,
    /// Sends `Authorization: Bearer`, refreshing the token as needed.
    bearer: bool,
}

/// A PBX answer, headers and body read whole.
pub(crate) struct Answer {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Client {
    /// A client for the PBX at `url` with default settings; see [`ClientBuilder`].
    pub fn new(url: &str) -> Result<Self, Error> {
        Self::builder(url).build()
    }

    /// Starts configuring a client for the PBX at `url` (e.g. `https://pbx.example.com:8887`;
    /// `/api` is added when missing).
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// The normalised API base URL, ending in `/api`.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn page_size(&self) -> u8 {
        self.inner.page_size
    }

    /// `GET` with a bearer token, decoding JSON.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &ApiPath,
        query: &[(&'static str, String)],
    ) -> Result<T, Error> {
        let answer = self.call(Method::GET, path, query, None, true).await?;
        decode(&answer, &Method::GET, path)
    }

    /// `GET` with a bearer token; the answer undecoded.
    pub(crate) async fn get_raw(&self, path: &ApiPath) -> Result<Answer, Error> {
        self.call(Method::GET, path, &[], None, true).await
    }

    /// `GET` without signing in (endpoints with `security: []`), decoding JSON.
    pub(crate) async fn get_public_json<T: DeserializeOwned>(
        &self,
        path: &ApiPath,
        query: &[(&'static str, String)],
    ) -> Result<T, Error> {
        let answer = self.call(Method::GET, path, query, None, false).await?;
        decode(&answer, &Method::GET, path)
    }

    /// `POST` with a bearer token and an optional JSON body; the answer undecoded.
    pub(crate) async fn post<B: Serialize>(
        &self,
        path: &ApiPath,
        body: Option<&B>,
    ) -> Result<Answer, Error> {
        let body = body
            .map(|body| encode(body, &Method::POST, path))
            .transpose()?;
        self.call(Method::POST, path, &[], body, true).await
    }

    /// `POST` with a bearer token and a JSON body, decoding the JSON answer.
    pub(crate) async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &ApiPath,
        body: &B,
    ) -> Result<T, Error> {
        let answer = self.post(path, Some(body)).await?;
        decode(&answer, &Method::POST, path)
    }

    async fn call(
        &self,
        method: Method,
        path: &ApiPath,
        query: &[(&'static str, String)],
        body: Option<Value>,
        bearer: bool,
    ) -> Result<Answer, Error> {
        let call = Call {
            method,
            path,
            query,
            body,
            purpose: Purpose::Api,
            bearer,
        };
        if bearer {
            self.execute_signed_in(&call).await
        } else {
            self.execute(&call).await
        }
    }
}

fn encode<B: Serialize>(body: &B, method: &Method, path: &ApiPath) -> Result<Value, Error> {
    serde_json::to_value(body).map_err(|error| Error::Encoding {
        operation: format!("{method} {path}"),
        reason: error.to_string(),
    })
}

fn decode<T: DeserializeOwned>(
    answer: &Answer,
    method: &Method,
    path: &ApiPath,
) -> Result<T, Error> {
    serde_json::from_slice(&answer.body).map_err(|error| Error::UnexpectedResponse {
        operation: format!("{method} {path}"),
        reason: if answer.body.is_empty() {
            "the answer is empty".to_owned()
        } else {
            format!("the answer is not the expected JSON: {error}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_pbx_but_no_session() -> Result<(), Error> {
        let client = Client::new("https://pbx.example.com:8887")?;
        assert_eq!(
            format!("{client:?}"),
            "Client { base_url: \"https://pbx.example.com:8887/api\", .. }"
        );
        Ok(())
    }

    #[test]
    fn builder_refuses_a_bad_ca_before_any_request() {
        let result = Client::builder("https://pbx.example.com")
            .ca_pem("garbage")
            .build();
        assert!(matches!(result, Err(Error::InvalidCa { .. })), "{result:?}");
    }

    #[tokio::test]
    async fn calls_before_signing_in_say_so() -> Result<(), Error> {
        let client = Client::new("http://127.0.0.1:9")?;
        let result = client
            .get_json::<Value>(&ApiPath::new(&["tenant"]), &[])
            .await;
        assert!(matches!(result, Err(Error::NotSignedIn)), "{result:?}");
        Ok(())
    }
}
