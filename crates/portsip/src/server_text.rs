//! Text that came from a server, made fit to show in a terminal, a log or the UI.
//!
//! A PBX (or whatever answers at its address) decides what its error bodies say. Quoted as is,
//! a body can be megabytes long, can be raw JSON, and can carry terminal escape sequences that
//! clear the screen, retitle the window or hide text. Everything the server wrote passes
//! through here before it ends up in an [`Error`](crate::Error).

use serde_json::Value;

/// Longest server text quoted in one error.
pub(crate) const MAX_QUOTED_CHARS: usize = 300;

/// Longest error code kept; codes are identifiers, anything longer is not one.
const MAX_CODE_CHARS: usize = 64;

/// `text` without control characters or escape sequences, its blank runs collapsed to one
/// space, cut to `max_chars` characters (on a character boundary, marked with `…`).
pub(crate) fn clean(text: &str, max_chars: usize) -> String {
    let mut cleaned = String::with_capacity(text.len().min(max_chars * 4 + 4));
    let mut kept = 0;
    let mut pending_space = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            skip_escape_sequence(&mut chars);
            continue;
        }
        // CSI (U+009B) and OSC (U+009D) also exist as single C1 characters.
        if c == '\u{9b}' {
            skip_csi_body(&mut chars);
            continue;
        }
        if c == '\u{9d}' || c == '\u{90}' || c == '\u{98}' || c == '\u{9e}' || c == '\u{9f}' {
            skip_string_body(&mut chars);
            continue;
        }
        if c.is_whitespace() {
            // Line breaks and tabs would break a one-line message.
            pending_space = kept > 0;
            continue;
        }
        if c.is_control() || is_invisible_format(c) {
            // Invisible formatting (bidi overrides, zero-width) reorders or hides what is
            // shown around it.
            continue;
        }
        if pending_space {
            if kept + 1 >= max_chars {
                cleaned.push('…');
                return cleaned;
            }
            cleaned.push(' ');
            kept += 1;
            pending_space = false;
        }
        if kept >= max_chars {
            cleaned.push('…');
            return cleaned;
        }
        cleaned.push(c);
        kept += 1;
    }
    cleaned
}

/// Bidirectional overrides and zero-width characters: they change how the text around them
/// is displayed without being visible themselves.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{feff}'
    )
}

/// Skips what follows an ESC: a CSI (`ESC [ … final`), a string (`ESC ] … BEL/ST`, also DCS,
/// SOS, PM, APC), or a single character (`ESC c`, `ESC 7`, …).
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        Some(']' | 'P' | 'X' | '^' | '_') => skip_string_body(chars),
        // `ESC ( B` and friends take one more character.
        Some('(' | ')' | '*' | '+' | '-' | '.' | '/' | '#' | '%' | ' ') => {
            chars.next();
        }
        _ => {}
    }
}

/// Parameters and intermediates up to and including the final byte (`@`–`~`).
fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            return;
        }
        if !(' '..='?').contains(&c) {
            // Not a well-formed sequence: stop here rather than swallow the message.
            return;
        }
    }
}

/// Up to and including BEL, ST (`ESC \`) or the C1 ST (U+009C).
fn skip_string_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// An error code from a server, kept only when it looks like one.
pub(crate) fn clean_code(code: &str) -> Option<String> {
    let code = clean(code, MAX_CODE_CHARS + 1);
    let looks_like_code = !code.is_empty()
        && code.chars().count() <= MAX_CODE_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    looks_like_code.then_some(code)
}

/// What an error body in a format other than PortSIP's says: a code and a message, read from
/// the shapes servers commonly use. The JSON itself is never quoted.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ForeignError {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
}

impl ForeignError {
    /// Reads `{"error":{"code","message"}}` (Microsoft Graph and many others),
    /// `{"error":"code","error_description":"…"}` (OAuth), `{"code","message"}`,
    /// `{"message"}`, `{"detail"}` / `{"title"}` (RFC 9457 problem details).
    pub(crate) fn read(body: &Value) -> Self {
        let Some(object) = body.as_object() else {
            return Self::default();
        };
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        match object.get("error") {
            Some(Value::Object(inner)) => Self {
                code: text(inner.get("code")),
                message: text(inner.get("message")),
            },
            Some(Value::String(code)) => Self {
                code: Some(code.clone()),
                message: text(object.get("error_description"))
                    .or_else(|| text(object.get("message"))),
            },
            _ => Self {
                code: text(object.get("code")),
                message: ["message", "detail", "title", "error_description"]
                    .into_iter()
                    .find_map(|key| text(object.get(key))),
            },
        }
        .cleaned()
    }

    fn cleaned(self) -> Self {
        Self {
            code: self.code.as_deref().and_then(clean_code),
            message: self
                .message
                .map(|message| clean(&message, MAX_QUOTED_CHARS))
                .filter(|message| !message.is_empty()),
        }
    }
}

/// A body that is not JSON, quoted when it reads as text: not empty, not an HTML page and not
/// JSON (a body cut at its size limit no longer parses, and is still not to be quoted).
pub(crate) fn plain_text(text: &str) -> Option<String> {
    let text = text.trim_start();
    if text.starts_with('<') || text.starts_with('{') || text.starts_with('[') {
        return None;
    }
    let cleaned = clean(text, MAX_QUOTED_CHARS);
    (!cleaned.is_empty()).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escape_sequences_and_controls_are_removed() {
        let hostile = "\u{1b}[2J\u{1b}[1;31mDisk\u{1b}[0m full\r\n\u{1b}]0;owned\u{7}now\u{1b}]8;;http://x\u{1b}\\link\u{1b}c\u{9b}31m\u{7f}\u{0}!\u{202e}txt";
        let cleaned = clean(hostile, 300);
        assert_eq!(cleaned, "Disk full nowlink!txt");
        assert!(!cleaned.chars().any(char::is_control), "{cleaned:?}");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(1000);
        let cut = clean(&long, 10);
        assert_eq!(cut, format!("{}…", "é".repeat(10)));
        assert_eq!(clean("short", 10), "short");
        assert_eq!(clean("  lots \n\n of\tspace  ", 50), "lots of space");
    }

    #[test]
    fn foreign_shapes_give_code_and_message() {
        assert_eq!(
            ForeignError::read(&json!({"error": {"code": "TooManyRequests",
                "message": "Please retry.", "innerError": {"date": "x"}}})),
            ForeignError {
                code: Some("TooManyRequests".to_owned()),
                message: Some("Please retry.".to_owned())
            }
        );
        assert_eq!(
            ForeignError::read(&json!({"error": "invalid_grant",
                "error_description": "AADSTS70008: expired"})),
            ForeignError {
                code: Some("invalid_grant".to_owned()),
                message: Some("AADSTS70008: expired".to_owned())
            }
        );
        assert_eq!(
            ForeignError::read(&json!({"title": "Bad Request", "status": 400})).message,
            Some("Bad Request".to_owned())
        );
        assert_eq!(
            ForeignError::read(&json!({"weird": {"nested": true}})),
            ForeignError::default()
        );
        assert_eq!(
            ForeignError::read(&json!({"code": "has spaces { and braces }"})).code,
            None
        );
    }

    #[test]
    fn json_and_html_are_not_quoted_as_text() {
        assert_eq!(plain_text("<!DOCTYPE html><p>error</p>"), None);
        assert_eq!(plain_text(r#"{"error":{"code":"x"}}"#), None);
        assert_eq!(plain_text("  \n "), None);
        assert_eq!(
            plain_text("Service down\nfor maintenance").as_deref(),
            Some("Service down for maintenance")
        );
        let huge = "x".repeat(10 * 1024 * 1024);
        let quoted = plain_text(&huge).unwrap_or_default();
        assert_eq!(quoted.chars().count(), MAX_QUOTED_CHARS + 1);
    }
}
