//! Sync runs against the emulated PBX and Microsoft cloud with 1,000 seeded users of every
//! kind: guests, disabled and nameless accounts, duplicate names, mailboxes the PBX already has.

mod sync_support;

use std::collections::HashSet;

use pbx365::sync::{
    ActionKind, Degradation, Notice, OutcomeStatus, PbxDirectory, Reason, RunOptions, RunStatus,
    SourceKind, SyncError, UserField,
};
use portsip::Secret;
use portsip::model::{Ms365App, Ms365SettingsUpdate, NewUser, Role, SyncType, UsersSync};
use sync_support::{
    FIRST_EXTENSION, PROFILE, TestResult, World, assert_completed, assert_converged,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dry_run_is_what_the_run_does_and_a_second_run_changes_nothing() -> TestResult {
    let world = World::start().await?;
    let engine = world.engine();
    let source = world.source();

    world.sim.pbx_recorder.clear();
    let preview = engine.preview(&world.pbx, &source).await?;
    assert!(preview.counts.create > 500, "{:?}", preview.counts);
    assert!(preview.counts.adopt > 50, "{:?}", preview.counts);
    let skipped: HashSet<Reason> = preview.skipped.iter().map(|s| s.reason).collect();
    for reason in [Reason::Guest, Reason::NoName, Reason::AccountDisabled] {
        assert!(skipped.contains(&reason), "no user skipped as {reason:?}");
    }
    assert!(
        world.pbx_writes().is_empty(),
        "the dry run wrote to the PBX"
    );
    assert!(
        world.store.history(PROFILE, 10)?.is_empty(),
        "the dry run was recorded"
    );

    world.sim.pbx_recorder.clear();
    world.sim.ms_recorder.clear();
    let report = engine.run(&world.pbx, &source).await?;
    assert_eq!(
        report.plan, preview,
        "the run followed another plan than the dry run showed"
    );
    assert_completed(&report);
    assert!(report.succeeded());
    for action in &report.plan.actions {
        let outcome = &report.users[action.seq as usize];
        assert_eq!(outcome.status, OutcomeStatus::Done, "{outcome:?}");
        assert_eq!(outcome.action, Some(action.kind));
        assert_eq!(outcome.pbx_name.as_deref(), Some(action.pbx_name.as_str()));
        assert_eq!(outcome.extension, action.extension);
    }
    let counts = report.summary.outcome;
    assert_eq!(counts.created, preview.counts.create);
    assert_eq!(counts.adopted, preview.counts.adopt);
    assert_eq!(counts.skipped, preview.counts.skip);
    let writes = world.pbx_writes();
    let creates = writes
        .iter()
        .filter(|w| w.as_str() == "POST /api/users")
        .count();
    let binds = writes
        .iter()
        .filter(|w| w.ends_with("/ms365_binding"))
        .count();
    assert_eq!(creates, preview.counts.create as usize);
    assert_eq!(
        binds,
        (preview.counts.create + preview.counts.adopt) as usize
    );
    assert_converged(&world.sim)?;
    // Microsoft is read at its floor: one request per page of 999 users, nothing per user.
    let graph = world.graph_requests();
    let floor = world.sim.ms.users().len().div_ceil(999);
    assert_eq!(graph.len(), floor, "{graph:#?}");
    assert!(
        graph.iter().all(|r| r.starts_with("GET /v1.0/users?")),
        "{graph:#?}"
    );

    // What the PBX now holds is what the plan said, field for field.
    let users = world.sim.pbx.users();
    for action in report
        .plan
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::Create)
    {
        let user = users
            .iter()
            .find(|u| u["name"] == action.pbx_name.as_str())
            .ok_or("a planned user is missing")?;
        assert_eq!(
            user["extension_number"],
            action.extension.as_deref().unwrap_or_default()
        );
        assert_eq!(
            user["display_name"],
            action.value(UserField::DisplayName).unwrap_or_default()
        );
        assert!(user.get("password").is_none());
    }

    world.sim.pbx_recorder.clear();
    let second = engine.run(&world.pbx, &source).await?;
    assert!(
        second.plan.actions.is_empty(),
        "{:?}",
        second.plan.actions.first()
    );
    assert_eq!(second.summary.status, RunStatus::Completed);
    assert_eq!(world.pbx_writes(), Vec::<String>::new());
    let drift = engine.drift(&world.pbx, &source).await?;
    assert!(drift.is_clean(), "{drift:?}");

    let history = world.store.history(PROFILE, 10)?;
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].outcome.created, preview.counts.create);
    let mut csv = Vec::new();
    world.store.export_csv(history[1].id, &mut csv)?;
    let csv = String::from_utf8(csv)?;
    let lines = csv.lines().count();
    assert_eq!(lines, 1 + report.users.len());
    assert!(csv.contains(",create,done,"));
    assert!(!csv.contains("Pw-"), "no password may reach the history");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_option_changes_the_plan() -> TestResult {
    let world = World::start().await?;
    let engine = world.engine();
    let source = world.source();
    let base = engine.preview(&world.pbx, &source).await?;
    let planned = |plan: &pbx365::sync::Plan| -> HashSet<String> {
        plan.actions
            .iter()
            .map(|a| a.principal.to_lowercase())
            .collect()
    };
    let base_users = planned(&base);
    let guests_skipped = base
        .skipped
        .iter()
        .filter(|s| s.reason == Reason::Guest)
        .count();
    assert!(guests_skipped > 10);

    world
        .set_users_sync(UsersSync {
            sync_guest_users: Some(true),
            ..UsersSync::default()
        })
        .await?;
    let with_guests = engine.preview(&world.pbx, &source).await?;
    assert!(
        with_guests
            .skipped
            .iter()
            .all(|s| s.reason != Reason::Guest)
    );
    let with_guests_users = planned(&with_guests);
    let new: Vec<&String> = with_guests_users.difference(&base_users).collect();
    assert!(
        new.len() >= guests_skipped - 5,
        "guests planned: {}",
        new.len()
    );
    assert!(new.iter().all(|p| p.contains("#ext#")), "{new:?}");

    let chosen: Vec<String> = base
        .actions
        .iter()
        .take(3)
        .map(|a| a.principal.clone())
        .collect();
    world
        .set_users_sync(UsersSync {
            sync_type: Some(SyncType::Include),
            selected_users: Some(chosen.clone()),
            ..UsersSync::default()
        })
        .await?;
    let only = engine.preview(&world.pbx, &source).await?;
    let chosen_set: HashSet<String> = chosen.iter().map(|c| c.to_lowercase()).collect();
    assert_eq!(
        planned(&only),
        chosen_set,
        "INCLUDE = only the selected users"
    );

    world
        .set_users_sync(UsersSync {
            sync_type: Some(SyncType::Exclude),
            selected_users: Some(chosen.clone()),
            ..UsersSync::default()
        })
        .await?;
    let except = engine.preview(&world.pbx, &source).await?;
    let expected: HashSet<String> = base_users.difference(&chosen_set).cloned().collect();
    assert_eq!(
        planned(&except),
        expected,
        "EXCLUDE = everyone except the selected users"
    );

    world
        .set_users_sync(UsersSync {
            sync_photo: Some(true),
            ..UsersSync::default()
        })
        .await?;
    let photos = engine.preview(&world.pbx, &source).await?;
    assert_eq!(photos.notices, [Notice::PhotosByPbx]);
    assert!(base.notices.is_empty());

    world
        .set_users_sync(UsersSync {
            enabled: Some(false),
            ..UsersSync::default()
        })
        .await?;
    let off = engine.preview(&world.pbx, &source).await;
    assert!(matches!(off, Err(SyncError::UserSyncOff)), "{off:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_and_extension_collisions_are_resolved_the_same_way_every_time() -> TestResult {
    let world = World::start().await?;
    let engine = world.engine();
    let source = world.source();
    let base = engine.preview(&world.pbx, &source).await?;
    let creates: Vec<_> = base
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::Create)
        .collect();
    // The reserved `admin` (the emulator's Global Administrator) cannot be a PBX user name.
    let admin = creates
        .iter()
        .find(|a| a.principal.starts_with("admin@"))
        .ok_or("the Global Administrator is not planned")?;
    assert_eq!(admin.pbx_name, "admin_2");

    // Someone else takes a planned user's name and the first two free extensions.
    let first = creates
        .iter()
        .find(|a| a.pbx_name != "admin_2")
        .ok_or("nothing to create")?;
    let squatter = |name: &str, extension: &str| NewUser {
        name: name.to_owned(),
        display_name: "Not from Microsoft".to_owned(),
        password: Secret::new("Squat-1234!x"),
        email: format!("{name}@elsewhere.example"),
        role: Role::StandardUser,
        extension_number: extension.to_owned(),
        extension_password: Secret::new("Ext-Squat-1234"),
        voicemail_pin: Secret::new("246810"),
        settings: Default::default(),
    };
    world
        .pbx
        .create_user(&squatter(&first.pbx_name.to_uppercase(), FIRST_EXTENSION))
        .await?;
    world
        .pbx
        .create_user(&squatter("someone.else", "2001"))
        .await?;

    let plan = engine.preview(&world.pbx, &source).await?;
    assert_eq!(
        plan,
        engine.preview(&world.pbx, &source).await?,
        "plans differ between runs"
    );
    let moved = plan
        .actions
        .iter()
        .find(|a| a.object_id == first.object_id)
        .ok_or("the first user vanished from the plan")?;
    assert_eq!(moved.pbx_name, format!("{}_2", first.pbx_name));
    let extensions: Vec<&str> = plan
        .actions
        .iter()
        .filter_map(|a| {
            (a.kind == ActionKind::Create)
                .then_some(a.extension.as_deref())
                .flatten()
        })
        .take(2)
        .collect();
    assert_eq!(extensions, ["2002", "2003"]);

    let report = engine.run(&world.pbx, &source).await?;
    assert_eq!(report.plan, plan);
    assert_eq!(report.summary.status, RunStatus::Completed);
    assert_converged(&world.sim)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_shows_what_is_out_of_line_without_changing_anything() -> TestResult {
    let world = World::start().await?;
    let engine = world.engine();
    let source = world.source();
    let before = engine.drift(&world.pbx, &source).await?;
    assert!(before.missing_on_pbx.len() > 500);
    assert!(before.not_bound.len() > 50);

    // A seeded PBX user whose Microsoft account is disabled gets bound by hand, and another
    // PBX user is bound to an account that does not exist.
    let disabled = world
        .sim
        .ms
        .users()
        .into_iter()
        .find(|u| {
            !u.account_enabled && {
                let mail = u.mail.clone().unwrap_or_default();
                world
                    .sim
                    .pbx
                    .users()
                    .iter()
                    .any(|p| p["email"] == mail.as_str())
            }
        })
        .ok_or("no disabled account has a PBX user")?;
    let mail = disabled.mail.clone().unwrap_or_default();
    let users = world.sim.pbx.users();
    let holder = users
        .iter()
        .find(|p| p["email"] == mail.as_str())
        .and_then(|p| p["id"].as_str())
        .ok_or("no PBX user id")?;
    world.pbx.bind_ms365(holder, &disabled.id).await?;
    let reception = users
        .iter()
        .find(|p| p["name"] == "reception")
        .and_then(|p| p["id"].as_str())
        .ok_or("no reception user")?;
    world
        .pbx
        .bind_ms365(reception, "00000000-0000-4000-8000-000000000001")
        .await?;

    world.sim.pbx_recorder.clear();
    let drift = engine.drift(&world.pbx, &source).await?;
    assert!(world.pbx_writes().is_empty(), "drift wrote to the PBX");
    assert_eq!(drift.missing_on_pbx.len(), before.missing_on_pbx.len());
    let disabled_ids: Vec<_> = drift
        .disabled_in_microsoft
        .iter()
        .filter_map(|d| d.object_id.as_deref())
        .collect();
    assert_eq!(disabled_ids, [disabled.id.as_str()]);
    let gone: Vec<_> = drift
        .gone_from_microsoft
        .iter()
        .filter_map(|d| d.pbx_name.as_deref())
        .collect();
    assert_eq!(gone, ["reception"]);

    let plan = engine.preview(&world.pbx, &source).await?;
    let disable = plan
        .actions
        .iter()
        .find(|a| a.object_id == disabled.id)
        .ok_or("the disabled account's PBX user is not planned")?;
    assert_eq!(disable.kind, ActionKind::Disable);
    assert!(
        plan.reported
            .iter()
            .any(|r| r.pbx_name == "reception" && r.reason == Reason::GoneFromMicrosoft)
    );
    let report = engine.run(&world.pbx, &source).await?;
    assert_eq!(report.summary.status, RunStatus::Completed);
    let after = world.sim.pbx.users();
    let user = after
        .iter()
        .find(|p| p["id"] == holder)
        .ok_or("the disabled account's PBX user was deleted")?;
    assert_eq!(user["enabled"], false);
    assert!(
        after.iter().any(|p| p["name"] == "reception"),
        "a user gone from Microsoft 365 must never be deleted"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pbx_view_holds_back_whom_it_cannot_classify_unless_the_run_says_otherwise()
-> TestResult {
    let world = World::start().await?;
    let source = PbxDirectory::new(world.pbx.clone());
    // Before the integration is set up, the PBX cannot list Microsoft 365 users.
    let result = world.engine().preview(&world.pbx, &source).await;
    let Err(error @ SyncError::PbxDirectory(_)) = result else {
        return Err(format!("expected the PBX's refusal, got {result:?}").into());
    };
    assert!(error.to_string().contains("/ms365/users"), "{error}");

    // Set up as the wizard would: the PBX's key pair on an app with User.Read.All.
    world.pbx.generate_ms365_certificate().await?;
    let certificate = world
        .sim
        .pbx
        .certificate()
        .ok_or("the PBX made no certificate")?;
    let app = world.sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PortSIP PBX".to_owned(),
        web_redirect_uris: vec![world.sim.pbx.redirect_uri()],
        certificates_der: vec![certificate.der],
        graph_app_roles: vec!["User.Read.All".to_owned()],
    })?;
    world
        .pbx
        .set_ms365(&Ms365SettingsUpdate {
            app: Ms365App {
                directory_id: Some(world.sim.ms.tenant_id().to_owned()),
                application_id: Some(app.app_id),
                ..Ms365App::default()
            },
            ..Ms365SettingsUpdate::default()
        })
        .await?;

    let held = world.engine().preview(&world.pbx, &source).await?;
    assert_eq!(held.source, SourceKind::Pbx);
    assert!(held.degradations.contains(&Degradation::NoAccountState));
    assert!(held.degradations.contains(&Degradation::NoGuestFlag));
    let full = world.engine().preview(&world.pbx, &world.source()).await?;
    assert!(full.degradations.is_empty());
    // Without account state and guest flags nobody can be classified, so nobody is created:
    // everyone Graph would create is listed as held back, and the plan says why.
    assert_eq!(held.counts.create, 0, "{:?}", held.counts);
    assert!(held.notices.contains(&Notice::UnclassifiedHeld));
    let held_back: Vec<&str> = held
        .skipped
        .iter()
        .filter(|s| s.reason == Reason::Unclassified)
        .map(|s| s.object_id.as_str())
        .collect();
    for created in full.actions.iter().filter(|a| a.kind == ActionKind::Create) {
        assert!(
            held_back.contains(&created.object_id.as_str()),
            "{} is neither created nor held back",
            created.principal
        );
    }

    // The admin chose to create them anyway for this run: the PBX view plans more users than
    // Graph, guests and disabled accounts among them.
    let engine = world.engine().with_options(RunOptions {
        create_unclassified: true,
        ..world.options()
    });
    let plan = engine.preview(&world.pbx, &source).await?;
    assert!(plan.notices.contains(&Notice::UnclassifiedCreated));
    assert!(
        plan.counts.create > full.counts.create,
        "{:?} vs {:?}",
        plan.counts,
        full.counts
    );
    assert!(
        plan.actions
            .iter()
            .all(|a| a.value(UserField::Department).is_none())
    );

    let report = engine.run(&world.pbx, &source).await?;
    assert_eq!(report.plan, plan);
    assert_eq!(report.summary.status, RunStatus::Completed);
    let again = engine.preview(&world.pbx, &source).await?;
    assert!(again.actions.is_empty(), "{:?}", again.actions.first());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_of_the_same_profile_is_refused_and_changes_nothing() -> TestResult {
    use pbx365::run_lock::{Activity, RunLock, RunLockError};

    let world = World::start().await?;
    // Another process (the window, the CLI) is running a sync of this profile.
    let held = RunLock::acquire(world.store.folder(), Activity::Sync, PROFILE)?;
    world.sim.pbx_recorder.clear();
    let refused = world.engine().run(&world.pbx, &world.source()).await;
    assert!(
        matches!(
            refused,
            Err(SyncError::Lock(RunLockError::Busy {
                activity: Activity::Sync,
                ..
            }))
        ),
        "{refused:?}"
    );
    assert!(
        world.pbx_writes().is_empty(),
        "the refused run wrote to the PBX"
    );
    assert!(
        world.store.history(PROFILE, 10)?.is_empty(),
        "the refused run was recorded"
    );
    drop(held);
    let report = world.engine().run(&world.pbx, &world.source()).await?;
    assert_eq!(report.summary.status, RunStatus::Completed);
    Ok(())
}

/// A sync against the emulator playing 21Vianet's cloud: the engine's Graph session holds a
/// token for the China Graph resource, and everyone who must be synced ends up bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_in_the_china_cloud_binds_everyone_it_must() -> TestResult {
    let world = World::start_with(|config| {
        config.cloud = sim::ms::National::China;
        config.ms_users = 40;
        config.pbx_users = 8;
    })
    .await?;
    let report = world.engine().run(&world.pbx, &world.source()).await?;
    assert_completed(&report);
    let expected = sync_support::must_be_synced(&world.sim);
    assert!(!expected.is_empty());
    for object_id in expected.keys() {
        let bound = world
            .sim
            .pbx
            .users()
            .iter()
            .filter_map(|user| user.get("id").and_then(serde_json::Value::as_str))
            .any(|id| world.sim.pbx.ms365_binding(id).as_deref() == Some(object_id.as_str()));
        assert!(bound, "{object_id} is not bound");
    }
    let graph_calls = world.graph_requests();
    assert!(!graph_calls.is_empty(), "the sync read nothing from Graph");
    Ok(())
}
