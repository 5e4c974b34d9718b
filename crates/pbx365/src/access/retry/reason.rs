//! Why a call pauses before trying again, as a code with parameters: the UI words it from its
//! own catalogue by `code`, the CLI and logs print the English clause ([`fmt::Display`]).

use std::fmt;

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
    /// The connection to the PBX was refused, dropped or timed out.
    PbxConnectionBroke,
    /// Any other failure of the PBX's client; `detail` is its own English sentence.
    PbxOther { detail: String },
    /// A create whose answer was lost is read back before it is sent again.
    PbxAnswerLost { cause: Box<RetryReason> },
    /// The PBX relays Microsoft's passing trouble (throttling, 5xx) while it lists users.
    MicrosoftBusyForPbx,
}

impl RetryReason {
    /// Why a call to the PBX that failed with `error` is tried again.
    pub fn of_pbx(error: &portsip::Error) -> Self {
        match error {
            portsip::Error::RateLimited { .. } => RetryReason::PbxSlowDown,
            portsip::Error::Server { status, .. } => RetryReason::PbxFailed { status: *status },
            portsip::Error::Network { .. } => RetryReason::PbxConnectionBroke,
            other => RetryReason::PbxOther {
                detail: crate::access::error::clean_clause(&other.to_string()),
            },
        }
    }
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::PbxSlowDown => f.write_str("The PBX asks pbx365 to slow down"),
            RetryReason::PbxFailed { status } => write!(f, "The PBX failed (HTTP {status})"),
            RetryReason::PbxConnectionBroke => f.write_str("The connection to the PBX broke"),
            RetryReason::PbxOther { detail } => f.write_str(detail),
            RetryReason::PbxAnswerLost { cause } => {
                write!(f, "The PBX's answer was lost ({cause})")
            }
            RetryReason::MicrosoftBusyForPbx => f.write_str("Microsoft was busy for the PBX"),
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
}
