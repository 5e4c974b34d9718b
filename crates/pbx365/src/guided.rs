//! Guided mode's hand steps: the values to copy and the Entra admin center pages to open,
//! with the portal's real URL patterns per cloud. What a step says is a code with parameters
//! ([`HandStepText`]): the UI words it from its catalogue, the CLI prints [`HandStep::title`]
//! and [`HandStep::detail`] in English.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::certificate::lifecycle::rotation::RotationText;
use crate::profile::{CloudChoice, NationalCloud};

/// What a value to copy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CopyLabel {
    RedirectUri,
    /// The SBC's, when the PBX has one.
    SecondRedirectUri,
    ApplicationId,
    DirectoryId,
    Permission,
    File,
    AdminConsentLink,
    ApiPermissionsPage,
    PbxCertificateThumbprint,
    OldThumbprint,
}

impl CopyLabel {
    /// The English label, for the CLI.
    pub fn text(self) -> &'static str {
        match self {
            CopyLabel::RedirectUri => "Redirect URI",
            CopyLabel::SecondRedirectUri => "Second Redirect URI (SBC)",
            CopyLabel::ApplicationId => "Application (client) ID",
            CopyLabel::DirectoryId => "Directory (tenant) ID",
            CopyLabel::Permission => "Permission",
            CopyLabel::File => "File",
            CopyLabel::AdminConsentLink => "Admin-consent link",
            CopyLabel::ApiPermissionsPage => "API permissions page",
            CopyLabel::PbxCertificateThumbprint => "PBX certificate thumbprint",
            CopyLabel::OldThumbprint => "Old thumbprint",
        }
    }
}

/// A value the admin copies with a Copy button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CopyValue {
    pub label: CopyLabel,
    pub value: String,
}

/// Which page a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum LinkLabel {
    Overview,
    Authentication,
    Certificates,
    ApiPermissions,
    AdminConsent,
}

impl LinkLabel {
    /// The English link text, for the CLI.
    pub fn text(self) -> &'static str {
        match self {
            LinkLabel::Overview => "Open the app's Overview",
            LinkLabel::Authentication => "Open Authentication",
            LinkLabel::Certificates => "Open Certificates & secrets",
            LinkLabel::ApiPermissions => "Open API permissions",
            LinkLabel::AdminConsent => "Open the admin-consent page",
        }
    }
}

/// A page of the Entra admin center (or, for China, the Azure portal operated by 21Vianet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PortalLink {
    pub label: LinkLabel,
    pub url: String,
}

/// What one hand step asks, as a code with the values its sentence quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum HandStepText {
    /// The PBX's Redirect URIs (one, or two with an SBC) are among the step's values to copy.
    AddRedirectUris {
        #[ts(type = "number")]
        count: usize,
    },
    AddGraphPermissions {
        permissions: Vec<String>,
    },
    /// `thumbprint`: the one Entra shows after the upload, when known before it.
    UploadCertificate {
        path: String,
        thumbprint: Option<String>,
    },
    GrantConsent,
    /// Disconnecting: delete the whole app registration.
    DeleteApp {
        display_name: Option<String>,
        app_id: String,
    },
    /// Disconnecting: take the PBX's certificate off the app (none read: the PBX had none).
    RemovePbxCertificate {
        display_name: Option<String>,
        app_id: String,
        thumbprints: Vec<String>,
    },
    /// Rotating: delete the old certificate once Microsoft uses the new one.
    RemoveOldCertificate {
        new_thumbprint: String,
        old_thumbprints: String,
    },
}

impl HandStepText {
    /// The step's English title, for the CLI.
    pub fn title(&self) -> &'static str {
        match self {
            HandStepText::AddRedirectUris { .. } => "Add the PBX's Redirect URIs",
            HandStepText::AddGraphPermissions { .. } => "Add the Graph application permissions",
            HandStepText::UploadCertificate { .. } => "Upload the PBX's certificate",
            HandStepText::GrantConsent => "Grant admin consent",
            HandStepText::DeleteApp { .. } => "Delete the app registration",
            HandStepText::RemovePbxCertificate { .. } => {
                "Remove the PBX's certificate from the app"
            }
            HandStepText::RemoveOldCertificate { .. } => "Remove the old certificate",
        }
    }
}

/// The app registration a disconnecting step names.
fn app_name(display_name: Option<&str>, app_id: &str) -> String {
    match display_name {
        Some(name) => format!("the app registration \"{name}\" (Application ID {app_id})"),
        None => format!("the app registration with Application ID {app_id}"),
    }
}

/// The step's English detail, for the CLI.
impl fmt::Display for HandStepText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandStepText::AddRedirectUris { count } => {
                let (which, plural) = if *count > 1 {
                    ("both values below", "s")
                } else {
                    ("the value below", "")
                };
                write!(
                    f,
                    "Under Authentication, add a Web platform if there is none, add {which} as \
                     Redirect URI{plural}, tick \"ID tokens\" under Implicit grant and hybrid \
                     flows, and save. The app must be single tenant (Accounts in this \
                     organizational directory only)."
                )
            }
            HandStepText::AddGraphPermissions { permissions } => write!(
                f,
                "Under API permissions, choose Add a permission > Microsoft Graph > Application \
                 permissions, select {}, and choose Add permissions. Remove any other Microsoft \
                 Graph application permission the PBX does not need.",
                permissions.join(", ")
            ),
            HandStepText::UploadCertificate { path, thumbprint } => {
                write!(
                    f,
                    "Under Certificates & secrets > Certificates, choose Upload certificate and \
                     pick {path}. Keep the other certificates: removing one may break something \
                     else that uses it."
                )?;
                match thumbprint {
                    Some(t) => write!(f, " The thumbprint Entra shows afterwards is {t}."),
                    None => Ok(()),
                }
            }
            HandStepText::GrantConsent => f.write_str(
                "Open the consent link as a Global Administrator or Privileged Role Administrator \
                 and choose Accept — or choose \"Grant admin consent\" under API permissions. The \
                 browser then returns to the PBX's page.",
            ),
            HandStepText::DeleteApp {
                display_name,
                app_id,
            } => write!(
                f,
                "Open {} and choose Delete on its Overview page. Entra deletes its service \
                 principal (the enterprise application) with it.",
                app_name(display_name.as_deref(), app_id)
            ),
            HandStepText::RemovePbxCertificate {
                display_name,
                app_id,
                thumbprints,
            } => {
                let which = if thumbprints.is_empty() {
                    "the PBX's certificate (pbx365 could not read its thumbprint: the PBX had none)"
                        .to_owned()
                } else {
                    format!(
                        "the PBX's certificate (thumbprint {})",
                        thumbprints.join(", ")
                    )
                };
                write!(
                    f,
                    "Under Certificates & secrets > Certificates of {}, delete {which} and keep \
                     the others.",
                    app_name(display_name.as_deref(), app_id)
                )
            }
            HandStepText::RemoveOldCertificate {
                new_thumbprint,
                old_thumbprints,
            } => RotationText::RemoveOldByHand {
                new_thumbprint: new_thumbprint.clone(),
                old_thumbprints: old_thumbprints.clone(),
            }
            .fmt(f),
        }
    }
}

/// One thing the admin does by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct HandStep {
    pub text: HandStepText,
    pub link: Option<PortalLink>,
    pub copy: Vec<CopyValue>,
}

impl HandStep {
    /// The English title, for the CLI.
    pub fn title(&self) -> &'static str {
        self.text.title()
    }

    /// The English detail, for the CLI.
    pub fn detail(&self) -> String {
        self.text.to_string()
    }
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

    fn label(self) -> LinkLabel {
        match self {
            PortalPage::Overview => LinkLabel::Overview,
            PortalPage::Authentication => LinkLabel::Authentication,
            PortalPage::Certificates => LinkLabel::Certificates,
            PortalPage::ApiPermissions => LinkLabel::ApiPermissions,
        }
    }
}

/// The portal host of a cloud. The worldwide cloud uses the Entra admin center; 21Vianet's
/// cloud keeps app registrations in its Azure portal.
fn portal_base(cloud: &CloudChoice) -> &'static str {
    match cloud.national() {
        NationalCloud::China => "https://portal.azure.cn",
        NationalCloud::Global => "https://entra.microsoft.com",
    }
}

/// The URL of `page` for the app with client ID `app_id`.
pub fn portal_link(cloud: &CloudChoice, app_id: &str, page: PortalPage) -> PortalLink {
    PortalLink {
        label: page.label(),
        url: format!(
            "{}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/{}/appId/{app_id}/isMSAApp~/false",
            portal_base(cloud),
            page.blade()
        ),
    }
}

fn copy(label: CopyLabel, value: &str) -> CopyValue {
    CopyValue {
        label,
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
                CopyLabel::RedirectUri
            } else {
                CopyLabel::SecondRedirectUri
            };
            copy(label, uri)
        })
        .collect();
    uris.push(copy(CopyLabel::ApplicationId, app_id));
    uris.push(copy(CopyLabel::DirectoryId, tenant_id));
    vec![
        HandStep {
            text: HandStepText::AddRedirectUris {
                count: redirect_uris.len(),
            },
            link: Some(portal_link(cloud, app_id, PortalPage::Authentication)),
            copy: uris,
        },
        HandStep {
            text: HandStepText::AddGraphPermissions {
                permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
            },
            link: Some(portal_link(cloud, app_id, PortalPage::ApiPermissions)),
            copy: permissions
                .iter()
                .map(|p| copy(CopyLabel::Permission, p))
                .collect(),
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
        text: HandStepText::UploadCertificate {
            path: path.to_owned(),
            thumbprint: thumbprint.map(str::to_owned),
        },
        link: Some(portal_link(cloud, app_id, PortalPage::Certificates)),
        copy: vec![copy(CopyLabel::File, path)],
    }
}

/// Granting admin consent (step 5 in guided mode).
pub fn consent_step(cloud: &CloudChoice, app_id: &str, consent_url: &str) -> HandStep {
    HandStep {
        text: HandStepText::GrantConsent,
        link: Some(PortalLink {
            label: LinkLabel::AdminConsent,
            url: consent_url.to_owned(),
        }),
        copy: vec![
            copy(CopyLabel::AdminConsentLink, consent_url),
            copy(
                CopyLabel::ApiPermissionsPage,
                &portal_link(cloud, app_id, PortalPage::ApiPermissions).url,
            ),
        ],
    }
}

/// Disconnecting with the app deleted: delete the app registration.
pub fn delete_app_step(cloud: &CloudChoice, app_id: &str, display_name: Option<&str>) -> HandStep {
    HandStep {
        text: HandStepText::DeleteApp {
            display_name: display_name.map(str::to_owned),
            app_id: app_id.to_owned(),
        },
        link: Some(portal_link(cloud, app_id, PortalPage::Overview)),
        copy: vec![copy(CopyLabel::ApplicationId, app_id)],
    }
}

/// Disconnecting with the app kept: take the PBX's certificate off it.
pub fn remove_pbx_certificate_step(
    cloud: &CloudChoice,
    app_id: &str,
    display_name: Option<&str>,
    thumbprints: &[String],
) -> HandStep {
    let mut values: Vec<CopyValue> = thumbprints
        .iter()
        .map(|thumbprint| copy(CopyLabel::PbxCertificateThumbprint, thumbprint))
        .collect();
    values.push(copy(CopyLabel::ApplicationId, app_id));
    HandStep {
        text: HandStepText::RemovePbxCertificate {
            display_name: display_name.map(str::to_owned),
            app_id: app_id.to_owned(),
            thumbprints: thumbprints.to_vec(),
        },
        link: Some(portal_link(cloud, app_id, PortalPage::Certificates)),
        copy: values,
    }
}

/// Rotating: delete the old certificates once Microsoft uses the new one.
pub fn remove_old_certificate_step(
    cloud: &CloudChoice,
    app_id: &str,
    new_thumbprint: &str,
    old_thumbprints: &[String],
) -> HandStep {
    HandStep {
        text: HandStepText::RemoveOldCertificate {
            new_thumbprint: new_thumbprint.to_owned(),
            old_thumbprints: old_thumbprints.join(", "),
        },
        link: Some(portal_link(cloud, app_id, PortalPage::Certificates)),
        copy: old_thumbprints
            .iter()
            .map(|t| copy(CopyLabel::OldThumbprint, t))
            .collect(),
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
        // An authority playing 21Vianet's cloud (the emulator) opens the China portal; one
        // saved before the cloud was kept is global.
        let playing = |national| CloudChoice::Custom {
            authority: "http://127.0.0.1:4000".to_owned(),
            national,
        };
        assert!(
            portal_link(
                &playing(Some(NationalCloud::China)),
                app,
                PortalPage::Overview
            )
            .url
            .starts_with("https://portal.azure.cn/#view/")
        );
        assert!(
            portal_link(&playing(None), app, PortalPage::Overview)
                .url
                .starts_with("https://entra.microsoft.com/#view/")
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
        assert_eq!(steps[0].text, HandStepText::AddRedirectUris { count: 2 });
        assert!(
            steps[0]
                .detail()
                .contains("both values below as Redirect URIs,")
        );
        assert_eq!(
            steps[1].text,
            HandStepText::AddGraphPermissions {
                permissions: vec!["User.Read.All".to_owned()]
            }
        );
        assert!(steps[1].detail().contains("select User.Read.All, and"));
    }

    /// One step of each code, from the functions that make them.
    fn samples() -> Vec<HandStep> {
        let cloud = CloudChoice::Global;
        let app = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90";
        let old = ["AB12".to_owned(), "CD34".to_owned()];
        let mut steps = registration_steps(
            &cloud,
            app,
            "f1e2d3c4-0000-4000-8000-000000000001",
            &["https://pbx.contoso.example/api/ms365/callback".to_owned()],
            &["User.Read.All", "Calendars.ReadWrite"],
        );
        steps.extend(registration_steps(
            &cloud,
            app,
            "t",
            &["https://pbx/cb".to_owned(), "https://sbc/cb".to_owned()],
            &["User.Read.All"],
        ));
        steps.extend([
            certificate_step(&cloud, app, "/home/anna/public_key.pem", None),
            certificate_step(&cloud, app, "/home/anna/public_key.pem", Some("EF56")),
            consent_step(
                &cloud,
                app,
                "https://login.microsoftonline.com/t/v2.0/adminconsent?client_id=a",
            ),
            delete_app_step(&cloud, app, Some("PortSIP PBX (contoso.example)")),
            delete_app_step(&cloud, app, None),
            remove_pbx_certificate_step(&cloud, app, Some("PortSIP PBX (x)"), &old),
            remove_pbx_certificate_step(&cloud, app, None, &[]),
            remove_old_certificate_step(&cloud, app, "EF56", &old),
        ]);
        steps
    }

    #[test]
    fn every_parameter_shows_in_the_english_detail() -> Result<(), serde_json::Error> {
        for step in samples() {
            let detail = step.detail();
            let value = serde_json::to_value(&step.text)?;
            assert!(value.get("code").is_some(), "{value}");
            let params = value.as_object().into_iter().flatten();
            for (name, value) in params.filter(|(name, _)| *name != "code") {
                let items: Vec<String> = match value {
                    serde_json::Value::String(text) => vec![text.clone()],
                    serde_json::Value::Array(items) => items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .map(str::to_owned)
                        .collect(),
                    _ => Vec::new(),
                };
                for item in items {
                    assert!(
                        detail.contains(&item),
                        "{name}={item} missing from {detail:?}"
                    );
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_english_matches_what_the_cli_printed_before() {
        let steps = samples();
        assert_eq!(
            steps[0].detail(),
            "Under Authentication, add a Web platform if there is none, add the value below as \
             Redirect URI, tick \"ID tokens\" under Implicit grant and hybrid flows, and save. \
             The app must be single tenant (Accounts in this organizational directory only)."
        );
        assert_eq!(
            steps[10].detail(),
            "Under Certificates & secrets > Certificates of the app registration with \
             Application ID 0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90, delete the PBX's certificate \
             (pbx365 could not read its thumbprint: the PBX had none) and keep the others."
        );
        assert_eq!(steps[0].copy[0].label.text(), "Redirect URI");
        assert_eq!(
            steps[6].link.as_ref().map(|l| l.label.text()),
            Some("Open the admin-consent page")
        );
    }

    /// Every step of the samples with its English, for the UI's wording test
    /// (`ui/src/lib/wizard/hand-step-wording.test.ts`).
    #[test]
    fn export_bindings_hand_step_samples() -> Result<(), Box<dyn std::error::Error>> {
        let pairs: Vec<serde_json::Value> = samples()
            .into_iter()
            .map(|step| {
                serde_json::json!({
                    "title": step.title(),
                    "detail": step.detail(),
                    "link": step.link.as_ref().map(|l| l.label.text()),
                    "copy": step.copy.iter().map(|c| c.label.text()).collect::<Vec<_>>(),
                    "step": step,
                })
            })
            .collect();
        crate::text_samples::write("hand-step-samples.json", &pairs)
    }
}
