//! Which PBX addresses the client accepts, and how it normalises them.
//!
//! - A missing scheme means `https://` (admins often paste `pbx.example.com:8887`).
//! - The PortSIP REST API lives under `/api`. A URL whose path does not already end in an
//!   `api` segment gets `/api` appended: `https://pbx:8887` and `https://pbx:8887/api` are the
//!   same PBX, and `https://proxy.example.com/pbx` becomes `https://proxy.example.com/pbx/api`.
//! - No port is added: a URL without one uses the scheme's default (443). PortSIP itself
//!   listens on 8887 by default, so that is usually needed.
//! - Plain `http://` would send the password in the clear, so it is refused unless the host is
//!   this computer (`localhost`, 127.0.0.0/8, `::1`) — the emulator and SSH tunnels.
//! - User info, query strings and fragments are refused: they would end up in logs.

use url::{Host, Url};

use crate::Error;

/// Parses and normalises a PBX base URL as described in the module documentation.
pub(crate) fn parse_base_url(input: &str) -> Result<Url, Error> {
    let trimmed = input.trim();
    let shown = without_user_info(trimmed);
    let invalid = |reason: &str| Error::InvalidUrl {
        url: shown.clone(),
        reason: reason.to_owned(),
    };
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|error| invalid(&error.to_string()))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(invalid("only https:// addresses are supported"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it contains a user name or password; enter those in the sign-in fields instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it contains a query (?…) or fragment (#…)"));
    }
    let Some(host) = url.host() else {
        return Err(invalid("it has no host name"));
    };
    if url.scheme() == "http" && !is_loopback(&host) {
        return Err(Error::InsecureUrl { url: shown });
    }
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|segments| {
            segments
                .filter(|segment| !segment.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if segments.last().map(String::as_str) != Some("api") {
        segments.push("api".to_owned());
    }
    url.set_path(&format!("/{}", segments.join("/")));
    Ok(url)
}

/// The URL as it may be shown in a message: a `user:password@` part is cut out.
fn without_user_info(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |index| index + 3);
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |index| authority_start + index);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{}",
            &url[..authority_start],
            &url[authority_start + at + 1..]
        ),
        None => url.to_owned(),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            ip.is_loopback()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|mapped| mapped.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalised(input: &str) -> Result<String, Error> {
        parse_base_url(input).map(String::from)
    }

    #[test]
    fn api_prefix_is_added_once() -> Result<(), Error> {
        assert_eq!(
            normalised("https://pbx.example.com:8887")?,
            "https://pbx.example.com:8887/api"
        );
        assert_eq!(
            normalised("https://pbx.example.com:8887/")?,
            "https://pbx.example.com:8887/api"
        );
        assert_eq!(
            normalised("https://pbx.example.com:8887/api")?,
            "https://pbx.example.com:8887/api"
        );
        assert_eq!(
            normalised("https://pbx.example.com:8887/api/")?,
            "https://pbx.example.com:8887/api"
        );
        assert_eq!(
            normalised("https://proxy.example.com/pbx")?,
            "https://proxy.example.com/pbx/api"
        );
        Ok(())
    }

    #[test]
    fn a_bare_host_means_https() -> Result<(), Error> {
        assert_eq!(
            normalised(" pbx.example.com:8887 ")?,
            "https://pbx.example.com:8887/api"
        );
        Ok(())
    }

    #[test]
    fn plain_http_is_refused_for_remote_hosts() {
        for url in [
            "http://pbx.example.com:8887/api",
            "http://10.0.0.5:8887",
            "http://[2001:db8::1]:8887",
            "http://localhost.example.com",
        ] {
            let result = parse_base_url(url);
            assert!(
                matches!(result, Err(Error::InsecureUrl { .. })),
                "{url}: {result:?}"
            );
        }
    }

    #[test]
    fn plain_http_is_allowed_on_loopback() -> Result<(), Error> {
        for url in [
            "http://127.0.0.1:8887",
            "http://127.1.2.3:9",
            "http://localhost:8887/api",
            "http://LOCALHOST:1",
            "http://[::1]:8887",
            "http://[::ffff:127.0.0.1]:8887",
        ] {
            parse_base_url(url)?;
        }
        Ok(())
    }

    #[test]
    fn insecure_url_message_says_to_use_https() {
        let message = parse_base_url("http://pbx.example.com")
            .map(|_| String::new())
            .unwrap_or_else(|error| error.to_string());
        assert!(message.contains("https://"), "{message}");
    }

    #[test]
    fn unusable_urls_are_refused_with_a_reason() {
        for url in [
            "",
            "ftp://pbx.example.com",
            "https://admin:pw@pbx.example.com",
            "https://pbx.example.com/api?x=1",
            "https://pbx.example.com/#top",
            "https://",
        ] {
            let result = parse_base_url(url);
            assert!(
                matches!(result, Err(Error::InvalidUrl { .. })),
                "{url}: {result:?}"
            );
        }
    }

    #[test]
    fn a_password_in_the_url_is_not_echoed() {
        let message = parse_base_url("https://admin:S3cretPw@pbx.example.com/api")
            .map(|_| String::new())
            .unwrap_or_else(|error| error.to_string());
        assert!(!message.contains("S3cretPw"), "{message}");
        assert!(message.contains("https://pbx.example.com/api"), "{message}");
    }
}
