//! What a reset's plan and report say, as codes with parameters: the UI words them from its own
//! catalogue by `code`, the CLI and logs print the English [`fmt::Display`].

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::pbx_versions::{EditionWarning, PbxEdition};
use crate::profile::{AppIdentity, Profile};

/// The PBX tenant a reset changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetPbx {
    /// Its SIP domain, when the profile knows it.
    pub domain: Option<String>,
    pub url: String,
}

impl ResetPbx {
    pub(super) fn of(profile: &Profile) -> Self {
        Self {
            domain: profile.pbx.domain.clone().filter(|d| !d.is_empty()),
            url: profile.pbx.url.to_string(),
        }
    }
}

/// "the PBX tenant contoso.example at https://…".
impl fmt::Display for ResetPbx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.domain {
            Some(domain) => write!(f, "the PBX tenant {domain} at {}", self.url),
            None => write!(f, "the PBX at {}", self.url),
        }
    }
}

/// The Microsoft 365 tenant a reset changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetTenant {
    pub name: Option<String>,
    /// Its Directory (tenant) ID.
    pub id: Option<String>,
}

impl ResetTenant {
    pub(super) fn of(profile: &Profile) -> Self {
        Self {
            name: profile.microsoft.tenant_name.clone(),
            id: profile.microsoft.tenant_id.clone(),
        }
    }
}

/// "Contoso (0f8f…)".
impl fmt::Display for ResetTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.id) {
            (Some(name), Some(id)) => write!(f, "{name} ({id})"),
            (None, Some(id)) => f.write_str(id),
            (Some(name), None) => f.write_str(name),
            (None, None) => f.write_str("the Microsoft 365 tenant"),
        }
    }
}

/// The app registration a reset lets go of the PBX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetApp {
    /// Its display name, when the profile knows it.
    pub name: Option<String>,
    /// Its Application ID.
    pub app_id: String,
}

impl ResetApp {
    pub(super) fn of(app: &AppIdentity) -> Self {
        Self {
            name: app.display_name.clone(),
            app_id: app.app_id.clone(),
        }
    }
}

/// "the app registration "pbx365 contoso" (Application ID …)".
impl fmt::Display for ResetApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(
                f,
                "the app registration \"{name}\" (Application ID {})",
                self.app_id
            ),
            None => write!(
                f,
                "the app registration with Application ID {}",
                self.app_id
            ),
        }
    }
}

/// How the PBX's integration is stopped: PortSIP's own reset, or everything cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum PbxStop {
    /// `POST /ms365/destroy`.
    Destroy,
    /// `POST /ms365` with the IDs cleared and every feature off.
    Clear,
}

impl PbxStop {
    pub(super) fn of(edition: &PbxEdition) -> Self {
        if edition.traits().destroy {
            PbxStop::Destroy
        } else {
            PbxStop::Clear
        }
    }
}

/// The PBX's version and licence as the plan names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetEdition {
    /// `None` when the PBX did not say.
    pub version: Option<String>,
    pub current_users: Option<i32>,
    pub licensed_users: Option<i32>,
}

impl ResetEdition {
    pub(super) fn of(edition: &PbxEdition) -> Self {
        Self {
            version: edition.version.clone(),
            current_users: edition.current_users,
            licensed_users: edition.licensed_users,
        }
    }
}

/// "PortSIP 22.6.0, 212 of 400 licensed users", as [`PbxEdition::describe`] says it.
impl fmt::Display for ResetEdition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.version {
            Some(version) => write!(f, "PortSIP {version}")?,
            None => f.write_str("PortSIP (version unknown)")?,
        }
        match (self.current_users, self.licensed_users) {
            (Some(current), Some(licensed)) => {
                write!(f, ", {current} of {licensed} licensed users")
            }
            _ => Ok(()),
        }
    }
}

/// What a step of the plan will do, naming the tenant it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ResetSummary {
    PbxDoneEarlier {
        pbx: ResetPbx,
    },
    /// The PBX's users, and their links to Microsoft 365 accounts, stay.
    PbxStop {
        pbx: ResetPbx,
        edition: ResetEdition,
        stop: PbxStop,
    },
    EntraDoneEarlier {
        tenant: ResetTenant,
    },
    EntraNoApp {
        tenant: ResetTenant,
    },
    /// Guided mode: the admin deletes the app, or takes the certificate off it, by hand.
    EntraByHand {
        tenant: ResetTenant,
        app: ResetApp,
        delete_app: bool,
    },
    EntraAppGone {
        tenant: ResetTenant,
        app: ResetApp,
    },
    EntraDeleteApp {
        tenant: ResetTenant,
        app: ResetApp,
    },
    EntraNoPbxCertificate {
        tenant: ResetTenant,
        app: ResetApp,
    },
    /// `others`: how many other certificates the app holds, and keeps.
    EntraRemoveCertificate {
        tenant: ResetTenant,
        app: ResetApp,
        thumbprints: String,
        others: u32,
    },
    ThisComputer {
        profile: String,
        pbx: ResetPbx,
        tenant: ResetTenant,
    },
}

impl fmt::Display for ResetSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResetSummary::PbxDoneEarlier { pbx } => write!(
                f,
                "On {pbx}: the Microsoft 365 integration was stopped by the earlier reset."
            ),
            ResetSummary::PbxStop { pbx, edition, stop } => {
                let what = match stop {
                    PbxStop::Destroy => {
                        "stop its Microsoft 365 integration (POST /ms365/destroy): the \
                         integration's settings return to PortSIP's defaults and its key pair \
                         is deleted"
                    }
                    PbxStop::Clear => {
                        "clear the Application and Directory IDs of its Microsoft 365 \
                         integration and switch every Microsoft 365 feature off (POST /ms365). \
                         This PortSIP version cannot delete its key pair: it stays on the PBX, \
                         unused once its certificate is off the app"
                    }
                };
                write!(
                    f,
                    "On {pbx} ({edition}): {what}. The PBX's users, and their links to Microsoft \
                     365 accounts, stay."
                )
            }
            ResetSummary::EntraDoneEarlier { tenant } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: done by the earlier reset."
            ),
            ResetSummary::EntraNoApp { tenant } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: nothing to remove; no app registration \
                 was made for this profile."
            ),
            ResetSummary::EntraByHand {
                tenant,
                app,
                delete_app,
            } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: pbx365 has no Graph rights in guided \
                 mode, so you {} {app} by hand (the steps follow).",
                if *delete_app {
                    "delete"
                } else {
                    "remove the PBX's certificate from"
                }
            ),
            ResetSummary::EntraAppGone { tenant, app } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: {app} no longer exists; nothing to \
                 remove."
            ),
            ResetSummary::EntraDeleteApp { tenant, app } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: delete {app} and its service principal \
                 (Entra keeps a deleted app for 30 days)."
            ),
            ResetSummary::EntraNoPbxCertificate { tenant, app } => write!(
                f,
                "In Microsoft Entra for tenant {tenant}: {app} holds no certificate of the PBX; \
                 nothing to remove."
            ),
            ResetSummary::EntraRemoveCertificate {
                tenant,
                app,
                thumbprints,
                others,
            } => {
                let others = match others {
                    0 => String::new(),
                    1 => ", keeping its other certificate".to_owned(),
                    more => format!(", keeping its {more} other certificates"),
                };
                write!(
                    f,
                    "In Microsoft Entra for tenant {tenant}: remove the PBX's certificate \
                     (thumbprint {thumbprints}) from {app}{others}; the app itself stays."
                )
            }
            ResetSummary::ThisComputer {
                profile,
                pbx,
                tenant,
            } => write!(
                f,
                "On this computer: remove the profile \"{profile}\" (for {pbx} and Microsoft 365 \
                 tenant {tenant}), its sync history, its journals and the public_key.pem pbx365 \
                 saved, and its sign-ins in the OS keyring."
            ),
        }
    }
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ResetDetail {
    /// An earlier reset that stopped had done it.
    DoneEarlier,
    PbxDestroyed,
    /// Cleared: this PortSIP version cannot delete the key pair.
    PbxCleared,
    NoApp,
    /// Guided mode: nothing changed by pbx365; the hand steps say what to do.
    ByHand {
        app: ResetApp,
        delete_app: bool,
    },
    AppDeleted {
        app: ResetApp,
    },
    AppAlreadyDeleted {
        app: ResetApp,
    },
    AppGone {
        app: ResetApp,
    },
    NoPbxCertificateOnApp {
        app: ResetApp,
    },
    CertificateRemoved {
        app: ResetApp,
        thumbprints: String,
    },
    /// `kept_certificate`: a `public_key.pem` the admin saved outside pbx365's folder.
    ProfileRemoved {
        profile: String,
        runs: u32,
        kept_certificate: Option<String>,
    },
}

impl fmt::Display for ResetDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResetDetail::DoneEarlier => f.write_str("Done by the earlier reset."),
            ResetDetail::PbxDestroyed => f.write_str(
                "The PBX stopped its Microsoft 365 integration: its settings are back to the \
                 defaults and its key pair is deleted.",
            ),
            ResetDetail::PbxCleared => f.write_str(
                "The PBX's Microsoft 365 integration is stopped: the Application and Directory \
                 IDs are cleared and every feature is off. Its key pair stays on the PBX (this \
                 PortSIP version cannot delete it).",
            ),
            ResetDetail::NoApp => {
                f.write_str("No app registration was made for this profile: nothing to remove.")
            }
            ResetDetail::ByHand { app, delete_app } => write!(
                f,
                "Nothing changed by pbx365 (guided mode): {} {app} by hand in the Entra admin \
                 center, as the steps below say.",
                if *delete_app {
                    "delete"
                } else {
                    "remove the PBX's certificate from"
                }
            ),
            ResetDetail::AppDeleted { app } => write!(
                f,
                "Deleted {app} and its service principal (Entra keeps the app among its deleted \
                 applications for 30 days)."
            ),
            ResetDetail::AppAlreadyDeleted { app } => {
                write!(f, "{} was already deleted.", capitalized(&app.to_string()))
            }
            ResetDetail::AppGone { app } => write!(
                f,
                "{} no longer exists: nothing to remove.",
                capitalized(&app.to_string())
            ),
            ResetDetail::NoPbxCertificateOnApp { app } => write!(
                f,
                "{} held no certificate of the PBX any more.",
                capitalized(&app.to_string())
            ),
            ResetDetail::CertificateRemoved { app, thumbprints } => write!(
                f,
                "Removed the PBX's certificate (thumbprint {thumbprints}) from {app}; its other \
                 certificates stay."
            ),
            ResetDetail::ProfileRemoved {
                profile,
                runs,
                kept_certificate,
            } => {
                let runs = match runs {
                    1 => "1 run".to_owned(),
                    runs => format!("{runs} runs"),
                };
                write!(
                    f,
                    "Removed the profile \"{profile}\", its sync history ({runs}) and its \
                     sign-ins in the OS keyring."
                )?;
                match kept_certificate {
                    Some(kept) => write!(
                        f,
                        " The public_key.pem you saved at {kept} is yours and stays; delete it \
                         if you no longer need it."
                    ),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Something to know before confirming a reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ResetWarning {
    /// No profile and no unfinished reset of that name.
    NothingSaved {
        profile: String,
    },
    /// pbx365 may not fit the PBX's PortSIP version.
    PbxVersion {
        warning: EditionWarning,
    },
    /// The PBX now uses an app other than the profile's (`ours`, if it has one).
    OtherApp {
        current: String,
        ours: Option<String>,
    },
    DeleteAppStopsOthers {
        app_id: String,
    },
}

impl fmt::Display for ResetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResetWarning::NothingSaved { profile } => write!(
                f,
                "No profile named \"{profile}\" is saved on this computer, and no reset of it is \
                 unfinished: there is nothing to reset (it was reset already, or never set up)."
            ),
            ResetWarning::PbxVersion { warning } => write!(f, "{warning}"),
            ResetWarning::OtherApp { current, ours } => write!(
                f,
                "The PBX now uses the app {current}, not this profile's{}: resetting stops that \
                 integration as well.",
                ours.as_ref().map(|o| format!(" ({o})")).unwrap_or_default()
            ),
            ResetWarning::DeleteAppStopsOthers { app_id } => write!(
                f,
                "Deleting the app registration also stops anything else that signs in with it \
                 (Application ID {app_id})."
            ),
        }
    }
}

pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reset::{Cause, ResetError, ResetStep, ResetText};

    const THUMBPRINT: &str = "77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F";

    fn pbx() -> ResetPbx {
        ResetPbx {
            domain: Some("contoso.example".into()),
            url: "https://pbx.contoso.example:8887".into(),
        }
    }

    fn tenant() -> ResetTenant {
        ResetTenant {
            name: Some("Contoso".into()),
            id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".into()),
        }
    }

    fn app() -> ResetApp {
        ResetApp {
            name: Some("PortSIP contoso".into()),
            app_id: "11111111-2222-3333-4444-555555555555".into(),
        }
    }

    fn summaries() -> Vec<ResetSummary> {
        let edition = ResetEdition {
            version: Some("22.6.0".into()),
            current_users: Some(212),
            licensed_users: Some(400),
        };
        vec![
            ResetSummary::PbxDoneEarlier { pbx: pbx() },
            ResetSummary::PbxStop {
                pbx: pbx(),
                edition: edition.clone(),
                stop: PbxStop::Destroy,
            },
            ResetSummary::PbxStop {
                pbx: ResetPbx {
                    domain: None,
                    url: "https://10.0.0.5:8887".into(),
                },
                edition: ResetEdition {
                    version: None,
                    current_users: None,
                    licensed_users: None,
                },
                stop: PbxStop::Clear,
            },
            ResetSummary::EntraDoneEarlier { tenant: tenant() },
            ResetSummary::EntraNoApp {
                tenant: ResetTenant {
                    name: None,
                    id: None,
                },
            },
            ResetSummary::EntraByHand {
                tenant: tenant(),
                app: app(),
                delete_app: false,
            },
            ResetSummary::EntraByHand {
                tenant: tenant(),
                app: ResetApp {
                    name: None,
                    app_id: app().app_id,
                },
                delete_app: true,
            },
            ResetSummary::EntraAppGone {
                tenant: tenant(),
                app: app(),
            },
            ResetSummary::EntraDeleteApp {
                tenant: tenant(),
                app: app(),
            },
            ResetSummary::EntraNoPbxCertificate {
                tenant: tenant(),
                app: app(),
            },
            ResetSummary::EntraRemoveCertificate {
                tenant: tenant(),
                app: app(),
                thumbprints: THUMBPRINT.into(),
                others: 0,
            },
            ResetSummary::EntraRemoveCertificate {
                tenant: ResetTenant {
                    name: Some("Contoso".into()),
                    id: None,
                },
                app: app(),
                thumbprints: THUMBPRINT.into(),
                others: 2,
            },
            ResetSummary::ThisComputer {
                profile: "contoso".into(),
                pbx: pbx(),
                tenant: tenant(),
            },
        ]
    }

    fn details() -> Vec<ResetDetail> {
        vec![
            ResetDetail::DoneEarlier,
            ResetDetail::PbxDestroyed,
            ResetDetail::PbxCleared,
            ResetDetail::NoApp,
            ResetDetail::ByHand {
                app: app(),
                delete_app: true,
            },
            ResetDetail::ByHand {
                app: app(),
                delete_app: false,
            },
            ResetDetail::AppDeleted { app: app() },
            ResetDetail::AppAlreadyDeleted { app: app() },
            ResetDetail::AppGone {
                app: ResetApp {
                    name: None,
                    app_id: app().app_id,
                },
            },
            ResetDetail::NoPbxCertificateOnApp { app: app() },
            ResetDetail::CertificateRemoved {
                app: app(),
                thumbprints: THUMBPRINT.into(),
            },
            ResetDetail::ProfileRemoved {
                profile: "contoso".into(),
                runs: 1,
                kept_certificate: None,
            },
            ResetDetail::ProfileRemoved {
                profile: "contoso".into(),
                runs: 14,
                kept_certificate: Some("/home/admin/Documents/public_key.pem".into()),
            },
        ]
    }

    fn warnings() -> Vec<ResetWarning> {
        vec![
            ResetWarning::NothingSaved {
                profile: "contoso".into(),
            },
            ResetWarning::PbxVersion {
                warning: EditionWarning::TooOld {
                    version: "22.0.1".into(),
                    oldest: "22.2.0".into(),
                    newest: "22.6".into(),
                },
            },
            ResetWarning::OtherApp {
                current: "99999999-2222-3333-4444-555555555555".into(),
                ours: Some(app().app_id),
            },
            ResetWarning::OtherApp {
                current: "99999999-2222-3333-4444-555555555555".into(),
                ours: None,
            },
            ResetWarning::DeleteAppStopsOthers {
                app_id: app().app_id,
            },
        ]
    }

    /// The plain values of a text (nested ones included), but codes and switches.
    fn values(value: &serde_json::Value) -> Vec<String> {
        match value {
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter(|(name, _)| !matches!(name.as_str(), "code" | "delete_app" | "stop"))
                .flat_map(|(_, value)| values(value))
                .collect(),
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Null => Vec::new(),
            // A count of 0 other certificates is said as none.
            serde_json::Value::Number(n) if n.as_u64() == Some(0) => Vec::new(),
            other => vec![other.to_string()],
        }
    }

    fn all_pairs() -> Result<serde_json::Value, serde_json::Error> {
        Ok(serde_json::json!({
            "summaries": crate::text_samples::pairs(summaries())?,
            "details": crate::text_samples::pairs(details())?,
            "warnings": crate::text_samples::pairs(warnings())?,
        }))
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() -> Result<(), serde_json::Error> {
        let all = all_pairs()?;
        for group in ["summaries", "details", "warnings"] {
            for pair in all[group].as_array().into_iter().flatten() {
                let english = pair["message"].as_str().unwrap_or_default();
                for value in values(&pair["text"]) {
                    assert!(english.contains(&value), "{value} missing from {english:?}");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_english_reads_as_before() {
        assert_eq!(
            summaries()[11].to_string(),
            "In Microsoft Entra for tenant Contoso: remove the PBX's certificate (thumbprint \
             77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F) from the app registration \"PortSIP \
             contoso\" (Application ID 11111111-2222-3333-4444-555555555555), keeping its 2 \
             other certificates; the app itself stays."
        );
        assert_eq!(
            details()[8].to_string(),
            "The app registration with Application ID 11111111-2222-3333-4444-555555555555 no \
             longer exists: nothing to remove."
        );
    }

    /// The UI's wording test words each of these in both languages
    /// (ui/src/lib/reset/reset-text.test.ts); written with the ts-rs bindings.
    #[test]
    fn export_bindings_reset_samples() -> Result<(), Box<dyn std::error::Error>> {
        let mut all = all_pairs()?;
        let events: Vec<_> = [
            (ResetStep::Entra, ResetText::Continuing { step_number: 2 }),
            (ResetStep::Pbx, ResetText::Starting),
            (ResetStep::Entra, ResetText::Starting),
            (ResetStep::ThisComputer, ResetText::Starting),
            (
                ResetStep::Entra,
                ResetText::Finished {
                    detail: ResetDetail::AppDeleted { app: app() },
                },
            ),
        ]
        .into_iter()
        .map(|(step, text)| {
            serde_json::json!({ "step": step, "message": text.english(step), "text": text })
        })
        .collect();
        all["events"] = serde_json::Value::Array(events);
        let failures: Vec<_> = [
            ResetError::Stopped {
                profile: "contoso".into(),
                step: ResetStep::ThisComputer,
                state: super::super::error::state_at(ResetStep::ThisComputer).into(),
                cause: Box::new(Cause::RemoveFile {
                    path: "/home/admin/.config/pbx365/contoso.toml".into(),
                    source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                }),
            },
            ResetError::Stopped {
                profile: "contoso".into(),
                step: ResetStep::Pbx,
                state: super::super::error::state_at(ResetStep::Pbx).into(),
                cause: Box::new(Cause::Access(crate::access::Error::SignInDeclined)),
            },
        ]
        .iter()
        .map(|error| serde_json::to_value(error.report()))
        .collect::<Result<_, _>>()?;
        all["failures"] = serde_json::Value::Array(failures);
        crate::text_samples::write("reset-samples.json", &all)
    }
}
