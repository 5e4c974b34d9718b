//! The PBX's version, as `GET /tenant/status` reports it.
//!
//! PortSIP writes a release as `major.minor.patch` ("22.6.0"), but nothing in the spec fixes
//! the format, and builds, prefixes and suffixes ("v22.6.1 (build 1234)") are common in the
//! wild. So the version is read leniently, and a string no version can be read from is not
//! an error of any call: [`TenantStatus`](super::TenantStatus) keeps the raw text and its
//! [`version()`](super::TenantStatus::version()) is `None`, for the product to warn about.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::server_text::{MAX_QUOTED_CHARS, clean};

/// A PortSIP release, `major.minor.patch`. Ordered by major, then minor, then patch, so
/// `version >= PbxVersion::new(22, 6, 0)` reads as expected; a version given without a patch
/// level ("22.6") is `22.6.0`.
///
/// Parsed ([`FromStr`]) leniently: the first `major.minor` or `major.minor.patch` in the text,
/// which may stand alone or after a `v` or any non-alphanumeric text, with anything after it
/// ignored. `"22.6.0"`, `"22.6"`, `"v22.6.1 (build 1234)"` and `"PortSIP PBX 22.6.1"` all
/// parse; a bare `"22"` does not, since it cannot tell 22.0 from 22.6.
///
/// Serialized as its `Display` text (`"22.6.0"`), and read back with the same lenient parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PbxVersion {
    /// Major version, e.g. 22.
    pub major: u32,
    /// Minor version, e.g. 6.
    pub minor: u32,
    /// Patch level; 0 when the text gave none.
    pub patch: u32,
}

impl PbxVersion {
    /// `major.minor.patch`, e.g. `PbxVersion::new(22, 6, 0)`; `const` so callers can keep
    /// the versions they compare against as constants.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for PbxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A text from which no PortSIP version could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{text}\" is not a PortSIP version this client can read (it expects major.minor or \
     major.minor.patch, e.g. 22.6 or 22.6.1)"
)]
pub struct ParseVersionError {
    /// The text, stripped of control characters and cut to a few hundred characters: it
    /// usually came from the PBX and may be shown or logged.
    pub text: String,
}

impl FromStr for PbxVersion {
    type Err = ParseVersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        find_version(text).ok_or_else(|| ParseVersionError {
            text: clean(text, MAX_QUOTED_CHARS),
        })
    }
}

/// The first `major.minor[.patch]` in `text` that starts a word (or follows a `v` that does).
fn find_version(text: &str) -> Option<PbxVersion> {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&start| starts_a_version(bytes, start))
        .find_map(|start| components(&bytes[start..]))
}

/// Whether a version may begin at `start`: a digit not inside a number or a word, so that
/// "build1234.5" or the ".5" of "1.5" is not taken for one. A `v` or `V` right before it is
/// allowed ("v22.6") when it itself starts a word.
fn starts_a_version(bytes: &[u8], start: usize) -> bool {
    let word_start = |at: usize| {
        at == 0 || {
            let before = bytes[at - 1];
            !(before.is_ascii_alphanumeric() || before == b'.' || before == b'_')
        }
    };
    if !bytes[start].is_ascii_digit() {
        return false;
    }
    word_start(start) || (matches!(bytes[start - 1], b'v' | b'V') && word_start(start - 1))
}

/// `major.minor` and an optional `.patch` at the start of `bytes`; `None` without a minor
/// or when a number does not fit a `u32`.
fn components(bytes: &[u8]) -> Option<PbxVersion> {
    let (major, rest) = number(bytes)?;
    let (minor, rest) = rest.strip_prefix(b".").and_then(number)?;
    let patch = match rest.strip_prefix(b".").and_then(number) {
        Some((patch, _)) => patch,
        None => 0,
    };
    Some(PbxVersion::new(major, minor, patch))
}

/// The decimal number at the start of `bytes` and what follows it.
fn number(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let (number, rest) = bytes.split_at(digits);
    // Only ASCII digits, so the text is valid UTF-8; too many of them overflow and fail.
    let value = std::str::from_utf8(number).ok()?.parse().ok()?;
    Some((value, rest))
}

impl Serialize for PbxVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PbxVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<PbxVersion> {
        text.parse().ok()
    }

    #[test]
    fn the_forms_a_pbx_writes_are_read() {
        let cases = [
            ("22.6.0", PbxVersion::new(22, 6, 0)),
            ("22.6", PbxVersion::new(22, 6, 0)),
            ("22.2.1", PbxVersion::new(22, 2, 1)),
            ("v22.6.1 (build 1234)", PbxVersion::new(22, 6, 1)),
            ("V22.6", PbxVersion::new(22, 6, 0)),
            ("  22.6.3\n", PbxVersion::new(22, 6, 3)),
            ("PortSIP PBX 22.5.2", PbxVersion::new(22, 5, 2)),
            ("PortSIP PBX v22.6", PbxVersion::new(22, 6, 0)),
            ("22.6.0.1234", PbxVersion::new(22, 6, 0)),
            ("22.6.0-rc1", PbxVersion::new(22, 6, 0)),
            ("22.6.", PbxVersion::new(22, 6, 0)),
            ("build 1234, version 22.4.0", PbxVersion::new(22, 4, 0)),
            ("(22.10.2)", PbxVersion::new(22, 10, 2)),
        ];
        for (text, expected) in cases {
            assert_eq!(parsed(text), Some(expected), "{text:?}");
        }
    }

    #[test]
    fn garbage_is_an_error_that_quotes_it_cleanly() -> Result<(), String> {
        for garbage in [
            "",
            "   ",
            "latest",
            "unknown",
            "22",
            "v22",
            "v.22",
            ".6.1",
            "twenty-two point six",
            "build1234.5",
            "x22.6",
            "99999999999.6.0",
            "22.99999999999",
            "２２.６",
        ] {
            let result = garbage.parse::<PbxVersion>();
            assert!(result.is_err(), "{garbage:?} parsed as {result:?}");
        }
        // Whatever the PBX wrote may end up in a terminal: the error quotes it cleaned.
        let Err(error) = "\u{1b}[2Jnightly\nbuild".parse::<PbxVersion>() else {
            return Err("a nightly build name parsed as a version".to_owned());
        };
        assert_eq!(error.text, "nightly build");
        assert!(error.to_string().contains("e.g. 22.6"), "{error}");
        Ok(())
    }

    #[test]
    fn versions_order_by_major_minor_and_patch_as_numbers() {
        let v = PbxVersion::new;
        assert!(v(22, 2, 0) < v(22, 6, 0));
        assert!(v(22, 6, 0) < v(22, 6, 1));
        assert!(v(22, 10, 0) > v(22, 9, 9), "numbers, not text");
        assert!(v(21, 99, 99) < v(22, 0, 0));
        assert_eq!(parsed("22.6"), parsed("22.6.0"));
        assert!(parsed("v22.6.1 (build 1234)") >= Some(v(22, 6, 0)));
        let mut versions = vec![v(22, 6, 0), v(22, 2, 1), v(23, 0, 0), v(22, 2, 0)];
        versions.sort();
        assert_eq!(
            versions,
            vec![v(22, 2, 0), v(22, 2, 1), v(22, 6, 0), v(23, 0, 0)]
        );
    }

    #[test]
    fn a_version_is_written_and_read_as_its_text() -> Result<(), serde_json::Error> {
        let version = PbxVersion::new(22, 6, 1);
        assert_eq!(version.to_string(), "22.6.1");
        assert_eq!(serde_json::to_value(version)?, serde_json::json!("22.6.1"));
        let read: PbxVersion = serde_json::from_str("\"v22.6.1 (build 7)\"")?;
        assert_eq!(read, version);
        assert!(serde_json::from_str::<PbxVersion>("\"latest\"").is_err());
        Ok(())
    }
}
