//! The sync journal and history, in SQLite (WAL).
//!
//! Every run is a row; every user of its plan is a row written before anything is sent, then
//! updated before and after each request that changes the PBX. With WAL and
//! `synchronous=NORMAL` each of those writes is durable the moment it returns as far as the
//! process is concerned — a run killed at any point (SIGKILL included) loses nothing that was
//! journaled; only a power cut can take the last few. The next run marks the dead one
//! `interrupted`, reads both sides again and so finds whatever the dead run did but could not
//! journal any more: a user created but not bound is then adopted (bound), never created twice.
//!
//! The store also keeps the bindings runs made (object ID → PBX user ID), so a user whose
//! e-mail changes in Microsoft 365 is still recognised. No secret is ever written here.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use super::SyncError;
use super::directory::SourceKind;
use super::failure::UserFailure;
use super::note::ActionNote;
use super::plan::{ActionKind, PlanCounts, Reason};
use super::report::{OutcomeCounts, OutcomeStatus, RunDetail, RunStatus, RunSummary, UserOutcome};
use crate::private_fs::{self, Folder};

mod doctor_reports;
pub use doctor_reports::DOCTOR_REPORTS_KEPT;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    resumed_from INTEGER,
    planned TEXT NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_profile ON runs (profile, id);
CREATE TABLE IF NOT EXISTS steps (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    action TEXT,
    status TEXT NOT NULL,
    phase TEXT,
    object_id TEXT,
    principal TEXT,
    pbx_user_id TEXT,
    pbx_name TEXT,
    extension TEXT,
    reason TEXT,
    error TEXT,
    note TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS links (
    profile TEXT NOT NULL,
    object_id TEXT NOT NULL,
    pbx_user_id TEXT NOT NULL,
    PRIMARY KEY (profile, object_id)
) WITHOUT ROWID;
";

/// The request a step is about to send, or has just sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Create,
    Bind,
    Update,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Create => "create",
            Phase::Bind => "bind",
            Phase::Update => "update",
        }
    }
}

/// A run that never finished, as the next run finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unfinished {
    pub run_id: i64,
    /// Object IDs of the users whose change it had not finished.
    pub object_ids: HashSet<String>,
}

/// The journal and history database.
#[derive(Debug)]
pub struct SyncStore {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl SyncStore {
    /// The folder of the database, where the run locks live too.
    pub fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Opens (or creates) the database at `path`, e.g. `sync.sqlite3` in the app's data folder
    /// next to the profiles. The database and its side files are private
    /// ([`crate::private_fs`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, SyncError> {
        let path = path.as_ref().to_owned();
        make_private(&path)?;
        let failed = |source| SyncError::Store {
            path: path.clone(),
            source,
        };
        let connection = Connection::open(&path).map_err(failed)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| connection.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|()| connection.pragma_update(None, "foreign_keys", "ON"))
            .and_then(|()| connection.busy_timeout(std::time::Duration::from_secs(10)))
            .and_then(|()| connection.execute_batch(SCHEMA))
            .and_then(|()| connection.execute_batch(doctor_reports::SCHEMA))
            .map_err(failed)?;
        Ok(Self {
            path,
            connection: Mutex::new(connection),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// One journal write, its own transaction. The statement is compiled once per
    /// connection: a run writes several times per user, and compiling the SQL each time cost
    /// more than the write itself.
    fn write(&self, sql: &str, params: impl rusqlite::Params) -> Result<(), SyncError> {
        self.lock()
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(params))
            .map(drop)
            .map_err(|e| self.failed(e))
    }

    fn failed(&self, source: rusqlite::Error) -> SyncError {
        SyncError::Store {
            path: self.path.clone(),
            source,
        }
    }

    /// Forgets the profile: its runs, their per-user steps, the bindings its runs made and the
    /// doctor's reports (a reset). Profile names are compared without case, as everywhere
    /// else. Returns how many runs there were.
    pub fn forget_profile(&self, profile: &str) -> Result<usize, SyncError> {
        let mut connection = self.lock();
        let forget = |connection: &mut Connection| -> rusqlite::Result<usize> {
            let transaction = connection.transaction()?;
            transaction.execute(
                "DELETE FROM steps WHERE run_id IN \
                 (SELECT id FROM runs WHERE profile = ?1 COLLATE NOCASE)",
                params![profile],
            )?;
            let runs = transaction.execute(
                "DELETE FROM runs WHERE profile = ?1 COLLATE NOCASE",
                params![profile],
            )?;
            transaction.execute(
                "DELETE FROM links WHERE profile = ?1 COLLATE NOCASE",
                params![profile],
            )?;
            transaction.execute(
                "DELETE FROM doctor_reports WHERE profile = ?1 COLLATE NOCASE",
                params![profile],
            )?;
            transaction.commit()?;
            Ok(runs)
        };
        forget(&mut connection).map_err(|source| self.failed(source))
    }

    /// The profile's runs, newest first.
    pub fn history(&self, profile: &str, limit: u32) -> Result<Vec<RunSummary>, SyncError> {
        let connection = self.lock();
        let read = || -> rusqlite::Result<Vec<RunSummary>> {
            let mut statement = connection.prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE profile = ?1 ORDER BY id DESC LIMIT ?2"
            ))?;
            let rows = statement.query_map(params![profile, limit], run_from_row)?;
            rows.collect()
        };
        read().map_err(|e| self.failed(e))
    }

    /// The profile's latest run, for the dashboard and the tray.
    pub fn last_run(&self, profile: &str) -> Result<Option<RunSummary>, SyncError> {
        Ok(self.history(profile, 1)?.into_iter().next())
    }

    /// One run with every user's outcome.
    pub fn run(&self, run_id: i64) -> Result<RunDetail, SyncError> {
        let connection = self.lock();
        let read = || -> rusqlite::Result<Option<RunDetail>> {
            let Some(summary) = connection
                .query_row(
                    &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                    [run_id],
                    run_from_row,
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut statement = connection.prepare(
                "SELECT seq, action, status, object_id, principal, pbx_user_id, pbx_name, \
                 extension, reason, error, note FROM steps WHERE run_id = ?1 ORDER BY seq",
            )?;
            let users = statement
                .query_map([run_id], outcome_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some(RunDetail { summary, users }))
        };
        read()
            .map_err(|e| self.failed(e))?
            .ok_or(SyncError::NoSuchRun(run_id))
    }

    /// Writes one run as CSV (a header line, then one line per user).
    pub fn export_csv(&self, run_id: i64, out: &mut dyn Write) -> Result<(), SyncError> {
        let detail = self.run(run_id)?;
        write_csv(&detail, out).map_err(SyncError::Export)
    }

    /// The bindings earlier runs made for this profile: object ID → PBX user ID.
    pub(crate) fn links(&self, profile: &str) -> Result<HashMap<String, String>, SyncError> {
        let connection = self.lock();
        let read = || -> rusqlite::Result<HashMap<String, String>> {
            let mut statement = connection
                .prepare("SELECT object_id, pbx_user_id FROM links WHERE profile = ?1")?;
            let rows = statement.query_map([profile], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        };
        read().map_err(|e| self.failed(e))
    }

    pub(crate) fn save_link(
        &self,
        profile: &str,
        object_id: &str,
        pbx_user_id: &str,
    ) -> Result<(), SyncError> {
        self.write(
            "INSERT INTO links (profile, object_id, pbx_user_id) VALUES (?1, ?2, ?3) \
             ON CONFLICT (profile, object_id) DO UPDATE SET pbx_user_id = excluded.pbx_user_id",
            params![profile, object_id, pbx_user_id],
        )
    }

    /// The latest run of the profile that is still marked running: its process died.
    pub(crate) fn unfinished(&self, profile: &str) -> Result<Option<Unfinished>, SyncError> {
        let connection = self.lock();
        let read = || -> rusqlite::Result<Option<Unfinished>> {
            let Some(run_id) = connection
                .query_row(
                    "SELECT id FROM runs WHERE profile = ?1 AND status = 'running' \
                     ORDER BY id DESC LIMIT 1",
                    [profile],
                    |row| row.get::<_, i64>(0),
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut statement = connection.prepare(
                "SELECT object_id FROM steps WHERE run_id = ?1 AND action IS NOT NULL \
                 AND status IN ('pending', 'started') AND object_id IS NOT NULL",
            )?;
            let object_ids = statement
                .query_map([run_id], |row| row.get(0))?
                .collect::<rusqlite::Result<HashSet<String>>>()?;
            Ok(Some(Unfinished { run_id, object_ids }))
        };
        read().map_err(|e| self.failed(e))
    }

    /// Records a new run (marking the profile's dead runs interrupted) and answers its ID.
    pub(crate) fn begin_run(
        &self,
        profile: &str,
        source: SourceKind,
        started_at: &str,
        resumed_from: Option<i64>,
    ) -> Result<i64, SyncError> {
        let mut connection = self.lock();
        let mut write = || -> rusqlite::Result<i64> {
            let transaction = connection.transaction()?;
            transaction.execute(
                "UPDATE runs SET status = 'interrupted' WHERE profile = ?1 AND status = 'running'",
                [profile],
            )?;
            transaction.execute(
                "INSERT INTO runs (profile, started_at, status, source, resumed_from, planned, outcome) \
                 VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6)",
                params![
                    profile,
                    started_at,
                    source.as_str(),
                    resumed_from,
                    json(&PlanCounts::default()),
                    json(&OutcomeCounts::default()),
                ],
            )?;
            let id = transaction.last_insert_rowid();
            transaction.commit()?;
            Ok(id)
        };
        write().map_err(|e| self.failed(e))
    }

    /// Journals the whole plan before anything is sent.
    pub(crate) fn record_plan(
        &self,
        run_id: i64,
        planned: &PlanCounts,
        lines: &[UserOutcome],
    ) -> Result<(), SyncError> {
        let mut connection = self.lock();
        let mut write = || -> rusqlite::Result<()> {
            let transaction = connection.transaction()?;
            transaction.execute(
                "UPDATE runs SET planned = ?2 WHERE id = ?1",
                params![run_id, json(planned)],
            )?;
            {
                let mut insert = transaction.prepare(
                    "INSERT INTO steps (run_id, seq, action, status, object_id, principal, \
                     pbx_user_id, pbx_name, extension, reason, error, note) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?;
                for line in lines {
                    insert.execute(params![
                        run_id,
                        line.seq,
                        line.action.map(ActionKind::as_str),
                        line.status.as_str(),
                        line.object_id,
                        line.principal,
                        line.pbx_user_id,
                        line.pbx_name,
                        line.extension,
                        line.reason.map(Reason::as_str),
                        line.error.as_ref().map(ToString::to_string),
                        ActionNote::joined(&line.notes),
                    ])?;
                }
            }
            transaction.commit()
        };
        write().map_err(|e| self.failed(e))
    }

    /// Journals a request about to be sent (or, with `pbx_user_id`, the user a create made).
    pub(crate) fn step_phase(
        &self,
        run_id: i64,
        seq: u32,
        phase: Phase,
        pbx_user_id: Option<&str>,
    ) -> Result<(), SyncError> {
        self.write(
            "UPDATE steps SET status = 'started', phase = ?3, \
             pbx_user_id = COALESCE(?4, pbx_user_id) WHERE run_id = ?1 AND seq = ?2",
            params![run_id, seq, phase.as_str(), pbx_user_id],
        )
    }

    /// Journals how a step ended.
    pub(crate) fn step_finished(
        &self,
        run_id: i64,
        outcome: &UserOutcome,
    ) -> Result<(), SyncError> {
        self.write(
            "UPDATE steps SET status = ?3, error = ?4, pbx_user_id = COALESCE(?5, pbx_user_id) \
             WHERE run_id = ?1 AND seq = ?2",
            params![
                run_id,
                outcome.seq,
                outcome.status.as_str(),
                outcome.error.as_ref().map(ToString::to_string),
                outcome.pbx_user_id
            ],
        )
    }

    /// Records how the run ended.
    pub(crate) fn finish_run(&self, summary: &RunSummary) -> Result<(), SyncError> {
        self.lock()
            .execute(
                "UPDATE runs SET status = ?2, finished_at = ?3, duration_ms = ?4, planned = ?5, \
                 outcome = ?6, error = ?7 WHERE id = ?1",
                params![
                    summary.id,
                    summary.status.as_str(),
                    summary.finished_at,
                    summary.duration_ms.and_then(|d| i64::try_from(d).ok()),
                    json(&summary.planned),
                    json(&summary.outcome),
                    summary.error,
                ],
            )
            .map(drop)
            .map_err(|e| self.failed(e))
    }
}

const RUN_COLUMNS: &str = "id, profile, started_at, finished_at, duration_ms, status, source, \
                           resumed_from, planned, outcome, error";

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn run_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    let status: String = row.get(5)?;
    let source: String = row.get(6)?;
    let planned: String = row.get(8)?;
    let outcome: String = row.get(9)?;
    Ok(RunSummary {
        id: row.get(0)?,
        profile: row.get(1)?,
        started_at: row.get(2)?,
        finished_at: row.get(3)?,
        duration_ms: row
            .get::<_, Option<i64>>(4)?
            .and_then(|d| u64::try_from(d).ok()),
        status: RunStatus::parse(&status),
        source: SourceKind::parse(&source),
        resumed_from: row.get(7)?,
        planned: serde_json::from_str(&planned).unwrap_or_default(),
        outcome: serde_json::from_str(&outcome).unwrap_or_default(),
        error: row.get(10)?,
    })
}

fn outcome_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserOutcome> {
    let action: Option<String> = row.get(1)?;
    let status = OutcomeStatus::parse(&row.get::<_, String>(2)?);
    let reason: Option<String> = row.get(8)?;
    Ok(UserOutcome {
        seq: row.get(0)?,
        action: action.as_deref().and_then(ActionKind::parse),
        status,
        object_id: row.get(3)?,
        principal: row.get(4)?,
        pbx_user_id: row.get(5)?,
        pbx_name: row.get(6)?,
        extension: row.get(7)?,
        reason: reason.as_deref().and_then(Reason::parse),
        error: UserFailure::read(row.get::<_, Option<String>>(9)?.as_deref(), status),
        notes: ActionNote::read(row.get::<_, Option<String>>(10)?.as_deref()),
    })
}

const CSV_HEADER: [&str; 11] = [
    "seq",
    "action",
    "status",
    "principal",
    "object_id",
    "pbx_name",
    "pbx_user_id",
    "extension",
    "reason",
    "error",
    "note",
];

fn write_csv(detail: &RunDetail, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}", CSV_HEADER.join(","))?;
    for user in &detail.users {
        let seq = user.seq.to_string();
        let note = ActionNote::joined(&user.notes);
        let error = user.error.as_ref().map(ToString::to_string);
        let fields = [
            Some(seq.as_str()),
            user.action.map(ActionKind::as_str),
            Some(user.status.as_str()),
            user.principal.as_deref(),
            user.object_id.as_deref(),
            user.pbx_name.as_deref(),
            user.pbx_user_id.as_deref(),
            user.extension.as_deref(),
            user.reason.map(Reason::as_str),
            error.as_deref(),
            note.as_deref(),
        ];
        let line: Vec<String> = fields
            .iter()
            .map(|f| csv_field(f.unwrap_or_default()))
            .collect();
        writeln!(out, "{}", line.join(","))?;
    }
    out.flush()
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet does
/// not run a directory value as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The files SQLite keeps beside the database while it works on it.
const SIDE_FILE_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Creates the database's folder and the database itself private before SQLite opens it:
/// SQLite gives the side files it creates later the database's own mode. Side files an older
/// version left readable to others are tightened too, as SQLite keeps an existing file's mode.
fn make_private(path: &Path) -> Result<(), SyncError> {
    let failed = |path: &Path| {
        let path = path.to_owned();
        move |source| SyncError::StoreFolder { path, source }
    };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        private_fs::create_dir_all(folder, &Folder::own(folder)).map_err(failed(folder))?;
    }
    private_fs::create_file(path).map_err(failed(path))?;
    for suffix in SIDE_FILE_SUFFIXES {
        let side = side_file(path, suffix);
        private_fs::tighten_file(&side).map_err(failed(&side))?;
    }
    Ok(())
}

/// `sync.sqlite3-wal` for `sync.sqlite3` and `-wal`.
fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut side = path.as_os_str().to_owned();
    side.push(suffix);
    PathBuf::from(side)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("+1 425 555 0100"), "'+1 425 555 0100");
    }

    #[test]
    fn a_run_survives_reopening_and_a_dead_run_is_found() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("nested").join("sync.sqlite3");
        let store = SyncStore::open(&path)?;
        let run = store.begin_run("p", SourceKind::Graph, "2026-01-01T00:00:00Z", None)?;
        let line = UserOutcome {
            seq: 0,
            action: Some(ActionKind::Create),
            status: OutcomeStatus::Pending,
            object_id: Some("o1".to_owned()),
            principal: Some("a@x.example".to_owned()),
            pbx_user_id: None,
            pbx_name: Some("a".to_owned()),
            extension: Some("1000".to_owned()),
            reason: None,
            error: None,
            notes: Vec::new(),
        };
        store.record_plan(run, &PlanCounts::default(), std::slice::from_ref(&line))?;
        store.step_phase(run, 0, Phase::Bind, Some("42"))?;
        drop(store);

        let store = SyncStore::open(&path)?;
        let unfinished = store.unfinished("p")?.ok_or("the dead run is not found")?;
        assert_eq!(unfinished.run_id, run);
        assert!(unfinished.object_ids.contains("o1"));
        assert_eq!(store.unfinished("other")?, None);
        let detail = store.run(run)?;
        assert_eq!(detail.users[0].status, OutcomeStatus::Started);
        assert_eq!(detail.users[0].pbx_user_id.as_deref(), Some("42"));

        let next = store.begin_run("p", SourceKind::Graph, "2026-01-01T00:01:00Z", Some(run))?;
        assert_eq!(store.run(run)?.summary.status, RunStatus::Interrupted);
        let history = store.history("p", 10)?;
        assert_eq!(
            history.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![next, run]
        );
        assert_eq!(history[0].resumed_from, Some(run));
        let mut csv = Vec::new();
        store.export_csv(run, &mut csv)?;
        let csv = String::from_utf8(csv)?;
        assert_eq!(
            csv.lines().nth(1),
            Some("0,create,started,a@x.example,o1,a,42,1000,,,")
        );
        assert!(matches!(store.run(999), Err(SyncError::NoSuchRun(999))));
        Ok(())
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> std::io::Result<u32> {
        use std::os::unix::fs::PermissionsExt;
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    }

    /// Writes one run, leaving the write-ahead log and the shared-memory index in place.
    #[cfg(unix)]
    fn write_a_run(store: &SyncStore) -> Result<(), SyncError> {
        let run = store.begin_run("p", SourceKind::Graph, "2026-01-01T00:00:00Z", None)?;
        store.record_plan(run, &PlanCounts::default(), &[])?;
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_database_and_the_files_sqlite_adds_are_private() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = tempfile::tempdir()?;
        let folder = dir.path().join("pbx365");
        let path = folder.join("sync.sqlite3");
        let store = SyncStore::open(&path)?;
        write_a_run(&store)?;
        let wal = side_file(&path, "-wal");
        let shm = side_file(&path, "-shm");
        assert!(wal.exists() && shm.exists(), "SQLite made no WAL files");
        for file in [&path, &wal, &shm] {
            assert_eq!(mode(file)?, 0o600, "{}", file.display());
        }
        assert_eq!(mode(&folder)?, 0o700);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_database_left_readable_by_an_older_version_is_tightened()
    -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let open_to_all = || std::fs::Permissions::from_mode(0o644);
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sync.sqlite3");
        // An older version's database, still open (its WAL files are there), all readable by
        // others.
        let older = Connection::open(&path)?;
        older.pragma_update(None, "journal_mode", "WAL")?;
        older.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")?;
        for suffix in ["", "-wal", "-shm"] {
            std::fs::set_permissions(side_file(&path, suffix), open_to_all())?;
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;

        let store = SyncStore::open(&path)?;
        write_a_run(&store)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = side_file(&path, suffix);
            assert_eq!(mode(&file)?, 0o600, "{}", file.display());
        }
        assert_eq!(mode(dir.path())?, 0o700);
        drop(older);
        Ok(())
    }
}
