//! The diagnostics archive of a whole session against the emulators — setup, a sync, the
//! doctor — holds what support needs (versions, profiles with their PBX version, the doctor's
//! reports, the sync runs, the trace-level log) and none of the session's secrets: not the
//! keyring's, not a password or token that crossed the wire to or from either emulator, not
//! one planted in a log line.

mod engine_common;

use std::collections::BTreeSet;
use std::io::Read;

use engine_common::{SavedSync, TestResult, full_auto, world};
use pbx365::diagnostics::log_files::{LogCap, LogFiles};
use pbx365::diagnostics::{Versions, export};
use pbx365::profile::{PbxSettings, Profile};
use pbx365::progress::StepContext;
use pbx365::secrets::{Secret, SecretKey, SecretKind};
use serde_json::Value;

const PROFILE: &str = "contoso";

/// A profile that exists only to hold planted secrets in the keyring.
const PLANTED_PROFILE: &str = "planted";
const PLANTED: [(SecretKind, &str); 3] = [
    (SecretKind::PbxPassword, "Planted-Pbx-Password-7Q!x"),
    (
        SecretKind::PbxRefreshToken,
        "planted-pbx-refresh-token-9f3c2a",
    ),
    (
        SecretKind::MicrosoftRefreshToken,
        "planted-ms-refresh-token-77aa1b",
    ),
];
/// Secrets that appear only in log lines, each in a shape the redactor must recognise.
const PLANTED_IN_LOG: [&str; 3] = [
    "planted-bearer-credential-5e5e5e",
    "planted-client-secret-4d4d4d",
    "eyJhbGciOiJSUzI1NiJ9.eyJwbGFudGVkIjoidHJ1ZSJ9.cGxhbnRlZC1zaWduYXR1cmU",
];

/// Fields whose values are secrets in the emulators' requests and answers.
fn is_secret_field(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "password",
        "token",
        "secret",
        "assertion",
        "verifier",
        "pin",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Every secret-named value of a JSON document or a form body.
fn secrets_in(json: Option<&Value>, body: &[u8], out: &mut BTreeSet<String>) {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(fields) => {
                for (name, field) in fields {
                    match field {
                        Value::String(text) if is_secret_field(name) => {
                            out.insert(text.clone());
                        }
                        other => walk(other, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            _ => {}
        }
    }
    match json {
        Some(value) => walk(value, out),
        None => out.extend(
            url::form_urlencoded::parse(body)
                // A form's `code` is an OAuth authorization code; a JSON `code` an error's.
                .filter(|(name, _)| is_secret_field(name) || name == "code")
                .map(|(_, value)| value.into_owned()),
        ),
    }
}

/// An archive's entry: its name and its bytes.
type Entry = (String, Vec<u8>);

/// The archive's entries by name.
fn unzip(path: &std::path::Path) -> Result<Vec<Entry>, Box<dyn std::error::Error>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path)?)?;
    let mut entries = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        let name = entry.name()?.into_owned();
        entries.push((name, bytes));
    }
    Ok(entries)
}

fn entry<'a>(entries: &'a [Entry], name: &str) -> Result<&'a [u8], String> {
    entries
        .iter()
        .find(|(entry, _)| entry == name)
        .map(|(_, bytes)| bytes.as_slice())
        .ok_or_else(|| format!("no {name} in the archive"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_of_a_session_holds_what_support_needs_and_no_secret() -> TestResult {
    let logs = tempfile::tempdir()?;
    let files = LogFiles::open(logs.path(), "pbx365-setup", LogCap::default())?;
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(files.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .finish(),
    )?;

    let world = world().await?;
    let env = &world.env;
    let mut planted = Profile::new(PLANTED_PROFILE)?;
    planted.pbx = PbxSettings {
        url: "https://pbx.planted.example:8887".to_owned(),
        username: "admin".to_owned(),
        remember_password: true,
        ..PbxSettings::default()
    };
    env.profiles.save(&planted)?;
    for (kind, value) in PLANTED {
        env.secrets
            .set(&SecretKey::new(PLANTED_PROFILE, kind), &Secret::new(value))?;
    }

    full_auto(&world, PROFILE).await?;
    let report = SavedSync::open(env, PROFILE).await?.run().await?;
    assert!(report.succeeded(), "{report:?}");
    pbx365::doctor::run(env, PROFILE, &StepContext::silent()).await?;

    // Careless trace lines: whole answers of both emulators, the keyring's values as they
    // are, and secrets only a log line ever saw.
    let exchanges: Vec<_> = world
        .sim
        .pbx_recorder
        .exchanges()
        .into_iter()
        .chain(world.sim.ms_recorder.exchanges())
        .collect();
    let mut secrets = BTreeSet::new();
    for exchange in &exchanges {
        secrets_in(
            exchange.request_json.as_ref(),
            &exchange.request_body,
            &mut secrets,
        );
        secrets_in(
            exchange.response_json.as_ref(),
            &exchange.response_body,
            &mut secrets,
        );
        tracing::trace!(
            path = %exchange.path,
            request = %String::from_utf8_lossy(&exchange.request_body),
            answer = %String::from_utf8_lossy(&exchange.response_body),
            "exchange"
        );
    }
    for secret in world.secrets.values() {
        tracing::trace!("resuming with {}", secret.expose());
        secrets.insert(secret.expose().to_owned());
    }
    tracing::trace!("GET /users Authorization: Bearer {}", PLANTED_IN_LOG[0]);
    tracing::trace!(client_secret = PLANTED_IN_LOG[1], "app credentials");
    tracing::trace!("id token {}", PLANTED_IN_LOG[2]);
    tracing::info!("diagnostics test marker");
    secrets.extend(world.sim_passwords());
    secrets.extend(PLANTED.iter().map(|(_, value)| (*value).to_owned()));
    secrets.extend(PLANTED_IN_LOG.iter().map(|value| (*value).to_owned()));
    // Short values (a PIN, an authorization code's state) are not searched for: "1234" may
    // stand in a timestamp. Every secret pbx365 handles is far longer.
    secrets.retain(|secret| secret.len() >= 8);
    assert!(
        secrets.len() > 15,
        "too few secrets to make the test mean anything: {}",
        secrets.len()
    );

    let out = world.dir.path().join("out").join("diagnostics.zip");
    let versions = Versions::here(
        Some("2.test".to_owned()),
        Some("WebKitGTK 2.test".to_owned()),
    );
    let summary = export(env, &versions, Some(logs.path()), &out)?;
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);

    let entries = unzip(&out)?;
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names, summary.entries,
        "the summary lists what the archive holds"
    );
    for (name, bytes) in &entries {
        for secret in &secrets {
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "{name} holds a secret ({} characters, starting {:?})",
                secret.len(),
                &secret[..3]
            );
        }
    }

    let versions: Value = serde_json::from_slice(entry(&entries, "versions.json")?)?;
    assert_eq!(versions["pbx365"], env!("CARGO_PKG_VERSION"));
    assert_eq!(versions["tauri"], "2.test");
    assert_eq!(versions["webview"], "WebKitGTK 2.test");
    assert!(versions["os"].as_str().is_some_and(|os| !os.is_empty()));

    let profile: Value = serde_json::from_slice(entry(&entries, "profiles/contoso.json")?)?;
    assert_eq!(
        profile["settings"]["pbx"]["url"],
        world.sim.pbx_url.as_str()
    );
    assert!(profile["pbxVersion"]["version"].is_string(), "{profile}");
    assert_eq!(profile["keyringHolds"]["pbx-refresh-token"], true);
    let planted: Value = serde_json::from_slice(entry(&entries, "profiles/planted.json")?)?;
    assert_eq!(planted["keyringHolds"]["pbx-password"], true);

    let reports: Value = serde_json::from_slice(entry(&entries, "doctor/contoso.json")?)?;
    let reports = reports
        .as_array()
        .ok_or("the doctor's reports are not a list")?;
    assert_eq!(
        reports.len(),
        2,
        "the setup's verify and the doctor afterwards"
    );
    assert!(
        reports
            .iter()
            .all(|report| report["checks"].as_array().is_some_and(|c| !c.is_empty()))
    );

    let runs: Value = serde_json::from_slice(entry(&entries, "sync/contoso.json")?)?;
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");

    let log = String::from_utf8(entry(&entries, "logs/pbx365-setup.log")?.to_vec())?;
    assert!(
        log.contains("diagnostics test marker"),
        "the log is the session's"
    );
    assert!(log.contains("TRACE"), "trace lines reached the log");
    assert!(
        log.contains("‹redacted›"),
        "the planted lines were logged, redacted"
    );
    Ok(())
}
