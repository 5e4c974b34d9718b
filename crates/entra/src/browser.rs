use url::Url;

use crate::error::EntraError;

/// Shows the sign-in page to the user. The product opens the system browser; tests follow the
/// redirects with an HTTP client. Called from within the Tokio runtime, so an implementation
/// may spawn tasks; it must not block until the sign-in is finished.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &Url) -> Result<(), EntraError>;
}

/// Opens the URL in the user's default browser.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        open::that_detached(url.as_str()).map_err(|e| EntraError::Browser {
            reason: e.to_string(),
        })
    }
}
