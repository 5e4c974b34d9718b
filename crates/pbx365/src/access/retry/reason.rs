//! Why a call pauses before trying again, as a code with parameters: the UI words it from its
//! own catalogue by `code`, the CLI and logs print the English clause ([`fmt::Display`]).

use std::fmt;

use portsip::NetworkFailure;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RetryReason {
    /// HTTP 429 from the PBX.
    PbxSlowDown,
    /// A 5xx answer of the PBX.
    PbxFailed { status: u16 },
    /// The PBX refused the connection: nothing listens, as while it restarts.
    PbxRefused,
    /// The PBX did not answer in time.
    PbxTimedOut,
    /// The PBX's host name could not be resolved.
    PbxNameUnresolved,
    /// The connection to the PBX was dropped, or failed in another way.
    PbxConnectionBroke,
    /// Any other failure of the PBX's client; `detail` is its own English sentence.
    PbxOther { detail: String },
    /// A create whose answer was lost is read back before it is sent again.
    PbxAnswerLost { cause: Box<RetryReason> },
    /// The PBX relays Microsoft's passing trouble (throttling, 5xx) while it lists users.
    MicrosoftBusyForPbx,
    /// A 5xx answer of Microsoft other than throttling (500, 502, 504).
    MicrosoftFailed { status: u16 },
    /// No connection to Microsoft was made: refused, host name unknown, no route, a proxy.
    MicrosoftNotReached,
    /// Microsoft did not answer in time.
    MicrosoftTimedOut,
    /// The connection to Microsoft broke before the answer came.
    MicrosoftConnectionBroke,
}

impl RetryReason {
    /// Why a call to the PBX that failed with `error` is tried again.
    pub fn of_pbx(error: &portsip::Error) -> Self {
        match error {
            portsip::Error::RateLimited { .. } => RetryReason::PbxSlowDown,
            portsip::Error::Server { status, .. } => RetryReason::PbxFailed { status: *status },
            portsip::Error::Network { failure, .. } => match failure {
                NetworkFailure::Refused => RetryReason::PbxRefused,
                NetworkFailure::Timeout => RetryReason::PbxTimedOut,
                NetworkFailure::Dns => RetryReason::PbxNameUnresolved,
                _ => RetryReason::PbxConnectionBroke,
            },
            other => RetryReason::PbxOther {
                detail: crate::access::error::clean_clause(&other.to_string()),
            },
        }
    }

    /// Why a request to Microsoft that failed in transit is tried again.
    pub fn of_microsoft(failure: entra::ConnectionFailure) -> Self {
        match failure {
            entra::ConnectionFailure::NotReached => RetryReason::MicrosoftNotReached,
            entra::ConnectionFailure::TimedOut => RetryReason::MicrosoftTimedOut,
            entra::ConnectionFailure::Dropped => RetryReason::MicrosoftConnectionBroke,
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::PbxSlowDown => f.write_str("The PBX asks pbx365 to slow down"),
            RetryReason::PbxFailed { status } => write!(f, "The PBX failed (HTTP {status})"),
            RetryReason::PbxRefused => {
                f.write_str("The PBX does not accept connections (it may be restarting)")
            }
            RetryReason::PbxTimedOut => f.write_str("The PBX did not answer in time"),
            RetryReason::PbxNameUnresolved => {
                f.write_str("The PBX's host name could not be looked up")
            }
            RetryReason::PbxConnectionBroke => f.write_str("The connection to the PBX broke"),
            RetryReason::PbxOther { detail } => f.write_str(detail),
            RetryReason::PbxAnswerLost { cause } => {
                write!(f, "The PBX's answer was lost ({cause})")
            }
            RetryReason::MicrosoftBusyForPbx => f.write_str("Microsoft was busy for the PBX"),
            RetryReason::MicrosoftFailed { status } => {
                write!(f, "Microsoft failed (HTTP {status})")
            }
            RetryReason::MicrosoftNotReached => {
                f.write_str("Microsoft could not be reached (the connection failed)")
            }
            RetryReason::MicrosoftTimedOut => f.write_str("Microsoft did not answer in time"),
            RetryReason::MicrosoftConnectionBroke => {
                f.write_str("The connection to Microsoft broke")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbx_failures_become_codes_and_keep_their_english() {
        let server = portsip::Error::Server {
            operation: "POST /users".into(),
            status: 502,
            message: None,
        };
        let reason = RetryReason::of_pbx(&server);
        assert_eq!(reason, RetryReason::PbxFailed { status: 502 });
        let lost = RetryReason::PbxAnswerLost {
            cause: Box::new(reason),
        };
        assert_eq!(
            lost.to_string(),
            "The PBX's answer was lost (The PBX failed (HTTP 502))"
        );
        assert_eq!(
            serde_json::to_value(&lost).ok(),
            Some(serde_json::json!({
                "code": "pbx-answer-lost",
                "cause": { "code": "pbx-failed", "status": 502 }
            }))
        );
    }

    #[test]
    fn each_network_failure_says_what_happened_to_the_connection() {
        let cases = [
            (
                NetworkFailure::Refused,
                "pbx-refused",
                "The PBX does not accept connections (it may be restarting)",
            ),
            (
                NetworkFailure::Timeout,
                "pbx-timed-out",
                "The PBX did not answer in time",
            ),
            (
                NetworkFailure::Dns,
                "pbx-name-unresolved",
                "The PBX's host name could not be looked up",
            ),
            (
                NetworkFailure::Dropped,
                "pbx-connection-broke",
                "The connection to the PBX broke",
            ),
            (
                NetworkFailure::Other,
                "pbx-connection-broke",
                "The connection to the PBX broke",
            ),
        ];
        for (failure, code, english) in cases {
            let reason = RetryReason::of_pbx(&portsip::Error::Network {
                url: "https://pbx.example.com:8887/api/users".into(),
                failure,
                detail: "x".into(),
            });
            assert_eq!(
                serde_json::to_value(&reason).ok(),
                Some(serde_json::json!({ "code": code })),
                "{failure:?}"
            );
            assert_eq!(reason.to_string(), english, "{failure:?}");
        }
    }

    #[test]
    fn each_failure_of_a_microsoft_connection_says_what_happened() {
        let cases = [
            (
                entra::ConnectionFailure::NotReached,
                "microsoft-not-reached",
                "Microsoft could not be reached (the connection failed)",
            ),
            (
                entra::ConnectionFailure::TimedOut,
                "microsoft-timed-out",
                "Microsoft did not answer in time",
            ),
            (
                entra::ConnectionFailure::Dropped,
                "microsoft-connection-broke",
                "The connection to Microsoft broke",
            ),
        ];
        for (failure, code, english) in cases {
            let reason = RetryReason::of_microsoft(failure);
            assert_eq!(
                serde_json::to_value(&reason).ok(),
                Some(serde_json::json!({ "code": code })),
                "{failure:?}"
            );
            // The client's own English for the same failure, which the CLI printed before.
            assert_eq!(reason.to_string(), failure.to_string(), "{failure:?}");
            assert_eq!(reason.to_string(), english, "{failure:?}");
        }
    }
}
