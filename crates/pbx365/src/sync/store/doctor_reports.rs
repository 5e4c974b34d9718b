//! The doctor's last reports per profile, for the diagnostics archive: support sees what the
//! checks found without running them again. Kept beside the sync history, so a reset forgets
//! them with it.

use rusqlite::params;

use super::SyncStore;
use crate::doctor::DoctorReport;
use crate::sync::SyncError;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS doctor_reports (
    id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS doctor_reports_by_profile ON doctor_reports (profile, id);
";

/// How many reports a profile keeps.
pub const DOCTOR_REPORTS_KEPT: u32 = 10;

impl SyncStore {
    /// Keeps `report`, and the profile's last [`DOCTOR_REPORTS_KEPT`] only.
    pub fn record_doctor_report(&self, report: &DoctorReport) -> Result<(), SyncError> {
        let connection = self.lock();
        let record = || -> rusqlite::Result<()> {
            connection.execute(
                "INSERT INTO doctor_reports (profile, report) VALUES (?1, ?2)",
                params![report.profile, super::json(report)],
            )?;
            connection.execute(
                "DELETE FROM doctor_reports WHERE profile = ?1 COLLATE NOCASE AND id NOT IN \
                 (SELECT id FROM doctor_reports WHERE profile = ?1 COLLATE NOCASE \
                  ORDER BY id DESC LIMIT ?2)",
                params![report.profile, DOCTOR_REPORTS_KEPT],
            )?;
            Ok(())
        };
        record().map_err(|e| self.failed(e))
    }

    /// The profile's reports, newest first.
    pub fn doctor_reports(
        &self,
        profile: &str,
        limit: u32,
    ) -> Result<Vec<DoctorReport>, SyncError> {
        let connection = self.lock();
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut statement = connection.prepare(
                "SELECT report FROM doctor_reports WHERE profile = ?1 COLLATE NOCASE \
                 ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = statement.query_map(params![profile, limit], |row| row.get(0))?;
            rows.collect()
        };
        let texts = read().map_err(|e| self.failed(e))?;
        // A report an older version wrote in another shape is left out, not an error.
        Ok(texts
            .iter()
            .filter_map(|text| serde_json::from_str(text).ok())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Mode;

    fn report(profile: &str, at: &str) -> DoctorReport {
        DoctorReport {
            profile: profile.to_owned(),
            mode: Mode::Auto,
            at: at.to_owned(),
            checks: Vec::new(),
            passed: true,
            edition: None,
        }
    }

    #[test]
    fn the_last_reports_are_kept_newest_first_and_a_reset_forgets_them()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = SyncStore::open(dir.path().join("sync.sqlite3"))?;
        for minute in 0..12 {
            store.record_doctor_report(&report(
                "Contoso",
                &format!("2026-01-01T00:{minute:02}:00Z"),
            ))?;
        }
        store.record_doctor_report(&report("other", "2026-01-02T00:00:00Z"))?;
        let kept = store.doctor_reports("contoso", 50)?;
        assert_eq!(kept.len(), DOCTOR_REPORTS_KEPT as usize);
        assert_eq!(kept[0].at, "2026-01-01T00:11:00Z");
        store.forget_profile("contoso")?;
        assert!(store.doctor_reports("contoso", 50)?.is_empty());
        assert_eq!(store.doctor_reports("other", 50)?.len(), 1);
        Ok(())
    }
}
