//! What the wizard asks the admin to look at twice (the Microsoft step's, the key pair's and the
//! review's warnings), as codes with parameters: the UI words them from its catalogue, the CLI
//! prints the English ([`fmt::Display`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::features::OptionalGrant;
use crate::pbx_versions::EditionWarning;
use crate::wizard::sync_options::SyncOptionsNotice;

/// The signed-in account as the English names it when Microsoft did not say which it is.
const SIGNED_IN_ACCOUNT: &str = "The signed-in account";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum WizardWarning {
    /// The signed-in account (when Microsoft named it) holds no role that grants app
    /// permissions.
    CannotGrant { account: Option<String> },
    /// The PBX is connected to another directory (tenant) now.
    DirectorySwitch { current: String, tenant_id: String },
    /// The PBX tenant's domain is not one of the Microsoft tenant's verified domains.
    DomainNotVerified { domain: String },
    /// pbx365 was not built for the PBX's version, or cannot tell which it is.
    Edition { warning: EditionWarning },
    /// A notice on the sync options.
    SyncOptions { notice: SyncOptionsNotice },
    /// The kept certificate expires within the warning window.
    CertificateExpiresSoon {
        #[ts(type = "number")]
        days: i64,
    },
    /// A chosen optional grant this PBX's version does not use; `version` as the PBX said it.
    GrantNotUsed {
        grant: OptionalGrant,
        permission: String,
        version: Option<String>,
    },
    /// Superfluous grants stay: the signed-in account may not remove them.
    PermissionsKept {
        permissions: Vec<String>,
        account: Option<String>,
    },
    /// Superfluous grants Graph did not say how to address: the admin removes them by hand.
    PermissionsUnaddressable { permissions: Vec<String> },
    /// Guided mode: the PBX uses another app now.
    AppSwitch { current: String, app_id: String },
    /// The users in the sync's scope are more than the PBX's licence allows.
    OverLicence { in_scope: u32, licensed: i32 },
}

impl fmt::Display for WizardWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WizardWarning::CannotGrant { account } => write!(
                f,
                "{} is not a Global Administrator or Privileged Role Administrator, so it cannot \
                 grant the app's Graph application permissions. Continue only if they are \
                 already granted; otherwise sign in with such an account, or use guided mode \
                 and ask one to grant consent.",
                account.as_deref().unwrap_or(SIGNED_IN_ACCOUNT)
            ),
            WizardWarning::DirectorySwitch { current, tenant_id } => write!(
                f,
                "The PBX is connected to directory {current} now; applying will switch it to \
                 {tenant_id}."
            ),
            WizardWarning::DomainNotVerified { domain } => write!(
                f,
                "The PBX tenant's domain {domain} is not a verified domain of this Microsoft \
                 tenant; check that you are signed in to the right tenant."
            ),
            WizardWarning::Edition { warning } => warning.fmt(f),
            WizardWarning::SyncOptions { notice } => notice.fmt(f),
            WizardWarning::CertificateExpiresSoon { days } => write!(
                f,
                "The certificate expires in {days} {}. After the setup, rotate it (pbx365 cert \
                 rotate) so the integration keeps working.",
                if *days == 1 { "day" } else { "days" }
            ),
            WizardWarning::GrantNotUsed {
                grant,
                permission,
                version,
            } => write!(
                f,
                "{permission} is not granted: {} does not use it ({}).",
                version.as_deref().map_or_else(
                    || "PortSIP (version unknown)".to_owned(),
                    |v| format!("PortSIP {v}")
                ),
                grant.purpose()
            ),
            WizardWarning::PermissionsKept {
                permissions,
                account,
            } => write!(
                f,
                "The app also holds {}, which this PortSIP version with the chosen features \
                 does not need. {} may not remove granted permissions, so they stay: a Global \
                 Administrator or Privileged Role Administrator can run the setup again to \
                 remove them.",
                permissions.join(", "),
                account.as_deref().unwrap_or(SIGNED_IN_ACCOUNT)
            ),
            WizardWarning::PermissionsUnaddressable { permissions } => write!(
                f,
                "The app also holds {}, which this PortSIP version with the chosen features \
                 does not need; Graph did not say which grant that is, so remove it under the \
                 app's API permissions.",
                permissions.join(", ")
            ),
            WizardWarning::AppSwitch { current, app_id } => write!(
                f,
                "The PBX uses the app {current} now. Applying switches it to {app_id}; sync and \
                 Microsoft sign-in stop working until you finish the steps in Entra for the new \
                 app."
            ),
            WizardWarning::OverLicence { in_scope, licensed } => write!(
                f,
                "The users chosen for sync ({in_scope} Microsoft 365 accounts) are more than the \
                 PBX's licence allows ({licensed} users): a sync creates PBX users only up to \
                 the licence and lists the rest as left out (no licence). Add licences on the \
                 PBX, or choose fewer users."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::plan::KeyReason;

    const APP: &str = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90";

    fn edition(version: &str) -> [EditionWarning; 4] {
        let (oldest, newest) = ("22.2.0".to_owned(), "22.6".to_owned());
        [
            EditionWarning::Unreported {
                error: "The PBX has no /tenant/status. Check the address.".into(),
                oldest: oldest.clone(),
                newest: newest.clone(),
            },
            EditionWarning::Unreadable {
                version: "nightly".into(),
                oldest: oldest.clone(),
                newest: newest.clone(),
            },
            EditionWarning::TooOld {
                version: "21.4.0".into(),
                oldest: oldest.clone(),
                newest: newest.clone(),
            },
            EditionWarning::TooNew {
                version: version.into(),
                oldest,
                newest,
            },
        ]
    }

    /// One warning of each code (both forms where a value may be missing or a count is one).
    fn samples() -> Vec<WizardWarning> {
        let mut warnings = vec![
            WizardWarning::CannotGrant {
                account: Some("anna@contoso.example".into()),
            },
            WizardWarning::CannotGrant { account: None },
            WizardWarning::DirectorySwitch {
                current: "11111111-2222-3333-4444-555555555555".into(),
                tenant_id: "f1e2d3c4-0000-4000-8000-000000000001".into(),
            },
            WizardWarning::DomainNotVerified {
                domain: "contoso.example".into(),
            },
            WizardWarning::SyncOptions {
                notice: SyncOptionsNotice::AdministratorsDropped {
                    administrators: vec![
                        "anna@contoso.example".into(),
                        "ben@contoso.example".into(),
                    ],
                },
            },
            WizardWarning::CertificateExpiresSoon { days: 1 },
            WizardWarning::CertificateExpiresSoon { days: 12 },
            WizardWarning::GrantNotUsed {
                grant: OptionalGrant::MailSend,
                permission: OptionalGrant::MailSend.permission().into(),
                version: Some("22.2.0".into()),
            },
            WizardWarning::GrantNotUsed {
                grant: OptionalGrant::UserPhone,
                permission: OptionalGrant::UserPhone.permission().into(),
                version: None,
            },
            WizardWarning::PermissionsKept {
                permissions: vec!["User.Read.All".into(), "Mail.Send".into()],
                account: Some("anna@contoso.example".into()),
            },
            WizardWarning::PermissionsKept {
                permissions: vec!["User.Read.All".into()],
                account: None,
            },
            WizardWarning::PermissionsUnaddressable {
                permissions: vec!["User.Read.All".into()],
            },
            WizardWarning::AppSwitch {
                current: "9a8b7c6d-0000-4000-8000-000000000002".into(),
                app_id: APP.into(),
            },
            WizardWarning::OverLicence {
                in_scope: 450,
                licensed: 400,
            },
        ];
        warnings.extend(
            edition("23.0.1")
                .into_iter()
                .map(|warning| WizardWarning::Edition { warning }),
        );
        warnings
    }

    fn key_reasons() -> [KeyReason; 3] {
        [
            KeyReason::NoKeyPair,
            KeyReason::NotValidNow {
                not_before: "2024-01-01T00:00:00Z".into(),
                not_after: "2025-01-01T00:00:00Z".into(),
            },
            KeyReason::StillValid {
                thumbprint: "AB12CD34".into(),
                not_after: "2027-06-01T00:00:00Z".into(),
            },
        ]
    }

    /// The text values of a code's JSON (lists item by item), the code itself left out.
    fn quoted(value: &serde_json::Value) -> Vec<String> {
        match value {
            serde_json::Value::String(text) => vec![text.clone()],
            serde_json::Value::Array(items) => items.iter().flat_map(quoted).collect(),
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter(|(name, _)| *name != "code" && *name != "grant")
                .flat_map(|(_, value)| quoted(value))
                .collect(),
            serde_json::Value::Number(number) => vec![number.to_string()],
            _ => Vec::new(),
        }
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() -> Result<(), serde_json::Error> {
        for warning in samples() {
            let english = warning.to_string();
            for value in quoted(&serde_json::to_value(&warning)?) {
                assert!(english.contains(&value), "{value} missing from {english:?}");
            }
        }
        for reason in key_reasons() {
            let english = reason.to_string();
            for value in quoted(&serde_json::to_value(&reason)?) {
                assert!(english.contains(&value), "{value} missing from {english:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn the_english_reads_as_the_cli_printed_it() {
        let warnings = samples();
        assert_eq!(
            warnings[1].to_string(),
            "The signed-in account is not a Global Administrator or Privileged Role \
             Administrator, so it cannot grant the app's Graph application permissions. \
             Continue only if they are already granted; otherwise sign in with such an account, \
             or use guided mode and ask one to grant consent."
        );
        assert!(
            warnings[5]
                .to_string()
                .starts_with("The certificate expires in 1 day. ")
        );
        assert!(
            warnings[6]
                .to_string()
                .starts_with("The certificate expires in 12 days. ")
        );
        assert_eq!(
            warnings[8].to_string(),
            "User-Phone.ReadWrite.All is not granted: PortSIP (version unknown) does not use it \
             (the PBX reading and writing users' phone numbers in Microsoft 365 (switched on in \
             the PortSIP portal))."
        );
        assert_eq!(
            key_reasons()[0].to_string(),
            "The PBX has no key pair for Microsoft 365 yet; it will generate one."
        );
    }

    /// The UI's wording test words each of these (ui/src/lib/wizard/warning-wording.test.ts).
    #[test]
    fn export_bindings_wizard_warning_samples() -> Result<(), Box<dyn std::error::Error>> {
        let warnings: Vec<serde_json::Value> = samples()
            .into_iter()
            .map(
                |warning| serde_json::json!({ "message": warning.to_string(), "warning": warning }),
            )
            .collect();
        let reasons: Vec<serde_json::Value> = key_reasons()
            .into_iter()
            .map(|reason| serde_json::json!({ "message": reason.to_string(), "reason": reason }))
            .collect();
        let samples = serde_json::json!({ "warnings": warnings, "key_reasons": reasons });
        crate::text_samples::write("wizard-warning-samples.json", &samples)
    }
}
