//! Concrete request paths and query strings, as the contract compares them with templates.

/// The segments of a concrete path, without the query string and without the `/api` prefix
/// under which the PBX serves the contract.
pub(crate) fn concrete_segments(path: &str) -> Vec<String> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path
        .strip_prefix("/api")
        .filter(|rest| rest.is_empty() || rest.starts_with('/'))
        .unwrap_or(path);
    split(path).map(percent_decode).collect()
}

/// The segments of a path template (`/users/{id}` → `users`, `{id}`).
pub(crate) fn template_segments(template: &str) -> Vec<String> {
    split(template).map(str::to_owned).collect()
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The name of a templated segment (`{id}` → `id`).
pub(crate) fn parameter_name(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// Decoded `name=value` pairs of a query string (without the leading `?`).
pub(crate) fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes and `+` (as a query string encodes spaces); invalid escapes stay as
/// they are, so a malformed path still shows up recognisably in a violation.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_api_prefix_and_query() {
        assert_eq!(concrete_segments("/api/users/7?top=1"), ["users", "7"]);
        assert_eq!(concrete_segments("/apiary"), ["apiary"]);
        assert_eq!(concrete_segments("/users/a%20b"), ["users", "a b"]);
    }

    #[test]
    fn decodes_query_pairs() {
        assert_eq!(
            query_pairs("search=anna+berg&top=5&flag"),
            [
                ("search".to_owned(), "anna berg".to_owned()),
                ("top".to_owned(), "5".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
        assert_eq!(query_pairs("x=%zz"), [("x".to_owned(), "%zz".to_owned())]);
    }
}
