//! Shared by the sync tests: the emulators with 1,000 seeded Microsoft 365 users, a signed-in
//! PBX client and Graph client, a fresh history database, and an independent oracle of who
//! must end up on the PBX.

// Each test crate uses its own share of these helpers.
#![allow(dead_code)]

pub mod example;
#[path = "../graph_contract_support/mod.rs"]
mod graph_contract_support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use pbx365::profile::PbxSettings;
use pbx365::sync::{GraphDirectory, RunOptions, RunReport, RunStatus, SyncEngine, SyncStore};
use portsip::model::{Ms365SettingsUpdate, SyncType, UsersSync};
use serde_json::Value;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const MS_USERS: usize = 1000;
pub const PBX_USERS: usize = 150;
pub const PROFILE: &str = "contoso";
pub const FIRST_EXTENSION: &str = "2000";

pub struct World {
    pub sim: sim::Sim,
    /// Holds every Graph call of the test to Microsoft's metadata when the world is dropped.
    pub graph_contract: graph_contract_support::GraphContractTap,
    pub pbx: portsip::Client,
    pub graph: entra::GraphClient,
    pub dir: tempfile::TempDir,
    pub store: Arc<SyncStore>,
}

impl World {
    pub async fn start() -> Result<World, Box<dyn std::error::Error>> {
        Self::start_with(|_| {}).await
    }

    /// [`World::start`] with the emulators' configuration changed first.
    pub async fn start_with(
        change: impl FnOnce(&mut sim::SimConfig),
    ) -> Result<World, Box<dyn std::error::Error>> {
        let mut config = sim::SimConfig {
            tls: true,
            auto_approve: true,
            ms_users: MS_USERS,
            pbx_users: PBX_USERS,
            ..sim::SimConfig::default()
        };
        change(&mut config);
        let sim = sim::start(config).await?;
        let graph_contract = graph_contract_support::GraphContractTap::install(&sim.ms_recorder);
        sim.ms.set_device_code_interval(Duration::from_secs(1));
        let ca_file = sim.ca_file.clone().ok_or("the emulator has no CA file")?;
        // Built as the product builds it: the one retry policy, pauses told to the run.
        let pbx = pbx365::access::sessions::pbx_client(
            &fast_retry(),
            &PbxSettings {
                url: sim.pbx_url.clone(),
                ca_pem: Some(std::fs::read_to_string(&ca_file)?),
                ..PbxSettings::default()
            },
            None,
        )?;
        let admin = &sim.tenant.admin;
        pbx.login(&admin.username, &admin.password, admin.domain.as_deref())
            .await?;
        let graph = sign_in(&sim).await?;
        let dir = tempfile::tempdir()?;
        let store = Arc::new(SyncStore::open(dir.path().join("sync.sqlite3"))?);
        let world = World {
            sim,
            graph_contract,
            pbx,
            graph,
            dir,
            store,
        };
        world.set_users_sync(UsersSync::default()).await?;
        Ok(world)
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("sync.sqlite3")
    }

    /// Sets the PBX's `users` block: enabled, starting at [`FIRST_EXTENSION`], then `change`.
    pub async fn set_users_sync(&self, change: UsersSync) -> TestResult {
        let users = UsersSync {
            enabled: Some(change.enabled.unwrap_or(true)),
            starting_extension_number: Some(
                change
                    .starting_extension_number
                    .unwrap_or_else(|| FIRST_EXTENSION.to_owned()),
            ),
            sync_guest_users: Some(change.sync_guest_users.unwrap_or(false)),
            sync_photo: Some(change.sync_photo.unwrap_or(false)),
            selected_users: Some(change.selected_users.unwrap_or_default()),
            sync_type: Some(change.sync_type.unwrap_or(SyncType::All)),
        };
        self.pbx
            .set_ms365(&Ms365SettingsUpdate {
                users: Some(users),
                ..Ms365SettingsUpdate::default()
            })
            .await?;
        Ok(())
    }

    pub fn engine(&self) -> SyncEngine {
        SyncEngine::new(Arc::clone(&self.store), PROFILE).with_options(self.options())
    }

    /// A run's options with short waits.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            retry: fast_retry(),
            ..RunOptions::default()
        }
    }

    pub fn source(&self) -> GraphDirectory {
        GraphDirectory::new(self.graph.clone())
    }

    /// Graph requests the Microsoft cloud received since its recorder was last cleared.
    pub fn graph_requests(&self) -> Vec<String> {
        self.sim
            .ms_recorder
            .exchanges()
            .into_iter()
            .filter(|e| e.path.starts_with("/v1.0/"))
            .map(|e| format!("{} {}?{}", e.method, e.path, e.query))
            .collect()
    }

    /// Write requests the PBX received since the recorder was last cleared.
    pub fn pbx_writes(&self) -> Vec<String> {
        self.sim
            .pbx_recorder
            .exchanges()
            .into_iter()
            .filter(|e| {
                e.method != "GET" && !e.path.ends_with("/login") && !e.path.contains("/auth/")
            })
            .map(|e| format!("{} {}", e.method, e.path))
            .collect()
    }
}

/// Checks that the run completed, showing its summary when it did not.
pub fn assert_completed(report: &RunReport) {
    assert_eq!(
        report.summary.status,
        RunStatus::Completed,
        "{:?}",
        report.summary
    );
}

/// Signs in the emulator's Global Administrator with a device code (approved at once).
pub async fn sign_in(sim: &sim::Sim) -> Result<entra::GraphClient, Box<dyn std::error::Error>> {
    sign_in_with(sim, &[]).await
}

/// [`sign_in`], asking for `extra` delegated permissions too.
pub async fn sign_in_with(
    sim: &sim::Sim,
    extra: &[&str],
) -> Result<entra::GraphClient, Box<dyn std::error::Error>> {
    let mut permissions = vec![
        "User.Read".to_owned(),
        entra::USER_SYNC_PERMISSION.to_owned(),
    ];
    permissions.extend(extra.iter().map(|p| (*p).to_owned()));
    let options = entra::SignInOptions {
        graph_permissions: permissions,
        http: entra::HttpOptions {
            extra_ca_pem: sim.ca_pem.clone(),
            ..entra::HttpOptions::default()
        },
        ..entra::SignInOptions::default()
    };
    // As the cloud the emulator plays: its scopes name that cloud's Graph.
    let cloud = entra::Cloud::reached_at(sim.ms.national().name().parse()?, &sim.ms_authority)?;
    let authenticator = entra::Authenticator::new(cloud, options).await?;
    let session = authenticator.sign_in_with_device_code(|_| {}).await?;
    Ok(entra::GraphClient::new(session))
}

/// Who must be a bound PBX user after a sync with default options, worked out from the
/// emulator's directory and not from the engine: enabled members with a first or last name.
/// Object ID → e-mail.
pub fn must_be_synced(sim: &sim::Sim) -> HashMap<String, String> {
    sim.ms
        .users()
        .into_iter()
        .filter(|u| u.account_enabled && u.user_type == "Member")
        .filter(|u| u.given_name.is_some() || u.surname.is_some())
        .map(|u| {
            let email = u.mail.clone().unwrap_or(u.user_principal_name.clone());
            (u.id, email.to_lowercase())
        })
        .collect()
}

fn text<'a>(user: &'a Value, field: &str) -> &'a str {
    user.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// Checks that every user who must be synced exists exactly once on the PBX and is bound to
/// their own account, and that no two PBX users share a name or an extension.
pub fn assert_converged(sim: &sim::Sim) -> TestResult {
    let users = sim.pbx.users();
    let mut by_email: HashMap<String, Vec<&Value>> = HashMap::new();
    for user in &users {
        by_email
            .entry(text(user, "email").to_lowercase())
            .or_default()
            .push(user);
    }
    let expected = must_be_synced(sim);
    for (object_id, email) in &expected {
        let holders = by_email.get(email).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(holders.len(), 1, "{email}: {} PBX users", holders.len());
        let id = text(holders[0], "id");
        assert_eq!(
            sim.pbx.ms365_binding(id).as_deref(),
            Some(object_id.as_str()),
            "{email} is not bound to its account"
        );
    }
    let mut names = std::collections::HashSet::new();
    let mut extensions = std::collections::HashSet::new();
    for user in &users {
        assert!(
            names.insert(text(user, "name").to_lowercase()),
            "name twice: {user}"
        );
        assert!(
            extensions.insert(text(user, "extension_number")),
            "extension twice: {user}"
        );
    }
    assert!(
        expected.len() > 700,
        "the oracle found only {} users",
        expected.len()
    );
    Ok(())
}

/// The retry policy with short first pauses.
pub fn fast_retry() -> pbx365::access::retry::RetryPolicy {
    pbx365::access::retry::RetryPolicy {
        first_backoff: Duration::from_millis(20),
        ..pbx365::access::retry::RetryPolicy::default()
    }
}
