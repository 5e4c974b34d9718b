//! A registration whose answer was lost after Entra applied it: the app is found again by its
//! creator tag instead of being registered twice.

use entra::{AppRegistration, GraphClient, SETUP_PERMISSIONS, USER_SYNC_PERMISSION};

use crate::support::{AnyError, TestResult, World, fast_policy, world};
use crate::token_renewal::Browser;

fn spec(creator_tag: Option<&str>) -> AppRegistration {
    AppRegistration {
        display_name: "PortSIP PBX (contoso.example)".into(),
        web_redirect_uris: vec!["https://pbx.contoso.example/ms365/callback".into()],
        graph_app_role_ids: Vec::new(),
        creator_tag: creator_tag.map(str::to_owned),
    }
}

/// The emulated tenant's apps with this display name.
fn apps_named(world: &World, name: &str) -> usize {
    world
        .sim
        .ms
        .applications()
        .iter()
        .filter(|app| app.display_name == name)
        .count()
}

/// The emulated tenant and a Graph client of its administrator, with quick retries.
async fn signed_in() -> Result<(World, GraphClient), AnyError> {
    let mut world = world().await?;
    let mut permissions: Vec<String> = SETUP_PERMISSIONS.iter().map(|p| (*p).to_owned()).collect();
    permissions.push(USER_SYNC_PERMISSION.to_owned());
    world.options.graph_permissions = permissions;
    let auth = world.authenticator().await?;
    let session = auth
        .sign_in_with_browser(&Browser(world.http.clone()))
        .await?;
    Ok((
        world,
        GraphClient::new(session).with_retry_policy(fast_policy()),
    ))
}

#[tokio::test]
async fn a_lost_answer_to_the_apps_creation_never_registers_it_twice() -> TestResult {
    let (world, graph) = signed_in().await?;
    let tagged = spec(Some("pbx365:pbx.contoso.example/contoso.example"));

    // Graph requests only: the lookup by tag passes, the creation is applied and its answer
    // lost, the next lookup finds the app.
    world.sim.ms_faults.limit_to(sim::FaultScope::Graph);
    world.sim.ms_faults.drop_reply_every(2);
    let ensured = graph.ensure_application(&tagged, None).await?;
    world.sim.ms_faults.clear();
    assert!(ensured.created);
    assert_eq!(apps_named(&world, &tagged.display_name), 1);
    assert_eq!(
        ensured.application.tags,
        ["pbx365:pbx.contoso.example/contoso.example"]
    );

    // A later run that never learnt the app's ID finds it by its tag too.
    let again = graph.ensure_application(&tagged, None).await?;
    assert!(!again.created);
    assert_eq!(again.application.id, ensured.application.id);
    assert_eq!(apps_named(&world, &tagged.display_name), 1);
    Ok(())
}

#[tokio::test]
async fn without_a_tag_a_lost_answer_is_an_error_not_a_guess() -> TestResult {
    let (world, graph) = signed_in().await?;
    let untagged = spec(None);
    world.sim.ms_faults.limit_to(sim::FaultScope::Graph);
    world.sim.ms_faults.drop_reply_every(1);
    let result = graph.ensure_application(&untagged, None).await;
    world.sim.ms_faults.clear();
    assert!(result.is_err(), "{result:?}");
    // Entra did register it; the caller is told the creation failed and must look itself.
    assert_eq!(apps_named(&world, &untagged.display_name), 1);
    Ok(())
}
