//! The diagnostics archive: what support needs to see what went wrong, and no secret.
//!
//! Every entry is passed through one [`Redactor`] that knows the keyring's secrets of every
//! profile besides those the process holds, so even a log file written by an older process
//! or version cannot carry a password or token into the archive. JSON entries are redacted
//! value by value and stay valid JSON.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ts_rs::TS;
use zip::write::SimpleFileOptions;

use time::OffsetDateTime;

use super::log_files::default_log_folder;
use super::redact::Redactor;
use super::versions::Versions;
use crate::access::Environment;
use crate::atomic_file::{self, AtomicWriteError};
use crate::private_fs::Folder;
use crate::profile::Profile;
use crate::secrets::{SecretKey, SecretKind};
use crate::sync::{DOCTOR_REPORTS_KEPT, SyncStore, database_path};

/// How many sync runs of each profile the archive summarises.
const SYNC_RUNS: u32 = 20;

/// What went into an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ExportSummary {
    /// Where the archive was written.
    pub path: String,
    /// The archive's entries, in order.
    pub entries: Vec<String>,
    /// Parts that could not be read, each an English sentence; the archive's `summary.json`
    /// lists them too.
    pub problems: Vec<String>,
}

/// Writes the diagnostics archive (a ZIP file) to `out`: the versions, each profile's settings
/// and PBX version, the doctor's last reports, the last sync runs, and the log files in
/// `log_folder`. A part that cannot be read is listed as a problem, not a failure.
pub fn export(
    env: &Environment,
    versions: &Versions,
    log_folder: Option<&Path>,
    out: &Path,
) -> Result<ExportSummary, AtomicWriteError> {
    let mut parts = Parts::default();
    parts.json("versions.json", &json!(versions));
    let profiles = match env.profiles.list() {
        Ok(profiles) => profiles,
        Err(error) => {
            parts.problem(format!("The profiles could not be read: {error}"));
            Vec::new()
        }
    };
    let redactor = Redactor::with_secrets(keyring_secrets(env, &profiles, &mut parts));
    let history = open_history(env, &mut parts);
    for profile in &profiles {
        add_profile(&mut parts, env, profile, history.as_ref());
    }
    if let Some(folder) = log_folder {
        add_logs(&mut parts, folder);
    }
    let summary = ExportSummary {
        path: out.display().to_string(),
        entries: parts
            .entries
            .iter()
            .map(|(name, _)| name.clone())
            .chain(std::iter::once(SUMMARY.to_owned()))
            .collect(),
        problems: parts.problems.clone(),
    };
    parts.json(
        SUMMARY,
        &json!({ "entries": summary.entries, "problems": summary.problems }),
    );
    let bytes = parts.zip(&redactor).map_err(|source| AtomicWriteError {
        path: out.to_owned(),
        source,
    })?;
    atomic_file::write_in(out, &bytes, &Folder::Chosen)?;
    tracing::info!(path = %out.display(), entries = summary.entries.len(), "diagnostics exported");
    Ok(summary)
}

/// Writes the archive where the desktop app puts it — the Downloads folder (the home folder
/// when there is none, pbx365's own folder when there is not even that), named by the time —
/// with this program's log folder. The window offers no file system to choose from.
pub fn export_for_support(
    env: &Environment,
    versions: &Versions,
) -> Result<ExportSummary, AtomicWriteError> {
    let folder = directories::UserDirs::new()
        .and_then(|dirs| {
            dirs.download_dir()
                .map(Path::to_owned)
                .or_else(|| Some(dirs.home_dir().to_owned()))
        })
        .unwrap_or_else(|| env.profiles.base().to_owned());
    let out = folder.join(archive_name(OffsetDateTime::now_utc()));
    export(env, versions, default_log_folder().as_deref(), &out)
}

/// `pbx365-diagnostics-20260107-134501.zip`: sorts by time, and a second export never
/// replaces the first.
fn archive_name(at: OffsetDateTime) -> String {
    let stamp = format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    format!("pbx365-diagnostics-{stamp}.zip")
}

const SUMMARY: &str = "summary.json";

/// The archive's entries before redaction, and what could not be read.
#[derive(Debug, Default)]
struct Parts {
    entries: Vec<(String, Entry)>,
    problems: Vec<String>,
}

#[derive(Debug)]
enum Entry {
    Json(Value),
    Text(Vec<u8>),
}

impl Parts {
    fn json(&mut self, name: &str, value: &Value) {
        self.entries
            .push((name.to_owned(), Entry::Json(value.clone())));
    }

    fn problem(&mut self, sentence: String) {
        self.problems.push(sentence);
    }

    fn zip(self, redactor: &Redactor) -> std::io::Result<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        for (name, entry) in self.entries {
            zip.start_file(name, options)
                .map_err(std::io::Error::other)?;
            match entry {
                Entry::Json(mut value) => {
                    redactor.redact_json(&mut value);
                    let text = atomic_file::json_text(&value).map_err(std::io::Error::other)?;
                    zip.write_all(&text)?;
                }
                Entry::Text(bytes) => zip.write_all(&redactor.redact_bytes(&bytes))?,
            }
        }
        let cursor = zip.finish().map_err(std::io::Error::other)?;
        Ok(cursor.into_inner())
    }
}

/// Every secret the keyring holds for the profiles, to be replaced wherever it appears.
fn keyring_secrets(env: &Environment, profiles: &[Profile], parts: &mut Parts) -> Vec<String> {
    let mut secrets = Vec::new();
    for profile in profiles {
        for kind in SecretKind::ALL {
            match env.secrets.get(&SecretKey::new(&profile.name, kind)) {
                Ok(Some(secret)) => secrets.push(secret.expose().to_owned()),
                Ok(None) => {}
                Err(error) => parts.problem(format!(
                    "The keyring could not be read for profile \"{}\", so its secrets are \
                     redacted by their shape only: {error}",
                    profile.name
                )),
            }
        }
    }
    secrets
}

fn open_history(env: &Environment, parts: &mut Parts) -> Option<SyncStore> {
    let path = database_path(&env.profiles);
    // No database yet means no history: the export must not create one.
    if !path.exists() {
        return None;
    }
    SyncStore::open(&path)
        .map_err(|error| parts.problem(error.to_string()))
        .ok()
}

/// `profiles/<name>.json` (settings, PBX version, which secrets the keyring holds — never
/// their values), `doctor/<name>.json` and `sync/<name>.json`.
fn add_profile(
    parts: &mut Parts,
    env: &Environment,
    profile: &Profile,
    history: Option<&SyncStore>,
) {
    let file = profile.name.to_ascii_lowercase();
    let in_keyring: serde_json::Map<String, Value> = SecretKind::ALL
        .into_iter()
        .map(|kind| {
            let held = env
                .secrets
                .get(&SecretKey::new(&profile.name, kind))
                .ok()
                .map(|secret| secret.is_some());
            (kind.slug().to_owned(), json!(held))
        })
        .collect();
    let pbx_version = profile
        .last_verification
        .as_ref()
        .and_then(|verification| verification.edition.clone());
    parts.json(
        &format!("profiles/{file}.json"),
        &json!({
            "pbxVersion": pbx_version,
            "keyringHolds": in_keyring,
            "settings": profile,
        }),
    );
    let Some(history) = history else {
        return;
    };
    match history.doctor_reports(&profile.name, DOCTOR_REPORTS_KEPT) {
        Ok(reports) => parts.json(&format!("doctor/{file}.json"), &json!(reports)),
        Err(error) => parts.problem(error.to_string()),
    }
    match history.history(&profile.name, SYNC_RUNS) {
        Ok(runs) => parts.json(&format!("sync/{file}.json"), &json!(runs)),
        Err(error) => parts.problem(error.to_string()),
    }
}

/// Every `.log` file in the folder (they are size-capped), as `logs/<file>`.
fn add_logs(parts: &mut Parts, folder: &Path) {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
            .collect(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(error) => {
            parts.problem(format!(
                "The log folder {} could not be read: {error}",
                folder.display()
            ));
            Vec::new()
        }
    };
    files.sort();
    for path in files {
        let Some(name) = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
        else {
            continue;
        };
        match std::fs::read(&path) {
            Ok(bytes) => parts
                .entries
                .push((format!("logs/{name}"), Entry::Text(bytes))),
            Err(error) => parts.problem(format!(
                "The log file {} could not be read: {error}",
                path.display()
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_named_by_the_time_they_were_made() {
        let at = time::macros::datetime!(2026-01-07 13:45:01 UTC);
        assert_eq!(archive_name(at), "pbx365-diagnostics-20260107-134501.zip");
    }
}
