//! Step 7: the review — a diff of everything apply would change on the PBX, in Entra and on
//! this computer, computed from fresh reads before anything is written.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::access::{Environment, Error};
use crate::features::{OptionalGrant, optional_grant_of};
use crate::guided::HandStep;
use crate::pbx_certificate::PbxCertificate;
use crate::profile::{Mode, SyncOptions};
use crate::secrets::{SecretKey, SecretKind};
use crate::wizard::plan::{
    AppRegistrationSummary, AppState, ConsentSummary, KeyAction, KeyPairSummary, Revocation,
};
use crate::wizard::warning::WizardWarning;

/// Where a change happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ChangeTarget {
    Pbx,
    Entra,
    ThisComputer,
}

/// What a change row says, as a code the UI words from its catalogue. The values it quotes
/// are in the row's `params` (a list is one value, its items joined with ", ").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ChangeCode {
    /// A PBX setting: the row's `field`, `before` and `after` say which and how.
    Setting,
    /// `app_id`.
    AppGone,
    /// `name`, `uris`, `permissions`.
    CreateApp,
    /// `uri`.
    AddRedirectUri,
    /// `uri`.
    RemoveRedirectUri,
    TurnOnIdTokens,
    /// `permission`.
    DeclarePermission,
    /// `permission`.
    StopDeclaringPermission,
    CreateServicePrincipal,
    GenerateKeyPair,
    /// `not_before`, `not_after`.
    RegenerateKeyPair,
    /// `others`.
    AddNewCertificate,
    /// `thumbprint`, `not_after`, `others`.
    AddCertificate,
    /// `permission`.
    GrantPermission,
    /// `permission`, for e-mail notifications.
    GrantPermissionMailSend,
    /// `permission`, for users' phone numbers.
    GrantPermissionUserPhone,
    /// `permission`.
    RemovePermission,
    /// `profile`.
    CreateProfile,
    SavePbxSignIn,
    SavePbxPassword,
    SaveMicrosoftSignIn,
    /// `path`.
    SaveCertificate,
}

/// One change apply would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Change {
    pub target: ChangeTarget,
    /// In English, for the CLI: the action, or the setting's name (`before` and `after` hold
    /// its values).
    pub summary: String,
    pub code: ChangeCode,
    pub params: BTreeMap<String, String>,
    /// For a changed setting: its name, and the value before and after.
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    /// An action: its English `summary` quotes every value in `params`.
    pub(crate) fn action<const N: usize>(
        target: ChangeTarget,
        code: ChangeCode,
        params: [(&str, String); N],
        summary: impl Into<String>,
    ) -> Self {
        let summary = summary.into();
        let params: BTreeMap<String, String> = params
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        debug_assert!(
            quotes_its_params(&summary, &params),
            "{code:?}'s English text must quote its params {params:?}: {summary}"
        );
        Self {
            target,
            summary,
            code,
            params,
            field: None,
            before: None,
            after: None,
        }
    }

    fn setting(field: &str, before: String, after: String) -> Self {
        Self::setting_on(ChangeTarget::Pbx, field, before, after)
    }

    fn setting_on(target: ChangeTarget, field: &str, before: String, after: String) -> Self {
        Self {
            target,
            summary: label(field).to_owned(),
            code: ChangeCode::Setting,
            params: BTreeMap::new(),
            field: Some(field.to_owned()),
            before: Some(before),
            after: Some(after),
        }
    }

    /// The line the CLI prints: a setting with its old and new value.
    pub fn text(&self) -> String {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => format!("{}: {before} → {after}", self.summary),
            _ => self.summary.clone(),
        }
    }
}

/// Every value (every item of a list) appears in the English text.
fn quotes_its_params(text: &str, params: &BTreeMap<String, String>) -> bool {
    params.values().all(|value| {
        text.contains(value.as_str()) || value.split(", ").all(|item| text.contains(item))
    })
}

/// The PBX generating a key pair, as step 4 decided (its English reason).
pub(crate) fn key_pair_change(
    key: &KeyPairSummary,
    certificate: Option<&PbxCertificate>,
) -> Change {
    match certificate {
        Some(cert) => Change::action(
            ChangeTarget::Pbx,
            ChangeCode::RegenerateKeyPair,
            [
                ("not_before", cert.info.not_before.clone()),
                ("not_after", cert.info.not_after.clone()),
            ],
            key.reason.to_string(),
        ),
        None => Change::action(
            ChangeTarget::Pbx,
            ChangeCode::GenerateKeyPair,
            [],
            key.reason.to_string(),
        ),
    }
}

/// What step 7 shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Review {
    pub changes: Vec<Change>,
    pub warnings: Vec<WizardWarning>,
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

/// The value of the application ID before the app exists (the UI words it).
const NEW_APP_ID: &str = "(the new app's ID)";

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
        crate::sync::PBX_CONCURRENCY_FIELD => "Users written to the PBX at once",
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
            Change::setting(field, shown(before), shown(value))
        })
        .collect();
    if new_app {
        let before = current.get("application_id").unwrap_or(&Value::Null);
        changes.insert(
            0,
            Change::setting("application_id", shown(before), NEW_APP_ID.to_owned()),
        );
    }
    Ok(changes)
}

/// The profile's own sync setting that no PBX holds: how many users a sync writes to the PBX
/// at once, as it is (the default for a profile that has none) and as it will be.
pub(crate) fn concurrency_change(
    saved: Option<&SyncOptions>,
    wanted: &SyncOptions,
) -> Option<Change> {
    let effective = |options: Option<&SyncOptions>| {
        options
            .and_then(|options| options.users.pbx_concurrency)
            .unwrap_or(crate::sync::DEFAULT_PBX_CONCURRENCY)
    };
    let (before, after) = (effective(saved), effective(Some(wanted)));
    (before != after).then(|| {
        Change::setting_on(
            ChangeTarget::ThisComputer,
            crate::sync::PBX_CONCURRENCY_FIELD,
            before.to_string(),
            after.to_string(),
        )
    })
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
            ChangeCode::CreateProfile,
            [("profile", profile.to_owned())],
            format!("Create the profile \"{profile}\" (no secrets in it)."),
        ));
    }
    let missing = |kind| -> Result<bool, Error> {
        Ok(env.secrets.get(&SecretKey::new(profile, kind))?.is_none())
    };
    if missing(SecretKind::PbxRefreshToken)? {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            ChangeCode::SavePbxSignIn,
            [],
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
                ChangeCode::SavePbxPassword,
                [],
                "Save the PBX password in the OS keyring.",
            ));
        }
    }
    if mode == Mode::Auto && missing(SecretKind::MicrosoftRefreshToken)? {
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            ChangeCode::SaveMicrosoftSignIn,
            [],
            "Save the Microsoft sign-in (refresh token) in the OS keyring.",
        ));
    }
    if let Some(path) = certificate_path {
        let path = path.display().to_string();
        changes.push(Change::action(
            ChangeTarget::ThisComputer,
            ChangeCode::SaveCertificate,
            [("path", path.clone())],
            format!("Save the PBX's certificate as {path}."),
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
    let mut changes =
        app.registration_changes(&registration.redirect_uris, &registration.display_name);
    if app.existing.is_none() {
        changes.push(Change::action(
            ChangeTarget::Entra,
            ChangeCode::CreateServicePrincipal,
            [],
            "Create the app's service principal (its enterprise application).",
        ));
    }
    let others = key.other_keys_on_app.unwrap_or(0).to_string();
    match (key.action, certificate) {
        (KeyAction::Generate, _) => {
            changes.push(key_pair_change(key, certificate));
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::AddNewCertificate,
                [("others", others.clone())],
                format!(
                    "Add the PBX's new certificate to the app, keeping its {others} other key(s)."
                ),
            ));
        }
        (KeyAction::Reuse, Some(cert)) if key.on_app != Some(true) => {
            let thumbprint = cert.info.sha1_thumbprint.clone();
            let not_after = cert.info.not_after.clone();
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::AddCertificate,
                [
                    ("thumbprint", thumbprint.clone()),
                    ("not_after", not_after.clone()),
                    ("others", others.clone()),
                ],
                format!(
                    "Add the PBX's certificate (thumbprint {thumbprint}, valid until {not_after}) to the app, keeping its {others} other key(s)."
                ),
            ));
        }
        _ => {}
    }
    for permission in app.missing_grants() {
        let name = permission.name.clone();
        let grant = optional_grant_of(&name);
        let code = match grant {
            None => ChangeCode::GrantPermission,
            Some(OptionalGrant::MailSend) => ChangeCode::GrantPermissionMailSend,
            Some(OptionalGrant::UserPhone) => ChangeCode::GrantPermissionUserPhone,
        };
        let purpose = grant
            .map(|grant| format!(", for {}", grant.purpose()))
            .unwrap_or_default();
        changes.push(Change::action(
            ChangeTarget::Entra,
            code,
            [("permission", name.clone())],
            format!(
                "Grant the Graph application permission {name} (admin consent for the organisation{purpose})."
            ),
        ));
    }
    for revocation in revocations {
        let name = revocation.name.clone();
        changes.push(Change::action(
            ChangeTarget::Entra,
            ChangeCode::RemovePermission,
            [("permission", name.clone())],
            format!(
                "Remove the granted Graph application permission {name} (its admin consent): this PortSIP version with the chosen features does not need it."
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
    fn a_changed_sync_concurrency_is_a_change_on_this_computer() {
        let with = |concurrency: Option<u16>| {
            let mut options = SyncOptions::default();
            options.users.pbx_concurrency = concurrency;
            options
        };
        let change = concurrency_change(Some(&with(Some(12))), &with(Some(4)));
        assert_eq!(
            change.map(|c| (c.target, c.text())),
            Some((
                ChangeTarget::ThisComputer,
                "Users written to the PBX at once: 12 → 4".to_owned()
            ))
        );
        // No setting is the default, so emptying the field of a profile set to 8 changes nothing,
        // and a new profile is compared with the default too.
        assert!(concurrency_change(Some(&with(Some(8))), &with(None)).is_none());
        assert!(concurrency_change(None, &with(Some(8))).is_none());
        let new = concurrency_change(None, &with(Some(16))).map(|c| c.text());
        assert_eq!(
            new.as_deref(),
            Some("Users written to the PBX at once: 8 → 16")
        );
    }

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
        let labels: Vec<&str> = changes.iter().map(|c| c.summary.as_str()).collect();
        assert_eq!(labels, ["Sync schedule", "Sync users"]);
        let lines: Vec<String> = changes.iter().map(Change::text).collect();
        assert_eq!(
            lines,
            [
                "Sync schedule: 0 0 * * * → 30 2 * * *",
                "Sync users: false → true"
            ]
        );
        assert!(changes.iter().all(|c| c.code == ChangeCode::Setting));
        assert_eq!(
            settings_changes(&before, &desired, true)?[0].text(),
            "Application (client) ID: a → (the new app's ID)"
        );
        Ok(())
    }

    #[test]
    fn an_action_quotes_every_param_in_its_english_text() {
        let change = Change::action(
            ChangeTarget::Entra,
            ChangeCode::CreateApp,
            [
                ("name", "PortSIP PBX (contoso.example)".to_owned()),
                ("uris", "https://pbx/a, https://pbx/b".to_owned()),
                ("permissions", "User.Read.All, Contacts.Read".to_owned()),
            ],
            "Create the app registration \"PortSIP PBX (contoso.example)\": single tenant, web Redirect URI(s) https://pbx/a, https://pbx/b, ID tokens on, Graph application permissions User.Read.All, Contacts.Read.",
        );
        assert!(quotes_its_params(&change.summary, &change.params));
        assert_eq!(change.text(), change.summary);
        let mut missing = change.params.clone();
        missing.insert("permission".to_owned(), "Mail.Send".to_owned());
        assert!(!quotes_its_params(&change.summary, &missing));
    }
}
