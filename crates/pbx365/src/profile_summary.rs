//! A saved profile as every screen that acts on it names it: which PBX, which Microsoft tenant.
//! Three tenants look alike in a list of buttons; the host and the tenant's domain do not.

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use crate::profile::{NationalCloud, Profile, ProfileError, ProfileStore};

/// What a screen shows of the profile it acts on, and what a confirmation names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ProfileSummary {
    pub name: String,
    /// The PBX's host (`pbx.contoso.example`, with its port when not the default).
    pub pbx_host: String,
    pub pbx_url: String,
    /// The PBX tenant's SIP domain.
    pub pbx_domain: Option<String>,
    /// The Microsoft tenant's default domain; unknown in guided mode and in profiles saved
    /// before pbx365 kept it.
    pub tenant_domain: Option<String>,
    pub tenant_name: Option<String>,
    /// The Directory (tenant) ID: names the tenant when its domain is unknown.
    pub tenant_id: Option<String>,
    /// The Microsoft cloud the profile talks to.
    pub cloud: NationalCloud,
}

impl ProfileSummary {
    pub fn of(profile: &Profile) -> Self {
        let microsoft = &profile.microsoft;
        Self {
            name: profile.name.clone(),
            pbx_host: host_of(&profile.pbx.url),
            pbx_url: profile.pbx.url.clone(),
            pbx_domain: non_empty(profile.pbx.domain.as_deref()),
            tenant_domain: non_empty(microsoft.tenant_domain.as_deref()),
            tenant_name: non_empty(microsoft.tenant_name.as_deref()),
            tenant_id: non_empty(microsoft.tenant_id.as_deref()),
            cloud: microsoft.cloud.national(),
        }
    }
}

/// Every saved profile's summary, in the order the profiles are listed.
pub fn profile_summaries(store: &ProfileStore) -> Result<Vec<ProfileSummary>, ProfileError> {
    Ok(store.list()?.iter().map(ProfileSummary::of).collect())
}

/// The address's host and port; the address itself when it is not one (a profile edited by
/// hand still gets named by what it holds).
fn host_of(url: &str) -> String {
    match Url::parse(url) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => url.to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::FieldError;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn profile(name: &str, url: &str) -> Result<Profile, FieldError> {
        let mut profile = Profile::new(name)?;
        profile.pbx.url = url.to_owned();
        Ok(profile)
    }

    #[test]
    fn names_the_pbx_host_with_a_port_only_when_it_is_not_the_default() -> TestResult {
        assert_eq!(
            ProfileSummary::of(&profile("a", "https://pbx.contoso.example:8887/")?).pbx_host,
            "pbx.contoso.example:8887"
        );
        assert_eq!(
            ProfileSummary::of(&profile("a", "https://pbx.contoso.example/api")?).pbx_host,
            "pbx.contoso.example"
        );
        assert_eq!(
            ProfileSummary::of(&profile("a", "not an address")?).pbx_host,
            "not an address"
        );
        Ok(())
    }

    #[test]
    fn carries_the_tenant_domain_and_drops_blank_values() -> TestResult {
        let mut saved = profile("fabrikam", "https://pbx.fabrikam.example")?;
        saved.pbx.domain = Some("sip.fabrikam.example".into());
        saved.microsoft.tenant_domain = Some("fabrikam.onmicrosoft.com".into());
        saved.microsoft.tenant_name = Some("  ".into());
        saved.microsoft.tenant_id = Some("0f8f".into());
        let summary = ProfileSummary::of(&saved);
        assert_eq!(summary.name, "fabrikam");
        assert_eq!(summary.pbx_domain.as_deref(), Some("sip.fabrikam.example"));
        assert_eq!(
            summary.tenant_domain.as_deref(),
            Some("fabrikam.onmicrosoft.com")
        );
        assert_eq!(summary.tenant_name, None);
        assert_eq!(summary.tenant_id.as_deref(), Some("0f8f"));
        Ok(())
    }

    #[test]
    fn lists_every_saved_profile_in_the_store_order() -> TestResult {
        let folder = tempfile::tempdir()?;
        let store = ProfileStore::at(folder.path());
        for (name, host) in [
            ("fabrikam", "pbx.fabrikam.example"),
            ("contoso", "pbx.contoso.example"),
        ] {
            store.save(&profile(name, &format!("https://{host}"))?)?;
        }
        let summaries = profile_summaries(&store)?;
        let named: Vec<(&str, &str)> = summaries
            .iter()
            .map(|s| (s.name.as_str(), s.pbx_host.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("contoso", "pbx.contoso.example"),
                ("fabrikam", "pbx.fabrikam.example")
            ]
        );
        Ok(())
    }

    #[test]
    fn an_empty_store_has_no_summaries() -> TestResult {
        let folder = tempfile::tempdir()?;
        assert_eq!(profile_summaries(&ProfileStore::at(folder.path()))?, []);
        Ok(())
    }
}
