//! PBX user names and extension numbers for new users, valid and unique under PortSIP's rules:
//! names of letters, digits and `_ - ' .`, not starting or ending with `.`, at most 64
//! characters, never `admin`, `system`, `administrator` or `root`, unique regardless of
//! letter case; extensions of 3 to 13 digits without a leading zero.

use std::collections::HashSet;

/// Names reserved for the PBX's system administrator, in any letter case.
const RESERVED_NAMES: [&str; 4] = ["admin", "system", "administrator", "root"];
/// PortSIP's limit on a user name.
const MAX_NAME_LEN: usize = 64;
/// The name given when nothing usable is left of a user principal name.
const FALLBACK_NAME: &str = "user";
/// The marker Entra puts in a guest's user principal name (`anna_fabrikam.com#EXT#@…`).
const GUEST_MARKER: &str = "#EXT#";

/// The PBX user name a user principal name (or e-mail) suggests, before uniqueness: the part
/// before `@`, the guest marker dropped, accents folded, letter case lowered, and every other
/// character PortSIP refuses turned into `_`.
pub fn base_name(principal: &str) -> String {
    let local = principal.split('@').next().unwrap_or_default();
    let local = match local.find(GUEST_MARKER) {
        Some(at) => &local[..at],
        None => local,
    };
    let mut name: String = local
        .chars()
        .map(fold_accent)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\'' | '.') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    name.truncate(MAX_NAME_LEN);
    let trimmed = name.trim_matches('.');
    if trimmed.is_empty() {
        FALLBACK_NAME.to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The accented Latin letters common in names, as the plain letter a mailbox would use.
fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Å' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' | 'Í' | 'İ' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ó' | 'Ö' | 'Ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        'ý' | 'ÿ' => 'y',
        'ß' => 's',
        other => other,
    }
}

pub fn is_reserved(name: &str) -> bool {
    RESERVED_NAMES.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// Hands out user names that no PBX user has and no earlier new user got.
#[derive(Debug, Default)]
pub struct NameAllocator {
    /// Lower-cased: PortSIP compares names without regard to letter case.
    taken: HashSet<String>,
}

impl NameAllocator {
    pub fn new<'a>(existing: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: existing.into_iter().map(str::to_ascii_lowercase).collect(),
        }
    }

    /// `base`, or `base_2`, `base_3`, … — the first that is free and not reserved.
    pub fn allocate(&mut self, base: &str) -> String {
        let mut candidate = base.to_owned();
        let mut n = 1_u32;
        while is_reserved(&candidate) || self.taken.contains(&candidate.to_ascii_lowercase()) {
            n += 1;
            let suffix = format!("_{n}");
            let stem: String = base.chars().take(MAX_NAME_LEN - suffix.len()).collect();
            candidate = format!("{}{suffix}", stem.trim_end_matches('.'));
        }
        self.taken.insert(candidate.to_ascii_lowercase());
        candidate
    }
}

/// A valid extension number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Extension(u64);

impl Extension {
    const MAX: u64 = 9_999_999_999_999;
    const MIN: u64 = 100;

    /// `[0-9]{3,13}` without a leading zero; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = (3..=13).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_digit())
            && !text.starts_with('0');
        valid.then(|| text.parse().ok().map(Self)).flatten()
    }
}

impl std::fmt::Display for Extension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Hands out extension numbers from a starting number upward, skipping those in use.
#[derive(Debug)]
pub struct ExtensionAllocator {
    next: u64,
    taken: HashSet<u64>,
}

impl ExtensionAllocator {
    /// Extensions on the PBX that are not valid numbers cannot collide with ours and are ignored.
    pub fn new<'a>(start: Extension, existing: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            next: start.0.max(Extension::MIN),
            taken: existing
                .into_iter()
                .filter_map(|e| Extension::parse(e.trim()))
                .map(|e| e.0)
                .collect(),
        }
    }

    /// The next free extension, or `None` when 13 digits are used up.
    pub fn allocate(&mut self) -> Option<Extension> {
        while self.taken.contains(&self.next) {
            self.next += 1;
        }
        if self.next > Extension::MAX {
            return None;
        }
        let extension = Extension(self.next);
        self.taken.insert(self.next);
        self.next += 1;
        Some(extension)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_principal_name_and_follow_portsips_rules() {
        assert_eq!(base_name("Anna.Berg@contoso.example"), "anna.berg");
        assert_eq!(
            base_name("anna.berg_fabrikam.example#EXT#@contoso.example"),
            "anna.berg_fabrikam.example"
        );
        assert_eq!(base_name("chloé+sales@contoso.example"), "chloe_sales");
        assert_eq!(base_name(".dot.@contoso.example"), "dot");
        assert_eq!(base_name("@contoso.example"), "user");
        assert_eq!(
            base_name(&format!("{}@x.example", "a".repeat(80))).len(),
            64
        );
    }

    #[test]
    fn taken_and_reserved_names_get_the_next_free_suffix() {
        let mut names = NameAllocator::new(["Anna.Berg", "anna.berg_2"]);
        assert_eq!(names.allocate("anna.berg"), "anna.berg_3");
        assert_eq!(names.allocate("anna.berg"), "anna.berg_4");
        assert_eq!(names.allocate("ADMIN"), "ADMIN_2");
        assert_eq!(names.allocate("root"), "root_2");
        assert_eq!(names.allocate("ben"), "ben");
        let long = "b".repeat(64);
        let mut names = NameAllocator::new([long.as_str()]);
        let second = names.allocate(&long);
        assert_eq!(second.len(), 64);
        assert!(second.ends_with("_2"));
    }

    #[test]
    fn extensions_count_up_from_the_start_and_skip_those_in_use() -> Result<(), String> {
        let start = Extension::parse("1000").ok_or("1000 is valid")?;
        let mut extensions = ExtensionAllocator::new(start, ["1000", "1002", "0999", "abc"]);
        let given: Vec<String> = (0..3)
            .filter_map(|_| extensions.allocate())
            .map(|e| e.to_string())
            .collect();
        assert_eq!(given, ["1001", "1003", "1004"]);
        Ok(())
    }

    #[test]
    fn extension_rules() {
        for bad in ["99", "0100", "12345678901234", "1a0", ""] {
            assert_eq!(Extension::parse(bad), None, "{bad}");
        }
        assert!(Extension::parse("100").is_some());
        assert!(Extension::parse("9999999999999").is_some());
    }

    #[test]
    fn extensions_run_out_at_thirteen_digits() -> Result<(), String> {
        let start = Extension::parse("9999999999998").ok_or("valid")?;
        let mut extensions = ExtensionAllocator::new(start, ["9999999999999"]);
        assert!(extensions.allocate().is_some());
        assert_eq!(extensions.allocate(), None);
        Ok(())
    }
}
