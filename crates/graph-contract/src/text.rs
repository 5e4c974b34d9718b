//! Reading URLs as Graph reads them: percent-decoding and lists that may nest parentheses.

/// Percent-decodes `text`; in a query string (`plus_is_space`) a `+` is a space too.
pub(crate) fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (byte, hex) {
            (b'%', Some(value)) => {
                out.push(value);
                index += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                index += 1;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string's `(name, value)` pairs, decoded.
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name, true), decode(value, true))
        })
        .collect()
}

/// Splits at the commas outside parentheses and string literals: `a,b(c,d),'e,f'`.
pub(crate) fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0usize, false, 0);
    for (index, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                parts.push(text[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_and_pluses_only_in_queries() {
        assert_eq!(decode("appId%20eq%20'a+b'", true), "appId eq 'a b'");
        assert_eq!(decode("a+b%2", false), "a+b%2");
        assert_eq!(
            query_pairs("%24select=id,appId&$top=5&flag"),
            [
                ("$select".to_owned(), "id,appId".to_owned()),
                ("$top".to_owned(), "5".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn splits_only_at_top_level_commas() {
        assert_eq!(
            split_top_level("a, b($select=c,d) ,'e,f',,"),
            ["a", "b($select=c,d)", "'e,f'"]
        );
    }
}
