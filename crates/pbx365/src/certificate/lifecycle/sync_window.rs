//! Whether the PBX's scheduled sync falls inside the rotation: between the new key pair and
//! Microsoft accepting the new certificate, the PBX cannot sign in, so a sync that starts then
//! fails.
//!
//! `sync_time` is read with [`crate::schedule`], the five-field crontab reader the wizard uses
//! (the `cron` crate wants a seconds field and numbers weekdays differently from crontab).
//! The schedule runs in the PBX's local time ([`crate::time_zone`]); a zone pbx365 does not
//! know is read as UTC, and the warning says so.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use ts_rs::TS;

use crate::schedule::{Schedule, format_run};
use crate::time_zone;

/// How far ahead a scheduled sync earns a warning: longer than a rotation usually takes,
/// replication included.
pub const SYNC_WARNING_WINDOW: Duration = Duration::minutes(15);

/// The PBX's scheduled sync falls inside the rotation: when, in the PBX's time. The UI words it
/// from its catalogue, the CLI prints the English [`fmt::Display`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SyncSoon {
    /// "2026-11-24 00:00", the PBX's local time (or UTC, see `unknown_zone`).
    pub at: String,
    /// Minutes until it starts; 0 when it starts now.
    pub minutes: u32,
    /// The PBX's time zone when pbx365 does not know it: the schedule was read in UTC.
    pub unknown_zone: Option<String>,
}

impl fmt::Display for SyncSoon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let assumption = match &self.unknown_zone {
            Some(zone) => {
                format!(" (read in UTC: the PBX's time zone \"{zone}\" is not one pbx365 knows)")
            }
            None => String::new(),
        };
        let when = match self.minutes {
            0 => "now".to_owned(),
            1 => "in 1 minute".to_owned(),
            minutes => format!("in {minutes} minutes"),
        };
        write!(
            f,
            "The PBX's Microsoft 365 sync is scheduled at {}{assumption}, {when}. From the moment \
             the PBX makes its new key pair until Microsoft accepts the new certificate (usually a \
             minute or two), that sync would fail. Rotate after it has run, or accept that this \
             one run fails (the next run works).",
            self.at
        )
    }
}

/// A warning when the schedule runs within `window` after `now`; `None` when it does not, or
/// when there is no schedule.
pub fn sync_soon_warning(
    sync_time: Option<&str>,
    pbx_time_zone: Option<&str>,
    now: OffsetDateTime,
    window: Duration,
) -> Option<SyncSoon> {
    let expression = sync_time.map(str::trim).filter(|s| !s.is_empty())?;
    let schedule = match Schedule::parse(expression) {
        Ok(schedule) => schedule,
        Err(error) => {
            tracing::info!(%error, "the PBX's sync schedule could not be read");
            return None;
        }
    };
    let known = pbx_time_zone.and_then(|zone| time_zone::offset_at(zone, now));
    let offset = known.unwrap_or(UtcOffset::UTC);
    let local = now.to_offset(offset);
    // `next_after` is strictly after; a run in the current minute counts too.
    let from = PrimitiveDateTime::new(local.date(), local.time()) - Duration::MINUTE;
    let next = schedule.next_after(from)?;
    let starts_in = next.assume_offset(offset) - now;
    if starts_in > window {
        return None;
    }
    Some(SyncSoon {
        at: format_run(next),
        minutes: u32::try_from(starts_in.whole_minutes().max(0)).unwrap_or(u32::MAX),
        unknown_zone: match (known, pbx_time_zone) {
            (None, Some(zone)) => Some(zone.to_owned()),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn warns_only_inside_the_window() {
        let now = datetime!(2026-11-23 23:50 UTC);
        let nightly = Some("0 0 * * *");
        let warning = sync_soon_warning(nightly, Some("UTC"), now, SYNC_WARNING_WINDOW);
        assert_eq!(
            warning,
            Some(SyncSoon {
                at: "2026-11-24 00:00".into(),
                minutes: 10,
                unknown_zone: None
            })
        );
        assert!(
            warning
                .map(|w| w.to_string())
                .is_some_and(|w| w.contains("2026-11-24 00:00") && w.contains("in 10 minutes"))
        );
        assert_eq!(
            sync_soon_warning(
                nightly,
                Some("UTC"),
                datetime!(2026-11-23 23:30 UTC),
                SYNC_WARNING_WINDOW
            ),
            None
        );
        assert_eq!(
            sync_soon_warning(None, Some("UTC"), now, SYNC_WARNING_WINDOW),
            None
        );
    }

    #[test]
    fn the_pbx_time_zone_moves_the_schedule() {
        // Midnight at UTC+2 is 22:00 UTC.
        let now = datetime!(2026-11-23 21:55 UTC);
        assert!(
            sync_soon_warning(Some("0 0 * * *"), Some("UTC+2"), now, SYNC_WARNING_WINDOW).is_some()
        );
        assert!(
            sync_soon_warning(Some("0 0 * * *"), Some("UTC"), now, SYNC_WARNING_WINDOW).is_none()
        );
        // Midnight in Berlin is 23:00 UTC in November.
        assert!(
            sync_soon_warning(
                Some("0 0 * * *"),
                Some("Europe/Berlin"),
                datetime!(2026-11-23 22:50 UTC),
                SYNC_WARNING_WINDOW
            )
            .is_some_and(|w| w.at == "2026-11-24 00:00" && w.unknown_zone.is_none())
        );
        let assumed = sync_soon_warning(
            Some("*/5 * * * *"),
            Some("Mars/Olympus_Mons"),
            now,
            SYNC_WARNING_WINDOW,
        );
        assert_eq!(
            assumed.as_ref().and_then(|w| w.unknown_zone.as_deref()),
            Some("Mars/Olympus_Mons")
        );
        assert!(
            assumed.is_some_and(|w| w.to_string().contains("read in UTC")),
            "the English says the schedule was read in UTC"
        );
    }

    #[test]
    fn a_run_this_minute_is_now() {
        let now = datetime!(2026-11-23 12:00:30 UTC);
        let warning = sync_soon_warning(Some("0 12 * * *"), None, now, SYNC_WARNING_WINDOW);
        assert_eq!(warning.as_ref().map(|w| w.minutes), Some(0));
        assert!(
            warning.is_some_and(|w| w.to_string().contains(", now.")),
            "a run this minute is said as now"
        );
    }
}
