//! Certificate status for monitoring systems (Nagios, Icinga, Zabbix), following the
//! monitoring-plugins conventions: exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and one
//! line of output, `SERVICE STATE - text | perfdata`.
//!
//! - OK: on the app, more than 30 days left.
//! - WARNING: 30 days or fewer left (8 to 30).
//! - CRITICAL: 7 days or fewer left, expired, or mismatched (sync is broken now). Seven days
//!   is the last reminder before the final day: too late to wait for the weekly maintenance
//!   window, so it pages.
//! - UNKNOWN: the status could not be determined (PBX unreachable, Microsoft undecided…).
//!
//! With several profiles the worst wins, in Icinga's order of severity: CRITICAL, UNKNOWN,
//! WARNING, OK (a profile that cannot be checked hides more than one that expires in a month).
//!
//! Perfdata: `days_left=N;30;7;;` per profile (`NAME_days_left` with several), whole days until
//! expiry, negative once expired, `U` when the PBX's certificate could not be read. As in `check_ssl_cert`, the warning and
//! critical fields are plain lower bounds: the state is WARNING at 30 or fewer, CRITICAL at 7 or
//! fewer.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::status::{CertificateState, CertificateStatus, day};

/// WARNING at this many days left or fewer.
pub const WARNING_DAYS: u32 = 30;
/// CRITICAL at this many days left or fewer.
pub const CRITICAL_DAYS: u32 = 7;

/// A monitoring plugin's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum MonitoringState {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl MonitoringState {
    /// The process exit code monitoring systems read.
    pub fn exit_code(self) -> u8 {
        match self {
            MonitoringState::Ok => 0,
            MonitoringState::Warning => 1,
            MonitoringState::Critical => 2,
            MonitoringState::Unknown => 3,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MonitoringState::Ok => "OK",
            MonitoringState::Warning => "WARNING",
            MonitoringState::Critical => "CRITICAL",
            MonitoringState::Unknown => "UNKNOWN",
        }
    }

    fn severity(self) -> u8 {
        match self {
            MonitoringState::Ok => 0,
            MonitoringState::Warning => 1,
            MonitoringState::Unknown => 2,
            MonitoringState::Critical => 3,
        }
    }

    /// The state of one certificate.
    pub fn of(state: &CertificateState) -> Self {
        match state {
            CertificateState::Healthy { .. } => MonitoringState::Ok,
            CertificateState::Expiring { days_left, .. } if *days_left <= CRITICAL_DAYS => {
                MonitoringState::Critical
            }
            CertificateState::Expiring { .. } => MonitoringState::Warning,
            CertificateState::Expired { .. } | CertificateState::Mismatched { .. } => {
                MonitoringState::Critical
            }
            CertificateState::Unknown(_) => MonitoringState::Unknown,
        }
    }
}

/// What `pbx365 cert status` prints and exits with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct MonitoringReport {
    pub state: MonitoringState,
    pub exit_code: u8,
    /// `PBX365 CERT STATE - text | perfdata`, one line.
    pub line: String,
}

/// Plugin output is one line and `|` starts the perfdata.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "/")
}

fn until(status: &CertificateStatus) -> String {
    status
        .expires_at
        .as_deref()
        .and_then(|at| {
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(day)
        .unwrap_or_default()
}

fn describe(status: &CertificateStatus) -> String {
    let text = match &status.state {
        CertificateState::Healthy { days_left } => {
            format!("{days_left} days left (until {})", until(status))
        }
        CertificateState::Expiring { days_left, .. } => format!(
            "expires in {days_left} day{} ({}), rotate it",
            if *days_left == 1 { "" } else { "s" },
            until(status)
        ),
        CertificateState::Expired { .. } => {
            format!("EXPIRED on {}, sync stopped", until(status))
        }
        CertificateState::Mismatched { .. } => {
            "the PBX's certificate is not on the app, sync is broken".to_owned()
        }
        CertificateState::Unknown(unchecked) => format!("cannot check: {}", unchecked.reason),
    };
    one_line(&format!("{}: {text}", status.profile))
}

fn perfdata(label: &str, status: &CertificateStatus) -> String {
    let value = status
        .days_left
        .map_or_else(|| "U".to_owned(), |days| days.to_string());
    format!("{label}={value};{WARNING_DAYS};{CRITICAL_DAYS};;")
}

/// The state, exit code and output line for one or more profiles.
pub fn report(statuses: &[CertificateStatus]) -> MonitoringReport {
    let state = statuses
        .iter()
        .map(|s| MonitoringState::of(&s.state))
        .max_by_key(|s| s.severity())
        .unwrap_or(MonitoringState::Unknown);
    let text = if statuses.is_empty() {
        "no profile to check".to_owned()
    } else {
        statuses.iter().map(describe).collect::<Vec<_>>().join("; ")
    };
    let perf = match statuses {
        [only] => perfdata("days_left", only),
        many => many
            .iter()
            .map(|s| perfdata(&format!("{}_days_left", s.profile), s))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let line = if perf.is_empty() {
        format!("PBX365 CERT {} - {text}", state.label())
    } else {
        format!("PBX365 CERT {} - {text} | {perf}", state.label())
    };
    MonitoringReport {
        state,
        exit_code: state.exit_code(),
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::lifecycle::status::{
        AppMatch, MismatchCause, Unchecked, UncheckedCause,
    };

    fn status(profile: &str, state: CertificateState, days_left: Option<i32>) -> CertificateStatus {
        CertificateStatus {
            profile: profile.into(),
            checked_at: "2026-11-23T00:00:00Z".into(),
            state,
            app_match: AppMatch::OnApp,
            pbx_certificate: None,
            expires_at: Some("2026-12-03T00:00:00Z".into()),
            days_left,
            app_keys: Vec::new(),
            message: String::new(),
        }
    }

    fn expiring(days_left: u32) -> CertificateState {
        CertificateState::Expiring {
            days_left,
            threshold_days: 30,
        }
    }

    #[test]
    fn exit_codes_follow_the_plugin_convention() {
        let code = |state: CertificateState| MonitoringState::of(&state).exit_code();
        assert_eq!(code(CertificateState::Healthy { days_left: 31 }), 0);
        assert_eq!(code(expiring(30)), 1);
        assert_eq!(code(expiring(8)), 1);
        assert_eq!(code(expiring(7)), 2);
        assert_eq!(code(expiring(0)), 2);
        assert_eq!(
            code(CertificateState::Expired {
                expired_at: String::new()
            }),
            2
        );
        assert_eq!(
            code(CertificateState::Mismatched {
                detail: String::new(),
                cause: MismatchCause::NotOnApp,
                said: None,
            }),
            2
        );
        assert_eq!(
            code(CertificateState::Unknown(Unchecked {
                reason: String::new(),
                cause: UncheckedCause::NotConnected,
                detail: String::new(),
                error: None,
            })),
            3
        );
    }

    #[test]
    fn one_profile_gives_one_line_with_perfdata() {
        let line = report(&[status("contoso", expiring(10), Some(10))]).line;
        assert_eq!(
            line,
            "PBX365 CERT WARNING - contoso: expires in 10 days (2026-12-03), rotate it | days_left=10;30;7;;"
        );
    }

    #[test]
    fn the_worst_profile_wins_and_unknown_outranks_warning() {
        let healthy = status("a", CertificateState::Healthy { days_left: 200 }, Some(200));
        let warning = status("b", expiring(20), Some(20));
        let unknown = status(
            "c",
            CertificateState::Unknown(Unchecked {
                reason: "PBX down |\nretry".into(),
                cause: UncheckedCause::NotConnected,
                detail: "PBX down |\nretry".into(),
                error: None,
            }),
            None,
        );
        let expired = status(
            "d",
            CertificateState::Expired {
                expired_at: String::new(),
            },
            Some(-2),
        );
        let some = report(&[healthy.clone(), warning.clone(), unknown.clone()]);
        assert_eq!(some.exit_code, 3);
        assert!(!some.line.contains('\n'));
        assert!(
            some.line.contains("c: cannot check: PBX down / retry"),
            "{}",
            some.line
        );
        assert!(
            some.line
                .ends_with("| a_days_left=200;30;7;; b_days_left=20;30;7;; c_days_left=U;30;7;;"),
            "{}",
            some.line
        );
        assert_eq!(report(&[healthy.clone(), warning]).exit_code, 1);
        assert_eq!(report(&[unknown, expired]).exit_code, 2);
        assert_eq!(report(&[healthy]).exit_code, 0);
        assert_eq!(report(&[]).exit_code, 3);
    }
}
