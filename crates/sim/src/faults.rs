//! Fault switches shared by both emulators: latency, throttling, server errors, connections
//! dropped before a request is handled or after it was applied, a one-shot custom error, and
//! one-shot errors aimed at one method and path.
//!
//! All are runtime-settable and deterministic: each "every Nth" switch counts requests from
//! the moment it was set, so tests are repeatable. On the Microsoft cloud they can be limited
//! to the identity platform or to Graph ([`FaultScope`]), and a faulted answer is written the
//! way the endpoint it stands in for writes its errors: PortSIP's, Graph's, or the identity
//! platform's OAuth error with its `AADSTS` code.

use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Which error-body format faulted responses use, so clients parse them like real errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// `{"errors":[{"code","message"}]}`
    PortSip,
    /// The Microsoft cloud: Graph's `{"error":{"code","message","innerError"}}` under `/v1.0`,
    /// the identity platform's `{"error","error_description":"AADSTS…","error_codes",…}` on its
    /// endpoints (an error page on the ones a browser shows).
    Microsoft,
}

/// Which of an emulator's endpoints latency and the every-Nth switches apply to. Requests
/// outside it pass untouched and are not counted, so "every Nth" counts only requests in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultScope {
    /// Every endpoint (the default).
    #[default]
    All,
    /// The Microsoft identity platform: `/{tenant}/…` (token, device code, discovery and keys,
    /// authorize, admin consent) and `/devicelogin`. Nothing on the PBX.
    Identity,
    /// Microsoft Graph: `/v1.0/…` and `/oidc/userinfo`. Nothing on the PBX.
    Graph,
}

impl FaultScope {
    fn to_u8(self) -> u8 {
        match self {
            FaultScope::All => 0,
            FaultScope::Identity => 1,
            FaultScope::Graph => 2,
        }
    }

    fn from_u8(value: u8) -> FaultScope {
        match value {
            1 => FaultScope::Identity,
            2 => FaultScope::Graph,
            _ => FaultScope::All,
        }
    }

    fn covers(self, endpoint: Endpoint) -> bool {
        match self {
            FaultScope::All => true,
            FaultScope::Identity => matches!(endpoint, Endpoint::Identity { .. }),
            FaultScope::Graph => endpoint == Endpoint::Graph,
        }
    }
}

/// What kind of endpoint a request is for: decides the scope it falls in and how a faulted
/// answer to it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Pbx,
    /// The identity platform; `page` when a browser shows the answer (authorize, consent,
    /// device login, sign-out), which gets an error page instead of JSON.
    Identity {
        page: bool,
    },
    Graph,
}

/// A fault the switches chose, before the emulator writes it in its own format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// 429; `Retry-After` is added by the fault layer.
    Throttled,
    /// A 5xx.
    ServerError(StatusCode),
}

/// An error response to send instead of the real one.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectedError {
    pub status: u16,
    pub body: Value,
}

/// A one-shot error for the next request with this method and path pattern.
/// A fault armed for the next request with a given method and path.
#[derive(Debug, Clone, PartialEq)]
struct AimedFault {
    method: String,
    path: String,
    fault: Aimed,
}

#[derive(Debug, Clone, PartialEq)]
enum Aimed {
    Error(InjectedError),
    DropReply,
}

/// Whether `path` matches `pattern` segment by segment; a `*` segment matches any one segment.
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(want, got)| *want == "*" || want == got)
}

/// A switch that fires on every Nth request after it was set (0 = off).
#[derive(Debug, Default)]
struct EveryNth {
    every: AtomicU64,
    seen: AtomicU64,
}

impl EveryNth {
    fn set(&self, every: u64) {
        self.seen.store(0, Ordering::SeqCst);
        self.every.store(every, Ordering::SeqCst);
    }

    fn restart(&self) {
        self.seen.store(0, Ordering::SeqCst);
    }

    fn fires(&self) -> bool {
        let every = self.every.load(Ordering::SeqCst);
        if every == 0 {
            return false;
        }
        let seen = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        seen.is_multiple_of(every)
    }
}

/// What the fault layer decided for one request.
#[derive(Debug)]
pub(crate) enum Verdict {
    /// Handle the request normally.
    Pass,
    /// Close the connection without handling the request or answering.
    Drop,
    /// Handle the request completely, then close the connection without answering.
    DropReply,
    /// Answer with this response instead.
    Respond(Response),
}

/// The fault switches of one emulator.
#[derive(Debug)]
pub struct Faults {
    style: ErrorStyle,
    scope: AtomicU8,
    latency_ms: AtomicU64,
    throttle: EveryNth,
    retry_after_secs: AtomicU64,
    server_error: EveryNth,
    server_error_status: AtomicU16,
    drop: EveryNth,
    drop_reply: EveryNth,
    next_error: Mutex<Option<InjectedError>>,
    aimed: Mutex<Vec<AimedFault>>,
}

impl Faults {
    /// No faults; errors (when switched on) are written in `style`.
    pub fn new(style: ErrorStyle) -> Self {
        Self {
            style,
            scope: AtomicU8::new(FaultScope::All.to_u8()),
            latency_ms: AtomicU64::new(0),
            throttle: EveryNth::default(),
            retry_after_secs: AtomicU64::new(1),
            server_error: EveryNth::default(),
            server_error_status: AtomicU16::new(500),
            drop: EveryNth::default(),
            drop_reply: EveryNth::default(),
            next_error: Mutex::new(None),
            aimed: Mutex::new(Vec::new()),
        }
    }

    /// Limits latency and the every-Nth switches to `scope` (see [`FaultScope`]) and restarts
    /// their counts, so "every Nth" counts requests in the new scope from now. One-shot errors
    /// ([`Faults::inject_next`], [`Faults::inject_next_matching`]) are not limited.
    pub fn limit_to(&self, scope: FaultScope) {
        if self.style == ErrorStyle::PortSip && scope != FaultScope::All {
            tracing::warn!(
                ?scope,
                "the PBX has no Microsoft endpoints: its fault switches now apply to nothing"
            );
        }
        self.scope.store(scope.to_u8(), Ordering::SeqCst);
        for counter in self.counters() {
            counter.restart();
        }
    }

    /// The endpoints latency and the every-Nth switches apply to.
    pub fn scope(&self) -> FaultScope {
        FaultScope::from_u8(self.scope.load(Ordering::SeqCst))
    }

    /// Delays every request by `latency` before it is handled.
    pub fn set_latency(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.latency_ms.store(ms, Ordering::SeqCst);
    }

    /// Answers every `every`-th request (from now) with 429 and `Retry-After: retry_after`
    /// (whole seconds); 0 switches it off.
    pub fn throttle_every(&self, every: u64, retry_after: Duration) {
        self.retry_after_secs
            .store(retry_after.as_secs(), Ordering::SeqCst);
        self.throttle.set(every);
    }

    /// Answers every `every`-th request (from now) with `status` (a 5xx); 0 switches it off.
    pub fn fail_every(&self, every: u64, status: u16) {
        self.server_error_status.store(status, Ordering::SeqCst);
        self.server_error.set(every);
    }

    /// Closes the connection without an answer on every `every`-th request (from now),
    /// before the request is handled: nothing it asked for happens. 0 switches it off.
    pub fn drop_every(&self, every: u64) {
        self.drop.set(every);
    }

    /// Handles every `every`-th request (from now) completely — whatever it changes is
    /// changed: a user created, settings saved, a token issued and a single-use one spent —
    /// and then closes the connection without sending the answer, as when a reply is lost on
    /// the way back. 0 switches it off.
    pub fn drop_reply_every(&self, every: u64) {
        self.drop_reply.set(every);
    }

    /// Answers the next request with exactly this status and JSON body.
    pub fn inject_next(&self, status: u16, body: Value) {
        *self.lock_next() = Some(InjectedError { status, body });
    }

    /// Answers the next request with this method whose path (without the query) matches
    /// `path` with exactly this status and JSON body; other requests pass as usual. A `*`
    /// segment matches any one segment, e.g. `/v1.0/applications/*`. Armed errors fire once
    /// each, in the order they were armed.
    pub fn inject_next_matching(&self, method: &str, path: &str, status: u16, body: Value) {
        self.aim(method, path, Aimed::Error(InjectedError { status, body }));
    }

    /// Handles the next request with this method whose path matches `path` (as for
    /// [`Faults::inject_next_matching`]) completely, then closes the connection without the
    /// answer, as [`Faults::drop_reply_every`] does; other requests pass as usual. For a loss
    /// aimed at one request when others run at the same time, so their order does not matter.
    pub fn drop_reply_to_next_matching(&self, method: &str, path: &str) {
        self.aim(method, path, Aimed::DropReply);
    }

    fn aim(&self, method: &str, path: &str, fault: Aimed) {
        self.lock_aimed().push(AimedFault {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            fault,
        });
    }

    /// Switches every fault off and aims the switches at every endpoint again.
    pub fn clear(&self) {
        self.scope.store(FaultScope::All.to_u8(), Ordering::SeqCst);
        self.set_latency(Duration::ZERO);
        for counter in self.counters() {
            counter.set(0);
        }
        *self.lock_next() = None;
        self.lock_aimed().clear();
    }

    fn counters(&self) -> [&EveryNth; 4] {
        [
            &self.throttle,
            &self.server_error,
            &self.drop,
            &self.drop_reply,
        ]
    }

    fn lock_aimed(&self) -> std::sync::MutexGuard<'_, Vec<AimedFault>> {
        self.aimed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_next(&self) -> std::sync::MutexGuard<'_, Option<InjectedError>> {
        self.next_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn endpoint(&self, path: &str) -> Endpoint {
        match self.style {
            ErrorStyle::PortSip => Endpoint::Pbx,
            ErrorStyle::Microsoft => crate::ms::endpoint_of(path),
        }
    }

    /// How long to delay a request for `path` before deciding its fate.
    pub(crate) fn latency_for(&self, path: &str) -> Duration {
        if self.scope().covers(self.endpoint(path)) {
            Duration::from_millis(self.latency_ms.load(Ordering::SeqCst))
        } else {
            Duration::ZERO
        }
    }

    /// Decides the fate of one request, knowing its method, path and headers: an armed error
    /// aimed at it wins, then the one-shot injected error, then — for requests in scope — the
    /// every-Nth switches.
    pub(crate) fn decide_for(&self, method: &str, path: &str, headers: &HeaderMap) -> Verdict {
        let aimed = {
            let mut aimed = self.lock_aimed();
            aimed
                .iter()
                .position(|a| a.method.eq_ignore_ascii_case(method) && path_matches(&a.path, path))
                .map(|index| aimed.remove(index))
        };
        match aimed.map(|a| a.fault) {
            Some(Aimed::Error(error)) => return injected(error),
            Some(Aimed::DropReply) => return Verdict::DropReply,
            None => {}
        }
        let endpoint = self.endpoint(path);
        if !self.scope().covers(endpoint) {
            return match self.lock_next().take() {
                Some(error) => injected(error),
                None => Verdict::Pass,
            };
        }
        self.decide(endpoint, headers)
    }

    /// Every enabled counter advances on every request in scope, so switches combine
    /// predictably; the first that fires wins, in the order: injected error, drop before
    /// handling, throttle, server error, drop after handling. A request that is refused is
    /// never also applied, so a drop-after turn that coincides with another fault is spent
    /// on the refused request.
    fn decide(&self, endpoint: Endpoint, headers: &HeaderMap) -> Verdict {
        let injected_error = self.lock_next().take();
        let drop = self.drop.fires();
        let throttle = self.throttle.fires();
        let server_error = self.server_error.fires();
        let drop_reply = self.drop_reply.fires();
        if let Some(error) = injected_error {
            return injected(error);
        }
        if drop {
            return Verdict::Drop;
        }
        if throttle {
            let secs = self.retry_after_secs.load(Ordering::SeqCst);
            let mut response = answer(endpoint, Fault::Throttled, headers);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return Verdict::Respond(response);
        }
        if server_error {
            let status = StatusCode::from_u16(self.server_error_status.load(Ordering::SeqCst))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Verdict::Respond(answer(endpoint, Fault::ServerError(status), headers));
        }
        if drop_reply {
            return Verdict::DropReply;
        }
        Verdict::Pass
    }
}

fn injected(error: InjectedError) -> Verdict {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Verdict::Respond((status, axum::Json(error.body)).into_response())
}

/// The faulted answer, in the format of the endpoint that gives it.
fn answer(endpoint: Endpoint, fault: Fault, headers: &HeaderMap) -> Response {
    match endpoint {
        Endpoint::Pbx => crate::pbx::error::fault_answer(fault),
        Endpoint::Identity { page } => crate::ms::identity_fault_answer(fault, page),
        Endpoint::Graph => crate::ms::graph_fault_answer(fault, headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(verdict: &Verdict) -> Option<u16> {
        match verdict {
            Verdict::Respond(r) => Some(r.status().as_u16()),
            _ => None,
        }
    }

    fn decide(faults: &Faults) -> Verdict {
        faults.decide_for("GET", "/api/info", &HeaderMap::new())
    }

    /// What each of `n` requests to `path` got: a status, "drop", "after" or "pass".
    fn fates(faults: &Faults, path: &str, n: usize) -> Vec<String> {
        (0..n)
            .map(
                |_| match faults.decide_for("POST", path, &HeaderMap::new()) {
                    Verdict::Pass => "pass".to_owned(),
                    Verdict::Drop => "drop".to_owned(),
                    Verdict::DropReply => "after".to_owned(),
                    Verdict::Respond(r) => r.status().as_str().to_owned(),
                },
            )
            .collect()
    }

    #[test]
    fn every_nth_counts_from_when_it_was_set() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.fail_every(3, 503);
        let seen: Vec<_> = (0..6).map(|_| status(&decide(&faults))).collect();
        assert_eq!(seen, [None, None, Some(503), None, None, Some(503)]);
        faults.fail_every(2, 502);
        assert_eq!(status(&decide(&faults)), None);
        assert_eq!(status(&decide(&faults)), Some(502));
    }

    #[test]
    fn injected_error_is_one_shot_and_wins() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        faults.throttle_every(1, Duration::from_secs(2));
        faults.inject_next(418, json!({"errors": [{"code": "TEAPOT", "message": "m"}]}));
        assert_eq!(status(&decide(&faults)), Some(418));
        let throttled = decide(&faults);
        assert_eq!(status(&throttled), Some(429));
        if let Verdict::Respond(r) = throttled {
            assert_eq!(
                r.headers().get(header::RETRY_AFTER),
                Some(&HeaderValue::from(2u64))
            );
        }
        faults.clear();
        assert!(matches!(decide(&faults), Verdict::Pass));
    }

    #[test]
    fn aimed_errors_fire_once_on_their_method_and_path_only() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        let decide_for = |method, path| faults.decide_for(method, path, &HeaderMap::new());
        faults.inject_next_matching("patch", "/v1.0/applications/*", 403, json!({"error": {}}));
        faults.inject_next_matching("POST", "/v1.0/applications", 500, json!({"error": {}}));
        assert!(matches!(
            decide_for("GET", "/v1.0/applications/abc"),
            Verdict::Pass
        ));
        assert!(matches!(
            decide_for("PATCH", "/v1.0/applications"),
            Verdict::Pass
        ));
        assert!(matches!(
            decide_for("PATCH", "/v1.0/applications/abc/extra"),
            Verdict::Pass
        ));
        assert_eq!(
            status(&decide_for("PATCH", "/v1.0/applications/abc")),
            Some(403)
        );
        assert!(matches!(
            decide_for("PATCH", "/v1.0/applications/abc"),
            Verdict::Pass
        ));
        assert_eq!(
            status(&decide_for("POST", "/v1.0/applications/")),
            Some(500)
        );
        faults.inject_next_matching("POST", "/api/ms365", 500, json!({"errors": []}));
        faults.clear();
        assert!(matches!(decide_for("POST", "/api/ms365"), Verdict::Pass));
    }

    #[test]
    fn an_aimed_lost_reply_fires_once_on_its_request_only() {
        let faults = Faults::new(ErrorStyle::PortSip);
        let decide_for = |method, path| faults.decide_for(method, path, &HeaderMap::new());
        faults.drop_reply_to_next_matching("POST", "/api/auth/refresh_token");
        assert!(matches!(decide_for("GET", "/api/ms365"), Verdict::Pass));
        assert!(matches!(
            decide_for("POST", "/api/auth/refresh_token"),
            Verdict::DropReply
        ));
        assert!(matches!(
            decide_for("POST", "/api/auth/refresh_token"),
            Verdict::Pass
        ));
    }

    #[test]
    fn drop_fires_on_its_turn() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.drop_every(2);
        assert!(matches!(decide(&faults), Verdict::Pass));
        assert!(matches!(decide(&faults), Verdict::Drop));
    }

    #[test]
    fn drop_after_apply_fires_on_its_turn_and_yields_to_refusals() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.drop_reply_every(2);
        assert_eq!(
            fates(&faults, "/api/users", 6),
            ["pass", "after", "pass", "after", "pass", "after"]
        );
        // On a turn another switch also takes, the request is refused and never applied.
        faults.drop_reply_every(2);
        faults.fail_every(4, 503);
        faults.drop_every(6);
        assert_eq!(
            fates(&faults, "/api/users", 12),
            [
                "pass", "after", "pass", "503", "pass", "drop", "pass", "503", "pass", "after",
                "pass", "drop"
            ]
        );
        faults.clear();
        assert_eq!(fates(&faults, "/api/users", 3), ["pass", "pass", "pass"]);
    }

    #[test]
    fn scope_limits_and_restarts_the_counts() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        let token = "/contoso.example/oauth2/v2.0/token";
        faults.throttle_every(2, Duration::from_secs(1));
        faults.set_latency(Duration::from_millis(20));
        faults.limit_to(FaultScope::Identity);
        assert_eq!(faults.scope(), FaultScope::Identity);
        // Graph calls in between neither count nor wait.
        assert_eq!(fates(&faults, "/v1.0/users", 3), ["pass", "pass", "pass"]);
        assert_eq!(faults.latency_for("/v1.0/users"), Duration::ZERO);
        assert_eq!(faults.latency_for(token), Duration::from_millis(20));
        assert_eq!(fates(&faults, token, 4), ["pass", "429", "pass", "429"]);

        faults.limit_to(FaultScope::Graph);
        assert_eq!(fates(&faults, token, 2), ["pass", "pass"]);
        assert_eq!(fates(&faults, "/oidc/userinfo", 1), ["pass"]);
        assert_eq!(fates(&faults, "/v1.0/me", 1), ["429"]);

        faults.clear();
        assert_eq!(faults.scope(), FaultScope::All);
    }

    #[test]
    fn one_shot_errors_are_not_limited_by_the_scope() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        faults.limit_to(FaultScope::Graph);
        faults.inject_next(503, json!({"error": "temporarily_unavailable"}));
        assert_eq!(
            fates(&faults, "/contoso.example/oauth2/v2.0/token", 1),
            ["503"]
        );
    }

    #[test]
    fn a_pbx_aimed_at_microsoft_endpoints_faults_nothing() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.fail_every(1, 500);
        faults.limit_to(FaultScope::Graph);
        assert_eq!(fates(&faults, "/api/users", 2), ["pass", "pass"]);
        faults.limit_to(FaultScope::All);
        assert_eq!(fates(&faults, "/api/users", 1), ["500"]);
    }
}
