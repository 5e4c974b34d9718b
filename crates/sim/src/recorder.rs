//! A bounded record of the exchanges an emulator served, so tests can hold every request and
//! response to the contract.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Bodies larger than this are not buffered for the record (and are refused: no emulated
/// endpoint takes or gives anything near this size).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// One request and the response it got.
#[derive(Clone)]
pub struct Exchange {
    pub method: String,
    /// The request path as sent, e.g. `/api/users/7`.
    pub path: String,
    /// The raw query string without `?` (empty when none).
    pub query: String,
    /// The request body parsed as JSON, when it was JSON.
    pub request_json: Option<Value>,
    /// The raw request body.
    pub request_body: Bytes,
    pub status: u16,
    pub response_content_type: Option<String>,
    pub response_content_disposition: Option<String>,
    /// The response body parsed as JSON, when it was JSON.
    pub response_json: Option<Value>,
    /// The raw response body.
    pub response_body: Bytes,
    /// When the emulator began handling the request (after any injected latency) and when its
    /// response was complete: how long the client waited, for timing measurements.
    pub handled: std::ops::Range<std::time::Instant>,
}

/// Bodies may hold passwords and tokens: only their sizes are shown.
impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("request_body_len", &self.request_body.len())
            .field("status", &self.status)
            .field("response_content_type", &self.response_content_type)
            .field("response_body_len", &self.response_body.len())
            .finish()
    }
}

/// The response half, as `openapi_contract::response_problems` checks it.
impl<'a> From<&'a Exchange> for openapi_contract::RecordedResponse<'a> {
    fn from(exchange: &'a Exchange) -> Self {
        Self {
            method: &exchange.method,
            path: &exchange.path,
            status: exchange.status,
            content_type: exchange.response_content_type.as_deref(),
            content_disposition: exchange.response_content_disposition.as_deref(),
            json: exchange.response_json.as_ref(),
        }
    }
}

/// Sees every exchange as it is recorded, however many the record keeps.
pub type Observer = Arc<dyn Fn(&Exchange) + Send + Sync>;

/// The last `capacity` exchanges of one emulator.
pub struct Recorder {
    capacity: usize,
    exchanges: Mutex<VecDeque<Exchange>>,
    observers: Mutex<Vec<Observer>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("capacity", &self.capacity)
            .field("recorded", &self.lock().len())
            .finish_non_exhaustive()
    }
}

impl Recorder {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            exchanges: Mutex::new(VecDeque::new()),
            observers: Mutex::new(Vec::new()),
        }
    }

    /// Shows every exchange recorded from now on to `observer`, including those [`clear`] or
    /// the capacity would drop: a test can hold all of its traffic to a contract, however
    /// often it clears the record.
    ///
    /// [`clear`]: Recorder::clear
    pub fn observe(&self, observer: Observer) {
        self.observers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(observer);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Exchange>> {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the recorded exchanges, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.lock().iter().cloned().collect()
    }

    /// Removes and returns the recorded exchanges, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        self.lock().drain(..).collect()
    }

    /// Forgets everything recorded so far.
    pub fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn push(&self, exchange: Exchange) {
        let observers = self
            .observers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for observer in observers {
            observer(&exchange);
        }
        let mut exchanges = self.lock();
        if self.capacity == 0 {
            return;
        }
        while exchanges.len() >= self.capacity {
            exchanges.pop_front();
        }
        exchanges.push_back(exchange);
    }
}

fn parse_json(bytes: &Bytes) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    serde_json::from_slice(bytes).ok()
}

fn header_text(response: &Response, name: header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Axum middleware: buffers both bodies, records the exchange, passes everything through.
pub async fn record(
    State(recorder): State<Arc<Recorder>>,
    request: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let (parts, body) = request.into_parts();
    let request_body = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "request body refused: unreadable or larger than the limit");
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        }
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(request_body.clone())))
        .await;
    let content_type = header_text(&response, header::CONTENT_TYPE);
    let content_disposition = header_text(&response, header::CONTENT_DISPOSITION);
    let (parts, body) = response.into_parts();
    let response_body = match to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::warn!(%error, "response body could not be read for the record");
            Bytes::new()
        }
    };
    recorder.push(Exchange {
        method,
        path,
        query,
        request_json: parse_json(&request_body),
        request_body,
        status: parts.status.as_u16(),
        response_json: parse_json(&response_body),
        response_content_type: content_type,
        response_content_disposition: content_disposition,
        response_body: response_body.clone(),
        handled: started..std::time::Instant::now(),
    });
    Response::from_parts(parts, Body::from(response_body))
}
