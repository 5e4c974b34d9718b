//! Everything that can go wrong talking to a PBX, each case worded for the administrator who
//! has to act on it.

use std::fmt::Write as _;
use std::time::Duration;

use crate::model::Role;
use crate::server_text::{MAX_QUOTED_CHARS, clean};
use crate::string_enum::string_enum;

/// A failed PBX operation. `Display` is a complete sentence: what happened and what to do.
/// No variant ever holds a password or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The PBX address could not be used.
    #[error(
        "\"{url}\" is not a usable PBX address: {reason}. Enter it like https://pbx.example.com:8887."
    )]
    InvalidUrl {
        /// The address as entered (without any user name or password).
        url: String,
        /// Why it was refused.
        reason: String,
    },

    /// Plain `http://` to a host other than this computer.
    #[error(
        "{url} uses plain http://, which would send your password unencrypted. Use https:// \
         instead (PortSIP serves HTTPS on port 8887 by default); http:// is accepted only for \
         this computer (localhost, 127.0.0.1, ::1)."
    )]
    InsecureUrl {
        /// The address as entered.
        url: String,
    },

    /// The extra CA certificate could not be read or parsed.
    #[error(
        "The CA certificate {origin} could not be used: {reason}. Give a PEM file holding the \
         certificate of the authority that issued the PBX's certificate."
    )]
    InvalidCa {
        /// The file it came from, or "given in PEM form".
        origin: String,
        /// What was wrong with it.
        reason: String,
    },

    /// A pinned fingerprint that is not 32 bytes of hex.
    #[error(
        "\"{input}\" is not a SHA-256 fingerprint: {reason}. Give the certificate's SHA-256 \
         fingerprint as 64 hexadecimal digits (colons and letter case do not matter)."
    )]
    InvalidFingerprint {
        /// The text given.
        input: String,
        /// What was wrong with it.
        reason: String,
    },

    /// The HTTPS client could not be set up at all.
    #[error(
        "The secure connection settings could not be prepared: {reason}. This is a problem on \
         this computer; check its certificate store."
    )]
    TlsSetup {
        /// What failed.
        reason: String,
    },

    /// `POST /login` was refused.
    #[error("{}", bad_credentials_sentence(.username, .domain.as_deref(), .message.as_deref()))]
    BadCredentials {
        /// The user name that was tried.
        username: String,
        /// The tenant SIP domain that was tried, if any.
        domain: Option<String>,
        /// What the PBX said.
        message: Option<String>,
    },

    /// HTTP 403: the signed-in account's role may not do this.
    #[error("{}", forbidden_sentence(.role.as_ref(), .operation, .message.as_deref()))]
    Forbidden {
        /// The signed-in role, if known.
        role: Option<Role>,
        /// Method and path, e.g. `POST /ms365`.
        operation: String,
        /// What the PBX said.
        message: Option<String>,
    },

    /// The PBX rejected values (`VALIDATE_FAILED`).
    #[error("{}", validation_sentence(.field.as_deref(), .message, .problems))]
    Validation {
        /// The field of the first problem, when it could be worked out.
        field: Option<String>,
        /// The PBX's message for the first problem.
        message: String,
        /// Every problem the PBX listed, the first one included.
        problems: Vec<FieldProblem>,
    },

    /// HTTP 404.
    #[error(
        "The PBX has no {path}{}. If this is a user or contact, it may have been deleted; \
         otherwise check that the address points to the REST API (…/api) of a PortSIP PBX v22 \
         or later.",
        said(.message.as_deref())
    )]
    NotFound {
        /// The API path.
        path: String,
        /// What the PBX said.
        message: Option<String>,
    },

    /// Any other 4xx answer, including error codes this client does not know.
    #[error("{}", rejected_sentence(.operation, *.status, .code, .message.as_deref()))]
    Rejected {
        /// Method and path, e.g. `POST /users`.
        operation: String,
        /// HTTP status.
        status: u16,
        /// PortSIP's error code (`UNKNOWN` when the body had none).
        code: ErrorCode,
        /// What the PBX said.
        message: Option<String>,
    },

    /// HTTP 429 that outlasted the client's retry budget (or asked for a longer wait than
    /// was left of it).
    #[error(
        "The PBX is limiting how fast it accepts requests (HTTP 429) and did not accept this one \
         in the time pbx365 waits. Wait {} and try again.",
        wait_phrase(*.retry_after)
    )]
    RateLimited {
        /// What the PBX asked for in `Retry-After`.
        retry_after: Option<Duration>,
    },

    /// HTTP 5xx.
    #[error(
        "The PBX failed to handle {operation} (HTTP {status}{}). This is a problem on the PBX: \
         try again in a moment, and if it persists check the PBX's logs or tell its operator.",
        said(.message.as_deref())
    )]
    Server {
        /// Method and path.
        operation: String,
        /// HTTP status.
        status: u16,
        /// What the PBX said.
        message: Option<String>,
    },

    /// The PBX could not be reached or the connection broke.
    #[error("{}", network_sentence(.url, .failure, .detail))]
    Network {
        /// The URL that was being requested.
        url: String,
        /// What kind of failure.
        failure: NetworkFailure,
        /// The underlying error text.
        detail: String,
    },

    /// The TLS handshake failed, usually because the PBX's certificate is not trusted.
    #[error("{}", tls_sentence(.subject.as_deref(), .sha256.as_deref(), .reason))]
    Tls {
        /// Subject of the certificate the PBX presented, when it got that far.
        subject: Option<String>,
        /// SHA-256 fingerprint (`AB:CD:…`) of that certificate.
        sha256: Option<String>,
        /// Why it failed.
        reason: String,
    },

    /// A 3xx answer. Redirects are never followed: one to `http://` elsewhere would carry the
    /// password or token there in clear text, and PortSIP's API itself does not redirect.
    #[error("{}", redirected_sentence(.operation, *.status, .location.as_deref(), .suggested_url.as_deref()))]
    Redirected {
        /// Method and path, e.g. `POST /login`.
        operation: String,
        /// HTTP status (3xx).
        status: u16,
        /// Where it pointed (`Location`, made absolute), when it said.
        location: Option<String>,
        /// The PBX address to enter instead: the API base of `location`, over https.
        suggested_url: Option<String>,
    },

    /// The access token expired and could be neither refreshed nor replaced.
    #[error(
        "Your PBX session has expired and could not be renewed ({}). Sign in again.",
        .reason.trim().trim_end_matches('.')
    )]
    SessionExpired {
        /// Why renewal failed.
        reason: String,
    },

    /// An endpoint that needs a session was called before signing in.
    #[error("Not signed in to the PBX. Sign in first.")]
    NotSignedIn,

    /// A request body could not be encoded (a bug in the caller's data or this client).
    #[error(
        "The request {operation} could not be encoded ({reason}). This is a bug in pbx365; \
         please report it."
    )]
    Encoding {
        /// Method and path.
        operation: String,
        /// The encoder's message.
        reason: String,
    },

    /// An answer larger than this client reads for its kind; reading stopped at the limit, so
    /// a broken or hostile server cannot fill this computer's memory.
    #[error(
        "The PBX's answer to {operation} ({url}) is larger than the {} this client accepts for \
         {what}, so it was not read. Check that the address points to the REST API of a \
         PortSIP PBX; if it does, the PBX is misbehaving: check its logs or tell its operator.",
        size_phrase(*.limit)
    )]
    ResponseTooLarge {
        /// Method and path, e.g. `GET /ms365/certificate`.
        operation: String,
        /// The URL that was requested.
        url: String,
        /// What kind of answer was expected, e.g. "a JSON answer" or "a certificate file".
        what: String,
        /// The limit in bytes.
        limit: u64,
    },

    /// The PBX issued a new refresh token and the client's [`SessionSink`](crate::SessionSink)
    /// could not keep it. PortSIP refresh tokens are single-use, so the saved one no longer
    /// works; the call stopped rather than go on with a session nobody could resume. The
    /// client still holds the new token and offers it to the sink again before its next
    /// request; nothing is sent with it until the sink has taken it.
    #[error(
        "The PBX renewed the sign-in, but the new sign-in could not be saved ({}). The call was \
         stopped so that the saved sign-in is not left behind with a token the PBX no longer \
         accepts. Check that the system's keyring (credential store) is unlocked and \
         writable, then try again; if it is not fixed, you will have to sign in to the PBX \
         again.",
        .reason.trim().trim_end_matches('.')
    )]
    SessionNotKept {
        /// Why the sink refused it.
        reason: String,
    },

    /// A 2xx answer this client cannot read.
    #[error(
        "The PBX answered {operation} with something this client does not understand \
         ({reason}). Check that the address points to a PortSIP PBX v22 or later."
    )]
    UnexpectedResponse {
        /// Method and path.
        operation: String,
        /// What was wrong with the answer.
        reason: String,
    },
}

impl Error {
    /// Whether the PBX (as opposed to the network or this client) refused the request.
    pub fn is_rejection(&self) -> bool {
        matches!(
            self,
            Self::BadCredentials { .. }
                | Self::Forbidden { .. }
                | Self::Validation { .. }
                | Self::NotFound { .. }
                | Self::Rejected { .. }
        )
    }
}

string_enum! {
    /// PortSIP's `code` in an error body. Codes this client does not know are kept verbatim
    /// in `Other` and handled like `UNKNOWN`.
    pub enum ErrorCode {
        /// Some value failed validation.
        ValidateFailed = "VALIDATE_FAILED",
        /// PortSIP's catch-all.
        Unknown = "UNKNOWN",
    }
}

impl ErrorCode {
    fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

/// One entry of PortSIP's `{"errors":[…]}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field it concerns, when it could be worked out from the message or detail.
    pub field: Option<String>,
    /// PortSIP's code.
    pub code: ErrorCode,
    /// PortSIP's message.
    pub message: String,
}

/// Why a connection to the PBX failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetworkFailure {
    /// Nothing listens at that address and port.
    Refused,
    /// The connection was reset or closed before the answer arrived.
    Dropped,
    /// No answer in time.
    Timeout,
    /// The host name could not be resolved.
    Dns,
    /// Anything else.
    Other,
}

/// PortSIP's own words, quoted inside one of our sentences; its final period is dropped because
/// our sentence goes on after it. Cleaned again here, as the fields are public and may be
/// filled by other code than this crate's.
fn said(message: Option<&str>) -> String {
    let message = message.map(quoted);
    match message.as_deref().map(|m| m.trim().trim_end_matches('.')) {
        Some(message) if !message.is_empty() => format!(": {message}"),
        _ => String::new(),
    }
}

/// Server text fit to quote: no control characters, at most a few hundred characters.
fn quoted(text: &str) -> String {
    clean(text, MAX_QUOTED_CHARS)
}

fn size_phrase(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

fn bad_credentials_sentence(username: &str, domain: Option<&str>, message: Option<&str>) -> String {
    let tenant = domain.map_or_else(String::new, |domain| format!(" on tenant {domain}"));
    format!(
        "The PBX did not accept the user name \"{username}\" and password{tenant}{}. Check \
         both, and the tenant's SIP domain, then sign in again.",
        said(message)
    )
}

fn forbidden_sentence(role: Option<&Role>, operation: &str, message: Option<&str>) -> String {
    let who = role.map_or_else(
        || "Your PBX account".to_owned(),
        |role| format!("Your PBX account (role {role})"),
    );
    let needed = if operation.contains(" /admin/") {
        "the PBX's system administrator account (role SystemAdmin)"
    } else {
        "the tenant's administrator account (role Admin)"
    };
    format!(
        "{who} is not allowed to do {operation}{}. Sign in with {needed}.",
        said(message)
    )
}

fn validation_sentence(field: Option<&str>, message: &str, problems: &[FieldProblem]) -> String {
    let message = quoted(message);
    let message = message.trim_end_matches('.');
    let mut sentence = match field {
        Some(field) => format!("The PBX rejected the value of `{field}`: {message}."),
        None => format!("The PBX rejected the request: {message}."),
    };
    for problem in problems.iter().skip(1) {
        let message = quoted(&problem.message);
        let message = message.trim_end_matches('.');
        match &problem.field {
            Some(field) => {
                let _ = write!(sentence, " Also `{field}`: {message}.");
            }
            None => {
                let _ = write!(sentence, " Also: {message}.");
            }
        }
    }
    sentence.push_str(" Correct the value and try again.");
    sentence
}

fn rejected_sentence(
    operation: &str,
    status: u16,
    code: &ErrorCode,
    message: Option<&str>,
) -> String {
    let code_note = if code.is_known() {
        format!("error {code}")
    } else {
        format!("error {code}, which this version of pbx365 does not know")
    };
    format!(
        "The PBX refused {operation} (HTTP {status}, {code_note}){}. Check the values sent; if \
         it persists, look the error up in PortSIP's documentation.",
        said(message)
    )
}

fn wait_phrase(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) if wait.as_secs() > 0 => format!("{} seconds", wait.as_secs()),
        _ => "a minute".to_owned(),
    }
}

fn network_sentence(url: &str, failure: &NetworkFailure, detail: &str) -> String {
    match failure {
        NetworkFailure::Refused => format!(
            "Nothing accepted the connection at {url}. Check the host name and port (PortSIP \
             listens on 8887 by default) and that the PBX is running."
        ),
        NetworkFailure::Dropped => format!(
            "The connection to {url} was closed before the PBX answered. Try again; if it keeps \
             happening, check for a proxy or firewall between this computer and the PBX."
        ),
        NetworkFailure::Timeout => format!(
            "The PBX at {url} did not answer in time. Check that it is reachable from this \
             computer (VPN, firewall) and try again."
        ),
        NetworkFailure::Dns => format!(
            "The host name in {url} could not be found. Check its spelling and this computer's \
             DNS or VPN."
        ),
        NetworkFailure::Other => format!(
            "Could not talk to the PBX at {url} ({}). Check the address and this computer's \
             network connection.",
            quoted(detail)
        ),
    }
}

fn redirected_sentence(
    operation: &str,
    status: u16,
    location: Option<&str>,
    suggested_url: Option<&str>,
) -> String {
    let refusal = "pbx365 does not follow redirects, so nothing (least of all your password) \
                   was sent there";
    match (location, suggested_url) {
        (Some(location), Some(suggested)) => format!(
            "The PBX address redirected {operation} (HTTP {status}) to {location}; {refusal}. \
             If that is your PBX, enter its address with https:// instead: {suggested}."
        ),
        (Some(location), None) => format!(
            "The PBX address redirected {operation} (HTTP {status}) to {location}; {refusal}. \
             If that is your PBX, enter the address of its REST API with https:// instead \
             (e.g. https://pbx.example.com:8887)."
        ),
        _ => format!(
            "The PBX address answered {operation} with a redirect (HTTP {status}) without saying \
             where to; {refusal}. Check that the address points to the PBX's REST API over \
             https:// (e.g. https://pbx.example.com:8887)."
        ),
    }
}

fn tls_sentence(subject: Option<&str>, sha256: Option<&str>, reason: &str) -> String {
    // The subject is whatever the server's certificate says.
    let subject = subject.map_or_else(|| "unreadable".to_owned(), quoted);
    let reason = quoted(reason);
    match sha256 {
        Some(sha256) => format!(
            "The PBX's certificate is not trusted (subject {subject}, SHA-256 {sha256}): \
             {reason}. If you trust it, pass its CA with --ca-file or pin the fingerprint."
        ),
        None => format!(
            "The secure (TLS) connection to the PBX failed: {reason}. Check that the address \
             uses the PBX's HTTPS port."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_pbx_message_does_not_end_our_sentence_twice() {
        let sentence =
            bad_credentials_sentence("pbxadmin", Some("contoso.example"), Some("Wrong password."));
        assert!(
            sentence.contains(": Wrong password. Check both"),
            "{sentence}"
        );
        assert!(!sentence.contains(".."), "{sentence}");
    }

    #[test]
    fn forbidden_names_the_role_and_the_account_needed() {
        let tenant_call = Error::Forbidden {
            role: Some(Role::StandardUser),
            operation: "POST /ms365".to_owned(),
            message: None,
        }
        .to_string();
        assert!(tenant_call.contains("role StandardUser"), "{tenant_call}");
        assert!(tenant_call.contains("(role Admin)"), "{tenant_call}");

        let system_call = Error::Forbidden {
            role: None,
            operation: "GET /admin/ms365".to_owned(),
            message: Some("permission denied".to_owned()),
        }
        .to_string();
        assert!(system_call.contains("SystemAdmin"), "{system_call}");
        assert!(system_call.contains("permission denied"), "{system_call}");
    }

    #[test]
    fn validation_lists_every_problem_with_its_field() {
        let problems = vec![
            FieldProblem {
                field: Some("sync_time".to_owned()),
                code: ErrorCode::ValidateFailed,
                message: "not a crontab expression".to_owned(),
            },
            FieldProblem {
                field: Some("users.starting_extension_number".to_owned()),
                code: ErrorCode::ValidateFailed,
                message: "leading zero".to_owned(),
            },
        ];
        let text = Error::Validation {
            field: Some("sync_time".to_owned()),
            message: "not a crontab expression".to_owned(),
            problems,
        }
        .to_string();
        assert!(
            text.contains("`sync_time`: not a crontab expression"),
            "{text}"
        );
        assert!(
            text.contains("`users.starting_extension_number`: leading zero"),
            "{text}"
        );
    }

    #[test]
    fn an_unknown_code_is_reported_verbatim_as_unknown_to_this_client() {
        let text = Error::Rejected {
            operation: "POST /users".to_owned(),
            status: 409,
            code: ErrorCode::from("QUOTA_EXCEEDED"),
            message: Some("too many users".to_owned()),
        }
        .to_string();
        assert!(text.contains("QUOTA_EXCEEDED"), "{text}");
        assert!(text.contains("does not know"), "{text}");
        assert!(text.contains("too many users"), "{text}");
    }

    #[test]
    fn tls_failure_with_a_certificate_reads_as_the_admin_needs_it() {
        let text = Error::Tls {
            subject: Some("CN=pbx.example.com".to_owned()),
            sha256: Some("AB:CD".to_owned()),
            reason: "unknown issuer".to_owned(),
        }
        .to_string();
        assert!(
            text.starts_with(
                "The PBX's certificate is not trusted (subject CN=pbx.example.com, SHA-256 AB:CD)"
            ),
            "{text}"
        );
        assert!(text.contains("--ca-file or pin the fingerprint"), "{text}");
    }

    #[test]
    fn a_redirect_without_a_location_says_what_to_check() {
        let text = Error::Redirected {
            operation: "GET /tenant".to_owned(),
            status: 302,
            location: None,
            suggested_url: None,
        }
        .to_string();
        assert!(
            text.starts_with(
                "The PBX address answered GET /tenant with a redirect (HTTP 302) without saying \
                 where to; pbx365 does not follow redirects"
            ),
            "{text}"
        );
        assert!(text.contains("REST API over https://"), "{text}");
    }

    #[test]
    fn every_network_failure_names_the_url() {
        for failure in [
            NetworkFailure::Refused,
            NetworkFailure::Dropped,
            NetworkFailure::Timeout,
            NetworkFailure::Dns,
            NetworkFailure::Other,
        ] {
            let text = Error::Network {
                url: "https://pbx.example.com:8887/api/users".to_owned(),
                failure,
                detail: "x".to_owned(),
            }
            .to_string();
            assert!(
                text.contains("https://pbx.example.com:8887/api/users"),
                "{text}"
            );
        }
    }
}
