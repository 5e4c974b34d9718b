//! Setting up a user sync scoped to groups (automatic mode, PortSIP 22.6): the groups are checked
//! against the directory and named from it, apply writes their members to the PBX as the
//! `users` block's selected users with `INCLUDE`, the PBX's app holds `GroupMember.Read.All`
//! (22.5 and later), the doctor agrees, and a sync of the saved profile follows the groups.

mod engine_common;

use std::collections::BTreeSet;

use engine_common::{SavedSync, describe, prepare_auto_until_sync_options, sync_options, world};
use pbx365::profile::{GroupRef, UserScope};
use pbx365::progress::StepContext;
use sim::ms::group_names;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn lower(names: impl IntoIterator<Item = impl AsRef<str>>) -> BTreeSet<String> {
    names
        .into_iter()
        .map(|n| n.as_ref().to_lowercase())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_selects_the_groups_members_on_the_pbx_and_sync_keeps_them_in_step() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    let sales = world
        .sim
        .ms
        .group_named(group_names::SALES)
        .ok_or("no Sales group")?;
    let mut wizard = prepare_auto_until_sync_options(&world, "groups", &ctx).await?;

    // A group that is not in the directory is named as such.
    let mut options = sync_options();
    options.users.scope = UserScope::Groups {
        groups: vec![GroupRef {
            id: "5d2f0c1e-0000-4000-8000-00000000dead".to_owned(),
            display_name: String::new(),
        }],
    };
    let refused = wizard
        .set_sync_options(options.clone(), &ctx)
        .await
        .err()
        .ok_or("an unknown group was accepted")?;
    assert!(
        refused.to_string().contains("No group with the ID"),
        "{refused}"
    );

    // Chosen by ID alone (as `pbx365 setup --sync-groups` does): the name comes from Graph.
    options.users.scope = UserScope::Groups {
        groups: vec![GroupRef {
            id: sales.id.to_uppercase(),
            display_name: String::new(),
        }],
    };
    let summary = wizard.set_sync_options(options, &ctx).await?;
    assert_eq!(
        summary.options.users.scope.groups(),
        [GroupRef {
            id: sales.id.clone(),
            display_name: "Sales".to_owned(),
        }]
    );
    wizard.review(&ctx).await?;
    let applied = wizard.apply(&ctx).await?;
    let app_id = applied.app.ok_or("no app")?.app_id;

    let members = world.sim.ms.transitive_member_users(&sales.id);
    assert!(members.len() > 2, "Sales has {} members", members.len());
    let pbx = world.admin_pbx().await?;
    let users = pbx.ms365().await?.settings.users.ok_or("no users block")?;
    assert_eq!(
        serde_json::to_value(&users.sync_type)?,
        serde_json::json!("INCLUDE")
    );
    assert_eq!(
        lower(users.selected_users.unwrap_or_default()),
        lower(members.iter().map(|u| &u.user_principal_name)),
        "the PBX's selected users are not Sales' members"
    );
    let granted = world.sim.ms.granted_graph_permissions(&app_id);
    assert!(
        granted.iter().any(|p| p == "GroupMember.Read.All"),
        "PortSIP 22.6 lists GroupMember.Read.All for a group scope: {granted:?}"
    );
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));

    // A sync of the saved profile follows the groups: a new member is added to the PBX's list.
    let sync = SavedSync::open(&world.env, "groups").await?;
    let first = sync.preview().await?;
    assert_eq!(
        first.selected_users, None,
        "apply left the list out of step"
    );
    let newcomer = world
        .sim
        .ms
        .users()
        .into_iter()
        .find(|u| u.account_enabled && !members.iter().any(|m| m.id == u.id))
        .ok_or("everyone is in Sales")?;
    world.sim.ms.add_group_member(&sales.id, &newcomer.id)?;
    let report = sync.run().await?;
    let update = report
        .selected_users
        .ok_or("the run did not refresh the list")?;
    assert_eq!(lower(&update.added), lower([&newcomer.user_principal_name]));
    let after = pbx.ms365().await?.settings.users.ok_or("no users block")?;
    assert!(
        lower(after.selected_users.unwrap_or_default())
            .contains(&newcomer.user_principal_name.to_lowercase())
    );
    Ok(())
}
