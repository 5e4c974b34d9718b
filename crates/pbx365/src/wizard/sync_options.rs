//! Step 6: sync options — checked (schedule, starting extension free on the PBX, user lists)
//! and turned into the PBX's `/ms365` settings.

use std::collections::{BTreeSet, HashSet};

use futures::TryStreamExt;
use portsip::model::{
    AdminSignIn, FeatureSync, Ms365App, Ms365SettingsUpdate, SyncType, UsersSync,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::Error;
use crate::access::sessions::national_cloud;
use crate::features::Feature;
use crate::input::{FieldError, GuidField, check_extension, check_guid, check_user_principal_name};
use crate::pbx_versions::Traits;
use crate::profile::{CloudChoice, GroupRef, Mode, SyncOptions, UserScope};
use crate::progress::{ProgressText, StepContext, StepId};
use crate::schedule::{Schedule, format_run};
use crate::time_zone;

/// Something the admin should know about the accepted options, as a code with parameters: the
/// UI words it from its catalogue, the CLI and the review print the English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SyncOptionsNotice {
    /// PortSIP 22.6 has no "administrators sign in with Microsoft": the saved list is dropped.
    AdministratorsDropped { administrators: Vec<String> },
}

impl std::fmt::Display for SyncOptionsNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncOptionsNotice::AdministratorsDropped { administrators } => write!(
                f,
                "{ADMIN_SIGN_IN_GONE} The {} administrator(s) this profile listed ({}) are no \
                 longer sent to the PBX.",
                administrators.len(),
                administrators.join(", ")
            ),
        }
    }
}

/// What step 6 accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SyncOptionsSummary {
    pub options: SyncOptions,
    /// What the admin should know about these options on this PBX (e.g. a choice its PortSIP
    /// version no longer has, dropped).
    pub notices: Vec<SyncOptionsNotice>,
    /// The next five runs, `YYYY-MM-DD HH:MM` in the PBX's time zone.
    pub next_runs: Vec<String>,
    pub timezone: Option<String>,
}

/// The schedule's next `count` runs, `YYYY-MM-DD HH:MM` in the PBX's time zone (`timezone`,
/// as `/tenant` names it; UTC when unknown): crontab times are the PBX's wall-clock times.
pub fn next_runs(schedule: &Schedule, timezone: Option<&str>, count: usize) -> Vec<String> {
    next_runs_after(schedule, timezone, OffsetDateTime::now_utc(), count)
}

fn next_runs_after(
    schedule: &Schedule,
    timezone: Option<&str>,
    now: OffsetDateTime,
    count: usize,
) -> Vec<String> {
    let offset = timezone
        .and_then(|zone| time_zone::offset_at(zone, now))
        .unwrap_or(time::UtcOffset::UTC);
    let local = now.to_offset(offset);
    schedule
        .next_runs(
            time::PrimitiveDateTime::new(local.date(), local.time()),
            count,
        )
        .into_iter()
        .map(format_run)
        .collect()
}

/// Why a scope of groups is refused on a feature other than user sync.
const GROUPS_ONLY_FOR_USERS: &str = "Groups can scope only the user sync. Choose All, Only or \
     All except for this selection.";

/// A group scope's groups: at least one, each a valid object ID, each once.
fn checked_groups(field: &str, groups: &[GroupRef]) -> Result<Vec<GroupRef>, FieldError> {
    if groups.is_empty() {
        return Err(FieldError::new(
            field,
            "Choose at least one group whose members are synced, or choose All.",
        ));
    }
    let mut checked: Vec<GroupRef> = Vec::with_capacity(groups.len());
    for group in groups {
        // The GUID rules are the tenant ID's; the sentence is the group's.
        let id = check_guid(GuidField::TenantId, &group.id).map_err(|_| {
            FieldError::new(
                field,
                format!(
                    "\"{}\" is not a group's object ID (a GUID such as \
                     0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90). Choose the group again.",
                    group.id.trim()
                ),
            )
        })?;
        if checked.iter().any(|g| g.id == id) {
            continue;
        }
        let display_name = match group.display_name.trim() {
            "" => id.clone(),
            name => name.to_owned(),
        };
        checked.push(GroupRef { id, display_name });
    }
    Ok(checked)
}

/// Guided mode gives pbx365 no Graph access, and only Graph tells who is in a group.
pub(crate) fn check_groups_mode(mode: Mode, options: &SyncOptions) -> Result<(), FieldError> {
    if mode == Mode::Guided && !options.users.scope.groups().is_empty() {
        return Err(FieldError::new(
            "users.scope",
            "Scoping user sync to groups needs automatic mode: only Microsoft Graph tells who \
             is in a group, and in guided mode pbx365 does not sign in to it. Choose the users \
             themselves (All, Only or All except), or set the profile up in automatic mode.",
        ));
    }
    Ok(())
}

/// Checks that the group scope's groups exist and takes their current names from the
/// directory (a group chosen by ID alone gets its name here). Nothing to do without Graph or
/// without a group scope.
pub(crate) async fn resolve_groups(
    graph: Option<entra::GraphClient>,
    profile: &str,
    mut options: SyncOptions,
) -> Result<SyncOptions, Error> {
    // IDs are checked before they are sent anywhere.
    options.users.scope = checked_user_scope(&options.users.scope)?;
    let (Some(graph), UserScope::Groups { groups }) = (graph, &mut options.users.scope) else {
        return Ok(options);
    };
    for group in groups.iter_mut() {
        match graph.group(&group.id).await {
            Ok(Some(found)) => {
                if let Some(name) = found.display_name.filter(|n| !n.trim().is_empty()) {
                    group.display_name = name;
                }
            }
            Ok(None) => {
                return Err(FieldError::new(
                    "users.scope",
                    format!(
                        "No group with the ID {} exists in this Microsoft 365 tenant. Choose the \
                         group again (its object ID is on its Overview page in the Entra admin \
                         center).",
                        group.id
                    ),
                )
                .into());
            }
            Err(error) if error.graph_code() == Some("Authorization_RequestDenied") => {
                return Err(groups_denied(profile));
            }
            Err(error) => return Err(Error::Microsoft(error)),
        }
    }
    Ok(options)
}

fn groups_denied(profile: &str) -> Error {
    Error::GroupsNotReadable {
        profile: profile.to_owned(),
    }
}

/// The user principal names of the group scope's members, read through Graph (`None` outside
/// automatic mode); empty when user sync is not scoped to groups.
pub(crate) async fn group_members(
    graph: Option<entra::GraphClient>,
    profile: &str,
    options: &SyncOptions,
) -> Result<Vec<String>, Error> {
    let groups = options.users.scope.groups();
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let Some(graph) = graph else {
        check_groups_mode(Mode::Guided, options)?;
        return Ok(Vec::new());
    };
    crate::sync::group_member_names(&graph, groups)
        .await
        .map_err(|error| match error {
            crate::sync::SyncError::GroupsDenied { .. } => groups_denied(profile),
            crate::sync::SyncError::GroupGone { name, id } => FieldError::new(
                "users.scope",
                format!(
                    "The group \"{name}\" ({id}) no longer exists in Microsoft 365. Choose the \
                     groups again."
                ),
            )
            .into(),
            crate::sync::SyncError::Graph(error) => Error::Microsoft(error),
            other => FieldError::new("users.scope", other.to_string()).into(),
        })
}

fn checked_scope(field: &str, scope: &UserScope) -> Result<UserScope, FieldError> {
    let list = |users: &[String]| -> Result<Vec<String>, FieldError> {
        if users.is_empty() {
            return Err(FieldError::new(
                field,
                "Choose at least one user for this selection, or choose All.",
            ));
        }
        users
            .iter()
            .map(|u| check_user_principal_name(field, u))
            .collect()
    };
    Ok(match scope {
        UserScope::All => UserScope::All,
        UserScope::Only { users } => UserScope::Only {
            users: list(users)?,
        },
        UserScope::AllExcept { users } => UserScope::AllExcept {
            users: list(users)?,
        },
        UserScope::Groups { .. } => return Err(FieldError::new(field, GROUPS_ONLY_FOR_USERS)),
    })
}

/// The user sync's scope: a list of users as elsewhere, or groups.
fn checked_user_scope(scope: &UserScope) -> Result<UserScope, FieldError> {
    match scope {
        UserScope::Groups { groups } => Ok(UserScope::Groups {
            groups: checked_groups("users.scope", groups)?,
        }),
        other => checked_scope("users.scope", other),
    }
}

/// What step 6 checks before asking the PBX anything: the schedule, the user lists and the
/// starting extension's form. Returns the options as they will be kept, and the schedule.
pub(crate) fn check_locally(
    features: &BTreeSet<Feature>,
    options: SyncOptions,
) -> Result<(SyncOptions, Schedule), Error> {
    let schedule = Schedule::parse(&options.sync_time)?;
    let mut checked = SyncOptions {
        sync_time: schedule.expression().to_owned(),
        ..options
    };
    checked.users.scope = checked_user_scope(&checked.users.scope)?;
    checked.sso.standard_users = checked_scope("sso.standard_users", &checked.sso.standard_users)?;
    checked.sso.administrators = checked
        .sso
        .administrators
        .iter()
        .map(|u| check_user_principal_name("sso.administrators", u))
        .collect::<Result<_, _>>()?;
    checked.personal_contacts = checked_scope("personal_contacts", &checked.personal_contacts)?;
    checked.shared_mailboxes = checked_scope("shared_mailboxes", &checked.shared_mailboxes)?;
    checked.users.starting_extension = checked
        .users
        .starting_extension
        .as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if let Some(start) = starting_extension(features, &checked) {
        check_extension(start)?;
    }
    if let Some(concurrency) = checked.users.pbx_concurrency {
        crate::sync::check_pbx_concurrency(concurrency)?;
    }
    Ok((checked, schedule))
}

/// The first extension for synced users, when user sync is chosen and one is set.
fn starting_extension<'a>(
    features: &BTreeSet<Feature>,
    options: &'a SyncOptions,
) -> Option<&'a str> {
    options
        .users
        .starting_extension
        .as_deref()
        .filter(|_| features.contains(&Feature::Users))
}

/// Checks the options against the chosen features and the PBX's users.
pub(crate) async fn check(
    client: &portsip::Client,
    features: &BTreeSet<Feature>,
    options: SyncOptions,
    pbx: (&Traits, Option<&SyncOptions>),
    timezone: Option<String>,
    ctx: &StepContext,
) -> Result<SyncOptionsSummary, Error> {
    let (traits, saved) = pbx;
    let (mut checked, schedule) = check_locally(features, options)?;
    let notices = fit_version(&mut checked, traits, saved)?;
    if let Some(start) = starting_extension(features, &checked) {
        let taken = taken_extensions(client, ctx).await?;
        if let Some(owner) = taken.get(start) {
            return Err(FieldError::new(
                "starting_extension",
                format!(
                    "The extension {start} already belongs to the PBX user {owner}. Pick a starting \
                     extension that is free, e.g. the first number of an unused range such as {}.",
                    suggest_free(start, &taken)
                ),
            )
            .into());
        }
    }
    Ok(SyncOptionsSummary {
        next_runs: next_runs(&schedule, timezone.as_deref(), 5),
        options: checked,
        notices,
        timezone,
    })
}

/// Fits the options to what this PBX's PortSIP version has. "Administrators sign in with
/// Microsoft" is gone from 22.6: a saved profile's list is dropped with a notice (the upgrade
/// must not break it), a list the admin just gave is refused.
fn fit_version(
    options: &mut SyncOptions,
    traits: &Traits,
    saved: Option<&SyncOptions>,
) -> Result<Vec<SyncOptionsNotice>, FieldError> {
    if traits.admin_sign_in || options.sso.administrators.is_empty() {
        return Ok(Vec::new());
    }
    let from_saved =
        saved.is_some_and(|saved| saved.sso.administrators == options.sso.administrators);
    if !from_saved {
        return Err(FieldError::new(
            "sso.administrators",
            ADMIN_SIGN_IN_GONE.to_owned() + " Leave the list of administrators empty.",
        ));
    }
    let administrators = std::mem::take(&mut options.sso.administrators);
    Ok(vec![SyncOptionsNotice::AdministratorsDropped {
        administrators,
    }])
}

/// Why "administrators sign in with Microsoft" is not offered, in one line.
pub const ADMIN_SIGN_IN_GONE: &str = "PortSIP 22.6 removed \"administrators sign in with \
     Microsoft\": administrators sign in with their PBX password.";

/// Extension number → the user holding it.
async fn taken_extensions(
    client: &portsip::Client,
    ctx: &StepContext,
) -> Result<std::collections::HashMap<String, String>, Error> {
    let mut taken = std::collections::HashMap::new();
    let mut users = std::pin::pin!(client.users(&portsip::model::UserQuery::default()));
    let mut read = 0u32;
    while let Some(user) = users.try_next().await? {
        read += 1;
        if read.is_multiple_of(100) {
            ctx.report(StepId::SyncOptions, ProgressText::ReadPbxUsers { read });
        }
        if let Some(extension) = user.extension_number {
            let owner = user.name.or(user.display_name).unwrap_or_default();
            taken.insert(extension, owner);
        }
    }
    Ok(taken)
}

/// A free number of the same length, a thousand or a hundred above the taken one.
fn suggest_free(start: &str, taken: &std::collections::HashMap<String, String>) -> String {
    let used: HashSet<&str> = taken.keys().map(String::as_str).collect();
    let base: u64 = start.parse().unwrap_or(1000);
    let step = if start.len() >= 4 { 1000 } else { 100 };
    (1..=20)
        .map(|i| (base / step + i) * step)
        .map(|n| n.to_string())
        .find(|n| n.len() == start.len() && !used.contains(n.as_str()))
        .unwrap_or_else(|| format!("{}", base + 1))
}

/// PortSIP's `sync_type` and `selected_users` for a scope. `INCLUDE` syncs only the selected
/// users and `EXCLUDE` everyone except them (PortSIP's descriptions read as if swapped). A
/// scope of groups is `INCLUDE` with the groups' `members` (PortSIP has no field for groups).
fn sync_type(scope: &UserScope, members: &[String]) -> (SyncType, Vec<String>) {
    match scope {
        UserScope::All => (SyncType::All, Vec::new()),
        UserScope::Only { users } => (SyncType::Include, users.clone()),
        UserScope::AllExcept { users } => (SyncType::Exclude, users.clone()),
        UserScope::Groups { .. } => (SyncType::Include, members.to_vec()),
    }
}

fn feature_block(enabled: bool, scope: &UserScope) -> FeatureSync {
    // Groups were refused on these blocks when the options were checked.
    let (sync_type, selected) = sync_type(scope, &[]);
    FeatureSync {
        enabled: Some(enabled),
        selected_users: Some(selected),
        sync_type: Some(sync_type),
    }
}

/// The `/ms365` settings the profile asks for. Features not chosen are switched off: the app
/// does not hold their permissions, so they could not work. `group_members` are the user
/// principal names of a group scope's members ([`group_members`]).
pub(crate) fn desired_settings(
    cloud: &CloudChoice,
    tenant_id: &str,
    app_id: Option<&str>,
    features: &BTreeSet<Feature>,
    options: &SyncOptions,
    traits: &Traits,
    group_members: &[String],
) -> Ms365SettingsUpdate {
    let users_on = features.contains(&Feature::Users);
    let sso_on = features.contains(&Feature::Sso);
    let (users_type, users_selected) = sync_type(&options.users.scope, group_members);
    Ms365SettingsUpdate {
        app: Ms365App {
            national_cloud: Some(national_cloud(cloud)),
            directory_id: Some(tenant_id.to_owned()),
            application_id: app_id.map(str::to_owned),
        },
        sync_time: Some(options.sync_time.clone()),
        users: Some(UsersSync {
            enabled: Some(users_on),
            sync_guest_users: Some(options.users.sync_guests),
            sync_photo: Some(options.users.sync_photos),
            starting_extension_number: options.users.starting_extension.clone(),
            selected_users: Some(users_selected),
            sync_type: Some(users_type),
        }),
        // Never sent to a PBX whose version removed it: 22.6 refuses the whole body.
        sign_in_as_administrator: traits.admin_sign_in.then(|| AdminSignIn {
            enabled: Some(sso_on && !options.sso.administrators.is_empty()),
            selected_users: Some(options.sso.administrators.clone()),
        }),
        sign_in_as_standard_user: Some(feature_block(sso_on, &options.sso.standard_users)),
        personal_contacts: Some(feature_block(
            features.contains(&Feature::PersonalContacts),
            &options.personal_contacts,
        )),
        shared_mailbox: Some(feature_block(
            features.contains(&Feature::SharedMailbox),
            &options.shared_mailboxes,
        )),
        events: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dropped() -> SyncOptionsNotice {
        SyncOptionsNotice::AdministratorsDropped {
            administrators: vec!["anna@contoso.example".into(), "ben@contoso.example".into()],
        }
    }

    #[test]
    fn a_notice_names_its_values_in_english() {
        let english = dropped().to_string();
        assert!(english.starts_with(ADMIN_SIGN_IN_GONE), "{english}");
        assert!(
            english.contains("The 2 administrator(s) this profile listed (anna@contoso.example, ben@contoso.example)"),
            "{english}"
        );
    }

    /// The UI's catalogue test words each of these (ui/src/lib/sync-options/notices.test.ts).
    #[test]
    fn export_bindings_sync_options_notice_samples() -> Result<(), Box<dyn std::error::Error>> {
        let pairs = [serde_json::json!({ "message": dropped().to_string(), "notice": dropped() })];
        crate::text_samples::write("sync-options-notice-samples.json", &pairs)
    }

    #[test]
    fn scopes_map_to_portsip_sync_types() -> Result<(), serde_json::Error> {
        let mut options = SyncOptions::default();
        options.users.scope = UserScope::Only {
            users: vec!["a@contoso.example".into()],
        };
        options.personal_contacts = UserScope::AllExcept {
            users: vec!["b@contoso.example".into()],
        };
        let features: BTreeSet<Feature> = [Feature::Users, Feature::PersonalContacts].into();
        let body = serde_json::to_value(desired_settings(
            &CloudChoice::China,
            "t",
            Some("a"),
            &features,
            &options,
            &crate::pbx_versions::traits_of(crate::pbx_versions::OLDEST),
            &[],
        ))?;
        assert_eq!(body["national_cloud"], "CHINA");
        assert_eq!(body["users"]["sync_type"], "INCLUDE");
        assert_eq!(body["users"]["selected_users"][0], "a@contoso.example");
        assert_eq!(body["personal_contacts"]["sync_type"], "EXCLUDE");
        assert_eq!(body["personal_contacts"]["enabled"], true);
        assert_eq!(body["shared_mailbox"]["enabled"], false);
        assert_eq!(body["sign_in_as_standard_user"]["enabled"], false);
        assert!(body.get("events").is_none());
        assert!(body["users"].get("starting_extension_number").is_none());
        Ok(())
    }

    #[test]
    fn groups_scope_only_user_sync_and_need_automatic_mode() -> Result<(), Error> {
        let sales = GroupRef {
            id: " 5D2F0C1E-1111-4000-8000-000000000001 ".into(),
            display_name: " Sales ".into(),
        };
        let mut options = SyncOptions::default();
        options.users.scope = UserScope::Groups {
            groups: vec![sales.clone(), sales.clone()],
        };
        let features: BTreeSet<Feature> = [Feature::Users].into();
        let (checked, _) = check_locally(&features, options.clone())?;
        assert_eq!(
            checked.users.scope.groups(),
            [GroupRef {
                id: "5d2f0c1e-1111-4000-8000-000000000001".into(),
                display_name: "Sales".into(),
            }]
        );
        let body = serde_json::to_value(desired_settings(
            &CloudChoice::Global,
            "t",
            None,
            &features,
            &checked,
            &crate::pbx_versions::traits_of(crate::pbx_versions::OLDEST),
            &["a@x".to_owned()],
        ))
        .map_err(|e| FieldError::new("x", e.to_string()))?;
        assert_eq!(body["users"]["sync_type"], "INCLUDE");
        assert_eq!(body["users"]["selected_users"], serde_json::json!(["a@x"]));

        assert!(
            check_groups_mode(Mode::Guided, &checked)
                .is_err_and(|e| e.message.contains("automatic mode"))
        );
        assert!(check_groups_mode(Mode::Auto, &checked).is_ok());

        let mut empty = options.clone();
        empty.users.scope = UserScope::Groups { groups: vec![] };
        let refused = check_locally(&features, empty).err().map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("at least one group")));
        let mut bad_id = options.clone();
        bad_id.users.scope = UserScope::Groups {
            groups: vec![GroupRef {
                id: "Sales".into(),
                display_name: "Sales".into(),
            }],
        };
        assert!(check_locally(&features, bad_id).is_err());
        let mut on_contacts = options;
        on_contacts.personal_contacts = on_contacts.users.scope.clone();
        let refused = check_locally(&features, on_contacts)
            .err()
            .map(|e| e.to_string());
        assert!(refused.is_some_and(|e| e.contains("only the user sync")));
        Ok(())
    }

    #[test]
    fn the_sync_concurrency_is_kept_when_valid_and_refused_naming_the_field_when_not()
    -> Result<(), Error> {
        let features: BTreeSet<Feature> = [Feature::Users].into();
        let mut options = SyncOptions::default();
        options.users.pbx_concurrency = Some(16);
        let (checked, _) = check_locally(&features, options.clone())?;
        assert_eq!(checked.users.pbx_concurrency, Some(16));
        for bad in [0, 33] {
            options.users.pbx_concurrency = Some(bad);
            let refused = check_locally(&features, options.clone()).err();
            assert!(
                matches!(&refused, Some(Error::Input(e)) if e.field == "users.pbx_concurrency"
                    && e.message.contains("outside 1–32")),
                "{bad}: {refused:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn empty_selections_are_refused() {
        let refused = checked_scope("users.scope", &UserScope::Only { users: vec![] });
        assert!(refused.is_err_and(|e| e.message.contains("at least one user")));
        assert_eq!(checked_scope("x", &UserScope::All), Ok(UserScope::All));
    }

    #[test]
    fn a_free_extension_is_suggested() {
        let taken: std::collections::HashMap<String, String> = [
            ("1000".to_owned(), "a".to_owned()),
            ("2000".to_owned(), "b".to_owned()),
        ]
        .into();
        assert_eq!(suggest_free("1000", &taken), "3000");
        assert_eq!(suggest_free("100", &taken), "200");
    }

    #[test]
    fn next_runs_are_the_pbx_wall_clock_times() -> Result<(), Error> {
        let nightly = Schedule::parse("30 2 * * *")?;
        // 01:00 UTC is 02:00 in Berlin: tonight's 02:30 there is still to come.
        let now = time::macros::datetime!(2026-11-23 01:00 UTC);
        assert_eq!(
            next_runs_after(&nightly, Some("Europe/Berlin"), now, 2),
            ["2026-11-23 02:30", "2026-11-24 02:30"]
        );
        // 01:00 UTC is 06:30 in Kolkata: the next 02:30 there is tomorrow's.
        assert_eq!(
            next_runs_after(&nightly, Some("Asia/Kolkata"), now, 1),
            ["2026-11-24 02:30"]
        );
        assert_eq!(next_runs(&nightly, None, 3).len(), 3);
        Ok(())
    }
}
