//! User sync scoped to Microsoft 365 groups, against the emulators: exactly the groups'
//! transitive members are synced (nested groups included; guests and disabled accounts as the
//! usual rules say), the PBX's selected users (`GET /ms365`, `users` block) become those members
//! with `INCLUDE`, a membership change in the directory is picked up by the next run, the dry
//! run and drift follow the scope, and a sign-in that may not read groups is refused before
//! anything is written.

mod sync_support;

use std::collections::{BTreeSet, HashSet};

use pbx365::profile::GroupRef;
use pbx365::sync::{ActionKind, GraphDirectory, PbxDirectory, Reason, SyncError};
use sim::ms::{DirectoryUser, group_names};
use sync_support::{PROFILE, TestResult, World, assert_completed, sign_in_with};

async fn small_world() -> Result<World, Box<dyn std::error::Error>> {
    World::start_with(|config| {
        config.ms_users = 120;
        config.pbx_users = 20;
    })
    .await
}

fn group(world: &World, name: &str) -> Result<GroupRef, String> {
    let found = world
        .sim
        .ms
        .group_named(name)
        .ok_or_else(|| format!("no group {name}"))?;
    Ok(GroupRef {
        id: found.id,
        display_name: found.display_name,
    })
}

/// The users of `groups` according to the emulator itself, each once.
fn members(world: &World, groups: &[GroupRef]) -> Vec<DirectoryUser> {
    let mut seen = HashSet::new();
    groups
        .iter()
        .flat_map(|g| world.sim.ms.transitive_member_users(&g.id))
        .filter(|u| seen.insert(u.id.clone()))
        .collect()
}

fn lower(names: impl IntoIterator<Item = impl AsRef<str>>) -> BTreeSet<String> {
    names
        .into_iter()
        .map(|n| n.as_ref().to_lowercase())
        .collect()
}

/// Who a sync must bind: enabled members with a first or last name.
fn syncable(user: &DirectoryUser) -> bool {
    user.account_enabled
        && user.user_type == "Member"
        && (user.given_name.is_some() || user.surname.is_some())
}

/// The PBX's `users` block as `GET /ms365` shows it: sync type and selected users.
async fn pbx_selection(
    world: &World,
) -> Result<(String, BTreeSet<String>), Box<dyn std::error::Error>> {
    let settings = world.pbx.ms365().await?;
    let users = settings.settings.users.ok_or("no users block")?;
    let sync_type = serde_json::to_value(users.sync_type)?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((sync_type, lower(users.selected_users.unwrap_or_default())))
}

/// Object IDs the PBX's users are bound to.
fn bound_object_ids(world: &World) -> HashSet<String> {
    world
        .sim
        .pbx
        .users()
        .iter()
        .filter_map(|u| u.get("id").and_then(|id| id.as_str()))
        .filter_map(|id| world.sim.pbx.ms365_binding(id))
        .collect()
}

async fn group_source(
    world: &World,
    groups: &[GroupRef],
) -> Result<GraphDirectory, Box<dyn std::error::Error>> {
    let graph = sign_in_with(&world.sim, &[entra::GROUP_MEMBERSHIP_PERMISSION]).await?;
    Ok(GraphDirectory::new(graph).scoped_to(groups.to_vec()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_scoped_sync_takes_in_exactly_the_members_and_the_pbx_selects_them() -> TestResult {
    let world = small_world().await?;
    let groups = vec![
        group(&world, group_names::CUSTOMER_FACING)?,
        group(&world, group_names::CONTRACTORS)?,
    ];
    let members = members(&world, &groups);
    let member_ids: HashSet<String> = members.iter().map(|u| u.id.clone()).collect();
    let principals = lower(members.iter().map(|u| &u.user_principal_name));
    assert!(
        members.iter().any(|u| u.user_type == "Guest"),
        "no guest in scope"
    );
    assert!(
        members.iter().any(|u| !u.account_enabled),
        "no disabled account in scope"
    );
    let source = group_source(&world, &groups).await?;
    let engine = world.engine();

    world.sim.pbx_recorder.clear();
    let preview = engine.preview(&world.pbx, &source).await?;
    assert!(
        world.pbx_writes().is_empty(),
        "the dry run wrote: {:?}",
        world.pbx_writes()
    );
    let update = preview
        .selected_users
        .clone()
        .ok_or("the dry run does not show the selected-users refresh")?;
    assert!(update.include_set);
    assert_eq!(lower(&update.added), principals);
    assert!(update.removed.is_empty());
    assert!(
        update.sentence().starts_with(&format!(
            "Update the PBX's selected users: {} added, 0 removed",
            principals.len()
        )),
        "{}",
        update.sentence()
    );
    for action in &preview.actions {
        assert!(
            member_ids.contains(&action.object_id),
            "{} is not a member but is {:?}",
            action.principal,
            action.kind
        );
    }
    for skipped in &preview.skipped {
        let expected_out = !member_ids.contains(&skipped.object_id);
        assert_eq!(
            skipped.reason == Reason::OutOfScope,
            expected_out,
            "{} skipped as {:?}",
            skipped.principal,
            skipped.reason
        );
    }
    let skipped_as = |reason: Reason| -> HashSet<&str> {
        preview
            .skipped
            .iter()
            .filter(|s| s.reason == reason)
            .map(|s| s.object_id.as_str())
            .collect()
    };
    for user in &members {
        if user.user_type == "Guest" {
            assert!(
                skipped_as(Reason::Guest).contains(user.id.as_str()),
                "guest {}",
                user.user_principal_name
            );
        } else if !user.account_enabled {
            assert!(
                skipped_as(Reason::AccountDisabled).contains(user.id.as_str()),
                "disabled {}",
                user.user_principal_name
            );
        }
    }

    let report = engine.run(&world.pbx, &source).await?;
    assert_completed(&report);
    assert_eq!(
        report.plan, preview,
        "the run followed another plan than the dry run"
    );
    assert_eq!(report.selected_users, Some(update));
    let (sync_type, selected) = pbx_selection(&world).await?;
    assert_eq!(sync_type, "INCLUDE");
    assert_eq!(
        selected, principals,
        "the PBX's selected users are not the members"
    );

    let bound = bound_object_ids(&world);
    for user in members.iter().filter(|u| syncable(u)) {
        assert!(
            bound.contains(&user.id),
            "member {} was not synced",
            user.user_principal_name
        );
    }
    let outsiders: Vec<&String> = bound
        .iter()
        .filter(|id| !member_ids.contains(*id))
        .collect();
    assert!(outsiders.is_empty(), "non-members bound: {outsiders:?}");

    // Nothing changed: no refresh, no user change.
    world.sim.pbx_recorder.clear();
    let again = engine.run(&world.pbx, &source).await?;
    assert_eq!(again.plan.selected_users, None);
    assert!(again.plan.actions.is_empty(), "{:?}", again.plan.actions);
    assert!(world.pbx_writes().is_empty(), "{:?}", world.pbx_writes());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_membership_change_is_picked_up_by_the_next_run() -> TestResult {
    let world = small_world().await?;
    let sales = group(&world, group_names::SALES)?;
    let emea = group(&world, group_names::SALES_EMEA)?;
    let groups = vec![sales.clone()];
    let source = group_source(&world, &groups).await?;
    let engine = world.engine();
    engine.run(&world.pbx, &source).await?;
    let before = members(&world, &groups);

    let newcomer = world
        .sim
        .ms
        .users()
        .into_iter()
        .find(|u| syncable(u) && !before.iter().any(|m| m.id == u.id))
        .ok_or("nobody outside Sales")?;
    let leaver = world
        .sim
        .ms
        .transitive_member_users(&emea.id)
        .into_iter()
        .find(syncable)
        .ok_or("nobody to take out of Sales EMEA")?;
    assert!(bound_object_ids(&world).contains(&leaver.id));
    world.sim.ms.add_group_member(&emea.id, &newcomer.id)?;
    world.sim.ms.remove_group_member(&emea.id, &leaver.id)?;

    let preview = engine.preview(&world.pbx, &source).await?;
    let update = preview.selected_users.clone().ok_or("no refresh planned")?;
    assert_eq!(lower(&update.added), lower([&newcomer.user_principal_name]));
    assert_eq!(lower(&update.removed), lower([&leaver.user_principal_name]));
    assert!(!update.include_set);
    let create = preview
        .actions
        .iter()
        .find(|a| a.object_id == newcomer.id)
        .ok_or("the newcomer is not planned")?;
    assert!(
        matches!(create.kind, ActionKind::Create | ActionKind::Adopt),
        "{create:?}"
    );
    let reported = preview
        .reported
        .iter()
        .find(|r| r.object_id.as_deref() == Some(leaver.id.as_str()))
        .ok_or("the leaver is not reported")?;
    assert_eq!(reported.reason, Reason::OutOfScope);

    let report = engine.run(&world.pbx, &source).await?;
    assert_completed(&report);
    let (_, selected) = pbx_selection(&world).await?;
    assert_eq!(
        selected,
        lower(
            members(&world, &groups)
                .iter()
                .map(|u| &u.user_principal_name)
        )
    );
    assert!(selected.contains(&newcomer.user_principal_name.to_lowercase()));
    assert!(!selected.contains(&leaver.user_principal_name.to_lowercase()));
    let bound = bound_object_ids(&world);
    assert!(bound.contains(&newcomer.id), "the newcomer was not synced");
    // Out of scope is reported, never deleted or disabled.
    assert!(
        bound.contains(&leaver.id),
        "the leaver's PBX user was removed"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_follows_the_group_scope() -> TestResult {
    let world = small_world().await?;
    let groups = vec![group(&world, group_names::SALES)?];
    let scoped = group_source(&world, &groups).await?;
    let engine = world.engine();
    let drift = engine.drift(&world.pbx, &scoped).await?;
    // Before the run the PBX selects everyone: the whole directory is out of line.
    let everyone = engine.drift(&world.pbx, &world.source()).await?;
    assert!(
        everyone.missing_on_pbx.len() > drift.missing_on_pbx.len() + 20,
        "{} vs {}",
        everyone.missing_on_pbx.len(),
        drift.missing_on_pbx.len()
    );
    let members = members(&world, &groups);
    let missing: HashSet<String> = drift
        .missing_on_pbx
        .iter()
        .chain(&drift.not_bound)
        .filter_map(|e| e.object_id.clone())
        .collect();
    assert!(!missing.is_empty());
    assert!(
        missing.iter().all(|id| members.iter().any(|m| &m.id == id)),
        "drift lists users outside the groups"
    );
    engine.run(&world.pbx, &scoped).await?;
    let after = engine.drift(&world.pbx, &scoped).await?;
    assert!(
        after.missing_on_pbx.is_empty() && after.not_bound.is_empty(),
        "{after:?}"
    );
    // The PBX now selects the members itself: read without the group scope, the PBX's own
    // settings give the same answer.
    let unscoped = engine.drift(&world.pbx, &world.source()).await?;
    assert!(unscoped.missing_on_pbx.is_empty(), "{unscoped:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_group_permission_or_graph_the_run_stops_before_writing() -> TestResult {
    let world = small_world().await?;
    let groups = vec![group(&world, group_names::SALES)?];
    let engine = world.engine();
    world.sim.pbx_recorder.clear();

    let without = world.source().scoped_to(groups.clone());
    let error = engine
        .run(&world.pbx, &without)
        .await
        .err()
        .ok_or("ran without GroupMember.Read.All")?;
    assert!(
        matches!(&error, SyncError::GroupsDenied { profile } if profile == PROFILE),
        "{error:?}"
    );
    let sentence = error.to_string();
    assert!(sentence.contains("GroupMember.Read.All"), "{sentence}");
    assert!(
        sentence.contains(&format!("pbx365 ms signin --profile {PROFILE}")),
        "{sentence}"
    );

    let gone = vec![GroupRef {
        id: "5d2f0c1e-0000-4000-8000-00000000dead".to_owned(),
        display_name: "Old team".to_owned(),
    }];
    let error = engine
        .preview(&world.pbx, &group_source(&world, &gone).await?)
        .await
        .err()
        .ok_or("an unknown group was accepted")?;
    assert!(
        matches!(&error, SyncError::GroupGone { name, .. } if name == "Old team"),
        "{error:?}"
    );

    let guided = PbxDirectory::new(world.pbx.clone()).scoped_to(groups);
    let error = engine
        .preview(&world.pbx, &guided)
        .await
        .err()
        .ok_or("guided mode read groups")?;
    assert!(matches!(error, SyncError::GroupsNeedGraph), "{error:?}");
    assert!(error.to_string().contains("automatic mode"));
    assert!(world.pbx_writes().is_empty(), "{:?}", world.pbx_writes());
    Ok(())
}
