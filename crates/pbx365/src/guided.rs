//! Guided mode's hand steps: the values to copy and the Entra admin center pages to open,
//! with the portal's real URL patterns per cloud.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::profile::CloudChoice;

/// A value the admin copies with a Copy button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CopyValue {
    pub label: String,
    pub value: String,
}

/// A page of the Entra admin center (or, for China, the Azure portal operated by 21Vianet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PortalLink {
    pub label: String,
    pub url: String,
}

/// One thing the admin does by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct HandStep {
    pub title: String,
    pub detail: String,
    pub link: Option<PortalLink>,
    pub copy: Vec<CopyValue>,
}

/// The app registration's blades in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalPage {
    Overview,
    /// Redirect URIs and ID tokens.
    Authentication,
    /// Certificates & secrets.
    Certificates,
    /// API permissions (and "Grant admin consent").
    ApiPermissions,
}

impl PortalPage {
    fn blade(self) -> &'static str {
        match self {
            PortalPage::Overview => "Overview",
            PortalPage::Authentication => "Authentication",
            PortalPage::Certificates => "Credentials",
            PortalPage::ApiPermissions => "CallAnAPI",
        }
    }

    fn label(self) -> &'static str {
        match self {
            PortalPage::Overview => "Open the app's Overview",
            PortalPage::Authentication => "Open Authentication",
            PortalPage::Certificates => "Open Certificates & secrets",
            PortalPage::ApiPermissions => "Open API permissions",
        }
    }
}

/// The portal host of a cloud. The worldwide cloud uses the Entra admin center; 21Vianet's
/// cloud keeps app registrations in its Azure portal.
fn portal_base(cloud: &CloudChoice) -> &'static str {
    match cloud {
        CloudChoice::China => "https://portal.azure.cn",
        CloudChoice::Global | CloudChoice::Custom { .. } => "https://entra.microsoft.com",
    }
}

/// The URL of `page` for the app with client ID `app_id`.
pub fn portal_link(cloud: &CloudChoice, app_id: &str, page: PortalPage) -> PortalLink {
    PortalLink {
        label: page.label().to_owned(),
        url: format!(
            "{}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/{}/appId/{app_id}/isMSAApp~/false",
            portal_base(cloud),
            page.blade()
        ),
    }
}

/// The list of app registrations (to register a new one).
pub fn app_registrations_link(cloud: &CloudChoice) -> PortalLink {
    PortalLink {
        label: "Open App registrations".to_owned(),
        url: format!(
            "{}/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade",
            portal_base(cloud)
        ),
    }
}

fn copy(label: &str, value: &str) -> CopyValue {
    CopyValue {
        label: label.to_owned(),
        value: value.to_owned(),
    }
}

/// The hand steps that prepare the app registration (step 3 in guided mode).
pub fn registration_steps(
    cloud: &CloudChoice,
    app_id: &str,
    tenant_id: &str,
    redirect_uris: &[String],
    permissions: &[&str],
) -> Vec<HandStep> {
    let mut uris: Vec<CopyValue> = redirect_uris
        .iter()
        .enumerate()
        .map(|(index, uri)| {
            let label = if index == 0 {
                "Redirect URI"
            } else {
                "Second Redirect URI (SBC)"
            };
            copy(label, uri)
        })
        .collect();
    uris.push(copy("Application (client) ID", app_id));
    uris.push(copy("Directory (tenant) ID", tenant_id));
    vec![
        HandStep {
            title: "Add the PBX's Redirect URIs".to_owned(),
            detail: format!(
                "Under Authentication, add a Web platform if there is none, add {} as Redirect URI{}, \
                 tick \"ID tokens\" under Implicit grant and hybrid flows, and save. The app must \
                 be single tenant (Accounts in this organizational directory only).",
                if redirect_uris.len() > 1 {
                    "both values below"
                } else {
                    "the value below"
                },
                if redirect_uris.len() > 1 { "s" } else { "" }
            ),
            link: Some(portal_link(cloud, app_id, PortalPage::Authentication)),
            copy: uris,
        },
        HandStep {
            title: "Add the Graph application permissions".to_owned(),
            detail: format!(
                "Under API permissions, choose Add a permission > Microsoft Graph > Application \
                 permissions, select {}, and choose Add permissions. Remove any other Microsoft \
                 Graph application permission the PBX does not need.",
                permissions.join(", ")
            ),
            link: Some(portal_link(cloud, app_id, PortalPage::ApiPermissions)),
            copy: permissions.iter().map(|p| copy("Permission", p)).collect(),
        },
    ]
}

/// Uploading `public_key.pem` (step 4 in guided mode).
pub fn certificate_step(
    cloud: &CloudChoice,
    app_id: &str,
    path: &str,
    thumbprint: Option<&str>,
) -> HandStep {
    HandStep {
        title: "Upload the PBX's certificate".to_owned(),
        detail: format!(
            "Under Certificates & secrets > Certificates, choose Upload certificate and pick {path}. \
             Keep the other certificates: removing one may break something else that uses it.{}",
            thumbprint
                .map(|t| format!(" The thumbprint Entra shows afterwards is {t}."))
                .unwrap_or_default()
        ),
        link: Some(portal_link(cloud, app_id, PortalPage::Certificates)),
        copy: vec![copy("File", path)],
    }
}

/// Granting admin consent (step 5 in guided mode).
pub fn consent_step(cloud: &CloudChoice, app_id: &str, consent_url: &str) -> HandStep {
    HandStep {
        title: "Grant admin consent".to_owned(),
        detail: "Open the consent link as a Global Administrator or Privileged Role Administrator \
                 and choose Accept — or choose \"Grant admin consent\" under API permissions. The \
                 browser then returns to the PBX's page."
            .to_owned(),
        link: Some(PortalLink {
            label: "Open the admin-consent page".to_owned(),
            url: consent_url.to_owned(),
        }),
        copy: vec![
            copy("Admin-consent link", consent_url),
            copy(
                "API permissions page",
                &portal_link(cloud, app_id, PortalPage::ApiPermissions).url,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_the_portal_patterns_per_cloud() {
        let app = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90";
        assert_eq!(
            portal_link(&CloudChoice::Global, app, PortalPage::Certificates).url,
            "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Credentials/appId/0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90/isMSAApp~/false"
        );
        assert_eq!(
            portal_link(&CloudChoice::China, app, PortalPage::ApiPermissions).url,
            "https://portal.azure.cn/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/CallAnAPI/appId/0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90/isMSAApp~/false"
        );
        assert!(
            portal_link(&CloudChoice::Global, app, PortalPage::Authentication)
                .url
                .contains("/~/Authentication/appId/")
        );
    }

    #[test]
    fn registration_steps_offer_both_redirect_uris() {
        let steps = registration_steps(
            &CloudChoice::Global,
            "a",
            "t",
            &["https://pbx/cb".to_owned(), "https://sbc/cb".to_owned()],
            &["User.Read.All"],
        );
        let values: Vec<&str> = steps[0].copy.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["https://pbx/cb", "https://sbc/cb", "a", "t"]);
        assert!(steps[1].detail.contains("User.Read.All"));
    }
}
