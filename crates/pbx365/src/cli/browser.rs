//! Which "browser" shows the Microsoft sign-in page: the system browser, or — for tests and
//! demos against the emulator only — an HTTP client that follows the page's redirects.
//!
//! `PBX365_TEST_BROWSER=follow-redirects` selects the latter. It completes a sign-in only when
//! the page approves by itself (`pbx365 sim --auto-approve`), and it refuses any address that
//! is not on this computer, so it can never stand in for a real sign-in.

use std::net::IpAddr;

use anyhow::bail;
use entra::{BrowserOpener, EntraError, SystemBrowser};
use reqwest::header::LOCATION;
use url::{Host, Url};

/// The environment variable that selects the test browser.
pub const TEST_BROWSER_ENV: &str = "PBX365_TEST_BROWSER";
const FOLLOW_REDIRECTS: &str = "follow-redirects";
/// Auto-approve needs two hops (authorize → loopback); more means something loops.
const MAX_REDIRECTS: usize = 10;

/// The system browser, unless [`TEST_BROWSER_ENV`] asks for the redirect follower, which then
/// trusts `extra_ca_pem` like the sign-in itself does.
pub fn choose(extra_ca_pem: Option<&str>) -> anyhow::Result<Box<dyn BrowserOpener>> {
    match std::env::var(TEST_BROWSER_ENV) {
        Ok(value) if value == FOLLOW_REDIRECTS => {
            eprintln!(
                "note: {TEST_BROWSER_ENV}={FOLLOW_REDIRECTS}: pbx365 fetches the sign-in page itself instead of opening a browser (tests and demos only)"
            );
            Ok(Box::new(FollowRedirects::new(extra_ca_pem)?))
        }
        Ok(value) if !value.is_empty() => bail!(
            "{TEST_BROWSER_ENV}={value:?} is not supported; the only value is {FOLLOW_REDIRECTS:?} (tests and demos against the emulator); unset it to use the system browser"
        ),
        _ => Ok(Box::new(Announced)),
    }
}

/// The system browser, with the address on stderr for when no browser opens (e.g. over SSH).
struct Announced;

impl BrowserOpener for Announced {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        eprintln!(
            "Opening the Microsoft sign-in page in your browser. If it does not open, visit:\n  {url}"
        );
        if let Err(error) = SystemBrowser.open(url) {
            // The sign-in can still finish with the address opened by hand.
            eprintln!("warning: {error}");
        }
        Ok(())
    }
}

/// Plays the browser with an HTTP client: follows redirects until the loopback listener has
/// the answer.
struct FollowRedirects {
    http: reqwest::Client,
}

impl FollowRedirects {
    fn new(extra_ca_pem: Option<&str>) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = extra_ca_pem {
            for certificate in reqwest::Certificate::from_pem_bundle(pem.as_bytes())? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        Ok(Self {
            http: builder.build()?,
        })
    }
}

impl BrowserOpener for FollowRedirects {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        if !is_this_computer(url) {
            return Err(EntraError::Browser {
                reason: format!(
                    "{TEST_BROWSER_ENV}={FOLLOW_REDIRECTS} only signs in to an emulator on this computer, not {}",
                    url.host_str().unwrap_or("an address without a host")
                ),
            });
        }
        let http = self.http.clone();
        let url = url.clone();
        tokio::spawn(async move {
            if let Err(reason) = follow(&http, url).await {
                tracing::error!("the {FOLLOW_REDIRECTS} test browser stopped: {reason}");
            }
        });
        Ok(())
    }
}

async fn follow(http: &reqwest::Client, mut url: Url) -> Result<(), String> {
    for _ in 0..MAX_REDIRECTS {
        if !is_this_computer(&url) {
            return Err(format!(
                "it will not follow a redirect off this computer, to {url}"
            ));
        }
        let response = http
            .get(url.clone())
            .send()
            .await
            .map_err(|error| format!("fetching the sign-in page failed: {error}"))?;
        let Some(location) = response.headers().get(LOCATION) else {
            // The loopback listener is the last stop; anywhere else a page wants a person.
            if url.host_str() == Some("localhost") {
                return Ok(());
            }
            return Err(format!(
                "the sign-in page answered HTTP {} instead of redirecting; start the emulator with --auto-approve",
                response.status().as_u16()
            ));
        };
        let location = location
            .to_str()
            .map_err(|_| "the redirect address is not text".to_owned())?;
        url = url
            .join(location)
            .map_err(|error| format!("the redirect address {location:?} is unusable: {error}"))?;
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

fn is_this_computer(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_browser_stays_on_this_computer() -> Result<(), url::ParseError> {
        assert!(is_this_computer(&Url::parse("https://127.0.0.1:4000/x")?));
        assert!(is_this_computer(&Url::parse(
            "http://localhost:5000/?code=c"
        )?));
        assert!(is_this_computer(&Url::parse("http://[::1]:1/")?));
        assert!(!is_this_computer(&Url::parse(
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
        )?));
        Ok(())
    }

    #[tokio::test]
    async fn the_test_browser_refuses_the_real_sign_in_page() -> anyhow::Result<()> {
        let browser = FollowRedirects::new(None)?;
        let url =
            Url::parse("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize")?;
        assert!(matches!(
            browser.open(&url),
            Err(EntraError::Browser { .. })
        ));
        Ok(())
    }
}
