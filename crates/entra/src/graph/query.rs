//! OData query strings. Spaces become `%20` (not `+`, which OData does not promise to read as a
//! space); `$`, `,`, `'`, `(`, `)` stay readable.

pub(crate) fn encode(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", escape(name), escape(value)))
        .collect();
    format!("?{}", joined.join("&"))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~$,'()*:@/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odata_query_encoding() {
        assert_eq!(encode(&[]), "");
        assert_eq!(
            encode(&[
                ("$filter", "appId eq 'a-1'"),
                ("$select", "id,appId"),
                ("$top", "999")
            ]),
            "?$filter=appId%20eq%20'a-1'&$select=id,appId&$top=999"
        );
        assert_eq!(encode(&[("x", "a&b=c+d#é")]), "?x=a%26b%3Dc%2Bd%23%C3%A9");
    }
}
