//! Takes secrets out of text before it is written to a log file or a diagnostics archive.
//!
//! Two nets, so neither has to be perfect: every secret the process has held as a
//! [`Secret`](crate::secrets::Secret) (the keyring's passwords and tokens) is replaced wherever
//! it appears, and whatever looks like a secret by its shape or its name — a value after
//! `password`, `token` or `secret`, a bearer credential, a JWT, a private key in PEM — is
//! replaced even when pbx365 never knew it was one (a PBX answer logged at trace level, say).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{LazyLock, Mutex, PoisonError};

use regex::{Captures, Regex};
use serde_json::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "‹redacted›";

/// Values shorter than this are not replaced by value: a two-letter PIN would otherwise
/// redact every word it happens to be part of. The name patterns still catch them.
const SHORTEST_KNOWN_SECRET: usize = 6;

/// How many secrets the process remembers; refresh tokens are replaced hourly, so the oldest
/// are dropped rather than kept forever.
const KNOWN_SECRETS_CAP: usize = 256;

static KNOWN: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

/// Remembers `value` as a secret of this process, so no log line written after this shows it.
pub(crate) fn remember(value: &str) {
    if value.len() < SHORTEST_KNOWN_SECRET {
        return;
    }
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    if known.iter().any(|held| held == value) {
        return;
    }
    if known.len() == KNOWN_SECRETS_CAP {
        known.pop_front();
    }
    known.push_back(value.to_owned());
}

fn known_secrets() -> Vec<String> {
    KNOWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}

// The patterns are constants; a typo in one fails every test of this module at once.
#[allow(clippy::expect_used)]
fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a constant redaction pattern compiles")
}

/// Words in a field's name that say its value is secret.
const SECRET_WORDS: &str =
    "password|passwd|secret|token|assertion|code_verifier|api[_-]?key|authorization|credential";
/// A field name that says secret.
static SECRET_NAME: LazyLock<Regex> = LazyLock::new(|| pattern(&format!("(?i){SECRET_WORDS}")));
/// `name = value`, `name: value`, `"name":"value"`, `name=value&` for names that say secret,
/// and OAuth's `code=` (an authorization code; `error_code` and the like are left alone).
static NAMED: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r#"(?i)((?:[a-z0-9_-]*(?:{SECRET_WORDS})[a-z0-9_-]*|\bcode)"?\s*[:=]\s*"?)(?:bearer\s+|basic\s+)?([^\s"',;&}}\])]+)"#
    ))
});
/// `Bearer …` / `Basic …` wherever it stands.
static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"));
/// A JSON Web Token: three base64url parts, the first one a JSON header.
static JWT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"));
static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)")
});

/// Replaces secrets in text: those the process knows plus `extra` (secrets read from the
/// keyring for an export), and whatever looks like one.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    extra: Vec<String>,
}

impl Redactor {
    /// A redactor that also replaces `secrets` (values shorter than a few characters are left
    /// to the name patterns).
    pub fn with_secrets(secrets: impl IntoIterator<Item = String>) -> Self {
        Self {
            extra: secrets
                .into_iter()
                .filter(|secret| secret.len() >= SHORTEST_KNOWN_SECRET)
                .collect(),
        }
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut text = Cow::Borrowed(text);
        let mut secrets = known_secrets();
        secrets.extend(self.extra.iter().cloned());
        // The longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        for secret in &secrets {
            if text.contains(secret.as_str()) {
                text = Cow::Owned(text.replace(secret.as_str(), REDACTED));
            }
        }
        text = replace(text, &PRIVATE_KEY, |_| REDACTED.to_owned());
        text = replace(text, &JWT, |_| REDACTED.to_owned());
        text = replace(text, &SCHEME, |found| format!("{} {REDACTED}", &found[1]));
        replace(text, &NAMED, |found| {
            let value = &found[2];
            // `remember_password=true` says nothing secret, and JSON stays JSON.
            let plain = ["true", "false", "null"].contains(&value.to_ascii_lowercase().as_str());
            if value == REDACTED || plain {
                found[0].to_owned()
            } else {
                format!("{}{REDACTED}", &found[1])
            }
        })
    }

    /// Redacts a JSON document value by value, so it stays valid JSON: a string or number
    /// under a name that says secret is replaced whole, every other string is redacted.
    pub fn redact_json(&self, value: &mut Value) {
        match value {
            Value::String(text) => {
                if let Cow::Owned(clean) = self.redact(text) {
                    *text = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.redact_json(item)),
            Value::Object(fields) => {
                for (name, field) in fields.iter_mut() {
                    if SECRET_NAME.is_match(name) && (field.is_string() || field.is_number()) {
                        *field = Value::String(REDACTED.to_owned());
                    } else {
                        self.redact_json(field);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// [`Self::redact`] for bytes: text that is not UTF-8 is redacted in its lossy form.
    pub fn redact_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        match String::from_utf8_lossy(bytes) {
            Cow::Borrowed(text) => match self.redact(text) {
                Cow::Borrowed(_) => Cow::Borrowed(bytes),
                Cow::Owned(clean) => Cow::Owned(clean.into_bytes()),
            },
            Cow::Owned(text) => Cow::Owned(self.redact(&text).into_owned().into_bytes()),
        }
    }
}

fn replace<'a>(
    text: Cow<'a, str>,
    pattern: &Regex,
    with: impl Fn(&Captures<'_>) -> String,
) -> Cow<'a, str> {
    if !pattern.is_match(&text) {
        return text;
    }
    Cow::Owned(
        pattern
            .replace_all(&text, |found: &Captures<'_>| with(found))
            .into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> String {
        Redactor::default().redact(text).into_owned()
    }

    #[test]
    fn named_values_are_replaced_in_every_notation() {
        assert_eq!(
            clean(r#"{"access_token":"a1b2c3","token_type":"Bearer","role":"admin"}"#),
            r#"{"access_token":"‹redacted›","token_type":"‹redacted›","role":"admin"}"#
        );
        assert_eq!(
            clean("login password=hunter22 user=bob"),
            "login password=‹redacted› user=bob"
        );
        assert_eq!(
            clean("grant_type=refresh_token&refresh_token=xyz987&scope=a"),
            "grant_type=refresh_token&refresh_token=‹redacted›&scope=a"
        );
        assert_eq!(
            clean("grant_type=authorization_code&code=0.AbC-xyz&error_code=7"),
            "grant_type=authorization_code&code=‹redacted›&error_code=7"
        );
        assert_eq!(
            clean("client_secret: s3cr3t, next"),
            "client_secret: ‹redacted›, next"
        );
    }

    #[test]
    fn credentials_are_replaced_by_their_shape() {
        assert_eq!(
            clean("Authorization: Bearer abcdefghijkl.mnop"),
            "Authorization: Bearer ‹redacted›"
        );
        assert_eq!(
            clean("sent bearer abcdefghijklmnop"),
            "sent bearer ‹redacted›"
        );
        assert_eq!(
            clean("id eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl end"),
            "id ‹redacted› end"
        );
        assert_eq!(
            clean("key -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- done"),
            "key ‹redacted› done"
        );
    }

    #[test]
    fn known_secrets_are_replaced_wherever_they_stand() {
        remember("Correct-Horse-Battery-1");
        let redactor = Redactor::with_secrets(["opaque-refresh-42".to_owned(), "ab".to_owned()]);
        assert_eq!(
            redactor.redact("x Correct-Horse-Battery-1 y opaque-refresh-42 ab"),
            "x ‹redacted› y ‹redacted› ab"
        );
    }

    #[test]
    fn json_stays_json_and_loses_its_secrets() -> Result<(), serde_json::Error> {
        let mut value: Value = serde_json::from_str(
            r#"{"refresh_token":"abc","pin":1234,"remember_password":true,"n":[{"x":"Bearer abcdefghijk"}],"api_key":7}"#,
        )?;
        Redactor::default().redact_json(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"refresh_token":"‹redacted›","pin":1234,"remember_password":true,"n":[{"x":"Bearer ‹redacted›"}],"api_key":"‹redacted›"})
        );
        Ok(())
    }

    #[test]
    fn text_without_secrets_is_left_alone() {
        let text = "PBX answered status=200 duration_ms=12 tenant=contoso";
        assert!(matches!(Redactor::default().redact(text), Cow::Borrowed(_)));
    }
}
