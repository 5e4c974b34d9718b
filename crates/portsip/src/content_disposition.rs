//! The file name in a `Content-Disposition` header (RFC 6266), made safe to save under.

/// The file name from `attachment; filename="…"` or `filename*=UTF-8''…` (the latter wins,
/// as RFC 6266 asks). Any directory part is dropped, so a hostile `../../x` becomes `x`.
pub(crate) fn file_name(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, value) in parameters(header) {
        if name.eq_ignore_ascii_case("filename*") {
            extended = decode_extended(&value);
        } else if name.eq_ignore_ascii_case("filename") {
            plain = Some(value);
        }
    }
    extended.or(plain).and_then(|name| safe_file_name(&name))
}

/// `name=value` pairs after the disposition type; quoted values unescaped.
fn parameters(header: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = match header.find(';') {
        Some(index) => &header[index + 1..],
        None => return pairs,
    };
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        let Some(equals) = rest.find('=') else { break };
        let name = rest[..equals].trim().to_owned();
        rest = rest[equals + 1..].trim_start();
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((index, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = index + 1;
                        break;
                    }
                    other => value.push(other),
                }
            }
            rest = &quoted[end.min(quoted.len())..];
            value
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let value = rest[..end].trim().to_owned();
            rest = &rest[end..];
            value
        };
        pairs.push((name, value));
        if rest.is_empty() {
            break;
        }
    }
    pairs
}

/// RFC 8187 `charset'language'percent-encoded`; UTF-8 and ISO-8859-1 are understood.
fn decode_extended(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?;
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes = percent_decode(encoded)?;
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

fn percent_decode(encoded: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut input = encoded.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let high = char::from(input.next()?).to_digit(16)?;
            let low = char::from(input.next()?).to_digit(16)?;
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    Some(bytes)
}

fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        None
    } else {
        Some(cleaned.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_and_bare_file_names() {
        assert_eq!(
            file_name(r#"attachment; filename="public_key.pem""#).as_deref(),
            Some("public_key.pem")
        );
        assert_eq!(
            file_name("attachment; filename=cert.pem").as_deref(),
            Some("cert.pem")
        );
        assert_eq!(
            file_name("attachment;filename=cert.pem;size=12").as_deref(),
            Some("cert.pem")
        );
        assert_eq!(
            file_name(r#"attachment; FileName="a; \"b\".pem"; x=1"#).as_deref(),
            Some(r#"a; "b".pem"#)
        );
    }

    #[test]
    fn the_extended_form_wins_and_is_decoded() {
        assert_eq!(
            file_name(
                r#"attachment; filename="fallback.pem"; filename*=UTF-8''cl%C3%A9%20publique.pem"#
            )
            .as_deref(),
            Some("clé publique.pem")
        );
        assert_eq!(
            file_name("attachment; filename*=iso-8859-1'en'%E9.pem").as_deref(),
            Some("é.pem")
        );
        assert_eq!(
            file_name(r#"attachment; filename*=UTF-8''%ZZ; filename="ok.pem""#).as_deref(),
            Some("ok.pem")
        );
    }

    #[test]
    fn directories_are_stripped_and_empty_names_refused() {
        assert_eq!(
            file_name(r#"attachment; filename="../../etc/passwd""#).as_deref(),
            Some("passwd")
        );
        assert_eq!(
            file_name(r#"attachment; filename="C:\\temp\\key.pem""#).as_deref(),
            Some("key.pem")
        );
        assert_eq!(file_name(r#"attachment; filename="..""#), None);
        assert_eq!(file_name("attachment"), None);
        assert_eq!(file_name("inline; filename="), None);
    }
}
