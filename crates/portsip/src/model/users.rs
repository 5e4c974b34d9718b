use serde::{Deserialize, Serialize};

use super::{Role, SyncSource, WeekHours};
use crate::Secret;
use crate::string_enum::string_enum;

/// An item of `GET /users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSummary {
    /// User ID.
    pub id: Option<String>,
    /// Sign-in name.
    pub name: Option<String>,
    /// Whether the user is enabled (spec default true).
    pub enabled: Option<bool>,
    /// E-mail address.
    pub email: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Mobile phone number.
    pub mobile_phone: Option<String>,
    /// Work phone number.
    pub work_phone: Option<String>,
    /// Home phone number.
    pub home_phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Extension number.
    pub extension_number: Option<String>,
    /// Creation time, as PortSIP formats it.
    pub created_at: Option<String>,
    /// Avatar file name.
    pub avatar_file_name: Option<String>,
    /// Avatar file size in bytes.
    pub avatar_file_size: Option<i64>,
    /// Avatar URL.
    pub avatar_file_url: Option<String>,
    /// Set when the user came from a directory sync (`Microsoft 365`).
    pub sync_type: Option<SyncSource>,
}

/// `GET /users/{id}`: one user in full. Serializing it leaves out the voicemail PIN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// User ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Sign-in name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Extension number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension_number: Option<String>,
    /// Voicemail PIN (never serialized back out).
    #[serde(skip_serializing)]
    pub voicemail_pin: Option<Secret>,
    /// Profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Creation time, as PortSIP formats it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Avatar file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_file_name: Option<String>,
    /// Avatar file size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_file_size: Option<i64>,
    /// Avatar URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_file_url: Option<String>,
    /// Set when the user came from a directory sync (`Microsoft 365`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_type: Option<SyncSource>,
    /// Everything else, shared with [`NewUser`] and [`UserUpdate`].
    #[serde(flatten)]
    pub settings: UserSettings,
}

impl User {
    /// The editable part of this user, to change and send with
    /// [`Client::update_user`](crate::Client::update_user). The voicemail PIN is left out so
    /// an update does not resend it.
    pub fn to_update(&self) -> UserUpdate {
        UserUpdate {
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            voicemail_pin: None,
            settings: self.settings.clone(),
        }
    }
}

/// The body of `POST /users`. The first eight fields are the ones PortSIP requires.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Sign-in name: letters, digits, `_ - ' .`, not starting or ending with `.`; not one of
    /// the reserved `admin`, `system`, `administrator`, `root`.
    pub name: String,
    /// Display name: at most 1024 characters in PortSIP 22.2, 128 in 22.6. Cutting a longer
    /// name is the caller's decision; this client sends what it is given.
    pub display_name: String,
    /// Sign-in password.
    pub password: Secret,
    /// E-mail address.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Extension number: `[0-9]{3,}` without a leading zero.
    pub extension_number: String,
    /// SIP registration password.
    pub extension_password: Secret,
    /// Voicemail PIN, 6–10 characters.
    pub voicemail_pin: Secret,
    /// Everything optional.
    #[serde(flatten)]
    pub settings: UserSettings,
}

/// The body of `POST /users/{id}`: only the fields set are changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserUpdate {
    /// E-mail address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name. Optional in PortSIP 22.2 (at most 1024 characters); 22.6 requires it
    /// on every update, at most 128 characters. [`User::to_update`] carries the current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Voicemail PIN, 6–10 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voicemail_pin: Option<Secret>,
    /// Everything else.
    #[serde(flatten)]
    pub settings: UserSettings,
}

/// The optional user fields common to [`User`], [`NewUser`] and [`UserUpdate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSettings {
    /// Whether the user is enabled (spec default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Mobile phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// Work phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_phone: Option<String>,
    /// Home phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_phone: Option<String>,
    /// Postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Department.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Record audio calls (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_audio_recording: Option<bool>,
    /// Record video calls (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_video_recording: Option<bool>,
    /// Do not disturb.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dnd: Option<bool>,
    /// Automatic callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_acb: Option<bool>,
    /// Hot desking (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_hot_desking: Option<bool>,
    /// Hide the caller ID on outbound calls (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anonymous_outbound_calls: Option<bool>,
    /// SMS permission (spec default `DISABLE`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms: Option<SmsPermission>,
    /// Deliver the outbound caller ID (spec default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_outbound_cid: Option<bool>,
    /// Outbound caller IDs per provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outbound_caller_ids: Option<Vec<OutboundCallerId>>,
    /// Free-form custom options.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_options: Option<String>,
    /// The user's office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_hours: Option<UserOfficeHours>,
    /// Forwarding when available, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when available, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when available and nobody answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_no_answer_forward_rule: Option<NoAnswerForwardRule>,
    /// Forwarding when busy, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when busy, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when busy and nobody answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_no_answer_forward_rule: Option<NoAnswerForwardRule>,
    /// Forwarding when on do-not-disturb, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when on do-not-disturb, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dnd_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when away, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub away_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when away, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub away_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when at lunch, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lunch_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when at lunch, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lunch_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when on a business trip, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trip_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when on a business trip, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trip_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when offline, in office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline_office_hours_forward_rule: Option<ForwardRule>,
    /// Forwarding when offline, outside office hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline_non_office_hours_forward_rule: Option<ForwardRule>,
    /// Additional forwarding rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_forward_rules: Option<Vec<CustomForwardRule>>,
    /// Voicemail greeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voicemail_prompt: Option<String>,
    /// Require the voicemail PIN (spec default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_voicemail_pin: Option<bool>,
    /// E-mail on new voicemail (spec default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_voicemail_notify: Option<bool>,
    /// Announce the time of voicemails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voicemail_play_datetime: Option<VoicemailDateTime>,
    /// Which PBX address the user's phones register to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interface: Option<SipInterface>,
    /// Preferred SIP transport.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_transport: Option<SipTransport>,
    /// Busy lamp field keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blfs: Option<Vec<Blf>>,
}

/// Parameters of `GET /users`. The page size is the client's business; see
/// [`Client::users`](crate::Client::users).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    /// PortSIP filter expression.
    pub filter: Option<String>,
    /// Free-text search.
    pub search: Option<String>,
    /// Sort order.
    pub orderby: Option<String>,
}

impl UserQuery {
    pub(crate) fn query_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("filter", &self.filter),
            ("search", &self.search),
            ("orderby", &self.orderby),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|value| (name, value)))
        .collect()
    }
}

/// An outbound caller ID for one provider (trunk).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutboundCallerId {
    /// Provider (trunk) ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Caller ID shown on that provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_id: Option<String>,
    /// The preferred caller ID (users only; the tenant's list has no such field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred: Option<bool>,
}

/// A user's office hours: the tenant's (`GLOBAL`) or the user's own (`CUSTOM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserOfficeHours {
    /// Whose hours apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<OfficeHoursMode>,
    /// The user's own hours (for `CUSTOM`).
    #[serde(flatten)]
    pub hours: WeekHours,
}

/// A forwarding rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForwardRule {
    /// What to do. PortSIP accepts `RING_ANYWAY` only on the available/busy rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ForwardAction>,
    /// Target number for `FORWARD_TO_NUMBER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// A forwarding rule for unanswered calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoAnswerForwardRule {
    /// What to do (`RING_ANYWAY` is not accepted here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ForwardAction>,
    /// Target number for `FORWARD_TO_NUMBER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Seconds to ring first (spec default 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
}

/// A custom forwarding rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomForwardRule {
    /// What to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ForwardAction>,
    /// Target number for `FORWARD_TO_NUMBER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The caller ID the rule matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_id: Option<String>,
    /// When the rule applies.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub rule_type: Option<CustomRuleType>,
    /// The hours for `SPECIFIC_HOURS` and `OUTSIDE_SPECIFIC_HOURS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<WeekHours>,
}

/// A busy lamp field key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Blf {
    /// Key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

string_enum! {
    /// Whether a user may send SMS.
    pub enum SmsPermission {
        /// No SMS.
        Disable = "DISABLE",
        /// SMS allowed.
        Allow = "ALLOW",
        /// SMS allowed, with a sender ID.
        AllowWithSenderId = "ALLOW_WITH_SENDER_ID",
    }
}

string_enum! {
    /// Whose office hours apply to a user.
    pub enum OfficeHoursMode {
        /// The tenant's.
        Global = "GLOBAL",
        /// The user's own.
        Custom = "CUSTOM",
    }
}

string_enum! {
    /// What a forwarding rule does.
    pub enum ForwardAction {
        /// Forward to `number`.
        ForwardToNumber = "FORWARD_TO_NUMBER",
        /// Forward to voicemail.
        ForwardToVoicemail = "FORWARD_TO_VOICEMAIL",
        /// Ring the user anyway.
        RingAnyway = "RING_ANYWAY",
        /// Hang up.
        Hangup = "HANGUP",
    }
}

string_enum! {
    /// When a custom forwarding rule applies.
    pub enum CustomRuleType {
        /// Always.
        AllHours = "ALL_HOURS",
        /// In the rule's `hours`.
        SpecificHours = "SPECIFIC_HOURS",
        /// Outside the rule's `hours`.
        OutsideSpecificHours = "OUTSIDE_SPECIFIC_HOURS",
    }
}

string_enum! {
    /// Whether and how voicemail announces when a message was left.
    pub enum VoicemailDateTime {
        /// Not announced.
        Disable = "DISABLE",
        /// 12-hour clock.
        TwelveHourClock = "12_HOUR_CLOCK",
        /// 24-hour clock.
        TwentyFourHourClock = "24_HOUR_CLOCK",
    }
}

string_enum! {
    /// Which PBX address a user's phones register to.
    pub enum SipInterface {
        /// The web domain.
        WebDomain = "WEB_DOMAIN",
        /// The public IPv4 address.
        PublicIpv4 = "PUBLIC_IPV4",
        /// The public IPv6 address.
        PublicIpv6 = "PUBLIC_IPV6",
        /// The private IPv4 address.
        PrivateIpv4 = "PRIVATE_IPV4",
        /// The private IPv6 address.
        PrivateIpv6 = "PRIVATE_IPV6",
        /// The SBC's domain.
        SbcDomain = "SBC_DOMAIN",
    }
}

string_enum! {
    /// A SIP transport.
    pub enum SipTransport {
        /// UDP.
        Udp = "UDP",
        /// TCP.
        Tcp = "TCP",
        /// TLS.
        Tls = "TLS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_sends_the_required_fields_and_only_the_optional_ones_set()
    -> Result<(), serde_json::Error> {
        let user = NewUser {
            name: "alice".to_owned(),
            display_name: "Alice".to_owned(),
            password: Secret::new("Pw-1234567"),
            email: "alice@example.com".to_owned(),
            role: Role::StandardUser,
            extension_number: "1001".to_owned(),
            extension_password: Secret::new("Ext-1234567"),
            voicemail_pin: Secret::new("123456"),
            settings: UserSettings {
                enabled: Some(true),
                ..UserSettings::default()
            },
        };
        assert_eq!(
            serde_json::to_value(&user)?,
            serde_json::json!({"name":"alice","display_name":"Alice","password":"Pw-1234567",
                "email":"alice@example.com","role":"StandardUser","extension_number":"1001",
                "extension_password":"Ext-1234567","voicemail_pin":"123456","enabled":true})
        );
        let shown = format!("{user:?}");
        for secret in ["Pw-1234567", "Ext-1234567", "123456"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        Ok(())
    }

    #[test]
    fn a_full_user_reads_nested_rules_and_its_update_leaves_the_pin_out()
    -> Result<(), serde_json::Error> {
        let user: User = serde_json::from_str(
            r#"{"id":"7","name":"bob","email":"b@x","voicemail_pin":"654321","role":"Admin",
                "sync_type":"Microsoft 365","busy_no_answer_forward_rule":{"action":"HANGUP",
                "timeout":30},"office_hours":{"mode":"CUSTOM","monday":{"enabled":true,
                "ranges":[{"from":"09:00","to":"17:00"}]}},"custom_forward_rules":[{"type":
                "ALL_HOURS","action":"SOMETHING_NEW"}],"brand_new_field":[1,2]}"#,
        )?;
        assert_eq!(user.sync_type, Some(SyncSource::Microsoft365));
        assert_eq!(user.role, Some(Role::Admin));
        let rule = user
            .settings
            .busy_no_answer_forward_rule
            .clone()
            .unwrap_or_default();
        assert_eq!(rule.timeout, Some(30));
        let hours = user.settings.office_hours.clone().unwrap_or_default();
        assert_eq!(hours.mode, Some(OfficeHoursMode::Custom));
        assert!(hours.hours.monday.is_some());
        let custom = user
            .settings
            .custom_forward_rules
            .clone()
            .unwrap_or_default();
        assert_eq!(
            custom.first().and_then(|rule| rule.action.clone()),
            Some(ForwardAction::Other("SOMETHING_NEW".to_owned()))
        );

        let update = serde_json::to_value(user.to_update())?;
        assert_eq!(update.get("email"), Some(&serde_json::json!("b@x")));
        assert!(update.get("voicemail_pin").is_none());
        assert!(!serde_json::to_string(&user)?.contains("654321"));
        Ok(())
    }

    #[test]
    fn user_query_sends_only_what_is_set() {
        let query = UserQuery {
            search: Some("ali".to_owned()),
            ..UserQuery::default()
        };
        assert_eq!(query.query_pairs(), vec![("search", "ali".to_owned())]);
    }
}
