//! The device code flow (RFC 8628) for machines without a browser.

use std::time::Duration;

use serde::Deserialize;

use crate::error::{EntraError, IdentityError};
use crate::untrusted_text::{MESSAGE_CHARS, TOKEN_CHARS, clean_line};

/// What the user must do: open `verification_uri` and type `user_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
    /// Microsoft's own instruction sentence, when it sends one.
    pub message: Option<String>,
}

/// The device-code endpoint's answer. No `Debug`: `device_code` is a bearer secret.
#[derive(Deserialize)]
pub(crate) struct DeviceCodeResponse {
    pub device_code: String,
    pub user_code: String,
    #[serde(alias = "verification_url")]
    pub verification_uri: String,
    #[serde(deserialize_with = "crate::token_endpoint::seconds")]
    pub expires_in: u64,
    #[serde(
        default = "default_interval",
        deserialize_with = "crate::token_endpoint::seconds"
    )]
    pub interval: u64,
    #[serde(default)]
    pub message: Option<String>,
}

fn default_interval() -> u64 {
    5
}

impl DeviceCodeResponse {
    /// What is shown to the user, cleaned like any text from a server.
    pub fn prompt(&self) -> DeviceCodePrompt {
        DeviceCodePrompt {
            user_code: clean_line(&self.user_code, TOKEN_CHARS),
            verification_uri: clean_line(&self.verification_uri, MESSAGE_CHARS),
            expires_in: Duration::from_secs(self.expires_in),
            message: self
                .message
                .as_deref()
                .map(|m| clean_line(m, MESSAGE_CHARS)),
        }
    }
}

/// What to do after the token endpoint refused a poll.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NextPoll {
    After(Duration),
    Stop,
}

/// RFC 8628 §3.5: keep polling while pending; add 5 s on `slow_down`; anything else ends it.
pub(crate) fn after_refusal(error: &IdentityError, interval: Duration) -> NextPoll {
    match error.error.as_str() {
        "authorization_pending" => NextPoll::After(interval),
        "slow_down" => NextPoll::After(interval + Duration::from_secs(5)),
        _ => NextPoll::Stop,
    }
}

/// The error to report once polling stops on `error`. A refusal that carries an `AADSTS` code
/// keeps it, so its explanation is shown.
pub(crate) fn final_error(error: IdentityError) -> EntraError {
    match error.error.as_str() {
        "expired_token" | "code_expired" => EntraError::DeviceCodeExpired,
        "access_denied" | "authorization_declined" if error.code().is_none() => {
            EntraError::Declined
        }
        _ => EntraError::Identity {
            context: "sign in with a device code".into(),
            error: Box::new(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(error: &str) -> IdentityError {
        IdentityError::from_redirect(error, None)
    }

    #[test]
    fn polling_decisions() {
        let five = Duration::from_secs(5);
        assert_eq!(
            after_refusal(&refusal("authorization_pending"), five),
            NextPoll::After(five)
        );
        assert_eq!(
            after_refusal(&refusal("slow_down"), five),
            NextPoll::After(Duration::from_secs(10))
        );
        for stop in [
            "expired_token",
            "access_denied",
            "authorization_declined",
            "invalid_grant",
        ] {
            assert_eq!(
                after_refusal(&refusal(stop), five),
                NextPoll::Stop,
                "{stop}"
            );
        }
    }

    #[test]
    fn final_errors_are_typed() {
        assert!(matches!(
            final_error(refusal("expired_token")),
            EntraError::DeviceCodeExpired
        ));
        assert!(matches!(
            final_error(refusal("authorization_declined")),
            EntraError::Declined
        ));
        assert!(matches!(
            final_error(refusal("access_denied")),
            EntraError::Declined
        ));
        assert!(matches!(
            final_error(refusal("bad_verification_code")),
            EntraError::Identity { .. }
        ));
    }

    #[test]
    fn parses_entra_answer_with_default_interval() -> Result<(), serde_json::Error> {
        let response: DeviceCodeResponse = serde_json::from_str(
            r#"{"device_code":"d","user_code":"ABCD-EFGH","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"message":"To sign in…\u001b]0;pwned\u0007 go\u001b[2J"}"#,
        )?;
        assert_eq!(response.interval, 5);
        let prompt = response.prompt();
        assert_eq!(prompt.user_code, "ABCD-EFGH");
        assert_eq!(prompt.message.as_deref(), Some("To sign in… go"));
        assert_eq!(prompt.expires_in, Duration::from_secs(900));
        Ok(())
    }
}
