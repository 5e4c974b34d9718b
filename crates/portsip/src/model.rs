//! Request and response bodies of the PortSIP REST API, field for field as in
//! `spec/portsip-openapi-subset.json`.
//!
//! Conventions, so every type reads the same way:
//! - the spec declares almost nothing as required in responses, so response fields are
//!   `Option`s (absent and `null` both become `None`) and unknown fields are ignored;
//! - request fields that are optional are `Option`s left out of the JSON when `None`, so a
//!   value read from the PBX and written back is sent exactly as received;
//! - enums keep values this client does not know in an `Other(String)` variant;
//! - passwords, PINs, tokens and keys are [`Secret`](crate::Secret)s.

mod audit_logs;
mod common;
mod contacts;
mod info;
mod ms365;
mod schedule;
mod status;
mod tenant;
mod users;
mod version;

pub use audit_logs::{AuditAction, AuditLog, AuditObjectType};
pub use common::{Created, Page, Role, SyncSource};
pub use contacts::{Contact, ContactDetails};
pub use info::Info;
pub use ms365::{
    AdminSignIn, FeatureSync, GlobalMs365Settings, GlobalMs365SettingsUpdate, Ms365App,
    Ms365Settings, Ms365SettingsUpdate, Ms365User, NationalCloud, SyncType, UsersSync,
};
pub use schedule::{DayHours, TimeRange, WeekHours};
pub use status::{HourlyCalls, TenantStatus};
pub use tenant::{ContactAppendType, ContactMatchType, E164, EventWebhook, Tenant, WebhookAuth};
pub use users::{
    Blf, CustomForwardRule, CustomRuleType, ForwardAction, ForwardRule, NewUser,
    NoAnswerForwardRule, OfficeHoursMode, OutboundCallerId, SipInterface, SipTransport,
    SmsPermission, User, UserOfficeHours, UserQuery, UserSettings, UserSummary, UserUpdate,
    VoicemailDateTime,
};
pub use version::{ParseVersionError, PbxVersion};
