//! Step 3: what this computer keeps for the profile goes — its sync history (runs, their
//! per-user journal, the bindings the runs made, the doctor's reports; the whole database with
//! the last profile), its certificate rotation journal, the
//! `public_key.pem` saved in pbx365's own folder, its sign-ins in the OS keyring, and the
//! profile file itself. Each removal finds an absent thing fine, so the step can run again.
//! The keyring goes before the profile file, as [`crate::Environment::forget_profile`] does it:
//! when the keyring refuses, the profile stays listed and the reset can be run again.

use std::path::{Path, PathBuf};

use super::error::Cause;
use crate::access::Environment;
use crate::certificate::lifecycle::journal_path as rotation_journal_path;
use crate::private_fs::Folder;
use crate::profile::Profile;
use crate::sync::{SyncStore, database_path};

/// What the step removed, for the report.
#[derive(Debug, Default)]
pub(super) struct Removed {
    pub runs: usize,
    /// A `public_key.pem` the admin saved outside pbx365's folder: theirs to keep or delete.
    pub kept_certificate: Option<PathBuf>,
}

pub(super) fn remove(env: &Environment, profile: &Profile) -> Result<Removed, Cause> {
    let base = env.profiles.base();
    let runs = forget_history(&database_path(&env.profiles), &profile.name)?;
    remove_file(&rotation_journal_path(base, &profile.name))?;
    let kept_certificate = remove_certificate_file(env, profile)?;
    env.secrets.delete_profile(&profile.name)?;
    env.profiles.delete(&profile.name)?;
    if env.profiles.list()?.is_empty() {
        remove_history_database(&database_path(&env.profiles))?;
    }
    tracing::info!(profile = %profile.name, runs, "reset: removed the profile from this computer");
    Ok(Removed {
        runs,
        kept_certificate,
    })
}

/// Deletes the profile's runs, their per-user steps and the bindings its runs made from the
/// sync history; returns how many runs there were. A missing database has nothing to delete
/// and is not created.
pub(super) fn forget_history(database: &Path, profile: &str) -> Result<usize, Cause> {
    if !database.exists() {
        return Ok(0);
    }
    Ok(SyncStore::open(database)?.forget_profile(profile)?)
}

/// With the last profile gone, the history database (shared by every profile, so kept while
/// another one is listed) goes too, with SQLite's files beside it: nothing of the setup is left.
fn remove_history_database(database: &Path) -> Result<(), Cause> {
    remove_file(database)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        remove_file(Path::new(&name))?;
    }
    Ok(())
}

/// Removes `public_key.pem` when it is in pbx365's own folder (with its per-profile folder if
/// that is then empty); one the admin saved elsewhere is theirs, and is only named.
fn remove_certificate_file(env: &Environment, profile: &Profile) -> Result<Option<PathBuf>, Cause> {
    let default = env.profiles.default_certificate_path(&profile.name)?;
    let mut kept = None;
    for path in profile.certificate_path.iter().chain([&default]) {
        match env.profiles.folder_of(path) {
            Folder::Own { .. } => remove_file(path)?,
            Folder::Chosen if path.exists() => kept = Some(path.clone()),
            Folder::Chosen => {}
        }
    }
    if let Some(folder) = default.parent() {
        // Only an empty folder goes; anything else in it is not pbx365's to remove.
        match std::fs::remove_dir(folder) {
            Ok(()) => {}
            Err(error) => {
                tracing::debug!(folder = %folder.display(), %error, "certificate folder kept")
            }
        }
    }
    Ok(kept)
}

fn remove_file(path: &Path) -> Result<(), Cause> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Cause::RemoveFile {
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, params};

    use super::*;

    #[test]
    fn history_is_forgotten_for_one_profile_only() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sync.sqlite3");
        assert_eq!(forget_history(&path, "contoso")?, 0);
        assert!(!path.exists(), "a missing database was created");
        // The schema as the sync store makes it.
        drop(crate::sync::SyncStore::open(&path)?);
        let db = Connection::open(&path)?;
        for (id, profile) in [(1, "Contoso"), (2, "contoso"), (3, "fabrikam")] {
            db.execute(
                "INSERT INTO runs (id, profile, started_at, status, source, planned, outcome) \
                 VALUES (?1, ?2, 't', 'succeeded', 'graph', '{}', '{}')",
                params![id, profile],
            )?;
            db.execute(
                "INSERT INTO steps (run_id, seq, status) VALUES (?1, 1, 'done')",
                params![id],
            )?;
            db.execute(
                "INSERT INTO links (profile, object_id, pbx_user_id) VALUES (?1, ?2, 'u')",
                params![profile, format!("o{id}")],
            )?;
        }
        assert_eq!(forget_history(&path, "CONTOSO")?, 2);
        assert_eq!(forget_history(&path, "contoso")?, 0);
        let count = |sql: &str| db.query_row(sql, [], |row| row.get::<_, i64>(0));
        assert_eq!(count("SELECT count(*) FROM runs")?, 1);
        assert_eq!(count("SELECT count(*) FROM steps")?, 1);
        assert_eq!(count("SELECT count(*) FROM links")?, 1);
        assert_eq!(
            count("SELECT count(*) FROM runs WHERE profile = 'fabrikam'")?,
            1
        );
        Ok(())
    }
}
