//! The planner: Microsoft 365 users and PBX users in, the list of changes out. Pure and
//! deterministic — the same inputs give the same plan in the same order, whatever order the
//! sources listed their users in — so a dry run shows exactly what the real run then does.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SyncError;
use super::directory::{Degradation, DirectoryUser, SourceKind, non_empty};
use super::group_scope::SelectedUsersUpdate;
use super::naming::{ExtensionAllocator, NameAllocator, base_name};
use super::note::ActionNote;
use super::pbx_users::PbxUser;
use super::settings::{SyncSettings, in_scope};
use crate::pbx_versions::{Traits, cut_display_name};

/// What a planned action does to the PBX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ActionKind {
    /// A new PBX user, then bound to the Microsoft 365 account.
    Create,
    /// An unbound PBX user with the same e-mail is bound (and brought up to date), not duplicated.
    Adopt,
    /// A bound PBX user's details follow Microsoft 365.
    Update,
    /// The Microsoft 365 account is disabled: so is the PBX user (never deleted).
    Disable,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Adopt => "adopt",
            ActionKind::Update => "update",
            ActionKind::Disable => "disable",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            ActionKind::Create,
            ActionKind::Adopt,
            ActionKind::Update,
            ActionKind::Disable,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A PBX user field a sync sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UserField {
    DisplayName,
    Email,
    Department,
    WorkPhone,
    MobilePhone,
    Enabled,
}

/// One field's value before and after (`from` is `None` for a new user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct FieldChange {
    pub field: UserField,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One change the run makes, for one Microsoft 365 user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PlannedAction {
    /// Position in the plan, from 0; the run journals and reports by it.
    pub seq: u32,
    pub kind: ActionKind,
    /// The Microsoft 365 object ID.
    pub object_id: String,
    /// The user principal name (or e-mail, from the PBX's view).
    pub principal: String,
    /// The PBX user's ID; `None` until a new user is created.
    pub pbx_user_id: Option<String>,
    /// The PBX user name: the one to create, or the existing one.
    pub pbx_name: String,
    pub extension: Option<String>,
    /// For a new user, every field it gets; otherwise the fields that change.
    pub changes: Vec<FieldChange>,
    /// A cut display name, an unclassified user created, an interrupted run finished.
    pub notes: Vec<ActionNote>,
    /// A new user the source cannot classify as guest or disabled, created as the admin chose
    /// for this run.
    pub unclassified: bool,
    /// The PBX user's display name after the action: every update carries it (PortSIP 22.6
    /// requires it; sending it unchanged to older versions changes nothing).
    pub display_name: String,
}

/// Why a user is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Reason {
    /// PortSIP's rule: neither a first nor a last name.
    NoName,
    /// A guest account, and guests are not synced.
    Guest,
    /// Not in the users the sync options select (ALL / only the selected / all but the selected).
    OutOfScope,
    /// The Microsoft 365 account is disabled and has no PBX user.
    AccountDisabled,
    /// Neither a mailbox nor a user principal name to give the PBX user as e-mail.
    NoEmail,
    /// Bound on the PBX, but the Microsoft 365 account no longer exists.
    GoneFromMicrosoft,
    /// The source cannot tell whether the account is a guest or disabled, and this run was not
    /// told to create such users anyway.
    Unclassified,
    /// The PBX's licence allows no more users.
    NoLicence,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NoName => "no-name",
            Reason::Guest => "guest",
            Reason::OutOfScope => "out-of-scope",
            Reason::AccountDisabled => "account-disabled",
            Reason::NoEmail => "no-email",
            Reason::GoneFromMicrosoft => "gone-from-microsoft",
            Reason::Unclassified => "unclassified",
            Reason::NoLicence => "no-licence",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        [
            Reason::NoName,
            Reason::Guest,
            Reason::OutOfScope,
            Reason::AccountDisabled,
            Reason::NoEmail,
            Reason::GoneFromMicrosoft,
            Reason::Unclassified,
            Reason::NoLicence,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn sentence(self) -> &'static str {
        match self {
            Reason::NoName => {
                "has neither a first nor a last name; PortSIP does not sync such users"
            }
            Reason::Guest => "is a guest, and guest users are not synced",
            Reason::OutOfScope => "is not among the users the sync options select",
            Reason::AccountDisabled => "is disabled in Microsoft 365 and has no PBX user",
            Reason::NoEmail => "has no e-mail address or user principal name",
            Reason::GoneFromMicrosoft => {
                "is bound to a Microsoft 365 account that no longer exists (the PBX user is kept)"
            }
            Reason::Unclassified => {
                "may be a guest or a disabled account: the PBX's view of Microsoft 365 does not say, so it is not created unless you choose to create such users in this run"
            }
            Reason::NoLicence => {
                "is not created: the PBX's licence has no room for more users (add licences on the PBX, then sync again)"
            }
        }
    }
}

/// A Microsoft 365 user the run leaves alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SkippedUser {
    pub object_id: String,
    pub principal: String,
    pub display_name: Option<String>,
    pub reason: Reason,
}

/// A bound PBX user the run reports but never deletes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ReportedUser {
    pub pbx_user_id: String,
    pub pbx_name: String,
    pub email: Option<String>,
    /// The Microsoft 365 account it matches, if it still exists.
    pub object_id: Option<String>,
    pub reason: Reason,
}

/// Something the admin should know about the whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Notice {
    /// Photos are on: the PBX's REST API takes no photo uploads, so the PBX's own scheduled
    /// sync copies them; this run does not.
    PhotosByPbx,
    /// Some users were held back because the source cannot classify them.
    UnclassifiedHeld,
    /// This run creates users the source cannot classify, as the admin chose.
    UnclassifiedCreated,
    /// New users beyond the PBX's licence are left out.
    LicenceShort,
}

impl Notice {
    pub fn sentence(self) -> &'static str {
        match self {
            Notice::PhotosByPbx => {
                "Profile photos are on: the PBX copies them in its own scheduled sync (its REST API takes no photo uploads), so this run changes no photo."
            }
            Notice::UnclassifiedHeld => {
                "Some new users are held back: the PBX's view of Microsoft 365 cannot tell guests and disabled accounts apart, so they are not created. Check them below; to create them anyway, run the sync again choosing to create unclassified users (pbx365 sync --create-unclassified). Unattended runs never create them."
            }
            Notice::UnclassifiedCreated => {
                "You chose to create users the PBX's view of Microsoft 365 cannot classify: guests and disabled accounts among them get PBX users too."
            }
            Notice::LicenceShort => {
                "The PBX's licence has no room for every new user: those beyond it are not created (always the same ones, in the plan's order). Add licences on the PBX, then sync again."
            }
        }
    }
}

/// How many users fall in each part of the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PlanCounts {
    pub create: u32,
    pub adopt: u32,
    pub update: u32,
    pub disable: u32,
    pub skip: u32,
    pub report: u32,
    pub unchanged: u32,
}

/// Everything a run will do, and why it leaves the rest alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Plan {
    pub settings: SyncSettings,
    pub source: SourceKind,
    pub degradations: Vec<Degradation>,
    pub notices: Vec<Notice>,
    pub counts: PlanCounts,
    /// How many more licences the new users need; 0 when the licence has room for all.
    pub licences_missing: u32,
    /// In the order they run.
    pub actions: Vec<PlannedAction>,
    pub skipped: Vec<SkippedUser>,
    pub reported: Vec<ReportedUser>,
    /// With a user sync scoped to groups, when the PBX's selected users differ from the
    /// groups' members: the write that brings them in line, made before the users' changes.
    #[serde(default)]
    #[ts(optional)]
    pub selected_users: Option<SelectedUsersUpdate>,
}

/// What the planner reads.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    pub settings: &'a SyncSettings,
    pub source: SourceKind,
    pub microsoft: &'a [DirectoryUser],
    pub pbx: &'a [PbxUser],
    /// Object ID → PBX user ID of the bindings earlier runs made (they survive e-mail changes).
    pub links: &'a HashMap<String, String>,
    /// Whether new users the source cannot classify are created (the admin's choice for this
    /// run) or held back.
    pub create_unclassified: bool,
    /// What the PBX's PortSIP version does differently (the display-name limit).
    pub traits: Traits,
    /// How many more users the PBX's licence allows; `None` when the PBX did not say.
    pub licences_left: Option<u32>,
}

/// Microsoft 365 users matched with PBX users.
#[derive(Debug)]
pub(crate) struct Matching<'a> {
    /// Microsoft 365 users in the plan's order, each with its PBX user if it has one.
    pub pairs: Vec<(&'a DirectoryUser, Option<&'a PbxUser>)>,
    /// Bound PBX users that match no Microsoft 365 user.
    pub orphans: Vec<&'a PbxUser>,
}

/// Pairs Microsoft 365 users with PBX users: first by the bindings earlier runs recorded, then
/// by e-mail (mailbox, then user principal name), a bound PBX user before an unbound one.
pub(crate) fn match_users<'a>(input: &PlanInput<'a>) -> Matching<'a> {
    let mut microsoft: Vec<&DirectoryUser> = input.microsoft.iter().collect();
    microsoft.sort_by_cached_key(|u| {
        (
            u.principal().unwrap_or_default().to_lowercase(),
            u.id.clone(),
        )
    });
    microsoft.dedup_by(|a, b| a.id == b.id);

    let by_id: HashMap<&str, usize> = input
        .pbx
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();

    let mut claimed: HashSet<usize> = HashSet::new();
    let mut matched: Vec<Option<usize>> = microsoft
        .iter()
        .map(|u| {
            let linked = input.links.get(&u.id).and_then(|id| by_id.get(id.as_str()));
            linked
                .copied()
                .filter(|&i| input.pbx[i].bound && claimed.insert(i))
        })
        .collect();
    // Built when the first user is not linked: a re-sync, where all are, never needs it.
    let mut by_email: Option<HashMap<String, Vec<usize>>> = None;
    for (user, slot) in microsoft.iter().zip(matched.iter_mut()) {
        if slot.is_some() {
            continue;
        }
        let by_email = by_email.get_or_insert_with(|| email_index(input.pbx));
        let addresses = [user.mail.as_deref(), user.user_principal_name.as_deref()];
        *slot = addresses
            .into_iter()
            .filter_map(non_empty)
            .filter_map(|a| by_email.get(&a.to_lowercase()))
            .flatten()
            .copied()
            .find(|&i| claimed.insert(i));
    }
    let orphans = input
        .pbx
        .iter()
        .enumerate()
        .filter(|(i, u)| u.bound && !claimed.contains(i))
        .map(|(_, u)| u)
        .collect();
    Matching {
        pairs: microsoft
            .into_iter()
            .zip(matched)
            .map(|(u, i)| (u, i.map(|i| &input.pbx[i])))
            .collect(),
        orphans,
    }
}

/// PBX users by lower-cased e-mail, a bound user before an unbound one.
fn email_index(pbx: &[PbxUser]) -> HashMap<String, Vec<usize>> {
    let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, user) in pbx.iter().enumerate() {
        if let Some(email) = non_empty(user.email.as_deref()) {
            by_email.entry(email.to_lowercase()).or_default().push(i);
        }
    }
    for candidates in by_email.values_mut() {
        candidates.sort_by_key(|&i| !pbx[i].bound);
    }
    by_email
}

/// Why a Microsoft 365 user is not synced at all, if it is not.
pub(crate) fn exclusion(
    user: &DirectoryUser,
    settings: &SyncSettings,
    source: SourceKind,
) -> Option<Reason> {
    if !in_scope(&settings.scope, &user.scope_keys()) {
        Some(Reason::OutOfScope)
    } else if user.guest == Some(true) && !settings.sync_guests {
        Some(Reason::Guest)
    } else if !user.has_name(source) {
        Some(Reason::NoName)
    } else {
        None
    }
}

/// What the plan says of a user whose display name was cut.
fn cut_note(traits: &Traits) -> ActionNote {
    ActionNote::DisplayNameCut {
        limit: traits.display_name_limit.unwrap_or_default(),
    }
}

/// The notes that apply.
fn notes(parts: &[(bool, &ActionNote)]) -> Vec<ActionNote> {
    parts
        .iter()
        .filter(|(applies, _)| *applies)
        .map(|(_, note)| (*note).clone())
        .collect()
}

/// Whether the source leaves open something that decides if this user is synced: the account
/// state, or — when guests are not synced — the guest flag.
fn unclassified(user: &DirectoryUser, settings: &SyncSettings) -> bool {
    user.enabled.is_none() || (user.guest.is_none() && !settings.sync_guests)
}

/// The values a PBX user of this person should have; `None` = leave as it is. The display
/// name is cut to what the PBX's version takes, so a cut name is not a difference next time.
fn desired(user: &DirectoryUser, traits: &Traits) -> [(UserField, Option<String>); 5] {
    let text = |t: &Option<String>| non_empty(t.as_deref()).map(str::to_owned);
    let name = display_name(user);
    [
        (
            UserField::DisplayName,
            Some(cut_display_name(&name, traits).unwrap_or(name)),
        ),
        (UserField::Email, user.email().map(str::to_owned)),
        (UserField::Department, text(&user.department)),
        (UserField::WorkPhone, text(&user.business_phone)),
        (UserField::MobilePhone, text(&user.mobile_phone)),
    ]
}

/// The display name: Microsoft's, else first and last name, else the principal name.
fn display_name(user: &DirectoryUser) -> String {
    if let Some(name) = non_empty(user.display_name.as_deref()) {
        return name.to_owned();
    }
    let joined = [user.given_name.as_deref(), user.surname.as_deref()]
        .into_iter()
        .filter_map(non_empty)
        .collect::<Vec<_>>()
        .join(" ");
    if joined.is_empty() {
        user.principal().unwrap_or(&user.id).to_owned()
    } else {
        joined
    }
}

fn current(user: &PbxUser, field: UserField) -> Option<&str> {
    match field {
        UserField::DisplayName => user.display_name.as_deref(),
        UserField::Email => user.email.as_deref(),
        UserField::Department => user.department.as_deref(),
        UserField::WorkPhone => user.work_phone.as_deref(),
        UserField::MobilePhone => user.mobile_phone.as_deref(),
        UserField::Enabled => None,
    }
}

/// The fields of `pbx` that differ from what Microsoft 365 says (e-mail case does not count).
fn differences(ms: &DirectoryUser, pbx: &PbxUser, traits: &Traits) -> Vec<FieldChange> {
    let mut changes: Vec<FieldChange> = desired(ms, traits)
        .into_iter()
        .filter_map(|(field, wanted)| {
            let wanted = wanted?;
            let have = non_empty(current(pbx, field));
            let same = match field {
                UserField::Email => have.is_some_and(|h| h.eq_ignore_ascii_case(&wanted)),
                _ => have == Some(wanted.as_str()),
            };
            (!same).then(|| FieldChange {
                field,
                from: have.map(str::to_owned),
                to: Some(wanted),
            })
        })
        .collect();
    if ms.enabled == Some(true) && !pbx.enabled {
        changes.push(enabled_change(false, true));
    }
    changes
}

fn enabled_change(from: bool, to: bool) -> FieldChange {
    FieldChange {
        field: UserField::Enabled,
        from: Some(from.to_string()),
        to: Some(to.to_string()),
    }
}

/// Makes the plan.
pub fn make_plan(input: &PlanInput<'_>) -> Result<Plan, SyncError> {
    let settings = input.settings;
    let first = settings.first_extension()?;
    // Every PBX user's name and extension are taken; gathered when the first user is created,
    // so a run that creates nobody (a re-sync) does not hash them all.
    let mut allocators: Option<(NameAllocator, ExtensionAllocator)> = None;
    let matching = match_users(input);
    let mut created_unclassified = false;
    let mut creates: u32 = 0;

    let mut plan = Plan {
        settings: settings.clone(),
        source: input.source,
        degradations: input.source.degradations(),
        notices: if settings.sync_photos {
            vec![Notice::PhotosByPbx]
        } else {
            Vec::new()
        },
        counts: PlanCounts::default(),
        licences_missing: 0,
        actions: Vec::new(),
        skipped: Vec::new(),
        reported: Vec::new(),
        selected_users: None,
    };
    for (ms, pbx) in matching.pairs {
        let principal = ms.principal().unwrap_or(&ms.id).to_owned();
        let skip = |reason| SkippedUser {
            object_id: ms.id.clone(),
            principal: principal.clone(),
            display_name: ms.display_name.clone(),
            reason,
        };
        let cut = cut_display_name(&display_name(ms), &input.traits).is_some();
        let cut_note = cut_note(&input.traits);
        let action = |kind, pbx: &PbxUser, changes: Vec<FieldChange>| {
            let renamed = changes
                .iter()
                .find(|c| c.field == UserField::DisplayName)
                .and_then(|c| c.to.clone());
            PlannedAction {
                seq: 0,
                kind,
                object_id: ms.id.clone(),
                principal: principal.clone(),
                pbx_user_id: Some(pbx.id.clone()),
                pbx_name: pbx.name.clone(),
                extension: pbx.extension.clone(),
                notes: notes(&[(cut && renamed.is_some(), &cut_note)]),
                display_name: renamed
                    .or_else(|| pbx.display_name.clone())
                    .unwrap_or_else(|| pbx.name.clone()),
                changes,
                unclassified: false,
            }
        };
        if let Some(reason) = exclusion(ms, settings, input.source) {
            match pbx.filter(|p| p.bound) {
                Some(bound) => plan.reported.push(ReportedUser {
                    pbx_user_id: bound.id.clone(),
                    pbx_name: bound.name.clone(),
                    email: bound.email.clone(),
                    object_id: Some(ms.id.clone()),
                    reason,
                }),
                None => plan.skipped.push(skip(reason)),
            }
            continue;
        }
        match (pbx, ms.enabled == Some(false)) {
            (Some(bound), true) if bound.bound => {
                if bound.enabled {
                    plan.actions.push(action(
                        ActionKind::Disable,
                        bound,
                        vec![enabled_change(true, false)],
                    ));
                } else {
                    plan.counts.unchanged += 1;
                }
            }
            (_, true) => plan.skipped.push(skip(Reason::AccountDisabled)),
            (Some(existing), false) => {
                let changes = differences(ms, existing, &input.traits);
                if !existing.bound {
                    plan.actions
                        .push(action(ActionKind::Adopt, existing, changes));
                } else if changes.is_empty() {
                    plan.counts.unchanged += 1;
                } else {
                    plan.actions
                        .push(action(ActionKind::Update, existing, changes));
                }
            }
            (None, false) => {
                let Some(principal_name) = ms.principal() else {
                    plan.skipped.push(skip(Reason::NoEmail));
                    continue;
                };
                let unknown = unclassified(ms, settings);
                if unknown && !input.create_unclassified {
                    plan.skipped.push(skip(Reason::Unclassified));
                    continue;
                }
                // In the plan's stable order, so the same users are left out every time.
                if input.licences_left.is_some_and(|left| creates >= left) {
                    plan.skipped.push(skip(Reason::NoLicence));
                    plan.licences_missing += 1;
                    continue;
                }
                creates += 1;
                created_unclassified |= unknown;
                let (names, extensions) = allocators.get_or_insert_with(|| {
                    (
                        NameAllocator::new(input.pbx.iter().map(|u| u.name.as_str())),
                        ExtensionAllocator::new(
                            first,
                            input.pbx.iter().filter_map(|u| u.extension.as_deref()),
                        ),
                    )
                });
                let extension =
                    extensions
                        .allocate()
                        .ok_or_else(|| SyncError::ExtensionsExhausted {
                            from: settings.starting_extension.clone(),
                        })?;
                let changes: Vec<FieldChange> = desired(ms, &input.traits)
                    .into_iter()
                    .filter_map(|(field, to)| {
                        to.map(|to| FieldChange {
                            field,
                            from: None,
                            to: Some(to),
                        })
                    })
                    .collect();
                let pbx_name = names.allocate(&base_name(principal_name));
                plan.actions.push(PlannedAction {
                    seq: 0,
                    kind: ActionKind::Create,
                    object_id: ms.id.clone(),
                    principal: principal.clone(),
                    pbx_user_id: None,
                    display_name: changes
                        .iter()
                        .find(|c| c.field == UserField::DisplayName)
                        .and_then(|c| c.to.clone())
                        .unwrap_or_else(|| pbx_name.clone()),
                    pbx_name,
                    extension: Some(extension.to_string()),
                    changes,
                    notes: notes(&[
                        (unknown, &ActionNote::UnclassifiedCreated),
                        (cut, &cut_note),
                    ]),
                    unclassified: unknown,
                });
            }
        }
    }
    if created_unclassified {
        plan.notices.push(Notice::UnclassifiedCreated);
    }
    if plan
        .skipped
        .iter()
        .any(|s| s.reason == Reason::Unclassified)
    {
        plan.notices.push(Notice::UnclassifiedHeld);
    }
    if plan.licences_missing > 0 {
        plan.notices.push(Notice::LicenceShort);
    }
    for orphan in matching.orphans {
        plan.reported.push(ReportedUser {
            pbx_user_id: orphan.id.clone(),
            pbx_name: orphan.name.clone(),
            email: orphan.email.clone(),
            object_id: None,
            reason: Reason::GoneFromMicrosoft,
        });
    }
    plan.reported
        .sort_by_cached_key(|r| (r.pbx_name.to_lowercase(), r.pbx_user_id.clone()));
    for (seq, action) in (0_u32..).zip(plan.actions.iter_mut()) {
        action.seq = seq;
        let counter = match action.kind {
            ActionKind::Create => &mut plan.counts.create,
            ActionKind::Adopt => &mut plan.counts.adopt,
            ActionKind::Update => &mut plan.counts.update,
            ActionKind::Disable => &mut plan.counts.disable,
        };
        *counter += 1;
    }
    plan.counts.skip = count(plan.skipped.len());
    plan.counts.report = count(plan.reported.len());
    Ok(plan)
}

pub(crate) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Plan {
    /// New users held back because the source cannot tell whether they are guests or disabled.
    pub fn held_back(&self) -> impl Iterator<Item = &SkippedUser> {
        self.skipped
            .iter()
            .filter(|s| s.reason == Reason::Unclassified)
    }
}

impl PlannedAction {
    /// The value this action gives `field`, if it sets it.
    pub fn value(&self, field: UserField) -> Option<&str> {
        self.changes
            .iter()
            .find(|c| c.field == field)
            .and_then(|c| c.to.as_deref())
    }
}

#[cfg(test)]
mod tests;
