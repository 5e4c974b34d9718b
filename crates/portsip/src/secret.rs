//! A string that must never end up in a log, an error message or a `Debug` dump.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A password, token, PIN or key. `Debug` prints `‹redacted›`; there is deliberately no
/// `Display`, so the value only leaves through [`Secret::expose`] or serialization into a
/// request body.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send or store it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("‹redacted›")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn serializes_as_the_plain_string_for_request_bodies() -> Result<(), serde_json::Error> {
        let json = serde_json::to_string(&Secret::new("p@ss"))?;
        assert_eq!(json, "\"p@ss\"");
        let back: Secret = serde_json::from_str(&json)?;
        assert_eq!(back.expose(), "p@ss");
        Ok(())
    }
}
