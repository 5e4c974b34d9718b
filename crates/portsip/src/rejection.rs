//! Turning a PBX's non-2xx answer into an [`Error`].
//!
//! PortSIP answers errors with `{"errors":[{"code","message","detail"?}]}`. Its messages name
//! the offending field in prose, so the field is recovered by looking for the names of the
//! fields that were sent (`users.starting_extension_number`, `sync_time`, …), then for a quoted
//! identifier or one after "field"/"parameter". Messages are kept as PortSIP wrote them,
//! except that any password, PIN or token that was sent is blanked out of them, and that they
//! are cut to a few hundred characters and stripped of control characters ([`server_text`]).
//! Bodies in other formats (Graph's `{"error":{"code","message"}}`, OAuth's, problem details)
//! give their code and message; JSON itself is never quoted.
//!
//! [`server_text`]: crate::server_text

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{ErrorCode, FieldProblem};
use crate::model::Role;
use crate::server_text::{ForeignError, MAX_QUOTED_CHARS, clean, clean_code, plain_text};
use crate::{Error, Secret};

/// Request body keys whose values are secrets and must not be echoed back in errors.
const SECRET_KEYS: [&str; 6] = [
    "password",
    "extension_password",
    "voicemail_pin",
    "refresh_token",
    "access_token",
    "token",
];

/// What the request was for: decides how a 401/403 reads.
#[derive(Debug, Clone)]
pub(crate) enum Purpose {
    /// `POST /login` with these (non-secret) parts of the credentials.
    Login {
        username: String,
        domain: Option<String>,
    },
    /// `POST /auth/refresh_token`.
    Refresh,
    /// Any other endpoint.
    Api,
}

/// The request a failed answer belongs to.
#[derive(Debug)]
pub(crate) struct Exchange<'a> {
    /// `METHOD /path`.
    pub operation: &'a str,
    /// `/path`.
    pub path: &'a str,
    pub purpose: &'a Purpose,
    /// The signed-in role, for 403s.
    pub role: Option<Role>,
    /// The JSON body that was sent.
    pub sent: Option<&'a Value>,
}

/// Maps a non-2xx status and its body to the matching [`Error`].
pub(crate) fn error_from_answer(
    status: u16,
    retry_after: Option<Duration>,
    body: &[u8],
    exchange: &Exchange<'_>,
) -> Error {
    let answer = Answer::read(body, exchange.sent);
    let login = match exchange.purpose {
        Purpose::Login { username, domain } => Some((username.clone(), domain.clone())),
        _ => None,
    };
    match status {
        401 | 403 if login.is_some() => bad_credentials(login, answer.summary),
        401 => Error::SessionExpired {
            reason: answer
                .summary
                .unwrap_or_else(|| "the PBX no longer accepts the session".to_owned()),
        },
        403 => Error::Forbidden {
            role: exchange.role.clone(),
            operation: exchange.operation.to_owned(),
            message: answer.summary,
        },
        404 => Error::NotFound {
            path: exchange.path.to_owned(),
            message: answer.summary,
        },
        429 => Error::RateLimited { retry_after },
        500..=599 => Error::Server {
            operation: exchange.operation.to_owned(),
            status,
            message: answer.summary,
        },
        400..=499 => {
            if let Some(first) = answer
                .problems
                .iter()
                .find(|problem| problem.code == ErrorCode::ValidateFailed)
            {
                return Error::Validation {
                    field: first.field.clone(),
                    message: first.message.clone(),
                    problems: answer.problems,
                };
            }
            if login.is_some() {
                return bad_credentials(login, answer.summary);
            }
            Error::Rejected {
                operation: exchange.operation.to_owned(),
                status,
                code: answer.code(),
                message: answer.summary,
            }
        }
        _ => Error::UnexpectedResponse {
            operation: exchange.operation.to_owned(),
            reason: format!("HTTP status {status}"),
        },
    }
}

fn bad_credentials(login: Option<(String, Option<String>)>, message: Option<String>) -> Error {
    let (username, domain) = login.unwrap_or_default();
    Error::BadCredentials {
        username,
        domain,
        message,
    }
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Option<Vec<ErrorEntry>>,
}

#[derive(Debug, Deserialize)]
struct ErrorEntry {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    detail: Option<Value>,
}

/// A failed answer's body, read.
#[derive(Debug, Default)]
struct Answer {
    problems: Vec<FieldProblem>,
    /// The code of a body in another format than PortSIP's (e.g. Graph's `error.code`).
    foreign_code: Option<ErrorCode>,
    /// The first problem's message, or what a body in another format says.
    summary: Option<String>,
}

impl Answer {
    /// Every text taken from the body is scrubbed of the secrets that were sent first (so a
    /// cut cannot leave half a secret behind), then cleaned and shortened for display.
    fn read(body: &[u8], sent: Option<&Value>) -> Self {
        let secrets = sent.map(secret_values).unwrap_or_default();
        let quote = |text: &str| clean(&scrub(text, &secrets), MAX_QUOTED_CHARS);
        let Ok(json) = serde_json::from_slice::<Value>(body) else {
            let text = String::from_utf8_lossy(body);
            return Self {
                summary: plain_text(&scrub(&text, &secrets)),
                ..Self::default()
            };
        };
        let entries = ErrorBody::deserialize(&json)
            .ok()
            .and_then(|body| body.errors)
            .filter(|entries| !entries.is_empty());
        let Some(entries) = entries else {
            let foreign = ForeignError::read(&json);
            return Self {
                problems: Vec::new(),
                foreign_code: foreign.code.as_deref().map(ErrorCode::from),
                summary: foreign
                    .message
                    .map(|message| quote(&message))
                    .filter(|message| !message.is_empty()),
            };
        };
        let known_fields = sent.map(field_paths).unwrap_or_default();
        let problems: Vec<FieldProblem> = entries
            .into_iter()
            .map(|entry| {
                // A structured detail helps find the field but is never quoted: it is JSON.
                let detail = entry.detail.as_ref().and_then(Value::as_str);
                let field = entry
                    .detail
                    .as_ref()
                    .and_then(field_named_in_detail)
                    .or_else(|| {
                        [entry.message.as_deref(), detail]
                            .into_iter()
                            .flatten()
                            .find_map(|text| field_in_text(text, &known_fields))
                    });
                let code = entry.code.as_deref().and_then(clean_code);
                let message = [entry.message.as_deref(), detail]
                    .into_iter()
                    .flatten()
                    .map(quote)
                    .find(|message| !message.is_empty())
                    .or_else(|| code.clone())
                    .unwrap_or_else(|| "no reason given".to_owned());
                FieldProblem {
                    field,
                    code: code.as_deref().map_or(ErrorCode::Unknown, ErrorCode::from),
                    message,
                }
            })
            .collect();
        let summary = problems.first().map(|first| first.message.clone());
        Self {
            problems,
            foreign_code: None,
            summary,
        }
    }

    /// PortSIP's code of the first problem, else the foreign body's code, else `UNKNOWN`.
    fn code(&self) -> ErrorCode {
        self.problems
            .first()
            .map(|problem| problem.code.clone())
            .or_else(|| self.foreign_code.clone())
            .unwrap_or(ErrorCode::Unknown)
    }
}

/// A structured `detail` that names its field outright (and looks like a field name).
fn field_named_in_detail(detail: &Value) -> Option<String> {
    let object = detail.as_object()?;
    ["field", "property", "param", "parameter", "name", "path"]
        .into_iter()
        .find_map(|key| object.get(key)?.as_str())
        .filter(|name| looks_like_field_name(name))
        .map(str::to_owned)
}

/// Every key path of a JSON body (`users`, `users.sync_type`, …); arrays are looked through.
pub(crate) fn field_paths(body: &Value) -> Vec<String> {
    fn walk(value: &Value, prefix: &str, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(child, &path, into);
                    into.push(path);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, prefix, into);
                }
            }
            _ => {}
        }
    }
    let mut paths = Vec::new();
    walk(body, "", &mut paths);
    paths.sort();
    paths.dedup();
    paths
}

/// The field a message names: a sent field path (longest match first, then its last
/// segment), else a quoted identifier, else a leading `name:`, else the word after
/// "field"/"parameter"/"property".
pub(crate) fn field_in_text(text: &str, known_fields: &[String]) -> Option<String> {
    let words = identifier_words(text);
    let mut by_length: Vec<&String> = known_fields.iter().collect();
    by_length.sort_by_key(|path| std::cmp::Reverse(path.len()));
    for path in &by_length {
        if words.iter().any(|word| word == *path) {
            return Some((*path).clone());
        }
    }
    for path in &by_length {
        let leaf = path.rsplit('.').next().unwrap_or(path);
        if words.iter().any(|word| word == leaf) {
            return Some(leaf.to_owned());
        }
    }
    quoted_identifier(text)
        .or_else(|| leading_label(text))
        .or_else(|| identifier_after_keyword(&words))
}

/// `users.sync_type: must be one of …` — the form PortSIP-style messages often take.
fn leading_label(text: &str) -> Option<String> {
    let (label, _) = text.split_once(':')?;
    let label = label.trim();
    looks_like_field_name(label).then(|| label.to_owned())
}

/// Runs of identifier characters (`a-z A-Z 0-9 _ .`), trimmed of trailing dots.
fn identifier_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .map(|word| word.trim_matches('.'))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

fn looks_like_field_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && (word.contains('_')
            || word.contains('.')
            || word.chars().all(|c| c.is_ascii_lowercase()))
}

fn quoted_identifier(text: &str) -> Option<String> {
    for (open, close) in [('\'', '\''), ('"', '"'), ('`', '`'), ('‘', '’'), ('“', '”')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let candidate = &after[..end];
            if looks_like_field_name(candidate) {
                return Some(candidate.to_owned());
            }
            rest = &after[end + close.len_utf8()..];
        }
    }
    None
}

fn identifier_after_keyword(words: &[String]) -> Option<String> {
    words
        .windows(2)
        .find(|pair| {
            matches!(
                pair.first()
                    .map(|word| word.to_ascii_lowercase())
                    .as_deref(),
                Some("field" | "parameter" | "property")
            )
        })
        .and_then(|pair| pair.get(1))
        .filter(|word| looks_like_field_name(word))
        .cloned()
}

/// String values of secret keys anywhere in a JSON body.
pub(crate) fn secret_values(body: &Value) -> Vec<String> {
    fn walk(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child {
                        Value::String(text) if SECRET_KEYS.contains(&key.as_str()) => {
                            into.push(text.clone());
                        }
                        _ => walk(child, into),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, into)),
            _ => {}
        }
    }
    let mut secrets = Vec::new();
    walk(body, &mut secrets);
    secrets.retain(|secret| !secret.is_empty());
    secrets
}

/// `text` with every secret replaced by `‹redacted›`.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |text, secret| {
        text.replace(secret.as_str(), "‹redacted›")
    })
}

/// Scrubs one secret that is not part of a JSON body (e.g. a refresh token in a header).
pub(crate) fn scrub_secret(text: &str, secret: &Secret) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    text.replace(secret.expose(), "‹redacted›")
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at =
        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let wait = at - now;
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api_exchange<'a>(sent: Option<&'a Value>, purpose: &'a Purpose) -> Exchange<'a> {
        Exchange {
            operation: "POST /ms365",
            path: "/ms365",
            purpose,
            role: Some(Role::StandardUser),
            sent,
        }
    }

    fn map(status: u16, body: &str, sent: Option<&Value>) -> Error {
        error_from_answer(
            status,
            None,
            body.as_bytes(),
            &api_exchange(sent, &Purpose::Api),
        )
    }

    #[test]
    fn validation_errors_name_the_sent_field_they_mention() -> Result<(), String> {
        let sent = json!({"sync_time": "every day", "users": {"starting_extension_number": "0123"},
            "national_cloud": "MARS"});
        let error = map(
            400,
            r#"{"errors":[
                {"code":"VALIDATE_FAILED","message":"sync_time is not a valid crontab expression"},
                {"code":"VALIDATE_FAILED","message":"invalid value","detail":"users.starting_extension_number must not start with 0"},
                {"code":"VALIDATE_FAILED","message":"national_cloud must be one of GLOBAL, CHINA"}]}"#,
            Some(&sent),
        );
        let Error::Validation {
            field,
            message,
            problems,
        } = error
        else {
            return Err(format!("expected a validation error, got {error:?}"));
        };
        assert_eq!(field.as_deref(), Some("sync_time"));
        assert_eq!(message, "sync_time is not a valid crontab expression");
        let fields: Vec<_> = problems
            .iter()
            .map(|problem| problem.field.clone())
            .collect();
        assert_eq!(
            fields,
            vec![
                Some("sync_time".to_owned()),
                Some("users.starting_extension_number".to_owned()),
                Some("national_cloud".to_owned())
            ]
        );
        Ok(())
    }

    #[test]
    fn a_leaf_name_of_a_sent_field_is_recognised() {
        let known = field_paths(&json!({"users": {"starting_extension_number": "0123"}}));
        assert_eq!(
            field_in_text(
                "Starting extension invalid: starting_extension_number has a leading zero",
                &known
            ),
            Some("starting_extension_number".to_owned())
        );
    }

    #[test]
    fn fields_not_sent_are_found_when_quoted_or_after_the_word_field() {
        assert_eq!(
            field_in_text("value of 'extension_number' is taken", &[]),
            Some("extension_number".to_owned())
        );
        assert_eq!(
            field_in_text("invalid field email: bad format", &[]),
            Some("email".to_owned())
        );
        assert_eq!(
            field_in_text("users.sync_type: must be one of ALL, INCLUDE, EXCLUDE", &[]),
            Some("users.sync_type".to_owned())
        );
        assert_eq!(field_in_text("Something went wrong", &[]), None);
        assert_eq!(field_in_text("Request body: not an object", &[]), None);
    }

    #[test]
    fn a_structured_detail_names_its_field() {
        let error = map(
            422,
            r#"{"errors":[{"code":"VALIDATE_FAILED","message":"bad","detail":{"field":"users.sync_type"}}]}"#,
            None,
        );
        assert!(
            matches!(&error, Error::Validation { field: Some(field), .. } if field == "users.sync_type"),
            "{error:?}"
        );
    }

    #[test]
    fn statuses_map_to_their_variants() {
        assert!(matches!(
            map(403, "", None),
            Error::Forbidden {
                role: Some(Role::StandardUser),
                ..
            }
        ));
        assert!(matches!(map(404, "", None), Error::NotFound { .. }));
        assert!(matches!(map(401, "", None), Error::SessionExpired { .. }));
        assert!(matches!(
            map(503, "<html>busy</html>", None),
            Error::Server {
                status: 503,
                message: None,
                ..
            }
        ));
        assert!(matches!(
            map(302, "", None),
            Error::UnexpectedResponse { .. }
        ));
        let limited = error_from_answer(
            429,
            Some(Duration::from_secs(7)),
            b"",
            &api_exchange(None, &Purpose::Api),
        );
        assert!(
            matches!(limited, Error::RateLimited { retry_after: Some(wait) } if wait.as_secs() == 7)
        );
    }

    #[test]
    fn unknown_codes_are_kept_verbatim() {
        let error = map(
            409,
            r#"{"errors":[{"code":"BRAND_NEW_CODE","message":"nope"}]}"#,
            None,
        );
        assert!(
            matches!(&error, Error::Rejected { status: 409, code: ErrorCode::Other(code), message: Some(message), .. }
                if code == "BRAND_NEW_CODE" && message == "nope"),
            "{error:?}"
        );
        let plain = map(400, r#"{"errors":[{"message":"no code"}]}"#, None);
        assert!(
            matches!(
                plain,
                Error::Rejected {
                    code: ErrorCode::Unknown,
                    ..
                }
            ),
            "{plain:?}"
        );
    }

    #[test]
    fn login_refusals_are_bad_credentials_naming_the_user_and_tenant() {
        let purpose = Purpose::Login {
            username: "alice".to_owned(),
            domain: Some("t1.example.com".to_owned()),
        };
        let sent = json!({"username":"alice","password":"Sup3rS3cret!","domain":"t1.example.com"});
        let error = error_from_answer(
            401,
            None,
            br#"{"errors":[{"code":"UNKNOWN","message":"wrong password Sup3rS3cret! for alice"}]}"#,
            &Exchange {
                operation: "POST /login",
                path: "/login",
                purpose: &purpose,
                role: None,
                sent: Some(&sent),
            },
        );
        let text = error.to_string();
        assert!(matches!(error, Error::BadCredentials { .. }), "{error:?}");
        assert!(
            text.contains("alice") && text.contains("t1.example.com"),
            "{text}"
        );
        assert!(!text.contains("Sup3rS3cret!"), "{text}");
    }

    #[test]
    fn secrets_anywhere_in_the_body_are_scrubbed() {
        let sent = json!({"name":"bob","password":"pw-one","blfs":[{"key":"k"}],
            "nested":{"voicemail_pin":"998877"}});
        let secrets = secret_values(&sent);
        assert_eq!(
            scrub("pw-one then 998877 and bob", &secrets),
            "‹redacted› then ‹redacted› and bob"
        );
    }

    #[test]
    fn a_huge_error_text_gives_a_short_message() -> Result<(), String> {
        let huge = "The disk is full. ".repeat(600_000);
        assert!(huge.len() > 10_000_000);
        let error = map(500, &huge, None);
        let Error::Server {
            message: Some(message),
            ..
        } = &error
        else {
            return Err(format!(
                "expected a server error quoting the text, got {error:?}"
            ));
        };
        assert!(message.chars().count() <= MAX_QUOTED_CHARS + 1, "{message}");
        assert!(message.ends_with('…'), "{message}");
        assert!(error.to_string().chars().count() < 700, "{error}");
        Ok(())
    }

    #[test]
    fn an_error_text_with_escape_sequences_reaches_nobody_raw() {
        let hostile = "\u{1b}[2J\u{1b}[HAccess\r\u{1b}]0;pwned\u{7} denied\u{9b}1m\u{0}\u{7f}";
        let body = json!({"errors": [{"code": "UNKNOWN\u{1b}[31m", "message": hostile}]});
        let plain = map(409, hostile, None);
        let portsip = map(409, &body.to_string(), None);
        let graph = map(
            409,
            &json!({"error": {"code": "Conflict", "message": hostile}}).to_string(),
            None,
        );
        for error in [plain, portsip, graph] {
            let text = error.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert!(!text.contains("pwned") && !text.contains("[2J"), "{text:?}");
            assert!(text.contains("Access denied"), "{text:?}");
        }
    }

    #[test]
    fn a_429_with_a_graph_style_body_reads_as_a_sentence() {
        let error = error_from_answer(
            429,
            Some(Duration::from_secs(4)),
            br#"{"error":{"code":"TooManyRequests","message":"Too many requests; retry later.","innerError":{"date":"2025-01-01T00:00:00"}}}"#,
            &api_exchange(None, &Purpose::Api),
        );
        let text = error.to_string();
        assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
        assert!(!text.contains('{') && !text.contains('"'), "{text}");
        assert!(text.contains("4 seconds") && text.ends_with('.'), "{text}");
    }

    #[test]
    fn other_json_shapes_give_their_code_and_message_never_the_json() {
        let error = map(
            400,
            r#"{"error":{"code":"BadRequest","message":"Resource not found for the segment 'x'."}}"#,
            None,
        );
        let text = error.to_string();
        assert!(
            matches!(&error, Error::Rejected { code: ErrorCode::Other(code), message: Some(message), .. }
                if code == "BadRequest" && message == "Resource not found for the segment 'x'."),
            "{error:?}"
        );
        assert!(!text.contains('{'), "{text}");
        let unknown_shape = map(503, r#"{"fault":{"detail":{"errorcode":"x"}}}"#, None);
        assert!(
            matches!(unknown_shape, Error::Server { message: None, .. }),
            "{unknown_shape:?}"
        );
        let structured_detail = map(
            400,
            r#"{"errors":[{"code":"UNKNOWN","detail":{"reason":"nested"}}]}"#,
            None,
        );
        assert!(
            !structured_detail.to_string().contains('{'),
            "{structured_detail}"
        );
    }

    #[test]
    fn a_secret_is_scrubbed_before_the_text_is_cut() {
        let sent = json!({"password": "pw-0123456789"});
        let body = format!("{}pw-0123456789", "x".repeat(295));
        let error = map(500, &body, Some(&sent));
        assert!(!error.to_string().contains("pw-01"), "{error}");
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = time::macros::datetime!(2025-01-01 00:00:00 UTC);
        assert_eq!(parse_retry_after("5", now), Some(Duration::from_secs(5)));
        assert_eq!(
            parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
