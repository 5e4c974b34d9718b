use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::Error;

/// The SHA-256 fingerprint of a certificate (of its DER encoding), as browsers and
/// `openssl x509 -fingerprint -sha256` show it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256Fingerprint([u8; 32]);

impl Sha256Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of_der(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl FromStr for Sha256Fingerprint {
    type Err = Error;

    /// Accepts 64 hex digits in either case, optionally separated by `:`, spaces or `-`,
    /// optionally prefixed with `SHA256:` / `sha256=` as some tools print it.
    fn from_str(input: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::InvalidFingerprint {
            input: input.to_owned(),
            reason,
        };
        let trimmed = input.trim();
        let without_label = ["sha256:", "sha256=", "sha-256:", "sha-256="]
            .into_iter()
            .find_map(|label| {
                trimmed
                    .get(..label.len())
                    .filter(|head| head.eq_ignore_ascii_case(label))
                    .map(|_| &trimmed[label.len()..])
            })
            .unwrap_or(trimmed);
        let digits: String = without_label
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
            return Err(invalid(format!("'{bad}' is not a hexadecimal digit")));
        }
        if digits.len() != 64 {
            return Err(invalid(format!(
                "it has {} hexadecimal digits instead of 64",
                digits.len()
            )));
        }
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(&digits, &mut bytes).map_err(|error| invalid(error.to_string()))?;
        Ok(Self(bytes))
    }
}

impl fmt::Display for Sha256Fingerprint {
    /// Upper-case hex pairs joined by colons: `AB:CD:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, byte) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

    #[test]
    fn colons_case_spaces_and_labels_are_tolerated() -> Result<(), Error> {
        let plain: Sha256Fingerprint = HEX.parse()?;
        let with_colons = plain.to_string();
        assert_eq!(
            with_colons,
            "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"
        );
        assert_eq!(
            with_colons.to_lowercase().parse::<Sha256Fingerprint>()?,
            plain
        );
        assert_eq!(
            format!(" SHA256:{with_colons} ").parse::<Sha256Fingerprint>()?,
            plain
        );
        assert_eq!(
            with_colons.replace(':', " ").parse::<Sha256Fingerprint>()?,
            plain
        );
        Ok(())
    }

    #[test]
    fn wrong_lengths_and_characters_are_explained() {
        let short = "AB:CD".parse::<Sha256Fingerprint>();
        assert!(
            matches!(&short, Err(Error::InvalidFingerprint { reason, .. }) if reason.contains("4 hexadecimal digits")),
            "{short:?}"
        );
        let bad = format!("{}zz", &HEX[..62]).parse::<Sha256Fingerprint>();
        assert!(
            matches!(&bad, Err(Error::InvalidFingerprint { reason, .. }) if reason.contains("'z'")),
            "{bad:?}"
        );
    }

    #[test]
    fn the_fingerprint_of_der_is_its_sha256() {
        let fingerprint = Sha256Fingerprint::of_der(b"abc");
        assert_eq!(
            fingerprint.to_string().replace(':', "").to_lowercase(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
