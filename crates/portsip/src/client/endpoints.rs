//! What each endpoint is, as far as the request pipeline cares: whether a request may be sent
//! again after trouble that might have come after the PBX applied it, and how large an answer
//! it reads. One table, so a new endpoint gets both decided in one place.

use reqwest::Method;

use super::ApiPath;

/// Whether a request may be sent again when it is unknown whether the PBX applied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, and writes that set a state: sending them twice leaves the PBX as sending them
    /// once would.
    Repeatable,
    /// Writes that create something: sent again only when the PBX certainly did not apply
    /// them (429, 503, connection refused), else a retry could create a second one.
    OnlyIfUnapplied,
}

/// What an answer holds, which decides how much of it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A JSON object or one page of a list.
    Json,
    /// `GET /ms365/users`: every Microsoft 365 user of the tenant in one unpaged answer.
    Directory,
    /// A PEM certificate file.
    Certificate,
}

/// Largest JSON answer read (a page of 100 users is a few tens of KiB).
const JSON_LIMIT: u64 = 8 * 1024 * 1024;
/// Largest unpaged directory read: about 300,000 users of ~200 bytes each.
const DIRECTORY_LIMIT: u64 = 64 * 1024 * 1024;
/// Largest certificate file read (a PEM certificate is 1–3 KiB, a chain a few times that).
const CERTIFICATE_LIMIT: u64 = 256 * 1024;
/// How much of an error answer is read: enough for any message worth quoting.
pub(crate) const ERROR_LIMIT: u64 = 64 * 1024;

impl Expected {
    pub(crate) fn limit(self) -> u64 {
        match self {
            Self::Json => JSON_LIMIT,
            Self::Directory => DIRECTORY_LIMIT,
            Self::Certificate => CERTIFICATE_LIMIT,
        }
    }

    /// How the answer is named in an error: "… accepts for {what}".
    pub(crate) fn what(self) -> &'static str {
        match self {
            Self::Json => "a JSON answer",
            Self::Directory => "the list of Microsoft 365 users",
            Self::Certificate => "a certificate file",
        }
    }
}

/// What a request to `method path` is.
pub(crate) fn endpoint(method: &Method, path: &ApiPath) -> (Replay, Expected) {
    let segments: Vec<&str> = path.0.iter().map(String::as_str).collect();
    let expected = match segments.as_slice() {
        ["ms365", "certificate"] | ["admin", "ms365", "certificate"] => Expected::Certificate,
        ["ms365", "users"] => Expected::Directory,
        _ => Expected::Json,
    };
    if *method != Method::POST {
        return (Replay::Repeatable, expected);
    }
    let replay = match segments.as_slice() {
        // A repeated sign-in or refresh issues another token; the one lost is never used.
        ["login"] | ["auth", "refresh_token"] => Replay::Repeatable,
        // Settings are replaced by the same values again.
        ["ms365"] | ["admin", "ms365"] => Replay::Repeatable,
        // A reset (22.6) leaves the integration at its defaults however often it is sent.
        ["ms365", "destroy"] | ["admin", "ms365", "destroy"] => Replay::Repeatable,
        // An update sets the same fields; binding to the same account or unbinding twice
        // leaves the same binding.
        ["users", _] | ["users", _, "ms365_binding"] | ["users", _, "ms365_binding", "destroy"] => {
            Replay::Repeatable
        }
        // A second user or contact, or a second key pair replacing the one just made.
        ["users"] | ["contacts"] | ["ms365", "certificate"] | ["admin", "ms365", "certificate"] => {
            Replay::OnlyIfUnapplied
        }
        // Anything not decided above is treated as creating something.
        _ => Replay::OnlyIfUnapplied,
    };
    (replay, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(segments: &[&str]) -> Replay {
        endpoint(&Method::POST, &ApiPath::new(segments)).0
    }

    #[test]
    fn creating_posts_are_replayed_only_when_unapplied_and_the_rest_freely() {
        for creating in [
            &["users"][..],
            &["contacts"],
            &["ms365", "certificate"],
            &["admin", "ms365", "certificate"],
            &["something", "new"],
        ] {
            assert_eq!(post(creating), Replay::OnlyIfUnapplied, "{creating:?}");
        }
        for setting in [
            &["login"][..],
            &["auth", "refresh_token"],
            &["ms365"],
            &["admin", "ms365"],
            &["ms365", "destroy"],
            &["admin", "ms365", "destroy"],
            &["users", "42"],
            &["users", "42", "ms365_binding"],
            &["users", "42", "ms365_binding", "destroy"],
        ] {
            assert_eq!(post(setting), Replay::Repeatable, "{setting:?}");
        }
        let read = endpoint(&Method::GET, &ApiPath::new(&["users"]));
        assert_eq!(read, (Replay::Repeatable, Expected::Json));
    }

    #[test]
    fn certificates_and_the_directory_have_their_own_limits() {
        for method in [Method::GET, Method::POST] {
            assert_eq!(
                endpoint(&method, &ApiPath::new(&["ms365", "certificate"])).1,
                Expected::Certificate
            );
        }
        assert_eq!(
            endpoint(&Method::GET, &ApiPath::new(&["ms365", "users"])).1,
            Expected::Directory
        );
        assert!(Expected::Certificate.limit() < ERROR_LIMIT * 8);
    }

    /// Every POST of the spec is one this table decides on purpose, so a POST added to the
    /// spec fails here until someone decides whether it creates something.
    #[test]
    fn every_post_in_the_spec_is_classified() -> Result<(), serde_json::Error> {
        const DECIDED: [&str; 11] = [
            "/login",
            "/auth/refresh_token",
            "/admin/ms365",
            "/admin/ms365/certificate",
            "/ms365",
            "/ms365/certificate",
            "/users",
            "/users/{id}",
            "/users/{id}/ms365_binding",
            "/users/{id}/ms365_binding/destroy",
            "/contacts",
        ];
        // Single sign-on is the PBX's own web flow; this client never calls it.
        const NOT_CALLED: [&str; 1] = ["/auth/sign_in/{provider}"];
        let spec: serde_json::Value =
            serde_json::from_str(include_str!("../../../../spec/portsip-openapi-subset.json"))?;
        let paths = spec
            .get("paths")
            .and_then(serde_json::Value::as_object)
            .cloned()
            .unwrap_or_default();
        assert!(!paths.is_empty(), "the spec has no paths");
        for (path, item) in paths {
            if item.get("post").is_none() || NOT_CALLED.contains(&path.as_str()) {
                continue;
            }
            assert!(
                DECIDED.contains(&path.as_str()),
                "POST {path} is not classified in endpoints.rs"
            );
        }
        Ok(())
    }
}
