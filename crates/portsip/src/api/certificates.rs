use std::fmt;

use reqwest::header::CONTENT_DISPOSITION;

use crate::client::{Answer, ApiPath};
use crate::content_disposition::file_name;
use crate::{Client, Error};

/// A certificate file the PBX handed out: the public certificate in PEM form (the private
/// key never leaves the PBX).
#[derive(Clone, PartialEq, Eq)]
pub struct CertificateFile {
    /// The file name from `Content-Disposition`, stripped of any directory part.
    pub file_name: Option<String>,
    /// The PEM text, as sent.
    pub pem: Vec<u8>,
}

impl fmt::Debug for CertificateFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateFile")
            .field("file_name", &self.file_name)
            .field("pem_bytes", &self.pem.len())
            .finish()
    }
}

impl Client {
    /// `POST /ms365/certificate`: the PBX makes a new key pair for the tenant's integration
    /// and returns the new public certificate. The previous one stops working on the PBX side.
    pub async fn generate_ms365_certificate(&self) -> Result<CertificateFile, Error> {
        let path = ApiPath::new(&["ms365", "certificate"]);
        let answer = self.post::<()>(&path, None).await?;
        certificate_file(answer, "POST", &path)
    }

    /// `GET /ms365/certificate`: the tenant integration's current public certificate.
    pub async fn ms365_certificate(&self) -> Result<CertificateFile, Error> {
        let path = ApiPath::new(&["ms365", "certificate"]);
        let answer = self.get_raw(&path).await?;
        certificate_file(answer, "GET", &path)
    }

    /// `POST /admin/ms365/certificate`: a new key pair for the system-wide integration.
    pub async fn generate_global_ms365_certificate(&self) -> Result<CertificateFile, Error> {
        let path = ApiPath::new(&["admin", "ms365", "certificate"]);
        let answer = self.post::<()>(&path, None).await?;
        certificate_file(answer, "POST", &path)
    }

    /// `GET /admin/ms365/certificate`: the system-wide integration's current certificate.
    pub async fn global_ms365_certificate(&self) -> Result<CertificateFile, Error> {
        let path = ApiPath::new(&["admin", "ms365", "certificate"]);
        let answer = self.get_raw(&path).await?;
        certificate_file(answer, "GET", &path)
    }
}

fn certificate_file(
    answer: Answer,
    method: &str,
    path: &ApiPath,
) -> Result<CertificateFile, Error> {
    let looks_like_pem = String::from_utf8_lossy(&answer.body)
        .trim_start()
        .starts_with("-----BEGIN ");
    if !looks_like_pem {
        return Err(Error::UnexpectedResponse {
            operation: format!("{method} {path}"),
            reason: "the answer is not a PEM certificate".to_owned(),
        });
    }
    let file_name = answer
        .headers
        .get(CONTENT_DISPOSITION)
        .and_then(|value| value.to_str().ok())
        .and_then(file_name);
    Ok(CertificateFile {
        file_name,
        pem: answer.body,
    })
}
