//! The Graph permissions of each PortSIP version against the emulators: 22.2 gets the older
//! guides' `User.Read.All`, 22.6 (the granular model of 22.5) gets `User.ReadBasic.All` and
//! only what the features add; optional grants are granted where the version uses them; and a
//! PBX upgraded from 22.2 to 22.6 is reported by the doctor and narrowed by the next setup,
//! which shows every removal in its review first.

mod engine_common;

use std::collections::BTreeSet;
use std::sync::Arc;

use engine_common::{
    TestResult, World, all_features, describe, full_auto, prepare_auto, sync_options, world,
    world_with,
};
use pbx365::doctor::{self, CheckId, CheckStatus, DoctorReport};
use pbx365::features::{Feature, OptionalGrant};
use pbx365::profile::{ApplyStep, StepOutcome};
use pbx365::progress::StepContext;
use pbx365::wizard::{
    AppRegistrationInput, ChangeTarget, KeyPairInput, Review, Wizard, WizardWarning,
};

/// Steps 1–7 of automatic mode with `features` and `optional_grants`; returns the wizard
/// after the review.
async fn review_with(
    world: &World,
    profile: &str,
    features: &[Feature],
    optional_grants: &[OptionalGrant],
) -> Result<(Wizard, Review), Box<dyn std::error::Error>> {
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(Arc::clone(&world.env), profile)?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    wizard
        .plan_app_registration(
            AppRegistrationInput {
                features: features.iter().copied().collect(),
                display_name: None,
                optional_grants: optional_grants.iter().copied().collect(),
            },
            &ctx,
        )
        .await?;
    wizard.plan_key_pair(KeyPairInput::default(), &ctx).await?;
    wizard.plan_consent(&ctx).await?;
    wizard.set_sync_options(sync_options(), &ctx).await?;
    let review = wizard.review(&ctx).await?;
    Ok((wizard, review))
}

/// Steps 1–9 with `features` and `optional_grants`.
async fn set_up(
    world: &World,
    profile: &str,
    features: &[Feature],
    optional_grants: &[OptionalGrant],
) -> Result<(Review, DoctorReport), Box<dyn std::error::Error>> {
    let ctx = StepContext::silent();
    let (mut wizard, review) = review_with(world, profile, features, optional_grants).await?;
    wizard.apply(&ctx).await?;
    let report = wizard.verify(&ctx).await?;
    Ok((review, report))
}

/// The client ID of the one app the emulated tenant has.
fn only_app(world: &World) -> Result<String, Box<dyn std::error::Error>> {
    match world.sim.ms.applications().as_slice() {
        [app] => Ok(app.app_id.clone()),
        apps => Err(format!("expected one app, found {}", apps.len()).into()),
    }
}

/// The Graph application permissions the app declares (`requiredResourceAccess`), by name.
fn declared(world: &World, app_id: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let app = world.sim.ms.application(app_id).ok_or("the app is gone")?;
    let mut names = app
        .required_app_role_ids(entra::MICROSOFT_GRAPH_APP_ID)
        .iter()
        .map(|id| {
            [
                "User.Read.All",
                "User.ReadBasic.All",
                "Contacts.Read",
                "MailboxSettings.Read",
                "Mail.Send",
                "User-Phone.ReadWrite.All",
                "Calendars.Read",
            ]
            .into_iter()
            .find(|name| world.sim.ms.graph_app_role_id(name).as_deref() == Some(id))
            .map(str::to_owned)
            .ok_or_else(|| format!("unexpected app role {id}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    names.sort();
    Ok(names)
}

/// The summaries of the review's changes in Entra.
fn entra_changes(review: &Review) -> Vec<&str> {
    review
        .changes
        .iter()
        .filter(|c| c.target == ChangeTarget::Entra)
        .map(|c| c.summary.as_str())
        .collect()
}

/// Whether the review has an Entra change starting with `starts` about exactly `permission`
/// (not one whose name merely begins the same, as User.Read.All does User.ReadBasic.All's).
fn has_change(review: &Review, starts: &str, permission: &str) -> bool {
    entra_changes(review).iter().any(|c| {
        c.starts_with(starts)
            && (c.contains(&format!(" {permission} ")) || c.ends_with(&format!(" {permission}.")))
    })
}

const GRANT: &str = "Grant the Graph application permission";
const REMOVE: &str = "Remove the granted Graph application permission";

/// The PBX's own `GET /ms365/users` lists the users of the emulated tenant its version reads
/// with the permissions it was given: 22.2 filters on `accountEnabled` (which needs
/// `User.Read.All`), 22.6 lists every account with `User.ReadBasic.All`.
async fn assert_pbx_lists_its_users(world: &World) -> TestResult {
    let page = world.admin_pbx().await?.ms365_users().await?;
    let users = world.sim.ms.users();
    let expected = match world.sim.pbx.version() {
        sim::PbxVersion::V22_2 => users.iter().filter(|u| u.account_enabled).count(),
        sim::PbxVersion::V22_6 => users.len(),
    };
    assert_eq!(page.count, Some(i64::try_from(expected)?));
    Ok(())
}

#[tokio::test]
async fn setup_on_22_6_grants_user_read_basic_and_what_each_feature_adds() -> TestResult {
    let cases: [(&[Feature], &[&str]); 3] = [
        (&[Feature::Users, Feature::Sso], &["User.ReadBasic.All"]),
        (
            &[Feature::Users, Feature::PersonalContacts],
            &["Contacts.Read", "User.ReadBasic.All"],
        ),
        (
            &[Feature::Users, Feature::SharedMailbox],
            &["MailboxSettings.Read", "User.ReadBasic.All"],
        ),
    ];
    for (features, expected) in cases {
        let world = world().await?;
        assert_eq!(world.sim.pbx.version(), sim::PbxVersion::V22_6);
        let (review, report) = set_up(&world, "contoso", features, &[]).await?;
        assert!(report.passed, "{features:?}: {}", describe(&report));
        let app_id = only_app(&world)?;
        assert_eq!(
            world.sim.ms.granted_graph_permissions(&app_id),
            expected,
            "{features:?}"
        );
        assert_eq!(declared(&world, &app_id)?, expected, "{features:?}");
        for permission in expected {
            assert!(has_change(&review, GRANT, permission), "{review:?}");
        }
        assert_pbx_lists_its_users(&world).await?;
    }
    Ok(())
}

#[tokio::test]
async fn setup_on_22_2_grants_user_read_all_as_the_older_guides_do() -> TestResult {
    let world = world_with(|config| config.pbx_version = sim::PbxVersion::V22_2).await?;
    let (_, review, _, report) = full_auto(&world, "contoso").await?;
    assert!(report.passed, "{}", describe(&report));
    let app_id = only_app(&world)?;
    let expected = ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"];
    assert_eq!(world.sim.ms.granted_graph_permissions(&app_id), expected);
    assert_eq!(declared(&world, &app_id)?, expected);
    assert!(!has_change(&review, GRANT, "User.ReadBasic.All"));
    assert_pbx_lists_its_users(&world).await?;
    Ok(())
}

/// Every PBX request body recorded since the recorder was last cleared that carries `field`.
fn sent_with(world: &World, field: &str) -> Vec<String> {
    world
        .sim
        .pbx_recorder
        .exchanges()
        .into_iter()
        .filter(|e| String::from_utf8_lossy(&e.request_body).contains(field))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

#[tokio::test]
async fn an_upgrade_to_22_6_is_reported_by_the_doctor_and_narrowed_by_the_next_setup() -> TestResult
{
    let world = world_with(|config| config.pbx_version = sim::PbxVersion::V22_2).await?;
    let (_, _, _, report) = full_auto(&world, "upgrade").await?;
    assert!(report.passed, "{}", describe(&report));
    let app_id = only_app(&world)?;
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app_id),
        ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"]
    );

    // The PBX is upgraded with the same state.
    world.sim.pbx.set_version(sim::PbxVersion::V22_6);
    world.sim.pbx_recorder.clear();
    let ctx = StepContext::silent();

    let report = doctor::run(&world.env, "upgrade", &ctx).await?;
    assert!(!report.passed, "{}", describe(&report));
    for id in [CheckId::PermissionsExact, CheckId::PermissionsGranted] {
        let check = report.check(id).ok_or("no permission check")?;
        assert_eq!(check.status, CheckStatus::Fail, "{}", describe(&report));
        assert!(
            check.explanation.contains("missing User.ReadBasic.All")
                && check.explanation.contains("User.Read.All is more than")
                && check.explanation.contains("PortSIP 22.6"),
            "{}",
            check.explanation
        );
        assert!(
            check
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("pbx365 setup --profile upgrade")),
            "{check:?}"
        );
    }
    // User.Read.All still reads everything User.ReadBasic.All does: nothing is broken yet.
    assert_eq!(
        report.check(CheckId::PbxListsUsers).map(|c| c.status),
        Some(CheckStatus::Pass)
    );

    // The re-run's review shows the grant and the removal before anything is written.
    let mut wizard = prepare_auto(&world, "upgrade", &ctx).await?;
    let review = wizard.review(&ctx).await?;
    assert!(
        has_change(&review, GRANT, "User.ReadBasic.All"),
        "{review:?}"
    );
    assert!(has_change(&review, REMOVE, "User.Read.All"), "{review:?}");
    assert!(
        has_change(&review, "Declare", "User.ReadBasic.All"),
        "{review:?}"
    );
    assert!(
        has_change(&review, "Stop declaring", "User.Read.All"),
        "{review:?}"
    );
    // Nothing else is removed: the contacts permissions are still needed on 22.6.
    for kept in ["Contacts.Read", "MailboxSettings.Read"] {
        assert!(!has_change(&review, REMOVE, kept), "{review:?}");
        assert!(!has_change(&review, "Stop declaring", kept), "{review:?}");
    }
    assert_eq!(review.consent.superfluous, ["User.Read.All"]);
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app_id),
        ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"],
        "the review wrote"
    );

    let applied = wizard.apply(&ctx).await?;
    assert!(
        applied
            .journal
            .entries
            .iter()
            .any(|e| e.step == ApplyStep::RemoveGrants
                && e.outcome == StepOutcome::Done { changed: true }
                && e.detail.as_deref() == Some("removed User.Read.All")),
        "{:?}",
        applied.journal
    );
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    let expected = [
        "Contacts.Read",
        "MailboxSettings.Read",
        "User.ReadBasic.All",
    ];
    assert_eq!(world.sim.ms.granted_graph_permissions(&app_id), expected);
    assert_eq!(declared(&world, &app_id)?, expected);
    assert_eq!(only_app(&world)?, app_id, "a second app was made");
    assert_pbx_lists_its_users(&world).await?;

    let report = doctor::run(&world.env, "upgrade", &ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    assert!(
        report.checks.iter().all(|c| c.fix.is_none()),
        "{}",
        describe(&report)
    );

    // The next re-run has nothing left to narrow.
    let mut wizard = prepare_auto(&world, "upgrade", &ctx).await?;
    let review = wizard.review(&ctx).await?;
    assert!(entra_changes(&review).is_empty(), "{review:?}");

    let sent = sent_with(&world, "sign_in_as_administrator");
    assert!(sent.is_empty(), "sent to the 22.6 PBX: {sent:?}");
    assert!(
        !world.sim.pbx_recorder.exchanges().is_empty(),
        "the recorder saw nothing"
    );
    Ok(())
}

#[tokio::test]
async fn optional_grants_follow_the_choice_and_a_removal_already_done_is_not_an_error() -> TestResult
{
    let world = world().await?;
    let ctx = StepContext::silent();
    let (review, report) = set_up(
        &world,
        "optional",
        &[Feature::Users],
        &[OptionalGrant::MailSend, OptionalGrant::UserPhone],
    )
    .await?;
    assert!(report.passed, "{}", describe(&report));
    let app_id = only_app(&world)?;
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app_id),
        [
            "Mail.Send",
            "User-Phone.ReadWrite.All",
            "User.ReadBasic.All"
        ]
    );
    // Each optional grant says which PBX feature uses it.
    assert!(
        entra_changes(&review)
            .iter()
            .any(|c| c.contains("Mail.Send") && c.contains("e-mail notifications")),
        "{review:?}"
    );
    assert!(
        entra_changes(&review)
            .iter()
            .any(|c| c.contains("User-Phone.ReadWrite.All") && c.contains("phone numbers")),
        "{review:?}"
    );
    let profile = world.env.profiles.require("optional")?;
    assert_eq!(
        profile.optional_grants,
        BTreeSet::from([OptionalGrant::MailSend, OptionalGrant::UserPhone])
    );

    // A re-run without them lists both for removal; one is removed by hand before apply.
    let (mut wizard, review) = review_with(&world, "optional", &[Feature::Users], &[]).await?;
    for extra in ["Mail.Send", "User-Phone.ReadWrite.All"] {
        assert!(has_change(&review, REMOVE, extra), "{review:?}");
    }
    let graph = pbx365::access::sessions::resume_graph(&world.env, &profile).await?;
    let graph_sp = graph.graph_service_principal().await?;
    let mail_send = world
        .sim
        .ms
        .graph_app_role_id("Mail.Send")
        .ok_or("no Mail.Send role")?;
    let assignment = world
        .sim
        .ms
        .app_role_assignments()
        .into_iter()
        .find(|a| a.app_role_id == mail_send)
        .ok_or("Mail.Send is not granted")?;
    assert!(graph.revoke_app_role(&graph_sp.id, &assignment.id).await?);
    assert!(
        !graph.revoke_app_role(&graph_sp.id, &assignment.id).await?,
        "a second removal is not an error"
    );

    let applied = wizard.apply(&ctx).await?;
    assert!(
        applied
            .journal
            .entries
            .iter()
            .any(|e| e.step == ApplyStep::RemoveGrants
                && e.detail.as_deref() == Some("removed User-Phone.ReadWrite.All")),
        "{:?}",
        applied.journal
    );
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app_id),
        ["User.ReadBasic.All"]
    );
    assert_eq!(declared(&world, &app_id)?, ["User.ReadBasic.All"]);
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    assert!(
        world
            .env
            .profiles
            .require("optional")?
            .optional_grants
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn the_doctor_warns_of_an_extra_grant_without_failing() -> TestResult {
    let world = world().await?;
    set_up(&world, "extra", &[Feature::Users], &[]).await?;
    // The app gets Mail.Send (here from a setup that chose it) and the profile then forgets
    // the choice, as if it had been granted outside pbx365.
    let ctx = StepContext::silent();
    let (mut wizard, _) = review_with(
        &world,
        "extra",
        &[Feature::Users],
        &[OptionalGrant::MailSend],
    )
    .await?;
    wizard.apply(&ctx).await?;
    let mut profile = world.env.profiles.require("extra")?;
    profile.optional_grants.clear();
    world.env.profiles.save(&profile)?;

    let report = doctor::run(&world.env, "extra", &ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    for id in [CheckId::PermissionsExact, CheckId::PermissionsGranted] {
        let check = report.check(id).ok_or("no permission check")?;
        assert_eq!(check.status, CheckStatus::Pass);
        assert!(
            check
                .explanation
                .contains("Warning: Mail.Send is more than PortSIP 22.6"),
            "{}",
            check.explanation
        );
        assert!(
            check.fix.as_deref().is_some_and(
                |f| f.contains("pbx365 setup --profile extra") && f.contains("Mail.Send")
            ),
            "{check:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_optional_grant_22_2_does_not_use_is_not_granted_and_the_review_says_why() -> TestResult
{
    let world = world_with(|config| config.pbx_version = sim::PbxVersion::V22_2).await?;
    let (review, report) = set_up(
        &world,
        "old",
        &all_features().into_iter().collect::<Vec<_>>(),
        &[OptionalGrant::UserPhone, OptionalGrant::MailSend],
    )
    .await?;
    assert!(report.passed, "{}", describe(&report));
    assert!(
        review
            .warnings
            .iter()
            .any(|w| matches!(w, WizardWarning::GrantNotUsed { grant: OptionalGrant::UserPhone, version: Some(version), .. }
                if version.starts_with("22.2"))),
        "{:?}",
        review.warnings
    );
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&only_app(&world)?),
        [
            "Contacts.Read",
            "Mail.Send",
            "MailboxSettings.Read",
            "User.Read.All"
        ]
    );
    Ok(())
}

#[tokio::test]
async fn apply_refuses_to_narrow_declarations_changed_after_the_review() -> TestResult {
    let world = world_with(|config| config.pbx_version = sim::PbxVersion::V22_2).await?;
    full_auto(&world, "stale").await?;
    world.sim.pbx.set_version(sim::PbxVersion::V22_6);
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto(&world, "stale", &ctx).await?;
    let review = wizard.review(&ctx).await?;
    assert!(has_change(&review, REMOVE, "User.Read.All"), "{review:?}");

    // Another admin declares one more permission between the review and apply: narrowing the
    // list now would remove it unseen, so apply stops before writing anything.
    let app_id = only_app(&world)?;
    let app = world.sim.ms.application(&app_id).ok_or("no app")?;
    let mut roles = app.required_app_role_ids(entra::MICROSOFT_GRAPH_APP_ID);
    roles.push(
        world
            .sim
            .ms
            .graph_app_role_id("Calendars.Read")
            .ok_or("no Calendars.Read role")?,
    );
    let profile = world.env.profiles.require("stale")?;
    let graph = pbx365::access::sessions::resume_graph(&world.env, &profile).await?;
    graph
        .ensure_application(
            &entra::AppRegistration {
                display_name: app.display_name.clone(),
                web_redirect_uris: app.web_redirect_uris.clone(),
                graph_app_role_ids: roles,
                creator_tag: None,
            },
            Some(&entra::AppLocator::ObjectId(app.id.clone())),
        )
        .await?;

    let refused = wizard.apply(&ctx).await;
    assert!(
        matches!(
            &refused,
            Err(pbx365::Error::ReviewStale {
                what: pbx365::access::StaleWhat::PermissionsChanged { app_id: stale_app },
            }) if *stale_app == app_id
        ),
        "{refused:?}"
    );
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app_id),
        ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"],
        "a grant changed without a review"
    );
    assert!(declared(&world, &app_id)?.contains(&"Calendars.Read".to_owned()));
    Ok(())
}
