use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::aadsts::{self, Explanation};
use crate::partial_json;
use crate::untrusted_text::{MESSAGE_CHARS, TOKEN_CHARS, clean_line, clean_lines};

/// Everything that can go wrong talking to the Microsoft identity platform or Graph.
/// Each variant renders as a sentence an administrator can act on.
#[derive(Debug, thiserror::Error)]
pub enum EntraError {
    #[error(
        "refusing to connect to {url}: only https:// addresses are allowed (http:// only on this computer's loopback address)"
    )]
    InsecureUrl { url: String },
    #[error("{url:?} is not a usable address: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("there is no Microsoft cloud named {name:?}: say global or china")]
    UnknownCloud { name: String },
    #[error("the extra CA certificate cannot be used: {reason}")]
    Tls { reason: String },
    #[error("could not reach Microsoft to {context}: {source}")]
    Network {
        context: String,
        #[source]
        source: reqwest::Error,
    },
    /// The network answered that a Microsoft host which never answered this client cannot be
    /// reached; tried only briefly (see [`crate::RetryPolicy::unreachable_budget`]).
    #[error(
        "Microsoft could not be reached from this computer to {context}: the connection to {host} failed ({reason}); check this computer's network connection, and that any proxy or firewall lets it reach {host}"
    )]
    Unreachable {
        context: String,
        /// The host (and port, when not the scheme's own) that could not be reached.
        host: String,
        /// The network's own words, e.g. `Connection refused (os error 111)`.
        reason: String,
    },
    #[error("Microsoft's sign-in metadata at {url} is not usable: {reason}")]
    Discovery { url: String, reason: String },
    #[error("Microsoft sign-in failed while trying to {context}: {error}")]
    Identity {
        context: String,
        error: Box<IdentityError>,
    },
    #[error("Microsoft Graph refused to {context}: {error}")]
    Graph {
        context: String,
        error: Box<GraphError>,
    },
    #[error(
        "the saved Microsoft sign-in has expired or was revoked; sign in to Microsoft again ({reason})"
    )]
    SignInAgain { reason: String },
    /// An answer whose `state` is not this sign-in's. The browser sign-in turns such answers
    /// away and keeps waiting for the real one, so it does not end with this error.
    #[error(
        "the browser came back with a sign-in answer that does not belong to this sign-in (state mismatch), so it was rejected; start the sign-in again"
    )]
    StateMismatch,
    #[error("{what} did not finish within {} seconds; start again", after.as_secs())]
    TimedOut { what: &'static str, after: Duration },
    #[error("could not open the web browser: {reason}; open the sign-in address by hand")]
    Browser { reason: String },
    #[error(
        "could not listen on this computer's loopback address for the sign-in answer: {source}"
    )]
    Loopback {
        #[source]
        source: std::io::Error,
    },
    #[error("the sign-in was declined on the Microsoft page; start again and accept it")]
    Declined,
    #[error("the device code expired before the sign-in was completed; start the sign-in again")]
    DeviceCodeExpired,
    #[error("Microsoft's ID token failed verification ({reason}); the sign-in was not accepted")]
    IdToken { reason: String },
    #[error(
        "Microsoft kept throttling the request to {context}: waited {} s, which exhausts the {} s budget; try again in a few minutes",
        waited.as_secs(), budget.as_secs()
    )]
    Throttled {
        context: String,
        waited: Duration,
        budget: Duration,
    },
    #[error(
        "Entra still has not replicated {what} after {} s; wait a few minutes and run this step again (last answer: {last})",
        waited.as_secs()
    )]
    ReplicationTimeout {
        what: crate::retry::Replicating,
        waited: Duration,
        last: Box<EntraError>,
    },
    #[error("the token store failed: {0}")]
    TokenStore(#[from] TokenStoreError),
    #[error("Microsoft Graph has no application permission named {name:?}")]
    UnknownPermission { name: String },
    #[error("the certificate cannot be used: {reason}")]
    Certificate { reason: String },
    #[error("Microsoft answered an unexpected response to {context}: {reason}")]
    UnexpectedResponse { context: String, reason: String },
    #[error(
        "the {what} from {url} was larger than {}, so reading it stopped and pbx365 could not {context}; a normal answer from Microsoft is far smaller, so check for a proxy or security software altering the connection, and try again",
        size_text(*limit)
    )]
    ResponseTooLarge {
        context: String,
        what: &'static str,
        /// Where the answer came from, without its query.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
}

impl EntraError {
    /// Entra's `AADSTS` code behind this error, if any.
    pub fn aadsts_code(&self) -> Option<u32> {
        match self {
            Self::Identity { error, .. } => error.code(),
            Self::ReplicationTimeout { last, .. } => last.aadsts_code(),
            _ => None,
        }
    }

    /// The Graph error code (`Authorization_RequestDenied`, …) behind this error, if any.
    pub fn graph_code(&self) -> Option<&str> {
        match self {
            Self::Graph { error, .. } => Some(&error.code),
            Self::ReplicationTimeout { last, .. } => last.graph_code(),
            _ => None,
        }
    }

    /// `reason` may quote the answer (parser errors do), so it is cleaned and cut.
    pub(crate) fn unexpected(context: impl Into<String>, reason: impl fmt::Display) -> Self {
        Self::UnexpectedResponse {
            context: context.into(),
            reason: clean_line(&reason.to_string(), MESSAGE_CHARS),
        }
    }
}

/// `16 MiB`, `64 KiB`, `100 bytes`.
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// A failure of a [`crate::TokenStore`] (for example the OS keyring being locked).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct TokenStoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TokenStoreError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    pub fn with_source(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(source.into()),
        }
    }
}

/// Entra's error body: `{error, error_description: "AADSTSnnnn: …", error_codes, trace_id, correlation_id}`.
/// Built by [`IdentityError::parse`] or [`IdentityError::from_redirect`], its texts are cut to a
/// few hundred characters and hold no control characters.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct IdentityError {
    /// The HTTP status of the answer, when it came from an endpoint (not from a redirect).
    #[serde(skip)]
    pub status: Option<u16>,
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
    #[serde(default)]
    pub trace_id: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
}

impl IdentityError {
    /// Reads an error body of the token or device-code endpoint. Graph's `{"error":{"code",
    /// "message"}}` form (Microsoft's gateways answer throttling that way) is understood too; any
    /// other body still yields an error carrying the HTTP status and the start of the text.
    pub fn parse(status: u16, body: &str) -> Self {
        let parsed = serde_json::from_str::<Self>(body)
            .ok()
            .filter(|e| !e.error.is_empty())
            .or_else(|| {
                let envelope = serde_json::from_str::<GraphErrorEnvelope>(body).ok()?;
                let error = envelope.error;
                (!error.code.is_empty()).then(|| Self {
                    error: error.code,
                    error_description: Some(error.message),
                    ..Self::default()
                })
            })
            .or_else(|| {
                // Cut short at the reading limit, so no longer valid JSON.
                let error = partial_json::string_field(body, "error").filter(|e| !e.is_empty())?;
                Some(Self {
                    error,
                    error_description: partial_json::string_field(body, "error_description"),
                    ..Self::default()
                })
            })
            .unwrap_or_else(|| Self {
                error: format!("http_{status}"),
                // One line: the first line of an HTML page says nothing.
                error_description: Some(clean_line(body, MESSAGE_CHARS)),
                ..Self::default()
            });
        Self {
            status: Some(status),
            ..parsed.cleaned()
        }
    }

    /// The `error`/`error_description` pair of a redirect back from the authorize endpoint.
    pub fn from_redirect(error: &str, description: Option<&str>) -> Self {
        Self {
            error: error.to_owned(),
            error_description: description.map(str::to_owned),
            ..Self::default()
        }
        .cleaned()
    }

    /// Bounded, control-free texts: they end up on screens, in terminals and in logs.
    fn cleaned(self) -> Self {
        let token = |text: String| clean_line(&text, TOKEN_CHARS);
        Self {
            status: self.status,
            error: token(self.error),
            error_description: self
                .error_description
                .map(|d| clean_lines(&d, MESSAGE_CHARS)),
            error_codes: self.error_codes,
            trace_id: self.trace_id.map(token),
            correlation_id: self.correlation_id.map(token),
        }
    }

    /// Whether the answer was not Entra's error format at all (a proxy's page, a bare 502).
    fn is_foreign(&self) -> bool {
        self.status
            .is_some_and(|status| self.error == format!("http_{status}"))
    }

    /// What to do when Entra's own words carry no code to explain.
    fn advice(&self) -> Option<&'static str> {
        match (self.status, self.error.as_str()) {
            (Some(429), _) | (_, "TooManyRequests") => {
                Some("Microsoft is throttling sign-in requests; wait a few minutes and try again")
            }
            (Some(500..=599), _) | (_, "temporarily_unavailable" | "server_error") => {
                Some("Microsoft's sign-in service is having trouble; try again in a few minutes")
            }
            _ if self.is_foreign() => Some(
                "this is not an answer from Microsoft's sign-in service; check the cloud and tenant, and any proxy or firewall in between",
            ),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<u32> {
        self.error_codes.first().copied().or_else(|| {
            self.error_description
                .as_deref()
                .and_then(aadsts::find_code)
        })
    }

    pub fn explanation(&self) -> Option<&'static Explanation> {
        self.code().and_then(aadsts::explain)
    }

    /// Microsoft's own description without the trace/correlation lines it appends.
    pub fn summary(&self) -> &str {
        self.error_description
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .unwrap_or(&self.error)
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.explanation(), self.code()) {
            (Some(e), _) => write!(f, "{} Fix: {} (AADSTS{}", e.meaning, e.fix, e.code)?,
            (None, Some(code)) => write!(f, "{} (AADSTS{code}", self.summary())?,
            (None, None) => {
                match (self.is_foreign(), self.status) {
                    (true, Some(status)) if self.summary().is_empty() => {
                        write!(f, "HTTP {status} without an explanation")?;
                    }
                    (true, Some(status)) => write!(
                        f,
                        "HTTP {status} with a text that is not Microsoft's error format: “{}”",
                        self.summary()
                    )?,
                    _ => f.write_str(self.summary())?,
                }
                if let Some(advice) = self.advice() {
                    write!(f, " — {advice}")?;
                }
                write!(f, " ({}", self.error)?;
            }
        }
        if let Some(id) = &self.correlation_id {
            write!(f, ", correlation ID {id}")?;
        }
        f.write_str(")")
    }
}

/// Graph's error body: `{"error": {"code", "message", "details", "innerError"}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Vec<GraphErrorDetail>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct GraphErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
struct GraphErrorEnvelope {
    error: GraphErrorBody,
}

#[derive(Deserialize)]
struct GraphErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<GraphErrorDetail>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<GraphInnerError>,
}

#[derive(Deserialize)]
struct GraphInnerError {
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
}

impl GraphError {
    /// Reads Graph's error body; any other body still yields an error carrying the HTTP status
    /// and the start of the text. Texts are cut to a few hundred characters and hold no control
    /// characters.
    pub fn parse(status: u16, body: &str) -> Self {
        let token = |text: &str| clean_line(text, TOKEN_CHARS);
        let message = |text: &str| clean_line(text, MESSAGE_CHARS);
        match serde_json::from_str::<GraphErrorEnvelope>(body) {
            Ok(GraphErrorEnvelope { error }) => Self {
                status,
                code: token(&error.code),
                message: message(&error.message),
                details: error
                    .details
                    .iter()
                    // A handful is plenty to explain; the rest would only flood the screen.
                    .take(5)
                    .map(|d| GraphErrorDetail {
                        code: token(&d.code),
                        message: message(&d.message),
                    })
                    .collect(),
                request_id: error.inner.and_then(|i| i.request_id).map(|id| token(&id)),
            },
            // Cut short at the reading limit: Graph's code and message come first.
            Err(_) if body.trim_start().starts_with("{\"error\"") => Self {
                status,
                code: partial_json::string_field(body, "code")
                    .map_or_else(|| format!("http_{status}"), |code| token(&code)),
                message: partial_json::string_field(body, "message")
                    .map_or_else(|| message(body), |text| message(&text)),
                ..Self::default()
            },
            Err(_) => Self {
                status,
                code: format!("http_{status}"),
                message: message(body),
                ..Self::default()
            },
        }
    }

    /// Whether this error, or one of its details, carries `code`, or its message mentions it.
    pub fn mentions(&self, code: &str) -> bool {
        self.code == code
            || self.message.contains(code)
            || self
                .details
                .iter()
                .any(|d| d.code == code || d.message.contains(code))
    }

    fn hint(&self) -> Option<&'static str> {
        match self.code.as_str() {
            _ if self.status == 429 => {
                Some("Microsoft Graph is throttling requests; wait a few minutes and try again")
            }
            _ if self.status >= 500 => {
                Some("Microsoft Graph is having trouble; try again in a few minutes")
            }
            "Authorization_RequestDenied" => Some(
                "the signed-in account lacks the right to do this; sign in as a Global Administrator or Privileged Role Administrator",
            ),
            "InvalidAuthenticationToken" => {
                Some("the Microsoft sign-in is no longer valid; sign in again")
            }
            _ if self.status == 403 => Some(
                "the sign-in lacks the Graph permission for this; sign in again and accept all requested permissions",
            ),
            _ => None,
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code == format!("http_{}", self.status) {
            write!(f, "HTTP {}", self.status)?;
            if !self.message.is_empty() {
                write!(
                    f,
                    " with a text that is not Graph's error format: “{}”",
                    self.message
                )?;
            }
        } else {
            write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message)?;
        }
        if let Some(hint) = self.hint() {
            write!(f, " — {hint}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request ID {id})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_code_renders_explanation_fix_and_correlation() {
        let body = r#"{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'nope' not found.\r\nTrace ID: t\r\nCorrelation ID: c","error_codes":[90002],"timestamp":"2024-01-01 00:00:00Z","trace_id":"t","correlation_id":"c-1"}"#;
        let error = IdentityError::parse(400, body);
        assert_eq!(error.code(), Some(90002));
        let text = error.to_string();
        assert!(text.contains("other cloud"), "{text}");
        assert!(text.contains("Fix:"), "{text}");
        assert!(text.contains("AADSTS90002"), "{text}");
        assert!(text.contains("correlation ID c-1"), "{text}");
    }

    #[test]
    fn unknown_code_keeps_microsofts_words_and_correlation() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS99999: Something new happened.\r\nTrace ID: t","error_codes":[99999],"correlation_id":"c-2"}"#;
        let text = IdentityError::parse(400, body).to_string();
        assert_eq!(
            text,
            "AADSTS99999: Something new happened. (AADSTS99999, correlation ID c-2)"
        );
    }

    #[test]
    fn code_from_description_when_codes_are_missing() {
        let error = IdentityError::from_redirect(
            "access_denied",
            Some("AADSTS65004: User declined to consent"),
        );
        assert_eq!(error.code(), Some(65004));
        assert!(error.to_string().contains("declined"));
    }

    #[test]
    fn non_json_identity_body_keeps_status_and_text() {
        let error = IdentityError::parse(502, "<html>Bad gateway</html>");
        assert_eq!(error.error, "http_502");
        assert!(error.to_string().contains("Bad gateway"));
    }

    #[test]
    fn graph_body_is_parsed_with_request_id_and_hint() {
        let body = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"r-1","date":"2024-01-01T00:00:00"}}}"#;
        let error = GraphError::parse(403, body);
        assert_eq!(error.code, "Authorization_RequestDenied");
        assert_eq!(error.request_id.as_deref(), Some("r-1"));
        let text = error.to_string();
        assert!(text.contains("Global Administrator"), "{text}");
        assert!(text.contains("request ID r-1"), "{text}");
    }

    #[test]
    fn graph_mentions_looks_into_details() {
        let body = r#"{"error":{"code":"Request_BadRequest","message":"The appId of the service principal does not reference a valid application object.","details":[{"code":"NoBackingApplicationObject","message":"x"}]}}"#;
        let error = GraphError::parse(400, body);
        assert!(error.mentions("NoBackingApplicationObject"));
        assert!(!error.mentions("Request_ResourceNotFound"));
    }

    const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}Refused\r\n\u{1b}[31mred\u{9b}1m\u{0}";

    fn has_controls(text: &str) -> bool {
        text.chars().any(char::is_control)
    }

    #[test]
    fn a_huge_identity_error_text_becomes_a_short_message() {
        let body = serde_json::json!({
            "error": "invalid_request",
            "error_description": format!("AADSTS99999: {}", "x".repeat(10 * 1024 * 1024)),
            "correlation_id": "c".repeat(5000),
        })
        .to_string();
        let text = IdentityError::parse(400, &body).to_string();
        assert!(text.chars().count() < 800, "{} characters", text.len());
        assert!(text.contains("AADSTS99999: xxx"), "{text}");
        assert!(text.contains('…'), "{text}");

        let raw = "<html>".repeat(2 * 1024 * 1024);
        let text = IdentityError::parse(502, &raw).to_string();
        assert!(text.chars().count() < 800, "{} characters", text.len());
        assert!(
            text.starts_with("HTTP 502 with a text that is not Microsoft's error format"),
            "{text}"
        );
        assert!(text.contains("try again in a few minutes"), "{text}");
    }

    #[test]
    fn escape_laden_error_texts_lose_their_control_characters() {
        let body = serde_json::json!({
            "error": format!("invalid_grant{HOSTILE}"),
            "error_description": format!("AADSTS99999: {HOSTILE}"),
            "correlation_id": HOSTILE,
        })
        .to_string();
        let identity = IdentityError::parse(400, &body);
        let text = identity.to_string();
        assert!(!has_controls(&text), "{text:?}");
        assert!(text.contains("AADSTS99999: Refused"), "{text:?}");
        assert!(!has_controls(&identity.error), "{:?}", identity.error);

        let redirect = IdentityError::from_redirect(HOSTILE, Some(HOSTILE)).to_string();
        assert!(!has_controls(&redirect), "{redirect:?}");

        for body in [
            serde_json::json!({"error": {"code": HOSTILE, "message": HOSTILE, "details": [{"code": HOSTILE, "message": HOSTILE}], "innerError": {"request-id": HOSTILE}}}).to_string(),
            HOSTILE.repeat(100_000),
        ] {
            let graph = GraphError::parse(400, &body);
            let text = graph.to_string();
            assert!(!has_controls(&text), "{text:?}");
            assert!(text.chars().count() < 1200, "{} characters", text.len());
            assert!(graph.details.iter().all(|d| !has_controls(&d.code) && !has_controls(&d.message)));
        }

        let unexpected = EntraError::unexpected("read the users", HOSTILE.repeat(1000)).to_string();
        assert!(!has_controls(&unexpected), "{unexpected:?}");
        assert!(
            unexpected.chars().count() < 700,
            "{} characters",
            unexpected.len()
        );
    }

    #[test]
    fn throttling_in_graphs_form_on_the_token_endpoint_reads_as_a_sentence() {
        let body =
            r#"{"error":{"code":"TooManyRequests","message":"Too many requests; retry later."}}"#;
        let text = IdentityError::parse(429, body).to_string();
        assert_eq!(
            text,
            "Too many requests; retry later. — Microsoft is throttling sign-in requests; wait a few minutes and try again (TooManyRequests)"
        );
        assert!(!text.contains('{'), "{text}");
        let graph = GraphError::parse(503, "").to_string();
        assert_eq!(
            graph,
            "HTTP 503 — Microsoft Graph is having trouble; try again in a few minutes"
        );
    }

    #[test]
    fn size_limits_read_naturally() {
        assert_eq!(size_text(16 * 1024 * 1024), "16 MiB");
        assert_eq!(size_text(64 * 1024), "64 KiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }

    #[test]
    fn entra_error_exposes_codes() {
        let error = EntraError::Identity {
            context: "redeem".into(),
            error: Box::new(IdentityError::from_redirect(
                "x",
                Some("AADSTS700016: nope"),
            )),
        };
        assert_eq!(error.aadsts_code(), Some(700016));
        assert_eq!(error.graph_code(), None);
    }
}
