//! Reading a string field out of a JSON error body that was cut short (its reading stops at a
//! limit), so an oversized error still shows the server's code and message rather than raw JSON.

/// The value of the first `"key": "…"` in `text`: up to its closing quote, or, when the text
/// ends inside the string, as much of it as arrived.
pub(crate) fn string_field(text: &str, key: &str) -> Option<String> {
    let pattern = format!("\"{key}\"");
    let after_key = text.find(&pattern)? + pattern.len();
    let rest = text[after_key..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let mut escaped = false;
    let closing = rest.char_indices().find_map(|(index, c)| {
        let closes = c == '"' && !escaped;
        escaped = c == '\\' && !escaped;
        closes.then_some(index)
    });
    let mut literal = &rest[..closing.unwrap_or(rest.len())];
    // A cut may split an escape (`\`, `\u00`): drop its start until the rest decodes.
    for _ in 0..6 {
        if let Ok(value) = serde_json::from_str::<String>(&format!("\"{literal}\"")) {
            return Some(value);
        }
        let mut chars = literal.chars();
        chars.next_back()?;
        literal = chars.as_str();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_and_cut_strings_are_read() {
        let body = r#"{"error": "invalid_grant", "error_description":"AADSTS1: a \"quoted\" \u00e9 word"}"#;
        assert_eq!(
            string_field(body, "error").as_deref(),
            Some("invalid_grant")
        );
        assert_eq!(
            string_field(body, "error_description").as_deref(),
            Some("AADSTS1: a \"quoted\" é word")
        );
        let cut = &body[..body.len() - 12];
        assert_eq!(
            string_field(cut, "error_description").as_deref(),
            Some("AADSTS1: a \"quoted\" ")
        );
        assert_eq!(
            string_field(r#"{"error":"x\u00"#, "error").as_deref(),
            Some("x")
        );
        assert_eq!(string_field(r#"{"error":{"code":"c"}}"#, "error"), None);
        assert_eq!(string_field("<html>", "error"), None);
    }
}
