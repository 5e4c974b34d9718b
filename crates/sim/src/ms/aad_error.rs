//! Errors of the identity platform, shaped as Entra returns them: an OAuth `error`, an
//! `AADSTSnnnn:` description followed by trace, correlation and time lines, and the code list.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::format_description;

use super::ids::new_uuid;

#[derive(Debug, Clone)]
pub(crate) struct AadError {
    pub status: StatusCode,
    /// The OAuth 2.0 error, e.g. `invalid_client`.
    pub error: &'static str,
    pub code: u32,
    /// The text after `AADSTSnnnn: `.
    pub message: String,
}

impl AadError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        code: u32,
        message: impl Into<String>,
    ) -> Self {
        AadError {
            status,
            error,
            code,
            message: message.into(),
        }
    }

    pub fn invalid_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", code, message)
    }

    pub fn invalid_client(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", code, message)
    }

    pub fn invalid_grant(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", code, message)
    }

    pub fn unauthorized_client(code: u32, message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            code,
            message,
        )
    }

    pub fn invalid_scope(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", 70011, message)
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::invalid_request(
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    pub fn tenant_not_found(segment: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
            format!(
                "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        )
    }

    pub fn app_not_found(app_id: &str, tenant_name: &str) -> Self {
        Self::unauthorized_client(
            700016,
            format!(
                "Application with identifier '{app_id}' was not found in the directory '{tenant_name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            ),
        )
    }

    pub fn consent_declined() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        )
    }

    /// The sign-in service itself failed (here: it has no signing key).
    pub fn server_error(reason: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            50000,
            format!(
                "There was an error issuing a token or an issue with our sign-in service. {reason}"
            ),
        )
    }

    /// The identity platform refusing work while overloaded (the fault switches' 429). Entra
    /// does not document the body of its 429s; this is its documented throttling code in the
    /// body its other errors have, under the OAuth error for an overloaded server.
    pub fn throttled() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            90055,
            "There are too many incoming requests. Please try again later.",
        )
    }

    /// The identity platform failing for a moment (the fault switches' 5xx): a 500 is its
    /// sign-in service's own error; other statuses carry AADSTS90033, as Entra's 503s do.
    pub fn unavailable(status: StatusCode) -> Self {
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            return Self::new(
                status,
                "server_error",
                50000,
                "There was an error issuing a token or an issue with our sign-in service.",
            );
        }
        Self::new(
            status,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.",
        )
    }

    /// Renames the OAuth error: Entra names the same AADSTS code differently per endpoint.
    pub fn with_error(mut self, error: &'static str) -> Self {
        self.error = error;
        self
    }

    /// `error_description` with the trailing lines Entra adds, and the values they carry.
    pub fn describe(&self) -> Described {
        let timestamp = entra_timestamp(OffsetDateTime::now_utc());
        let trace_id = new_uuid();
        let correlation_id = new_uuid();
        let description = format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.message
        );
        Described {
            description,
            timestamp,
            trace_id,
            correlation_id,
        }
    }
}

pub(crate) struct Described {
    pub description: String,
    pub timestamp: String,
    pub trace_id: String,
    pub correlation_id: String,
}

/// Entra's `2016-01-09 02:02:12Z` form.
pub(crate) fn entra_timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

impl IntoResponse for AadError {
    fn into_response(self) -> Response {
        let d = self.describe();
        let body = json!({
            "error": self.error,
            "error_description": d.description,
            "error_codes": [self.code],
            "timestamp": d.timestamp,
            "trace_id": d.trace_id,
            "correlation_id": d.correlation_id,
        });
        (
            self.status,
            [(header::CACHE_CONTROL, "no-store, no-cache")],
            Json(body),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_carries_code_and_trace_lines() {
        let d = AadError::invalid_scope("The scope 'x' isn't valid.").describe();
        assert!(
            d.description
                .starts_with("AADSTS70011: The scope 'x' isn't valid.\r\nTrace ID: ")
        );
        assert!(
            d.description
                .contains(&format!("Correlation ID: {}", d.correlation_id))
        );
        assert!(
            d.description
                .ends_with(&format!("Timestamp: {}", d.timestamp))
        );
        assert_eq!(d.timestamp.len(), "2016-01-09 02:02:12Z".len());
    }
}
