//! Where a client hands each new refresh token, so the saved sign-in is never one the PBX has
//! already spent.

use crate::Secret;

/// Why a [`SessionSink`] could not keep a token; its text ends up in
/// [`Error::SessionNotKept`](crate::Error::SessionNotKept), so it must not hold the token.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives every new refresh token the client is given: at sign-in, on resuming and on each
/// renewal (shortly before expiry or after a 401).
///
/// PortSIP refresh tokens are single-use: once the client has renewed, the token saved before
/// no longer works. [`renewed`](Self::renewed) is called synchronously, before the new access
/// token is used for any request or the call returns, so whatever ends the process afterwards,
/// the sink holds the newest token. If it fails, the call fails with
/// [`Error::SessionNotKept`](crate::Error::SessionNotKept); the client keeps the token in
/// memory and offers it to the sink again before its next request, and sends nothing with it
/// until the sink has taken it.
///
/// A closure `Fn(&Secret) -> Result<(), SinkError>` is a sink:
///
/// ```
/// # fn save(_: &str) -> Result<(), std::io::Error> { Ok(()) }
/// let client = portsip::Client::builder("https://pbx.example.com:8887")
///     .session_sink(std::sync::Arc::new(|token: &portsip::Secret| -> Result<(), portsip::SinkError> {
///         save(token.expose())?;
///         Ok(())
///     }))
///     .build()?;
/// # Ok::<(), portsip::Error>(())
/// ```
pub trait SessionSink: Send + Sync {
    /// Keeps `refresh_token` (e.g. writes it to the OS keyring), replacing the one before.
    fn renewed(&self, refresh_token: &Secret) -> Result<(), SinkError>;
}

impl<F> SessionSink for F
where
    F: Fn(&Secret) -> Result<(), SinkError> + Send + Sync,
{
    fn renewed(&self, refresh_token: &Secret) -> Result<(), SinkError> {
        self(refresh_token)
    }
}
