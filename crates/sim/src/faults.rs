//! Fault switches shared by both emulators: latency, throttling, server errors, dropped
//! connections, a one-shot custom error, and one-shot errors aimed at one method and path.
//! All are runtime-settable and deterministic: each "every Nth" switch counts requests from
//! the moment it was set, so tests are repeatable.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Which error-body format faulted responses use, so clients parse them like real errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// `{"errors":[{"code","message"}]}`
    PortSip,
    /// Graph's `{"error":{"code","message"}}`
    Microsoft,
}

/// An error response to send instead of the real one.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectedError {
    pub status: u16,
    pub body: Value,
}

/// A one-shot error for the next request with this method and path pattern.
#[derive(Debug, Clone, PartialEq)]
struct AimedError {
    method: String,
    path: String,
    error: InjectedError,
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
    /// Close the connection without answering.
    Drop,
    /// Answer with this response instead.
    Respond(Response),
}

/// The fault switches of one emulator.
#[derive(Debug)]
pub struct Faults {
    style: ErrorStyle,
    latency_ms: AtomicU64,
    throttle: EveryNth,
    retry_after_secs: AtomicU64,
    server_error: EveryNth,
    server_error_status: AtomicU16,
    drop: EveryNth,
    next_error: Mutex<Option<InjectedError>>,
    aimed: Mutex<Vec<AimedError>>,
}

impl Faults {
    /// No faults; errors (when switched on) are written in `style`.
    pub fn new(style: ErrorStyle) -> Self {
        Self {
            style,
            latency_ms: AtomicU64::new(0),
            throttle: EveryNth::default(),
            retry_after_secs: AtomicU64::new(1),
            server_error: EveryNth::default(),
            server_error_status: AtomicU16::new(500),
            drop: EveryNth::default(),
            next_error: Mutex::new(None),
            aimed: Mutex::new(Vec::new()),
        }
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

    /// Closes the connection without an answer on every `every`-th request (from now);
    /// 0 switches it off.
    pub fn drop_every(&self, every: u64) {
        self.drop.set(every);
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
        self.lock_aimed().push(AimedError {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            error: InjectedError { status, body },
        });
    }

    /// Switches every fault off.
    pub fn clear(&self) {
        self.set_latency(Duration::ZERO);
        self.throttle.set(0);
        self.server_error.set(0);
        self.drop.set(0);
        *self.lock_next() = None;
        self.lock_aimed().clear();
    }

    fn lock_aimed(&self) -> std::sync::MutexGuard<'_, Vec<AimedError>> {
        self.aimed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides the fate of one request, knowing its method and path: an armed error aimed at
    /// it wins, otherwise [`Faults::decide`].
    pub(crate) fn decide_for(&self, method: &str, path: &str) -> Verdict {
        let aimed = {
            let mut aimed = self.lock_aimed();
            aimed
                .iter()
                .position(|a| a.method.eq_ignore_ascii_case(method) && path_matches(&a.path, path))
                .map(|index| aimed.remove(index))
        };
        match aimed {
            Some(AimedError { error, .. }) => {
                let status =
                    StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Verdict::Respond((status, axum::Json(error.body)).into_response())
            }
            None => self.decide(),
        }
    }

    fn lock_next(&self) -> std::sync::MutexGuard<'_, Option<InjectedError>> {
        self.next_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::SeqCst))
    }

    /// Decides the fate of one request. Every enabled counter advances on every request, so
    /// switches combine predictably; the first that fires wins.
    pub(crate) fn decide(&self) -> Verdict {
        let injected = self.lock_next().take();
        let drop = self.drop.fires();
        let throttle = self.throttle.fires();
        let server_error = self.server_error.fires();
        if let Some(error) = injected {
            let status =
                StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Verdict::Respond((status, axum::Json(error.body)).into_response());
        }
        if drop {
            return Verdict::Drop;
        }
        if throttle {
            let secs = self.retry_after_secs.load(Ordering::SeqCst);
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(self.body(
                    "TOO_MANY_REQUESTS",
                    "TooManyRequests",
                    "Too many requests; retry later.",
                )),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return Verdict::Respond(response);
        }
        if server_error {
            let status = StatusCode::from_u16(self.server_error_status.load(Ordering::SeqCst))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = self.body(
                "INTERNAL_SERVER_ERROR",
                "serviceNotAvailable",
                "The service is temporarily unavailable.",
            );
            return Verdict::Respond((status, axum::Json(body)).into_response());
        }
        Verdict::Pass
    }

    fn body(&self, portsip_code: &str, microsoft_code: &str, message: &str) -> Value {
        match self.style {
            ErrorStyle::PortSip => json!({"errors": [{"code": portsip_code, "message": message}]}),
            ErrorStyle::Microsoft => json!({"error": {"code": microsoft_code, "message": message}}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(verdict: &Verdict) -> Option<u16> {
        match verdict {
            Verdict::Respond(r) => Some(r.status().as_u16()),
            _ => None,
        }
    }

    #[test]
    fn every_nth_counts_from_when_it_was_set() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.fail_every(3, 503);
        let seen: Vec<_> = (0..6).map(|_| status(&faults.decide())).collect();
        assert_eq!(seen, [None, None, Some(503), None, None, Some(503)]);
        faults.fail_every(2, 502);
        assert_eq!(status(&faults.decide()), None);
        assert_eq!(status(&faults.decide()), Some(502));
    }

    #[test]
    fn injected_error_is_one_shot_and_wins() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        faults.throttle_every(1, Duration::from_secs(2));
        faults.inject_next(418, json!({"errors": [{"code": "TEAPOT", "message": "m"}]}));
        assert_eq!(status(&faults.decide()), Some(418));
        let throttled = faults.decide();
        assert_eq!(status(&throttled), Some(429));
        if let Verdict::Respond(r) = throttled {
            assert_eq!(
                r.headers().get(header::RETRY_AFTER),
                Some(&HeaderValue::from(2u64))
            );
        }
        faults.clear();
        assert!(matches!(faults.decide(), Verdict::Pass));
    }

    #[test]
    fn aimed_errors_fire_once_on_their_method_and_path_only() {
        let faults = Faults::new(ErrorStyle::Microsoft);
        faults.inject_next_matching("patch", "/v1.0/applications/*", 403, json!({"error": {}}));
        faults.inject_next_matching("POST", "/v1.0/applications", 500, json!({"error": {}}));
        assert!(matches!(
            faults.decide_for("GET", "/v1.0/applications/abc"),
            Verdict::Pass
        ));
        assert!(matches!(
            faults.decide_for("PATCH", "/v1.0/applications"),
            Verdict::Pass
        ));
        assert!(matches!(
            faults.decide_for("PATCH", "/v1.0/applications/abc/extra"),
            Verdict::Pass
        ));
        assert_eq!(
            status(&faults.decide_for("PATCH", "/v1.0/applications/abc")),
            Some(403)
        );
        assert!(matches!(
            faults.decide_for("PATCH", "/v1.0/applications/abc"),
            Verdict::Pass
        ));
        assert_eq!(
            status(&faults.decide_for("POST", "/v1.0/applications/")),
            Some(500)
        );
        faults.inject_next_matching("POST", "/api/ms365", 500, json!({"errors": []}));
        faults.clear();
        assert!(matches!(
            faults.decide_for("POST", "/api/ms365"),
            Verdict::Pass
        ));
    }

    #[test]
    fn drop_fires_on_its_turn() {
        let faults = Faults::new(ErrorStyle::PortSip);
        faults.drop_every(2);
        assert!(matches!(faults.decide(), Verdict::Pass));
        assert!(matches!(faults.decide(), Verdict::Drop));
    }
}
