//! Step 7: the review — a diff of everything apply would change on the PBX, in Entra and on
//! this computer, computed from fresh reads before anything is written.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::access::{Environment, Error};
use crate::features::optional_grant_of;
use crate::guided::HandStep;
use crate::pbx_certificate::PbxCertificate;
use crate::profile::Mode;
use crate::secrets::{SecretKey, SecretKind};
use crate::wizard::plan::{
    AppRegistrationSummary, AppState, ConsentSummary, KeyAction, KeyPairSummary, Revocation,
};

/// Where a change happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ChangeTarget {
    Pbx,
    Entra,
    ThisComputer,
}

/// One change apply would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Change {
    pub target: ChangeTarget,
    pub summary: String,
    /// For a changed setting: its name, and the value before and after.
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    fn action(target: ChangeTarget, summary: impl Into<String>) -> Self {
        Self {
            target,
            summary: summary.into(),
            field: None,
            before: None,
            after: None,
        }
    }
}

/// What step 7 shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Review {
    pub changes: Vec<Change>,
    pub warnings: Vec<String>,
    /// Guided mode: what the admin does in Entra after apply.
    pub hand_steps: Vec<HandStep>,
    pub nothing_to_change: bool,
    pub app: AppRegistrationSummary,
    pub key_pair: KeyPairSummary,
    pub consent: ConsentSummary,
}

/// What the review decided, for apply.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub mode: Mode,
    pub settings_before: Value,
    pub certificate: Option<PbxCertificate>,
    pub key_action: KeyAction,
    pub app: Option<AppState>,
    /// The granted permissions apply removes: exactly those the review listed.
    pub revocations: Vec<Revocation>,
    pub display_name: String,
    pub desired: portsip::model::Ms365SettingsUpdate,
    pub certificate_path: Option<PathBuf>,
}

/// `a.b.c` → leaf value, for a setting-by-setting comparison.
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        leaf => {
            out.insert(prefix.to_owned(), leaf.clone());
        }
    }
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "(not set)".to_owned(),
        Value::String(text) if text.is_empty() => "(empty)".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn label(field: &str) -> &str {
    match field {
        "application_id" => "Application (client) ID",
        "directory_id" => "Directory (tenant) ID",
        "national_cloud" => "National cloud",
        "sync_time" => "Sync schedule",
        "users.enabled" => "Sync users",
        "users.sync_type" => "Which users are synced",
        "users.selected_users" => "Selected users",
        "users.starting_extension_number" => "Starting extension",
        "users.sync_photo" => "Sync photos",
        "users.sync_guest_users" => "Sync guest users",
        "sign_in_as_administrator.enabled" => "Administrators sign in with Microsoft",
        "sign_in_as_administrator.selected_users" => "Administrators",
        "sign_in_as_standard_user.enabled" => "Users sign in with Microsoft",
        "personal_contacts.enabled" => "Sync personal contacts",
        "shared_mailbox.enabled" => "Sync shared mailbox contacts",
        other => other,
    }
}

/// The PBX settings that differ, with `new_app` standing in for an app not created yet.
pub(crate) fn settings_changes(
    before: &Value,
    desired: &portsip::model::Ms365SettingsUpdate,
    new_app: bool,
) -> Result<Vec<Change>, Error> {
    let desired = serde_json::to_value(desired).map_err(|error| {
        Error::Pbx(portsip::Error::Encoding {
            operation: "POST /ms365".to_owned(),
            reason: error.to_string(),
        })
    })?;
    let mut wanted = BTreeMap::new();
    flatten("", &desired, &mut wanted);
    let mut current = BTreeMap::new();
    flatten("", before, &mut current);
    let mut changes: Vec<Change> = wanted
        .iter()
        .filter(|(field, value)| current.get(*field).unwrap_or(&Value::Null) != *value)
        .map(|(field, value)| {
            let before = current.get(field).unwrap_or(&Value::Null);
            Change {
                target: ChangeTarget::Pbx,
                summary: format!("{}: {} → {}", label(field), shown(before), shown(value)),
                field: Some(field.clone()),
                before: Some(shown(before)),
                after: Some(shown(value)),
            }
        })
        .collect();
    if new_app {
        let before = current.get("application_id").unwrap_or(&Value::Null);
        changes.insert(
            0,
            Change {
                target: ChangeTarget::Pbx,
                summary: format!(
                    "{}: {} → (the new app's ID)",
                    label("application_id"),
                    shown(before)
                ),
                field: Some("application_id".to_owned()),
                before: Some(shown(before)),
                after: Some("(the new app's ID)".to_owned()),
            },
        );
    }
    Ok(changes)
}

/// Changes on this computer: the profile and the keyring entries that do not exist yet.
pub(crate) fn local_changes(
    env: &Environment,
    profile: &str,
    profile_exists: bool,
    mode: Mode,
    password: Option<&crate::secrets::Secret>,
    certificate_path: Option<&PathBuf>,
) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    if !profile_exists {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            format!("Create the profile \"{profile}\" (no secrets in it)."),
        ));
    }
    let missing = |kind| -> Result<bool, Error> {
        Ok(env.secrets.get(&SecretKey::new(profile, kind))?.is_none())
    };
    if missing(SecretKind::PbxRefreshToken)? {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            "Save the PBX sign-in (refresh token) in the OS keyring.",
        ));
    }
    if let Some(password) = password {
        let stored = env
            .secrets
            .get(&SecretKey::new(profile, SecretKind::PbxPassword))?;
        if stored.as_ref() != Some(password) {
            changes.push(Change::action(
                ChangeTarget::ThisComputer,
                "Save the PBX password in the OS keyring.",
            ));
        }
    }
    if mode == Mode::Auto && missing(SecretKind::MicrosoftRefreshToken)? {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            "Save the Microsoft sign-in (refresh token) in the OS keyring.",
        ));
    }
    if let Some(path) = certificate_path {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            format!("Save the PBX's certificate as {}.", path.display()),
        ));
    }
    Ok(changes)
}

/// Entra and key-pair changes of automatic mode; `revocations` are the grants apply removes.
pub(crate) fn entra_changes(
    app: &AppState,
    registration: &AppRegistrationSummary,
    key: &KeyPairSummary,
    certificate: Option<&PbxCertificate>,
    revocations: &[Revocation],
) -> Vec<Change> {
    let mut changes: Vec<Change> = registration
        .changes
        .iter()
        .map(|c| Change::action(ChangeTarget::Entra, c.clone()))
        .collect();
    if app.existing.is_none() {
        changes.push(Change::action(
            ChangeTarget::Entra,
            "Create the app's service principal (its enterprise application).",
        ));
    }
    let other_keys = key.other_keys_on_app.unwrap_or(0);
    match (key.action, certificate) {
        (KeyAction::Generate, _) => {
            changes.push(Change::action(ChangeTarget::Pbx, key.reason.clone()));
            changes.push(Change::action(
                ChangeTarget::Entra,
                format!(
                    "Add the PBX's new certificate to the app, keeping its {other_keys} other key(s)."
                ),
            ));
        }
        (KeyAction::Reuse, Some(cert)) if key.on_app != Some(true) => {
            changes.push(Change::action(
                ChangeTarget::Entra,
                format!(
                    "Add the PBX's certificate (thumbprint {}, valid until {}) to the app, keeping its {other_keys} other key(s).",
                    cert.info.sha1_thumbprint, cert.info.not_after
                ),
            ));
        }
        _ => {}
    }
    for permission in app.missing_grants() {
        let purpose = optional_grant_of(&permission.name)
            .map(|grant| format!(", for {}", grant.purpose()))
            .unwrap_or_default();
        changes.push(Change::action(
            ChangeTarget::Entra,
            format!(
                "Grant the Graph application permission {} (admin consent for the organisation{purpose}).",
                permission.name
            ),
        ));
    }
    for revocation in revocations {
        changes.push(Change::action(
            ChangeTarget::Entra,
            format!(
                "Remove the granted Graph application permission {} (its admin consent): this PortSIP version with the chosen features does not need it.",
                revocation.name
            ),
        ));
    }
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_differing_settings_are_listed() -> Result<(), Error> {
        let before = json!({
            "national_cloud": "GLOBAL", "directory_id": "d", "application_id": "a",
            "sync_time": "0 0 * * *", "redirect_uri": "https://pbx/cb",
            "users": {"enabled": false, "sync_type": "ALL", "selected_users": []}
        });
        let desired: portsip::model::Ms365SettingsUpdate = serde_json::from_value(json!({
            "national_cloud": "GLOBAL", "directory_id": "d", "application_id": "a",
            "sync_time": "30 2 * * *",
            "users": {"enabled": true, "sync_type": "ALL", "selected_users": []}
        }))
        .map_err(|e| Error::Input(crate::input::FieldError::new("x", e.to_string())))?;
        let changes = settings_changes(&before, &desired, false)?;
        let summaries: Vec<&str> = changes.iter().map(|c| c.summary.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Sync schedule: 0 0 * * * → 30 2 * * *",
                "Sync users: false → true"
            ]
        );
        assert!(
            settings_changes(&before, &desired, true)?[0]
                .summary
                .contains("(the new app's ID)")
        );
        Ok(())
    }
}
