//! Typed async client of the PortSIP PBX REST API — the subset pbx365 needs, as described by
//! `spec/portsip-openapi-subset.json` and `spec/portsip-NOTES.md`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // The emulated PBX stands in for https://pbx.example.com:8887 and its demo tenant.
//! # let sim = sim::start(sim::SimConfig::default()).await?;
//! # let url = &sim.pbx_url;
//! use futures::TryStreamExt;
//!
//! let pbx = portsip::Client::new(url)?;
//! pbx.login("pbxadmin", "Admin-pbx365!", Some("contoso.example")).await?;
//! let settings = pbx.ms365().await?;
//! println!("register these Redirect URIs: {:?}", settings.redirect_uris());
//! let users: Vec<_> = pbx.users(&Default::default()).try_collect().await?;
//! assert!(!users.is_empty());
//! # Ok(()) }
//! ```
//!
//! - **Addresses**: the REST API lives under `/api`, which is appended when the URL's path
//!   does not already end in it (`https://pbx:8887` → `https://pbx:8887/api`); a URL without
//!   a scheme means `https://`; no port is guessed (PortSIP's default is 8887). Plain
//!   `http://` is refused ([`Error::InsecureUrl`]) unless the host is loopback (`localhost`,
//!   127.0.0.0/8, `::1`); user info, queries and fragments are refused too. Redirects are never
//!   followed ([`Error::Redirected`] names where they pointed), so a password cannot be
//!   resent elsewhere or over plain http.
//! - **TLS**: the system's trusted roots, plus optional extra CAs and an optional pinned
//!   certificate fingerprint; a refused certificate is reported with its subject and SHA-256
//!   fingerprint ([`Error::Tls`]).
//! - **Session**: the access token is refreshed shortly before it expires and once after a
//!   401; if the refresh token is refused, the client signs in again only when it was allowed
//!   to keep the password ([`PasswordRetention`]). Each new (single-use) refresh token goes to
//!   an optional [`SessionSink`] before it is used, so the saved sign-in is always the newest.
//! - **Retries**: every request rides out throttling, server errors and broken connections
//!   within a time budget ([`RetryPolicy`]); requests that create something are sent again
//!   only when the PBX certainly did not apply them.
//! - **Hostile servers**: answers are read up to a limit per kind (JSON 8 MiB, the unpaged
//!   Microsoft 365 user list 64 MiB, certificates 256 KiB, error answers 64 KiB) within the
//!   request's time-out; server text quoted in errors is parsed into code and message, cut
//!   to a few hundred characters and stripped of control characters and escape sequences.
//! - **Versions**: [`Client::tenant_status`] reports the PBX's version
//!   ([`model::PbxVersion`], read leniently; an unreadable one is kept raw, never an error).
//!   The client holds no per-version rules: it sends what it is given, and optional fields
//!   left `None` are not sent, so a caller can leave out what a version removed (PortSIP
//!   22.6: `sign_in_as_administrator`).
//! - **Errors**: [`Error`]; each renders as a sentence an administrator can act on.
//! - **Logs**: every request is a `pbx_request` tracing span (method, path) with its status
//!   and duration; no body, password or token is ever logged.

mod api;
mod auth;
mod base_url;
mod client;
mod content_disposition;
mod error;
pub mod model;
mod paging;
mod rejection;
mod secret;
mod server_text;
mod session_sink;
mod string_enum;
mod tls;

pub use api::CertificateFile;
pub use auth::{Credentials, PasswordRetention, SignedIn};
pub use client::{Client, ClientBuilder, RetryPolicy};
pub use error::{Error, ErrorCode, FieldProblem, NetworkFailure};
pub use paging::MAX_PAGE_SIZE;
pub use secret::Secret;
pub use session_sink::{SessionSink, SinkError};
pub use tls::Sha256Fingerprint;
