//! The device code flow (RFC 8628) for machines without a browser: `oauth2` asks for the code
//! and polls (on while pending, slower when told); here is what the user sees and how a refusal
//! that ends it is reported.

use std::time::Duration;

use oauth2::{DeviceAuthorizationResponse, ExtraDeviceAuthorizationFields};
use serde::{Deserialize, Serialize};

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

/// The device-code endpoint's answer, read by `oauth2`, with Microsoft's instruction sentence.
/// Its `device_code` is `oauth2`'s secret type.
pub(crate) type DeviceCodeResponse = DeviceAuthorizationResponse<MicrosoftFields>;

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct MicrosoftFields {
    #[serde(default)]
    message: Option<String>,
}

impl ExtraDeviceAuthorizationFields for MicrosoftFields {}

/// What is shown to the user, cleaned like any text from a server.
pub(crate) fn prompt(response: &DeviceCodeResponse) -> DeviceCodePrompt {
    DeviceCodePrompt {
        user_code: clean_line(response.user_code().secret(), TOKEN_CHARS),
        verification_uri: clean_line(response.verification_uri(), MESSAGE_CHARS),
        expires_in: response.expires_in(),
        message: response
            .extra_fields()
            .message
            .as_deref()
            .map(|m| clean_line(m, MESSAGE_CHARS)),
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
        assert_eq!(response.interval(), Duration::from_secs(5));
        let prompt = prompt(&response);
        assert_eq!(prompt.user_code, "ABCD-EFGH");
        assert_eq!(prompt.message.as_deref(), Some("To sign in… go"));
        assert_eq!(prompt.expires_in, Duration::from_secs(900));
        Ok(())
    }
}
