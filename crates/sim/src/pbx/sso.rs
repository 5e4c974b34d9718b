//! `POST /auth/sign_in/{provider}`: where to send a user who signs in with Microsoft 365.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Pbx;
use super::error::ApiError;

/// The provider names that mean Microsoft 365.
const MICROSOFT: [&str; 2] = ["ms365", "microsoft365"];

fn query_escape(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Answers `{url}`: the tenant's Microsoft authorize URL for its integration's app.
pub async fn sign_in(
    State(pbx): State<Arc<Pbx>>,
    Path(provider): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let body = pbx.object_body("POST", "/auth/sign_in/{provider}", &bytes)?;
    if !MICROSOFT.iter().any(|p| p.eq_ignore_ascii_case(&provider)) {
        return Err(ApiError::field(
            "provider",
            format!("{provider:?} is not a supported sign-in provider (ms365)"),
        ));
    }
    let text = |field: &str| body.get(field).and_then(Value::as_str).unwrap_or_default();
    let callback = text("callback_url");
    if url::Url::parse(callback).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
        return Err(ApiError::field(
            "callback_url",
            format!("{callback:?} is not an http(s) URL"),
        ));
    }
    let domain = text("domain");
    if !domain.eq_ignore_ascii_case(&pbx.demo.domain) {
        return Err(ApiError::not_found(format!(
            "No tenant with the domain {domain:?}."
        )));
    }
    let app = pbx.tenant_app()?;
    let url = format!(
        "{}/{}/oauth2/v2.0/authorize?client_id={}&response_type=code&response_mode=query\
         &redirect_uri={}&scope={}&state={}",
        pbx.microsoft.authority(),
        app.directory_id,
        query_escape(&app.application_id),
        query_escape(&pbx.redirect_uri()),
        query_escape("openid profile email"),
        uuid::Uuid::new_v4().simple(),
    );
    Ok(axum::Json(json!({ "url": url })).into_response())
}
