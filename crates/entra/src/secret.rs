use std::fmt;

use serde::Deserialize;

/// A token or other credential: its `Debug` and `Display` never show the value, so it cannot
/// leak into logs or error messages by accident. Read from answers (an ID token), never written.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must send it (a header, a form, a keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("eyJ0eXAiOiJKV1Qi.refresh");
        assert!(!format!("{secret:?}").contains("eyJ0"));
        assert!(!format!("{secret}").contains("eyJ0"));
        assert_eq!(secret.expose(), "eyJ0eXAiOiJKV1Qi.refresh");
    }
}
