use serde::{Deserialize, Serialize};

use super::{OutboundCallerId, WeekHours};
use crate::Secret;
use crate::string_enum::string_enum;

/// `GET /tenant`: the signed-in tenant's configuration. Serializing it (e.g. for a `--json`
/// report) leaves out the secrets it holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tenant {
    /// Tenant ID.
    pub id: Option<String>,
    /// Tenant name.
    pub name: Option<String>,
    /// Tenant SIP domain.
    pub domain: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Time zone.
    pub timezone: Option<String>,
    /// Billing currency.
    pub currency: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Video recording enabled (spec default false).
    pub enable_video_recording: Option<bool>,
    /// Audio recording enabled (spec default false).
    pub enable_audio_recording: Option<bool>,
    /// Dual-track recording enabled (spec default false).
    pub enable_dual_track_recording: Option<bool>,
    /// Billing enabled (spec default false).
    pub enable_billing: Option<bool>,
    /// Billing feature licensed (spec default false).
    pub enable_feature_billing: Option<bool>,
    /// Call statistics feature licensed (spec default true).
    pub enable_feature_call_statistics: Option<bool>,
    /// Contact center feature licensed (spec default true).
    pub enable_feature_contact_center: Option<bool>,
    /// Message channels feature licensed (spec default true).
    pub enable_feature_message_channels: Option<bool>,
    /// Microsoft Teams feature licensed (spec default true).
    pub enable_feature_microsoft_teams: Option<bool>,
    /// Trunks feature licensed (spec default true).
    pub enable_feature_trunks: Option<bool>,
    /// WhatsApp feature licensed (spec default true).
    pub enable_feature_whats_app: Option<bool>,
    /// Night mode enabled (spec default false).
    pub enable_night_mode: Option<bool>,
    /// Two-factor authentication enforced (spec default false).
    pub enable_two_factor_authentication: Option<bool>,
    /// Free-form custom options.
    pub custom_options: Option<String>,
    /// Extension limit (spec default 1000).
    pub max_extensions: Option<i32>,
    /// Concurrent call limit (spec default 20).
    pub max_concurrent_calls: Option<i32>,
    /// Ring group limit (spec default 20).
    pub max_ring_groups: Option<i32>,
    /// Virtual receptionist limit (spec default 20).
    pub max_virtual_receptionists: Option<i32>,
    /// Call queue limit (spec default 20).
    pub max_call_queues: Option<i32>,
    /// Conference room limit (spec default 20).
    pub max_conference_rooms: Option<i32>,
    /// Disk quota.
    pub disk_quota: Option<String>,
    /// Disk quota used.
    pub used_disk_quota: Option<String>,
    /// Instant-messaging disk quota.
    pub im_disk_quota: Option<String>,
    /// Per-extension instant-messaging disk quota (spec default `1GB`).
    pub extension_im_disk_quota: Option<String>,
    /// Days recordings are kept (spec default 180).
    pub recording_retention: Option<i32>,
    /// Days call reports are kept (spec default 30).
    pub call_report_retention: Option<i64>,
    /// Days logs are kept (spec default 180).
    pub log_retention: Option<i64>,
    /// Days temporary files are kept (spec default 30).
    pub temp_file_retention: Option<i64>,
    /// The tenant's office hours.
    pub office_hours: Option<WeekHours>,
    /// Outbound caller IDs per provider.
    pub outbound_caller_ids: Option<Vec<OutboundCallerId>>,
    /// E.164 number normalisation.
    pub e164: Option<E164>,
    /// Webhook for call detail records.
    pub cdr_event: Option<EventWebhook>,
    /// Webhook for extension events.
    pub extension_event: Option<EventWebhook>,
    /// How caller numbers are matched to contacts (spec default `MATCH_EXACTLY`).
    pub contact_match_type: Option<ContactMatchType>,
    /// Digits compared when `contact_match_type` is `MATCH_LENGTH`.
    pub contact_match_length: Option<i32>,
    /// How the contact name is added to the caller ID (spec default `APPEND`).
    pub contact_append_type: Option<ContactAppendType>,
    /// Minutes between contact updates (spec default 720).
    pub contact_update_interval: Option<u32>,
    /// Users must change their password at next sign-in (spec default false).
    pub password_force_reset: Option<bool>,
    /// Avatar file name.
    pub avatar_file_name: Option<String>,
    /// Avatar file size in bytes.
    pub avatar_file_size: Option<i64>,
    /// Avatar URL.
    pub avatar_file_url: Option<String>,
    /// STIR/SHAKEN certificate.
    pub stir_shaken_cert: Option<String>,
    /// STIR/SHAKEN private key (never serialized back out).
    #[serde(skip_serializing)]
    pub stir_shaken_key: Option<Secret>,
}

/// E.164 number normalisation settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct E164 {
    /// Enabled (spec default false).
    pub enabled: Option<bool>,
    /// International dialling code.
    pub international_code: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Area code.
    pub area_code: Option<String>,
    /// National dialling code.
    pub national_code: Option<String>,
    /// Prefix.
    pub prefix: Option<String>,
    /// Remove special characters (spec default false).
    pub remove_special_chars: Option<bool>,
    /// Remove duplicate country codes (spec default true).
    pub remove_duplicate_countries: Option<bool>,
    /// Remove duplicate area codes (spec default true).
    pub remove_duplicate_area_codes: Option<bool>,
}

/// A webhook the PBX calls (`cdr_event`, `extension_event`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventWebhook {
    /// Enabled (spec default false).
    pub enabled: Option<bool>,
    /// Authentication scheme (spec default `DISABLE`).
    pub auth: Option<WebhookAuth>,
    /// User name for basic/digest authentication.
    pub username: Option<String>,
    /// Password for basic/digest authentication (never serialized back out).
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// Bearer token (never serialized back out).
    #[serde(skip_serializing)]
    pub token: Option<Secret>,
    /// Target URL.
    pub url: Option<String>,
}

string_enum! {
    /// How a webhook authenticates.
    pub enum WebhookAuth {
        /// No authentication.
        Disable = "DISABLE",
        /// HTTP basic.
        Basic = "BASIC",
        /// HTTP digest.
        Digest = "DIGEST",
        /// Bearer token.
        Bearer = "BEARER",
    }
}

string_enum! {
    /// How a caller's number is matched against contacts.
    pub enum ContactMatchType {
        /// No matching.
        Disable = "DISABLE",
        /// Whole number.
        MatchExactly = "MATCH_EXACTLY",
        /// The last `contact_match_length` digits.
        MatchLength = "MATCH_LENGTH",
    }
}

string_enum! {
    /// Where a matched contact's name goes in the caller ID.
    pub enum ContactAppendType {
        /// Not added.
        Disable = "DISABLE",
        /// After the caller ID.
        Append = "APPEND",
        /// Before the caller ID.
        Prepend = "PREPEND",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_secrets_stay_out_of_debug_output() -> Result<(), serde_json::Error> {
        let tenant: Tenant = serde_json::from_str(
            r#"{"domain":"t.example","cdr_event":{"auth":"BASIC","username":"hookuser",
                "password":"hookpass99","token":"tok-123456"},"stir_shaken_key":"-----BEGIN KEY"}"#,
        )?;
        let shown = format!("{tenant:?}");
        assert!(shown.contains("hookuser"), "{shown}");
        for secret in ["hookpass99", "tok-123456", "BEGIN KEY"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        let json = serde_json::to_string(&tenant)?;
        for secret in ["hookpass99", "tok-123456", "BEGIN KEY"] {
            assert!(!json.contains(secret), "{secret} leaked in {json}");
        }
        Ok(())
    }
}
