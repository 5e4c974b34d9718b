//! How every command that signs in to a PBX takes its account and TLS trust, and how PBX
//! errors are described in `--json` output.

use std::path::PathBuf;

use clap::Args;
use portsip::{Secret, Sha256Fingerprint, SignedIn};
use serde_json::{Map, Value, json};

use crate::access::retry::RetryPolicy;

/// The PBX account and how to trust the PBX's certificate.
#[derive(Debug, Args)]
pub struct PbxLogin {
    /// The PBX user name (the tenant's administrator).
    #[arg(long)]
    pub username: String,
    /// Read the password from the first line of standard input (required: a password is never
    /// taken as an argument).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// The tenant's SIP domain (leave out for the system administrator or a single-tenant PBX).
    #[arg(long)]
    pub domain: Option<String>,
    /// Also trust the CA certificate(s) in this PEM file (e.g. the emulator's, from `pbx365 sim --tls`).
    #[arg(long, value_name = "PEM_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Also trust exactly the PBX certificate with this SHA-256 fingerprint (64 hex digits,
    /// colons optional), as shown when the certificate was not trusted.
    #[arg(long, value_name = "FINGERPRINT", value_parser = parse_fingerprint)]
    pub pin_sha256: Option<Sha256Fingerprint>,
}

fn parse_fingerprint(text: &str) -> Result<Sha256Fingerprint, portsip::Error> {
    text.parse()
}

impl PbxLogin {
    /// A client for `url` with this trust configuration, trying as long as a first contact
    /// with a PBX address may (the one retry policy's [`RetryPolicy::first_contact`]).
    pub fn client(&self, url: &str) -> Result<portsip::Client, portsip::Error> {
        let mut builder = portsip::Client::builder(url)
            .retry_policy(RetryPolicy::default().first_contact().pbx());
        if let Some(path) = &self.ca_file {
            builder = builder.ca_file(path);
        }
        if let Some(pin) = self.pin_sha256 {
            builder = builder.pin_sha256(pin);
        }
        builder.build()
    }

    /// Signs `client` in with this account.
    pub async fn sign_in(
        &self,
        client: &portsip::Client,
        password: &Secret,
    ) -> Result<SignedIn, portsip::Error> {
        client
            .login(&self.username, password.expose(), self.domain.as_deref())
            .await
    }
}

/// A stable name for the kind of PBX failure, and the details a script can act on (the
/// refused certificate's fingerprint, the rejected field).
pub fn describe_error(error: &portsip::Error) -> (&'static str, Map<String, Value>) {
    use portsip::Error as E;
    let mut details = Map::new();
    let kind = match error {
        E::InvalidUrl { .. } => "invalid_url",
        E::InsecureUrl { .. } => "insecure_url",
        E::InvalidCa { .. } => "invalid_ca",
        E::InvalidFingerprint { .. } => "invalid_fingerprint",
        E::TlsSetup { .. } => "tls_setup",
        E::BadCredentials { .. } => "bad_credentials",
        E::Forbidden {
            role, operation, ..
        } => {
            details.insert("role".to_owned(), json!(role.as_ref().map(|r| r.as_str())));
            details.insert("operation".to_owned(), json!(operation));
            "forbidden"
        }
        E::Validation { field, .. } => {
            details.insert("field".to_owned(), json!(field));
            "validation"
        }
        E::NotFound { .. } => "not_found",
        E::Rejected { status, code, .. } => {
            details.insert("status".to_owned(), json!(status));
            details.insert("code".to_owned(), json!(code.as_str()));
            "rejected"
        }
        E::RateLimited { .. } => "rate_limited",
        E::Server { status, .. } => {
            details.insert("status".to_owned(), json!(status));
            "server"
        }
        E::Network { .. } => "network",
        E::Tls {
            subject, sha256, ..
        } => {
            details.insert(
                "certificate".to_owned(),
                json!({ "subject": subject, "sha256": sha256 }),
            );
            "tls"
        }
        E::Redirected {
            status, location, ..
        } => {
            details.insert("status".to_owned(), json!(status));
            details.insert("location".to_owned(), json!(location));
            "redirected"
        }
        E::SessionExpired { .. } => "session_expired",
        E::NotSignedIn => "not_signed_in",
        E::Encoding { .. } => "encoding",
        E::UnexpectedResponse { .. } => "unexpected_response",
        _ => "other",
    };
    (kind, details)
}
