//! Microsoft identity platform and Graph client: sign-in, tokens, app registration, consent, users.
//!
//! Start with [`Authenticator::new`] for a [`Cloud`] and tenant, sign in with
//! [`Authenticator::sign_in_with_browser`] (PKCE + loopback) or
//! [`Authenticator::sign_in_with_device_code`], and hand the [`Session`] to a [`GraphClient`].
//! This crate knows nothing of PortSIP.

pub mod aadsts;
mod browser;
mod cloud;
mod consent;
mod device_code;
mod discovery;
mod error;
mod graph;
mod http;
mod id_token;
mod loopback;
mod partial_json;
mod pkce;
mod public_document;
mod response_body;
mod retry;
mod secret;
mod session;
mod signin;
#[cfg(test)]
mod test_server;
mod token_endpoint;
mod token_store;
mod token_wire;
mod untrusted_text;

pub use browser::{BrowserOpener, SystemBrowser};
pub use cloud::{Cloud, National};
pub use consent::admin_consent_url;
pub use device_code::DeviceCodePrompt;
pub use discovery::Endpoints;
pub use error::{EntraError, GraphError, GraphErrorDetail, IdentityError, TokenStoreError};
pub use graph::*;
pub use http::HttpOptions;
pub use id_token::Account;
pub use retry::{
    ConnectionFailure, Progress, ProgressFn, Replicating, RetryPolicy, replication_wait,
    retry_while_replicating,
};
pub use secret::Secret;
pub use session::Session;
pub use signin::{
    Authenticator, GRAPH_CLI_CLIENT_ID, SETUP_PERMISSIONS, SignInOptions, USER_SYNC_PERMISSION,
};
pub use token_store::{MemoryTokenStore, TokenStore};
