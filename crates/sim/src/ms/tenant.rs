//! The tenant's identity and how a `{tenant}` path segment resolves to it.

use time::OffsetDateTime;

use super::aad_error::AadError;
use super::ids::stable_uuid;

#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    pub id: String,
    pub display_name: String,
    /// The verified domain users' mailboxes live in.
    pub default_domain: String,
    /// `{name}.onmicrosoft.com`, which every tenant has from its creation.
    pub initial_domain: String,
    pub created: OffsetDateTime,
}

/// What a `{tenant}` path segment names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Authority {
    /// This tenant, by GUID or by one of its verified domains.
    Tenant,
    /// `common`: any work account or personal account.
    Common,
    /// `organizations`: any work account.
    Organizations,
}

impl Authority {
    /// The segment the tenant-independent endpoints of discovery use.
    pub fn multi_tenant_segment(self) -> Option<&'static str> {
        match self {
            Authority::Tenant => None,
            Authority::Common => Some("common"),
            Authority::Organizations => Some("organizations"),
        }
    }
}

impl Tenant {
    pub fn new(domain: &str, seed: u64) -> Tenant {
        let default_domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let label: String = default_domain
            .split('.')
            .next()
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let label = if label.is_empty() {
            "tenant".to_owned()
        } else {
            label
        };
        let initial_domain = if default_domain.ends_with(".onmicrosoft.com") {
            default_domain.clone()
        } else {
            format!("{label}.onmicrosoft.com")
        };
        let mut display_name = label.clone();
        if let Some(first) = display_name.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        Tenant {
            id: stable_uuid(seed, &format!("tenant:{default_domain}")),
            display_name,
            default_domain,
            initial_domain,
            created: OffsetDateTime::UNIX_EPOCH + time::Duration::days(19_000),
        }
    }

    /// Verified domains, the default one first.
    pub fn domains(&self) -> Vec<&str> {
        if self.default_domain == self.initial_domain {
            vec![&self.default_domain]
        } else {
            vec![&self.default_domain, &self.initial_domain]
        }
    }

    pub fn resolve(&self, segment: &str) -> Result<Authority, AadError> {
        let lower = segment.to_ascii_lowercase();
        match lower.as_str() {
            "common" => Ok(Authority::Common),
            "organizations" => Ok(Authority::Organizations),
            _ if lower == self.id || self.domains().contains(&lower.as_str()) => {
                Ok(Authority::Tenant)
            }
            _ => Err(AadError::tenant_not_found(segment)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_domain_gets_an_initial_domain() {
        let t = Tenant::new("Contoso.Example", 1);
        assert_eq!(t.default_domain, "contoso.example");
        assert_eq!(t.initial_domain, "contoso.onmicrosoft.com");
        assert_eq!(t.display_name, "Contoso");
        assert_eq!(
            t.domains(),
            vec!["contoso.example", "contoso.onmicrosoft.com"]
        );
    }

    #[test]
    fn segments_resolve_case_insensitively() {
        let t = Tenant::new("fabrikam.onmicrosoft.com", 3);
        assert_eq!(t.domains(), vec!["fabrikam.onmicrosoft.com"]);
        assert_eq!(
            t.resolve("FABRIKAM.onmicrosoft.com").ok(),
            Some(Authority::Tenant)
        );
        assert_eq!(
            t.resolve(&t.id.to_uppercase()).ok(),
            Some(Authority::Tenant)
        );
        assert_eq!(t.resolve("common").ok(), Some(Authority::Common));
        assert_eq!(
            t.resolve("organizations").ok(),
            Some(Authority::Organizations)
        );
        assert!(t.resolve("woodgrove.example").is_err());
    }
}
