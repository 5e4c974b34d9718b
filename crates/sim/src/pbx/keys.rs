//! `POST/GET /ms365/certificate` and `/admin/ms365/certificate`: make a key pair and hand out
//! its public certificate as `public_key.pem`; the private key stays in the PBX.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Pbx;
use super::auth::Caller;
use super::certificate::{self, Certificate, FILE_NAME};
use super::error::ApiError;
use super::state::AuditAction;

/// Which integration a certificate belongs to.
#[derive(Debug, Clone, Copy)]
enum Scope {
    Tenant,
    System,
}

fn attachment(certificate: &Certificate) -> Response {
    let mut response = (StatusCode::OK, certificate.pem.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{FILE_NAME}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn generate(pbx: &Pbx, caller: &Caller, scope: Scope) -> Result<Response, ApiError> {
    let common_name = match scope {
        Scope::Tenant => format!("PortSIP PBX {}", pbx.demo.domain),
        Scope::System => format!("PortSIP PBX {}", pbx.web_domain),
    };
    let key = certificate::generate(common_name).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            super::error::UNKNOWN,
            format!("The key pair could not be generated: {e}"),
        )
    })?;
    let certificate = key.certificate.clone();
    let mut state = pbx.lock();
    match scope {
        Scope::Tenant => {
            state.tenant.integration.key = Some(Arc::new(key));
            let who = state.principal_name(&caller.principal);
            state.audit(
                AuditAction::Create,
                "MICROSOFT_365_INTEGRATION",
                &who,
                FILE_NAME,
                None,
            );
        }
        Scope::System => state.system.key = Some(Arc::new(key)),
    }
    Ok(attachment(&certificate))
}

fn download(pbx: &Pbx, scope: Scope) -> Result<Response, ApiError> {
    let certificate = match scope {
        Scope::Tenant => pbx.certificate(),
        Scope::System => pbx.system_certificate(),
    };
    certificate.map(|c| attachment(&c)).ok_or_else(|| {
        ApiError::not_found("No Microsoft 365 key pair has been generated yet; generate one first.")
    })
}

pub async fn generate_tenant(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    generate(&pbx, &caller, Scope::Tenant).await
}

pub async fn download_tenant(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    download(&pbx, Scope::Tenant)
}

pub async fn generate_system(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_system_admin()?;
    generate(&pbx, &caller, Scope::System).await
}

pub async fn download_system(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_system_admin()?;
    download(&pbx, Scope::System)
}
