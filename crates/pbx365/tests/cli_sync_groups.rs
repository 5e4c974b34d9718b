//! `pbx365 setup --sync-groups` and `pbx365 sync --dry-run` against `pbx365 sim`: the PBX's
//! selected users become the group's members at setup, and when they drift (someone changed
//! the users block in the portal) the dry run shows the refresh and the run makes it.
#![cfg(target_os = "linux")]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::keyring_home::{Home, sim_env};
use cli_support::{RunningSim, TestResult};
use portsip::model::{Ms365SettingsUpdate, SyncType, UsersSync};

const SETUP: &str = r#"printf '%s\n' "$PBX_PASSWORD" | "$PBX365" setup --profile demo --pbx-url "$PBX_URL" --username "$PBX_USER" --domain "$PBX_DOMAIN" --password-stdin --ca-file "$CA_FILE" --authority "$AUTHORITY" --mode auto --features users --sync-groups "$GROUP" --yes"#;

async fn admin(sim: &RunningSim) -> Result<portsip::Client, Box<dyn std::error::Error>> {
    let ca = std::fs::read_to_string(sim.ca_file()?)?;
    let client = portsip::Client::builder(&sim.get("/pbx/url")?)
        .ca_pem(ca)
        .build()?;
    let domain = sim.get("/pbx/admin/domain").ok();
    client
        .login(
            &sim.get("/pbx/admin/username")?,
            &sim.get("/pbx/admin/password")?,
            domain.as_deref(),
        )
        .await?;
    Ok(client)
}

async fn users_block(pbx: &portsip::Client) -> Result<UsersSync, Box<dyn std::error::Error>> {
    Ok(pbx.ms365().await?.settings.users.ok_or("no users block")?)
}

#[tokio::test]
async fn setup_selects_the_groups_members_and_sync_refreshes_the_list() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let sales = sim
        .info
        .pointer("/microsoft/groups")
        .and_then(|g| g.as_array())
        .and_then(|groups| groups.iter().find(|g| g["display_name"] == "Sales"))
        .and_then(|g| g["id"].as_str())
        .ok_or_else(|| format!("no Sales group announced: {}", sim.info))?
        .to_owned();
    let home = Home::new()?;
    let mut env = sim_env(&sim)?;
    env.push(("GROUP", sales));
    let steps = home
        .scenario(&[SETUP, r#""$PBX365" sync --profile demo --dry-run"#], &env)
        .await?;
    let [setup, dry] = steps.as_slice() else {
        return Err(format!("expected two steps, got {steps:?}").into());
    };
    assert_eq!(setup.code, 0, "{setup:?}");
    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(!dry.stdout.contains("selected users"), "{dry:?}");
    let pbx = admin(&sim).await?;
    let selected = users_block(&pbx).await?;
    assert_eq!(selected.sync_type, Some(SyncType::Include));
    let members = selected.selected_users.unwrap_or_default();
    assert!(!members.is_empty());

    // Someone sets the PBX back to everyone in the portal.
    pbx.set_ms365(&Ms365SettingsUpdate {
        users: Some(UsersSync {
            sync_type: Some(SyncType::All),
            selected_users: Some(Vec::new()),
            ..UsersSync::default()
        }),
        ..Ms365SettingsUpdate::default()
    })
    .await?;
    let steps = home
        .scenario(&[r#""$PBX365" sync --profile demo --dry-run"#], &env)
        .await?;
    let [dry] = steps.as_slice() else {
        return Err(format!("expected one step, got {steps:?}").into());
    };
    assert_eq!(dry.code, 0, "{dry:?}");
    let line = format!(
        "Update the PBX's selected users: {} added, 0 removed",
        members.len()
    );
    assert!(dry.stdout.contains(&line), "{line} not in {dry:?}");
    assert!(dry.stdout.contains("(INCLUDE)"), "{dry:?}");
    assert_eq!(
        users_block(&pbx).await?.sync_type,
        Some(SyncType::All),
        "the dry run wrote"
    );
    let steps = home
        .scenario(&[r#""$PBX365" sync --profile demo"#], &env)
        .await?;
    let [run] = steps.as_slice() else {
        return Err(format!("expected one step, got {steps:?}").into());
    };
    assert_eq!(run.code, 0, "{run:?}");
    let after = users_block(&pbx).await?;
    assert_eq!(after.sync_type, Some(SyncType::Include));
    assert_eq!(after.selected_users.unwrap_or_default(), members);
    Ok(())
}
