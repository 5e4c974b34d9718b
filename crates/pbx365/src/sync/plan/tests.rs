//! The planner on hand-made users: every decision and its order.

use std::collections::HashMap;

use super::*;
use crate::pbx_versions::{OLDEST, traits_of};
use crate::profile::UserScope;

fn member(id: &str, upn: &str) -> DirectoryUser {
    let local = upn.split('@').next().unwrap_or_default();
    DirectoryUser {
        id: id.to_owned(),
        user_principal_name: Some(upn.to_owned()),
        mail: Some(upn.to_owned()),
        display_name: Some(format!("Name {local}")),
        given_name: Some("Given".to_owned()),
        surname: Some(local.to_owned()),
        enabled: Some(true),
        guest: Some(false),
        department: Some("Sales".to_owned()),
        business_phone: Some("+1 425 555 0100".to_owned()),
        mobile_phone: None,
    }
}

fn pbx_user(id: &str, name: &str, email: &str, extension: &str) -> PbxUser {
    PbxUser {
        id: id.to_owned(),
        name: name.to_owned(),
        email: Some(email.to_owned()),
        display_name: Some(format!("Name {name}")),
        extension: Some(extension.to_owned()),
        enabled: true,
        department: Some("Sales".to_owned()),
        work_phone: Some("+1 425 555 0100".to_owned()),
        mobile_phone: None,
        bound: false,
    }
}

fn settings() -> SyncSettings {
    SyncSettings {
        starting_extension: "1000".to_owned(),
        ..SyncSettings::default()
    }
}

fn plan_of(
    settings: &SyncSettings,
    microsoft: &[DirectoryUser],
    pbx: &[PbxUser],
    links: &HashMap<String, String>,
) -> Result<Plan, SyncError> {
    make_plan(&PlanInput {
        settings,
        source: SourceKind::Graph,
        microsoft,
        pbx,
        links,
        create_unclassified: false,
        traits: traits_of(OLDEST),
        licences_left: None,
    })
}

fn kinds(plan: &Plan) -> Vec<(ActionKind, &str, &str, Option<&str>)> {
    plan.actions
        .iter()
        .map(|a| {
            (
                a.kind,
                a.object_id.as_str(),
                a.pbx_name.as_str(),
                a.extension.as_deref(),
            )
        })
        .collect()
}

#[test]
fn creates_in_principal_name_order_with_free_names_and_extensions() -> Result<(), SyncError> {
    let microsoft = vec![
        member("3", "zoe@contoso.example"),
        member("1", "Anna@contoso.example"),
        member("2", "anna@fabrikam.example"),
        member("4", "admin@contoso.example"),
    ];
    let pbx = vec![pbx_user("p1", "zoe", "other@contoso.example", "1001")];
    let plan = plan_of(&settings(), &microsoft, &pbx, &HashMap::new())?;
    assert_eq!(
        kinds(&plan),
        vec![
            (ActionKind::Create, "4", "admin_2", Some("1000")),
            (ActionKind::Create, "1", "anna", Some("1002")),
            (ActionKind::Create, "2", "anna_2", Some("1003")),
            (ActionKind::Create, "3", "zoe_2", Some("1004")),
        ]
    );
    assert_eq!(
        plan.actions.iter().map(|a| a.seq).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(plan.counts.create, 4);
    let mut shuffled = microsoft.clone();
    shuffled.reverse();
    let again = plan_of(&settings(), &shuffled, &pbx, &HashMap::new())?;
    assert_eq!(
        again, plan,
        "the order the source lists users in must not matter"
    );
    Ok(())
}

#[test]
fn an_unbound_user_with_the_same_email_is_adopted_and_brought_up_to_date() -> Result<(), SyncError>
{
    let microsoft = vec![member("1", "anna@contoso.example")];
    let mut existing = pbx_user("p1", "anna.b", "ANNA@contoso.example", "1000");
    existing.display_name = Some("Name anna".to_owned());
    existing.department = Some("Support".to_owned());
    let plan = plan_of(&settings(), &microsoft, &[existing], &HashMap::new())?;
    assert_eq!(
        kinds(&plan),
        vec![(ActionKind::Adopt, "1", "anna.b", Some("1000"))]
    );
    assert_eq!(plan.actions[0].pbx_user_id.as_deref(), Some("p1"));
    assert_eq!(
        plan.actions[0].changes,
        vec![FieldChange {
            field: UserField::Department,
            from: Some("Support".to_owned()),
            to: Some("Sales".to_owned()),
        }],
        "an e-mail differing only in letter case is not a change"
    );
    Ok(())
}

#[test]
fn bound_users_are_updated_disabled_or_left_alone() -> Result<(), SyncError> {
    let mut renamed = member("1", "anna@contoso.example");
    renamed.display_name = Some("Anna Berg-Okafor".to_owned());
    let same = member("2", "ben@contoso.example");
    let mut off = member("3", "cleo@contoso.example");
    off.enabled = Some(false);
    let mut back = member("4", "dan@contoso.example");
    back.enabled = Some(true);
    let mut pbx = vec![
        pbx_user("p1", "anna", "anna@contoso.example", "1000"),
        pbx_user("p2", "ben", "ben@contoso.example", "1001"),
        pbx_user("p3", "cleo", "cleo@contoso.example", "1002"),
        pbx_user("p4", "dan", "dan@contoso.example", "1003"),
    ];
    for user in &mut pbx {
        user.bound = true;
    }
    pbx[1].display_name = Some("Name ben".to_owned());
    pbx[3].enabled = false;
    let plan = plan_of(
        &settings(),
        &[renamed, same, off, back],
        &pbx,
        &HashMap::new(),
    )?;
    assert_eq!(
        kinds(&plan),
        vec![
            (ActionKind::Update, "1", "anna", Some("1000")),
            (ActionKind::Disable, "3", "cleo", Some("1002")),
            (ActionKind::Update, "4", "dan", Some("1003")),
        ]
    );
    assert_eq!(
        plan.actions[0].value(UserField::DisplayName),
        Some("Anna Berg-Okafor")
    );
    assert_eq!(plan.actions[1].value(UserField::Enabled), Some("false"));
    assert_eq!(plan.actions[2].value(UserField::Enabled), Some("true"));
    assert_eq!(plan.counts.unchanged, 1);
    Ok(())
}

#[test]
fn a_binding_recorded_earlier_survives_an_email_change() -> Result<(), SyncError> {
    let moved = member("1", "anna.berg@contoso.example");
    let mut old = pbx_user("p1", "anna", "anna@contoso.example", "1000");
    old.bound = true;
    let links = HashMap::from([("1".to_owned(), "p1".to_owned())]);
    let plan = plan_of(&settings(), &[moved], &[old], &links)?;
    assert_eq!(
        kinds(&plan),
        vec![(ActionKind::Update, "1", "anna", Some("1000"))]
    );
    assert_eq!(
        plan.actions[0].value(UserField::Email),
        Some("anna.berg@contoso.example")
    );
    assert!(plan.reported.is_empty());
    Ok(())
}

#[test]
fn skips_say_why_and_bound_users_are_reported_never_deleted() -> Result<(), SyncError> {
    let mut nameless = member("1", "nn@contoso.example");
    nameless.given_name = None;
    nameless.surname = Some(" ".to_owned());
    let mut guest = member("2", "g_fabrikam.example#EXT#@contoso.example");
    guest.guest = Some(true);
    let mut disabled = member("3", "off@contoso.example");
    disabled.enabled = Some(false);
    let excluded = member("4", "out@contoso.example");
    let kept = member("5", "in@contoso.example");
    let settings = SyncSettings {
        scope: UserScope::AllExcept {
            users: vec!["OUT@contoso.example".to_owned()],
        },
        ..settings()
    };
    let mut bound_out = pbx_user("p4", "out", "out@contoso.example", "1004");
    bound_out.bound = true;
    let mut gone = pbx_user("p9", "gone", "gone@contoso.example", "1009");
    gone.bound = true;
    let manual = pbx_user("p8", "desk", "desk@contoso.example", "1008");
    let plan = plan_of(
        &settings,
        &[nameless, guest, disabled, excluded, kept],
        &[bound_out, gone, manual],
        &HashMap::new(),
    )?;
    assert_eq!(
        kinds(&plan),
        vec![(ActionKind::Create, "5", "in", Some("1000"))]
    );
    let skipped: Vec<(&str, Reason)> = plan
        .skipped
        .iter()
        .map(|s| (s.object_id.as_str(), s.reason))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("2", Reason::Guest),
            ("1", Reason::NoName),
            ("3", Reason::AccountDisabled),
        ]
    );
    let reported: Vec<(&str, Reason)> = plan
        .reported
        .iter()
        .map(|r| (r.pbx_name.as_str(), r.reason))
        .collect();
    assert_eq!(
        reported,
        vec![
            ("gone", Reason::GoneFromMicrosoft),
            ("out", Reason::OutOfScope)
        ]
    );
    assert_eq!((plan.counts.skip, plan.counts.report), (3, 2));
    Ok(())
}

#[test]
fn options_change_the_plan() -> Result<(), SyncError> {
    let mut guest = member("2", "g_fabrikam.example#EXT#@contoso.example");
    guest.guest = Some(true);
    guest.mail = Some("g@fabrikam.example".to_owned());
    let users = [
        member("1", "anna@contoso.example"),
        guest,
        member("3", "ben@contoso.example"),
    ];
    let none = HashMap::new();
    let created =
        |plan: &Plan| -> Vec<String> { plan.actions.iter().map(|a| a.pbx_name.clone()).collect() };

    let all = plan_of(&settings(), &users, &[], &none)?;
    assert_eq!(created(&all), ["anna", "ben"]);
    let guests = SyncSettings {
        sync_guests: true,
        ..settings()
    };
    let with_guests = plan_of(&guests, &users, &[], &none)?;
    assert_eq!(created(&with_guests), ["anna", "ben", "g_fabrikam.example"]);
    assert_eq!(
        with_guests.actions[2].value(UserField::Email),
        Some("g@fabrikam.example")
    );
    let only = SyncSettings {
        scope: UserScope::Only {
            users: vec!["ben@contoso.example".to_owned()],
        },
        ..settings()
    };
    assert_eq!(created(&plan_of(&only, &users, &[], &none)?), ["ben"]);
    let except = SyncSettings {
        scope: UserScope::AllExcept {
            users: vec!["ben@contoso.example".to_owned()],
        },
        ..settings()
    };
    assert_eq!(created(&plan_of(&except, &users, &[], &none)?), ["anna"]);
    let photos = SyncSettings {
        sync_photos: true,
        ..settings()
    };
    assert!(all.notices.is_empty());
    assert_eq!(
        plan_of(&photos, &users, &[], &none)?.notices,
        [Notice::PhotosByPbx]
    );
    Ok(())
}

#[test]
fn the_pbx_view_holds_back_whom_it_cannot_classify_unless_told_otherwise() -> Result<(), SyncError>
{
    let seen = DirectoryUser {
        id: "1".to_owned(),
        mail: Some("anna@contoso.example".to_owned()),
        display_name: Some("Anna Berg".to_owned()),
        ..DirectoryUser::default()
    };
    let blank = DirectoryUser {
        id: "2".to_owned(),
        mail: Some("x@contoso.example".to_owned()),
        ..DirectoryUser::default()
    };
    let microsoft = [seen, blank];
    let plan_with = |create_unclassified| {
        make_plan(&PlanInput {
            settings: &settings(),
            source: SourceKind::Pbx,
            microsoft: &microsoft,
            pbx: &[],
            links: &HashMap::new(),
            create_unclassified,
            traits: traits_of(OLDEST),
            licences_left: None,
        })
    };

    let held = plan_with(false)?;
    assert!(held.actions.is_empty(), "{:?}", held.actions);
    let reasons: Vec<(&str, Reason)> = held
        .skipped
        .iter()
        .map(|s| (s.object_id.as_str(), s.reason))
        .collect();
    assert_eq!(
        reasons,
        [("1", Reason::Unclassified), ("2", Reason::NoName)]
    );
    assert_eq!(held.notices, [Notice::UnclassifiedHeld]);
    assert!(held.degradations.contains(&Degradation::NoAccountState));
    assert!(held.degradations.contains(&Degradation::NoGuestFlag));

    let created = plan_with(true)?;
    assert_eq!(
        kinds(&created),
        vec![(ActionKind::Create, "1", "anna", Some("1000"))]
    );
    assert!(created.actions[0].unclassified);
    assert_eq!(created.notices, [Notice::UnclassifiedCreated]);
    assert_eq!(created.skipped[0].reason, Reason::NoName);
    Ok(())
}

#[test]
fn a_full_read_classifies_everyone_so_nothing_is_held() -> Result<(), SyncError> {
    let users = [
        member("1", "a@contoso.example"),
        member("2", "b@contoso.example"),
    ];
    let plan = plan_of(&settings(), &users, &[], &HashMap::new())?;
    assert_eq!(plan.counts.create, 2);
    assert!(plan.skipped.is_empty());
    assert!(plan.notices.is_empty());
    Ok(())
}

#[test]
fn running_out_of_extensions_is_an_error() {
    let settings = SyncSettings {
        starting_extension: "9999999999999".to_owned(),
        ..settings()
    };
    let users = [
        member("1", "a@contoso.example"),
        member("2", "b@contoso.example"),
    ];
    let result = plan_of(&settings, &users, &[], &HashMap::new());
    assert!(
        matches!(result, Err(SyncError::ExtensionsExhausted { .. })),
        "{result:?}"
    );
}

#[test]
fn a_display_name_too_long_for_the_pbx_is_cut_once_and_said_so() -> Result<(), SyncError> {
    let mut long = member("1", "a@contoso.example");
    long.display_name = Some("Ö".repeat(200));
    let links = HashMap::new();
    let plan_on = |version: portsip::model::PbxVersion, pbx: &[PbxUser]| {
        make_plan(&PlanInput {
            settings: &settings(),
            source: SourceKind::Graph,
            microsoft: std::slice::from_ref(&long),
            pbx,
            links: &links,
            create_unclassified: false,
            traits: traits_of(version),
            licences_left: None,
        })
    };
    let new = portsip::model::PbxVersion::new(22, 6, 0);
    let plan = plan_on(new, &[])?;
    let create = &plan.actions[0];
    assert_eq!(create.display_name.chars().count(), 128);
    assert_eq!(
        create.value(UserField::DisplayName),
        Some(create.display_name.as_str())
    );
    assert!(
        create
            .notes
            .contains(&ActionNote::DisplayNameCut { limit: 128 }),
        "{create:?}"
    );
    // 22.2 takes the whole name.
    assert_eq!(
        plan_on(OLDEST, &[])?.actions[0]
            .display_name
            .chars()
            .count(),
        200
    );

    // Bound with the cut name, the user is in line: the cut is no difference next time.
    let mut synced = pbx_user("p1", "a", "a@contoso.example", "1000");
    synced.display_name = Some(create.display_name.clone());
    synced.bound = true;
    let links: HashMap<String, String> = [("1".to_owned(), "p1".to_owned())].into();
    let again = make_plan(&PlanInput {
        settings: &settings(),
        source: SourceKind::Graph,
        microsoft: std::slice::from_ref(&long),
        pbx: std::slice::from_ref(&synced),
        links: &links,
        create_unclassified: false,
        traits: traits_of(new),
        licences_left: None,
    })?;
    assert!(again.actions.is_empty(), "{:?}", again.actions);
    Ok(())
}

#[test]
fn new_users_beyond_the_licence_are_left_out_the_same_ones_every_time() -> Result<(), SyncError> {
    let users: Vec<DirectoryUser> = ["e", "b", "d", "a", "c"]
        .iter()
        .enumerate()
        .map(|(i, name)| member(&i.to_string(), &format!("{name}@contoso.example")))
        .collect();
    let links = HashMap::new();
    let plan_with = |licences_left, users: &[DirectoryUser]| {
        make_plan(&PlanInput {
            settings: &settings(),
            source: SourceKind::Graph,
            microsoft: users,
            pbx: &[],
            links: &links,
            create_unclassified: false,
            traits: traits_of(OLDEST),
            licences_left,
        })
    };
    let plan = plan_with(Some(2), &users)?;
    let created: Vec<&str> = plan.actions.iter().map(|a| a.principal.as_str()).collect();
    assert_eq!(created, ["a@contoso.example", "b@contoso.example"]);
    let left_out: Vec<&str> = plan
        .skipped
        .iter()
        .filter(|s| s.reason == Reason::NoLicence)
        .map(|s| s.principal.as_str())
        .collect();
    assert_eq!(
        left_out,
        [
            "c@contoso.example",
            "d@contoso.example",
            "e@contoso.example"
        ]
    );
    assert_eq!((plan.licences_missing, plan.counts.skip), (3, 3));
    assert_eq!(plan.notices, [Notice::LicenceShort]);

    // Read in another order, the same users are left out.
    let mut reversed = users.clone();
    reversed.reverse();
    assert_eq!(plan_with(Some(2), &reversed)?.skipped, plan.skipped);
    // Room for everyone, or no count from the PBX: nobody is left out.
    for enough in [Some(5), None] {
        let all = plan_with(enough, &users)?;
        assert_eq!((all.counts.create, all.licences_missing), (5, 0));
        assert!(all.notices.is_empty());
    }
    Ok(())
}
