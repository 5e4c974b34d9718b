use serde::{Deserialize, Serialize};

use crate::string_enum::string_enum;

/// An item of `GET /audit_logs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditLog {
    /// Entry ID.
    pub id: Option<String>,
    /// When it happened, as PortSIP formats it.
    pub created_at: Option<String>,
    /// Where the action came from.
    pub source: Option<String>,
    /// The client's IP address (the spec gives it a date-time format; it is kept as text).
    pub ip: Option<String>,
    /// What was done.
    pub action: Option<AuditAction>,
    /// What kind of object it was done to.
    pub object_type: Option<AuditObjectType>,
    /// Who did it.
    pub user_name: Option<String>,
    /// The object's name.
    pub object_name: Option<String>,
    /// The object before.
    pub old_state: Option<String>,
    /// The object after.
    pub new_state: Option<String>,
}

string_enum! {
    /// What an audit log entry records.
    pub enum AuditAction {
        /// Created.
        Create = "CREATE",
        /// Updated.
        Update = "UPDATE",
        /// Deleted.
        Delete = "DELETE",
        /// Signed in.
        Login = "LOGIN",
        /// Signed out.
        Logout = "LOGOUT",
        /// Credit recharged.
        Recharge = "RECHARGE",
    }
}

string_enum! {
    /// The kind of object an audit log entry is about.
    pub enum AuditObjectType {
        /// `ALLOWED_COUNTRY_CODES`.
        AllowedCountryCodes = "ALLOWED_COUNTRY_CODES",
        /// `AUTOMATIC_CALLBACK`.
        AutomaticCallback = "AUTOMATIC_CALLBACK",
        /// `BILLING`.
        Billing = "BILLING",
        /// `BLACKLISTED_NUMBER`.
        BlacklistedNumber = "BLACKLISTED_NUMBER",
        /// `BLOCK_CODE`.
        BlockCode = "BLOCK_CODE",
        /// `CALL_PARK_GROUP`.
        CallParkGroup = "CALL_PARK_GROUP",
        /// `CALL_PARK_SERVER`.
        CallParkServer = "CALL_PARK_SERVER",
        /// `CALL_PICKUP_GROUP`.
        CallPickupGroup = "CALL_PICKUP_GROUP",
        /// `CALL_QUEUE`.
        CallQueue = "CALL_QUEUE",
        /// `CALL_QUEUE_BLACKLISTED_NUM`.
        CallQueueBlacklistedNum = "CALL_QUEUE_BLACKLISTED_NUM",
        /// `CALL_QUEUE_SERVER`.
        CallQueueServer = "CALL_QUEUE_SERVER",
        /// `CALL_RECORDING`.
        CallRecording = "CALL_RECORDING",
        /// `CALL_REPORT`.
        CallReport = "CALL_REPORT",
        /// `CONFERENCE_ROOM`.
        ConferenceRoom = "CONFERENCE_ROOM",
        /// `CONFERENCE_SERVER`.
        ConferenceServer = "CONFERENCE_SERVER",
        /// `CONTACT`.
        Contact = "CONTACT",
        /// `CONTACT_GROUP`.
        ContactGroup = "CONTACT_GROUP",
        /// `CUSTOM_EMAIL_TEMPLATE`.
        CustomEmailTemplate = "CUSTOM_EMAIL_TEMPLATE",
        /// `DEALER`.
        Dealer = "DEALER",
        /// `EMERGENCY_NUMBER`.
        EmergencyNumber = "EMERGENCY_NUMBER",
        /// `EXCLUSIVE_NUMBER`.
        ExclusiveNumber = "EXCLUSIVE_NUMBER",
        /// `FEATURE_ACCESS_CODE`.
        FeatureAccessCode = "FEATURE_ACCESS_CODE",
        /// `HOLIDAY`.
        Holiday = "HOLIDAY",
        /// `HOT_DESKING`.
        HotDesking = "HOT_DESKING",
        /// `INBOUND_RULE`.
        InboundRule = "INBOUND_RULE",
        /// `IP_BLACKLIST`.
        IpBlacklist = "IP_BLACKLIST",
        /// `IVR`.
        Ivr = "IVR",
        /// `IVR_SERVER`.
        IvrServer = "IVR_SERVER",
        /// `LOGIN`.
        Login = "LOGIN",
        /// `MEDIA_SERVER`.
        MediaServer = "MEDIA_SERVER",
        /// `MICROSOFT_365_INTEGRATION`.
        Microsoft365Integration = "MICROSOFT_365_INTEGRATION",
        /// `MOBILE_PUSH`.
        MobilePush = "MOBILE_PUSH",
        /// `MOH`.
        Moh = "MOH",
        /// `MONITOR_GROUP`.
        MonitorGroup = "MONITOR_GROUP",
        /// `MONITOR_SERVER`.
        MonitorServer = "MONITOR_SERVER",
        /// `OUTBOUND_RULE`.
        OutboundRule = "OUTBOUND_RULE",
        /// `PHONE_TEMPLATE`.
        PhoneTemplate = "PHONE_TEMPLATE",
        /// `PROVIDER`.
        Provider = "PROVIDER",
        /// `RATING`.
        Rating = "RATING",
        /// `RING_GROUP`.
        RingGroup = "RING_GROUP",
        /// `ROLE`.
        Role = "ROLE",
        /// `SHARED_VOICEMAIL`.
        SharedVoicemail = "SHARED_VOICEMAIL",
        /// `SYSTEM`.
        System = "SYSTEM",
        /// `TENANT`.
        Tenant = "TENANT",
        /// `TRANSPORT`.
        Transport = "TRANSPORT",
        /// `USER`.
        User = "USER",
        /// `USER_GROUP`.
        UserGroup = "USER_GROUP",
        /// `VIP_NUMBER`.
        VipNumber = "VIP_NUMBER",
        /// `VOICEMAIL_SERVER`.
        VoicemailServer = "VOICEMAIL_SERVER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_its_enums_and_keeps_unknown_object_types() -> Result<(), serde_json::Error> {
        let entries: Vec<AuditLog> = serde_json::from_str(
            r#"[{"id":"1","action":"UPDATE","object_type":"MICROSOFT_365_INTEGRATION"},
                {"id":"2","action":"LOGIN","object_type":"TEAMS_BRIDGE","ip":"10.0.0.1"}]"#,
        )?;
        let kinds: Vec<_> = entries
            .iter()
            .map(|entry| entry.object_type.clone())
            .collect();
        assert_eq!(
            kinds,
            vec![
                Some(AuditObjectType::Microsoft365Integration),
                Some(AuditObjectType::Other("TEAMS_BRIDGE".to_owned()))
            ]
        );
        assert_eq!(
            entries.get(1).and_then(|entry| entry.action.clone()),
            Some(AuditAction::Login)
        );
        Ok(())
    }
}
