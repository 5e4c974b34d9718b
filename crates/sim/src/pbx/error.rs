//! PortSIP's error answers: a 4xx status with `{"errors":[{"code","message"}]}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::faults::Fault;

/// The request failed validation; the message names the field.
pub const VALIDATE_FAILED: &str = "VALIDATE_FAILED";
/// No, an unknown or a malformed bearer token.
pub const UNAUTHORIZED: &str = "UNAUTHORIZED";
/// The bearer token was valid but has expired: refresh it.
pub const TOKEN_EXPIRED: &str = "TOKEN_EXPIRED";
/// Wrong user name, password or domain, or a disabled account.
pub const LOGIN_FAILED: &str = "LOGIN_FAILED";
/// The refresh token is unknown, used up or expired: sign in again.
pub const INVALID_REFRESH_TOKEN: &str = "INVALID_REFRESH_TOKEN";
/// The caller's role may not use this endpoint.
pub const FORBIDDEN: &str = "FORBIDDEN";
/// Something failed inside the PBX itself.
pub const UNKNOWN: &str = "UNKNOWN";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
/// The Microsoft 365 integration lacks its application, directory or key pair.
pub const MS365_NOT_CONFIGURED: &str = "MS365_NOT_CONFIGURED";
/// Microsoft answered the PBX's own call with an error; the message carries Microsoft's.
pub const MS365_REQUEST_FAILED: &str = "MS365_REQUEST_FAILED";
/// The tenant's licence allows no more users. PortSIP documents no code for this refusal;
/// this one is the emulator's, in PortSIP's naming style.
pub const LICENSE_LIMIT_REACHED: &str = "LICENSE_LIMIT_REACHED";
/// The fault switches' throttling answer.
pub const TOO_MANY_REQUESTS: &str = "TOO_MANY_REQUESTS";
/// The fault switches' server-error answer.
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";

/// One entry of the `errors` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    pub code: &'static str,
    pub message: String,
}

/// An error answer of the emulated PBX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorEntry>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![ErrorEntry {
                code,
                message: message.into(),
            }],
        }
    }

    /// A validation failure of one field: the message starts with the field's name.
    pub fn field(field: &str, problem: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            VALIDATE_FAILED,
            format!("{field}: {problem}"),
        )
    }

    /// Validation failures of several fields at once.
    pub fn fields(problems: Vec<(String, String)>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            errors: problems
                .into_iter()
                .map(|(field, problem)| ErrorEntry {
                    code: VALIDATE_FAILED,
                    message: if field.is_empty() {
                        problem
                    } else {
                        format!("{field}: {problem}")
                    },
                })
                .collect(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, UNAUTHORIZED, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, NOT_FOUND, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let errors: Vec<_> = self
            .errors
            .iter()
            .map(|e| json!({"code": e.code, "message": e.message}))
            .collect();
        (self.status, axum::Json(json!({ "errors": errors }))).into_response()
    }
}

/// What the fault switches answer instead of the real response (`Retry-After` is added by
/// the fault layer).
pub(crate) fn fault_answer(fault: Fault) -> Response {
    match fault {
        Fault::Throttled => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            TOO_MANY_REQUESTS,
            "Too many requests; retry later.",
        ),
        Fault::ServerError(status) => ApiError::new(
            status,
            INTERNAL_SERVER_ERROR,
            "The service is temporarily unavailable.",
        ),
    }
    .into_response()
}

/// Unknown paths answer like PortSIP's other errors.
pub async fn no_such_endpoint() -> ApiError {
    ApiError::not_found("No such API endpoint.")
}

/// Known paths with an unsupported method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        METHOD_NOT_ALLOWED,
        "This method is not allowed on this endpoint.",
    )
}
