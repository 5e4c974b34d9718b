use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// The Microsoft cloud the integration talks to (spec default `GLOBAL`).
    #[derive(Default)]
    pub enum NationalCloud {
        /// The global Microsoft cloud.
        #[default]
        Global = "GLOBAL",
        /// Microsoft Azure operated by 21Vianet (China).
        China = "CHINA",
    }
}

string_enum! {
    /// Which Microsoft 365 users a feature applies to, together with `selected_users`
    /// (spec default `ALL`).
    ///
    /// Careful: PortSIP's published descriptions of `INCLUDE` and `EXCLUDE` read as if they
    /// were swapped. What they do — and how pbx365 presents them — is: `INCLUDE` = only the
    /// selected users, `EXCLUDE` = everyone except the selected users.
    #[derive(Default)]
    pub enum SyncType {
        /// Every user; `selected_users` is ignored.
        #[default]
        All = "ALL",
        /// Only the selected users.
        Include = "INCLUDE",
        /// Everyone except the selected users.
        Exclude = "EXCLUDE",
    }
}

/// The Entra application an integration uses: the body of `POST /admin/ms365`, and the
/// first three fields of every other Microsoft 365 settings body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ms365App {
    /// The Microsoft cloud.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_cloud: Option<NationalCloud>,
    /// The Entra directory (tenant) ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// The Entra application (client) ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

/// `GET /admin/ms365`: the system-wide integration (SystemAdmin only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GlobalMs365Settings {
    /// The editable part; send it back with [`Client::set_global_ms365`](crate::Client::set_global_ms365).
    #[serde(flatten)]
    pub app: Ms365App,
    /// Read-only: the Redirect URI to register on the Entra app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Read-only: the second Redirect URI, present when an SBC fronts the PBX; register it too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbc_redirect_uri: Option<String>,
}

/// The body of `POST /admin/ms365`.
pub type GlobalMs365SettingsUpdate = Ms365App;

/// The body of `POST /ms365`: the tenant's integration settings without the read-only fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ms365SettingsUpdate {
    /// Cloud, directory and application.
    #[serde(flatten)]
    pub app: Ms365App,
    /// When the PBX syncs: a crontab expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_time: Option<String>,
    /// User sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<UsersSync>,
    /// Who may sign in to the PBX as an administrator with Microsoft 365. PortSIP 22.6
    /// removed this block from `GET/POST /ms365` and refuses a body that carries it, so it is
    /// left out of the JSON when `None`: which versions get it is the caller's decision. A
    /// 22.6 PBX never shows it, so settings read there and sent back leave it out too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_as_administrator: Option<AdminSignIn>,
    /// Who may sign in to the PBX as a standard user with Microsoft 365.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_as_standard_user: Option<FeatureSync>,
    /// Personal contacts sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_contacts: Option<FeatureSync>,
    /// Shared mailbox contacts sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_mailbox: Option<FeatureSync>,
    /// Calendar events sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<FeatureSync>,
}

/// `GET /ms365`: the tenant's integration settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ms365Settings {
    /// The editable part; change it and send it back with [`Client::set_ms365`](crate::Client::set_ms365).
    #[serde(flatten)]
    pub settings: Ms365SettingsUpdate,
    /// Read-only: the Redirect URI to register on the Entra app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Read-only: the second Redirect URI, present when an SBC fronts the PBX; register it too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sbc_redirect_uri: Option<String>,
}

impl Ms365Settings {
    /// The Redirect URIs the Entra app must list: `redirect_uri`, then `sbc_redirect_uri`
    /// when there is one.
    pub fn redirect_uris(&self) -> Vec<&str> {
        [&self.redirect_uri, &self.sbc_redirect_uri]
            .into_iter()
            .filter_map(|uri| uri.as_deref())
            .filter(|uri| !uri.is_empty())
            .collect()
    }
}

/// The `users` block: syncing Microsoft 365 users into PBX users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsersSync {
    /// Enabled (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Also sync guest accounts (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_guest_users: Option<bool>,
    /// Sync profile photos (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_photo: Option<bool>,
    /// First extension number given to synced users: 3–13 digits, no leading zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_extension_number: Option<String>,
    /// User principal names that `sync_type` refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_users: Option<Vec<String>>,
    /// Which users are synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_type: Option<SyncType>,
}

/// `sign_in_as_administrator`: the only feature block without a `sync_type`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdminSignIn {
    /// Enabled (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// User principal names allowed to sign in as administrators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_users: Option<Vec<String>>,
}

/// A feature block with `enabled`, `selected_users` and `sync_type`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeatureSync {
    /// Enabled (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// User principal names that `sync_type` refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_users: Option<Vec<String>>,
    /// Which users the feature applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_type: Option<SyncType>,
}

/// An item of `GET /ms365/users`: a Microsoft 365 user as the PBX sees it through Graph.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ms365User {
    /// The Entra object ID.
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_leaves_out_read_only_fields() -> Result<(), serde_json::Error> {
        let read: Ms365Settings = serde_json::from_str(
            r#"{"national_cloud":"GLOBAL","directory_id":"d","application_id":"a",
                "redirect_uri":"https://pbx/r","sbc_redirect_uri":"https://sbc/r",
                "sync_time":"0 0 * * *","users":{"enabled":true,"sync_type":"EXCLUDE",
                "selected_users":["a@x"],"starting_extension_number":"1000"},
                "sign_in_as_administrator":{"enabled":false},"future_block":{"x":1}}"#,
        )?;
        assert_eq!(read.redirect_uris(), vec!["https://pbx/r", "https://sbc/r"]);
        assert_eq!(
            read.settings.app.national_cloud,
            Some(NationalCloud::Global)
        );
        let users = read.settings.users.clone().unwrap_or_default();
        assert_eq!(users.sync_type, Some(SyncType::Exclude));

        let sent = serde_json::to_value(&read.settings)?;
        assert_eq!(
            sent,
            serde_json::json!({"national_cloud":"GLOBAL","directory_id":"d","application_id":"a",
                "sync_time":"0 0 * * *","users":{"enabled":true,"sync_type":"EXCLUDE",
                "selected_users":["a@x"],"starting_extension_number":"1000"},
                "sign_in_as_administrator":{"enabled":false}})
        );
        Ok(())
    }

    #[test]
    fn an_unknown_national_cloud_is_sent_raw() -> Result<(), serde_json::Error> {
        let update = Ms365SettingsUpdate {
            app: Ms365App {
                national_cloud: Some(NationalCloud::Other("MARS".to_owned())),
                ..Ms365App::default()
            },
            ..Ms365SettingsUpdate::default()
        };
        assert_eq!(
            serde_json::to_value(&update)?,
            serde_json::json!({"national_cloud":"MARS"})
        );
        Ok(())
    }

    /// 22.6 shows no `sign_in_as_administrator` and refuses it; read there and sent back,
    /// the settings must not grow one, not even as `null`.
    #[test]
    fn settings_without_admin_sign_in_are_sent_back_without_it() -> Result<(), serde_json::Error> {
        for shown in [
            r#"{"directory_id":"d","sign_in_as_standard_user":{"enabled":true}}"#,
            r#"{"directory_id":"d","sign_in_as_standard_user":{"enabled":true},
                "sign_in_as_administrator":null}"#,
        ] {
            let read: Ms365Settings = serde_json::from_str(shown)?;
            assert_eq!(read.settings.sign_in_as_administrator, None, "{shown}");
            let sent = serde_json::to_value(&read.settings)?;
            assert_eq!(
                sent,
                serde_json::json!({"directory_id":"d","sign_in_as_standard_user":{"enabled":true}}),
                "{shown}"
            );
        }
        let mut update = Ms365SettingsUpdate {
            sign_in_as_administrator: Some(AdminSignIn::default()),
            ..Ms365SettingsUpdate::default()
        };
        assert_eq!(
            serde_json::to_value(&update)?,
            serde_json::json!({"sign_in_as_administrator":{}})
        );
        update.sign_in_as_administrator = None;
        assert_eq!(serde_json::to_value(&update)?, serde_json::json!({}));
        Ok(())
    }

    #[test]
    fn missing_sbc_uri_gives_a_single_redirect_uri() {
        let settings = Ms365Settings {
            redirect_uri: Some("https://pbx/r".to_owned()),
            sbc_redirect_uri: Some(String::new()),
            ..Ms365Settings::default()
        };
        assert_eq!(settings.redirect_uris(), vec!["https://pbx/r"]);
    }
}
