//! The certificate's health: the PBX's current certificate against the app's `keyCredentials`,
//! matched by thumbprint, and how long it has left.
//!
//! [`assess`] is pure (evidence in, status out) so every state is tested without a network;
//! [`check`] gathers the evidence from the PBX and Graph.

use entra::KeyCredential;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

use super::clock::Clock;
use crate::access::ErrorReport;
use crate::pbx_certificate::{CertificateInfo, PbxCertificate, rfc3339};

/// Days before expiry at which the admin is reminded, most distant first.
pub const REMINDER_DAYS: [u32; 4] = [30, 14, 7, 1];

/// Entra's "the assertion's certificate is not valid for this app" (unknown key, wrong
/// signature, or expired key).
const CERTIFICATE_REFUSED: u32 = 700_027;

/// What the certificate's state means for the integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CertificateState {
    /// On the app and more than 30 days left.
    Healthy { days_left: u32 },
    /// 30 days or fewer left; `threshold_days` is the reminder reached (30, 14, 7 or 1).
    Expiring { days_left: u32, threshold_days: u32 },
    /// Past its end date: Microsoft refuses the PBX, sync and sign-in have stopped.
    Expired { expired_at: String },
    /// The PBX's certificate is not on the app (or the PBX has none): sync is broken now.
    /// `detail` is the English sentence; the UI words `cause`, quoting `said`.
    Mismatched {
        detail: String,
        #[serde(default)]
        cause: MismatchCause,
        /// What Microsoft said when it refused the certificate.
        #[serde(default)]
        said: Option<String>,
    },
    /// It could not be checked.
    Unknown(Unchecked),
}

/// What stopped a check: of the certificate's state ([`CertificateState::Unknown`]) or of
/// whether the app holds it ([`AppMatch::Unchecked`]). `reason` is English; the UI words
/// `cause`, quoting `detail`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Unchecked {
    pub reason: String,
    #[serde(default)]
    pub cause: UncheckedCause,
    #[serde(default)]
    pub detail: String,
    /// The engine's own error behind `detail`, for the UI to word (`describeError`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<ErrorReport>,
}

impl Unchecked {
    /// Stopped by what the PBX or Microsoft said (`detail`, quoted as it came).
    fn quoting(reason: String, cause: UncheckedCause, detail: &str) -> Self {
        Self {
            reason,
            cause,
            detail: detail.to_owned(),
            error: None,
        }
    }
}

/// Why the PBX's certificate is not one Microsoft accepts for the app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum MismatchCause {
    /// The PBX has no Microsoft 365 key pair.
    NoKeyPair,
    /// Microsoft refused the PBX's sign-in with its certificate (guided mode).
    RefusedByMicrosoft,
    /// The app's certificates do not include the PBX's.
    #[default]
    NotOnApp,
}

/// What stopped a check; the underlying text is quoted as it came.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UncheckedCause {
    /// The PBX's certificate could not be read.
    PbxUnreadable,
    /// The PBX could not sign in to Microsoft 365 (for another reason than the certificate).
    PbxSignInFailed,
    /// The profile could not be connected (PBX or Microsoft sign-in).
    #[default]
    NotConnected,
    /// The profile has no app registration yet: the setup has not been run.
    NoAppRegistration,
}

/// Whether the app holds the certificate the PBX signs with, and how that was found out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum AppMatch {
    /// Found among the app's `keyCredentials` by thumbprint.
    OnApp,
    /// Graph was not asked (guided mode); the PBX signed in to Microsoft with it.
    AcceptedByMicrosoft,
    /// Not on the app.
    Missing,
    /// It could not be checked.
    Unchecked(Unchecked),
}

/// One of the app's certificates, as the dashboard lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AppKey {
    /// SHA-1, upper-case hex.
    pub thumbprint: Option<String>,
    pub display_name: Option<String>,
    /// RFC 3339, as Entra stores it.
    pub start_date_time: Option<String>,
    /// RFC 3339, as Entra stores it.
    pub end_date_time: Option<String>,
    /// The PBX signs with this one.
    pub used_by_pbx: bool,
}

/// A profile's certificate status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CertificateStatus {
    pub profile: String,
    /// RFC 3339.
    pub checked_at: String,
    pub state: CertificateState,
    pub app_match: AppMatch,
    pub pbx_certificate: Option<CertificateInfo>,
    /// When the certificate stops working: the earlier of its not-after and the end date its
    /// key has on the app. RFC 3339.
    pub expires_at: Option<String>,
    /// Whole days until `expires_at`, negative once expired.
    pub days_left: Option<i32>,
    /// The app's certificates, when Graph was read.
    pub app_keys: Vec<AppKey>,
    /// One sentence for the admin: the state and what to do.
    pub message: String,
}

/// What the PBX holds.
#[derive(Debug, Clone)]
pub enum PbxEvidence {
    Certificate(Box<PbxCertificate>),
    /// The PBX has never generated a key pair.
    NoKeyPair,
    /// It could not be downloaded or read.
    Unreadable(String),
}

/// What the Microsoft side says.
#[derive(Debug, Clone)]
pub enum AppEvidence {
    /// The app's `keyCredentials`, read through Graph.
    Keys(Vec<KeyCredential>),
    /// Graph was not asked: the outcome of the PBX's own sign-in to Microsoft.
    PbxSignIn(PbxSignIn),
}

/// How the PBX's sign-in to Microsoft (`GET /ms365/users`) went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PbxSignIn {
    Accepted,
    /// Microsoft refused the certificate (AADSTS700027).
    CertificateRefused(String),
    /// It failed for another reason (consent, network, configuration…).
    Failed(String),
}

/// Where to read the app's side from.
#[derive(Debug, Clone, Copy)]
pub enum AppSource<'a> {
    /// Read the app's `keyCredentials` through Graph (automatic mode).
    Graph {
        graph: &'a entra::GraphClient,
        object_id: &'a str,
    },
    /// No Graph access (guided mode): ask the PBX to sign in to Microsoft.
    PbxSignIn,
}

/// `2027-11-23`, how dates are shown in sentences.
pub(crate) fn day(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

fn parse_date(text: Option<&str>) -> Option<OffsetDateTime> {
    text.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

/// The reminder reached with `days_left` days to go: the nearest of [`REMINDER_DAYS`] not
/// below it, or `None` when more than 30 days remain.
pub fn threshold_for(days_left: u32) -> Option<u32> {
    REMINDER_DAYS
        .iter()
        .rev()
        .copied()
        .find(|t| days_left <= *t)
}

fn app_keys(keys: &[KeyCredential], pbx: Option<&PbxCertificate>) -> Vec<AppKey> {
    keys.iter()
        .map(|key| {
            let thumbprint = key.thumbprint();
            AppKey {
                thumbprint: thumbprint.map(|t| t.to_string()),
                display_name: key.display_name.clone(),
                start_date_time: key.start_date_time.clone(),
                end_date_time: key.end_date_time.clone(),
                used_by_pbx: pbx.is_some_and(|c| thumbprint == Some(c.thumbprint())),
            }
        })
        .collect()
}

/// The status from the evidence, at `now`.
pub fn assess(
    profile: &str,
    pbx: &PbxEvidence,
    app: &AppEvidence,
    now: OffsetDateTime,
) -> CertificateStatus {
    let certificate = match pbx {
        PbxEvidence::Certificate(certificate) => Some(certificate.as_ref()),
        PbxEvidence::NoKeyPair | PbxEvidence::Unreadable(_) => None,
    };
    let mut status = CertificateStatus {
        profile: profile.to_owned(),
        checked_at: rfc3339(now),
        state: CertificateState::Unknown(Unchecked::default()),
        app_match: AppMatch::Unchecked(Unchecked::default()),
        pbx_certificate: certificate.map(|c| c.info.clone()),
        expires_at: None,
        days_left: None,
        app_keys: match app {
            AppEvidence::Keys(keys) => app_keys(keys, certificate),
            AppEvidence::PbxSignIn(_) => Vec::new(),
        },
        message: String::new(),
    };
    let certificate = match pbx {
        PbxEvidence::Certificate(certificate) => certificate,
        PbxEvidence::NoKeyPair => {
            let detail = "The PBX has no Microsoft 365 key pair, so it cannot sign in to \
                          Microsoft: sync is broken now. Rotate the certificate (the PBX makes a \
                          new key pair and its certificate is put on the app)."
                .to_owned();
            status.app_match = AppMatch::Missing;
            status.message = detail.clone();
            status.state = CertificateState::Mismatched {
                detail,
                cause: MismatchCause::NoKeyPair,
                said: None,
            };
            return status;
        }
        PbxEvidence::Unreadable(detail) => {
            let reason = format!("the PBX's certificate could not be read: {detail}");
            status.message = format!("The certificate could not be checked: {reason}");
            let unchecked = Unchecked::quoting(reason, UncheckedCause::PbxUnreadable, detail);
            status.app_match = AppMatch::Unchecked(unchecked.clone());
            status.state = CertificateState::Unknown(unchecked);
            return status;
        }
    };

    let mut expires_at = certificate.key.not_after();
    status.app_match = match app {
        AppEvidence::Keys(keys) => match certificate.find_on(keys) {
            Some(key) => {
                if let Some(end) = parse_date(key.end_date_time.as_deref()) {
                    expires_at = expires_at.min(end);
                }
                AppMatch::OnApp
            }
            None => AppMatch::Missing,
        },
        AppEvidence::PbxSignIn(PbxSignIn::Accepted) => AppMatch::AcceptedByMicrosoft,
        AppEvidence::PbxSignIn(PbxSignIn::CertificateRefused(_)) => AppMatch::Missing,
        AppEvidence::PbxSignIn(PbxSignIn::Failed(detail)) => {
            AppMatch::Unchecked(Unchecked::quoting(
                format!("the PBX could not sign in to Microsoft 365: {detail}"),
                UncheckedCause::PbxSignInFailed,
                detail,
            ))
        }
    };
    let whole_days = (expires_at - now).whole_days();
    status.expires_at = Some(rfc3339(expires_at));
    status.days_left =
        Some(i32::try_from(whole_days).unwrap_or(if whole_days < 0 { i32::MIN } else { i32::MAX }));
    let thumbprint = &certificate.info.sha1_thumbprint;

    // An expired certificate is a problem whatever the app holds; a missing one is next.
    if now >= expires_at {
        status.message = format!(
            "The certificate (thumbprint {thumbprint}) expired on {}: Microsoft refuses the PBX, \
             so Microsoft 365 sync and sign-in have stopped. Rotate the certificate.",
            day(expires_at)
        );
        status.state = CertificateState::Expired {
            expired_at: rfc3339(expires_at),
        };
        return status;
    }
    if status.app_match == AppMatch::Missing {
        let (detail, cause, said) = match app {
            AppEvidence::PbxSignIn(PbxSignIn::CertificateRefused(said)) => (
                format!(
                    "Microsoft refuses the PBX's certificate (thumbprint {thumbprint}), so \
                     Microsoft 365 sync is broken now ({said}). Rotate the certificate, or upload \
                     the PBX's public_key.pem to the app again."
                ),
                MismatchCause::RefusedByMicrosoft,
                Some(said.clone()),
            ),
            _ => (
                format!(
                    "The PBX's certificate (thumbprint {thumbprint}) is not on the app, so \
                     Microsoft refuses the PBX: Microsoft 365 sync is broken now. Rotate the \
                     certificate, or add the PBX's certificate to the app again."
                ),
                MismatchCause::NotOnApp,
                None,
            ),
        };
        status.message = detail.clone();
        status.state = CertificateState::Mismatched {
            detail,
            cause,
            said,
        };
        return status;
    }
    let days_left = u32::try_from(whole_days).unwrap_or(0);
    let unchecked = match &status.app_match {
        AppMatch::Unchecked(unchecked) => Some(unchecked.clone()),
        _ => None,
    };
    match threshold_for(days_left) {
        Some(threshold_days) => {
            status.message = format!(
                "The certificate expires on {} ({days_left} day{} left): rotate it before then.",
                day(expires_at),
                if days_left == 1 { "" } else { "s" }
            );
            if let Some(unchecked) = &unchecked {
                status.message.push_str(&format!(
                    " Whether the app holds it could not be checked: {}.",
                    unchecked.reason
                ));
            }
            status.state = CertificateState::Expiring {
                days_left,
                threshold_days,
            };
        }
        None => match unchecked {
            // Healthy needs proof that Microsoft accepts the certificate.
            Some(unchecked) => {
                status.message = format!(
                    "The certificate could not be checked: {}.",
                    unchecked.reason
                );
                status.state = CertificateState::Unknown(unchecked);
            }
            None => {
                status.message = format!(
                    "The certificate is on the app and valid until {} ({days_left} days left).",
                    day(expires_at)
                );
                status.state = CertificateState::Healthy { days_left };
            }
        },
    }
    status
}

/// The PBX's current certificate.
pub async fn read_pbx(pbx: &portsip::Client) -> PbxEvidence {
    match pbx.ms365_certificate().await {
        Ok(file) => match PbxCertificate::from_pem(&file.pem) {
            Ok(certificate) => PbxEvidence::Certificate(Box::new(certificate)),
            Err(error) => PbxEvidence::Unreadable(error.to_string()),
        },
        Err(portsip::Error::NotFound { .. }) => PbxEvidence::NoKeyPair,
        Err(error) => PbxEvidence::Unreadable(error.to_string()),
    }
}

/// Asks the PBX to sign in to Microsoft with its certificate (`GET /ms365/users`).
pub async fn pbx_sign_in(pbx: &portsip::Client) -> PbxSignIn {
    match pbx.ms365_users().await {
        Ok(_) => PbxSignIn::Accepted,
        Err(error) => {
            let said = error.to_string();
            if entra::aadsts::find_code(&said) == Some(CERTIFICATE_REFUSED) {
                PbxSignIn::CertificateRefused(said)
            } else {
                PbxSignIn::Failed(said)
            }
        }
    }
}

/// The app's side. When Graph cannot be read (an expired Microsoft sign-in, say), the PBX's
/// own sign-in still tells whether Microsoft accepts the certificate.
pub async fn read_app(pbx: &portsip::Client, source: AppSource<'_>) -> AppEvidence {
    if let AppSource::Graph { graph, object_id } = source {
        match graph.key_credentials(object_id).await {
            Ok(keys) => return AppEvidence::Keys(keys),
            Err(error) => tracing::warn!(
                %error,
                "the app's certificates could not be read through Graph; asking the PBX instead"
            ),
        }
    }
    AppEvidence::PbxSignIn(pbx_sign_in(pbx).await)
}

/// Reads both sides and assesses them.
pub async fn check(
    profile: &str,
    pbx: &portsip::Client,
    source: AppSource<'_>,
    clock: &dyn Clock,
) -> CertificateStatus {
    let pbx_evidence = read_pbx(pbx).await;
    let app_evidence = match pbx_evidence {
        PbxEvidence::Certificate(_) => read_app(pbx, source).await,
        // Nothing to match: the outcome does not depend on the app.
        PbxEvidence::NoKeyPair | PbxEvidence::Unreadable(_) => AppEvidence::Keys(Vec::new()),
    };
    assess(profile, &pbx_evidence, &app_evidence, clock.now())
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A self-signed certificate valid from now for `days`.
    fn certificate(days: i64) -> Result<PbxCertificate, Box<dyn std::error::Error>> {
        let key = rcgen::KeyPair::generate()?;
        let mut params = rcgen::CertificateParams::new(vec!["pbx.example".to_owned()])?;
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::minutes(1);
        params.not_after = now + Duration::days(days);
        let pem = params.self_signed(&key)?.pem();
        Ok(PbxCertificate::from_pem(pem.as_bytes())?)
    }

    fn on_app(certificate: &PbxCertificate) -> Result<AppEvidence, entra::EntraError> {
        Ok(AppEvidence::Keys(vec![
            certificate.key.to_key_credential("pbx")?,
        ]))
    }

    fn now_plus(days: i64) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::days(days)
    }

    #[test]
    fn thresholds_are_the_nearest_reminder_not_below() {
        let seen: Vec<Option<u32>> = [31, 30, 15, 14, 8, 7, 2, 1, 0]
            .into_iter()
            .map(threshold_for)
            .collect();
        assert_eq!(
            seen,
            [
                None,
                Some(30),
                Some(30),
                Some(14),
                Some(14),
                Some(7),
                Some(7),
                Some(1),
                Some(1)
            ]
        );
    }

    #[test]
    fn healthy_expiring_and_expired_follow_the_clock() -> TestResult {
        let certificate = certificate(365)?;
        let pbx = PbxEvidence::Certificate(Box::new(certificate.clone()));
        let app = on_app(&certificate)?;

        let status = assess("c", &pbx, &app, now_plus(0));
        assert!(
            matches!(status.state, CertificateState::Healthy { days_left } if days_left >= 364)
        );
        assert_eq!(status.app_match, AppMatch::OnApp);
        assert_eq!(status.app_keys.len(), 1);
        assert!(status.app_keys[0].used_by_pbx);

        let status = assess("c", &pbx, &app, now_plus(355));
        assert!(
            matches!(
                status.state,
                CertificateState::Expiring {
                    days_left: 9..=10,
                    threshold_days: 14
                }
            ),
            "{:?}",
            status.state
        );
        assert!(status.message.contains("rotate it"), "{}", status.message);

        let status = assess("c", &pbx, &app, now_plus(366));
        assert!(matches!(status.state, CertificateState::Expired { .. }));
        assert!(status.days_left.is_some_and(|d| d < 0));
        Ok(())
    }

    #[test]
    fn the_apps_end_date_counts_when_it_is_earlier() -> TestResult {
        let certificate = certificate(365)?;
        let mut key = certificate.key.to_key_credential("pbx")?;
        key.end_date_time = Some(rfc3339(now_plus(20)));
        let status = assess(
            "c",
            &PbxEvidence::Certificate(Box::new(certificate)),
            &AppEvidence::Keys(vec![key]),
            now_plus(0),
        );
        assert!(
            matches!(
                status.state,
                CertificateState::Expiring {
                    threshold_days: 30,
                    ..
                }
            ),
            "{:?}",
            status.state
        );
        Ok(())
    }

    #[test]
    fn a_certificate_missing_from_the_app_is_mismatched() -> TestResult {
        let pbx_certificate = certificate(365)?;
        let other = certificate(365)?;
        let status = assess(
            "c",
            &PbxEvidence::Certificate(Box::new(pbx_certificate)),
            &on_app(&other)?,
            now_plus(0),
        );
        assert!(matches!(
            status.state,
            CertificateState::Mismatched {
                cause: MismatchCause::NotOnApp,
                said: None,
                ..
            }
        ));
        assert_eq!(status.app_match, AppMatch::Missing);
        assert!(!status.app_keys[0].used_by_pbx);

        let none = assess(
            "c",
            &PbxEvidence::NoKeyPair,
            &AppEvidence::Keys(vec![]),
            now_plus(0),
        );
        assert!(matches!(
            none.state,
            CertificateState::Mismatched {
                cause: MismatchCause::NoKeyPair,
                ..
            }
        ));
        Ok(())
    }

    #[test]
    fn without_graph_the_pbx_sign_in_decides() -> TestResult {
        let certificate = certificate(365)?;
        let pbx = PbxEvidence::Certificate(Box::new(certificate));
        let sign_in = |outcome| AppEvidence::PbxSignIn(outcome);

        let accepted = assess("c", &pbx, &sign_in(PbxSignIn::Accepted), now_plus(0));
        assert!(matches!(accepted.state, CertificateState::Healthy { .. }));
        assert_eq!(accepted.app_match, AppMatch::AcceptedByMicrosoft);

        let refused = assess(
            "c",
            &pbx,
            &sign_in(PbxSignIn::CertificateRefused("AADSTS700027".into())),
            now_plus(0),
        );
        assert!(
            matches!(&refused.state, CertificateState::Mismatched { cause: MismatchCause::RefusedByMicrosoft, said: Some(said), .. } if said == "AADSTS700027")
        );

        let failed = PbxSignIn::Failed("Microsoft 365 could not be reached".into());
        let unknown = assess("c", &pbx, &sign_in(failed.clone()), now_plus(0));
        assert!(
            matches!(&unknown.state, CertificateState::Unknown(Unchecked { reason, .. }) if reason.contains("could not be reached"))
        );
        // The UI words the cause and quotes only what Microsoft 365 said.
        assert!(
            matches!(&unknown.state, CertificateState::Unknown(Unchecked { cause: UncheckedCause::PbxSignInFailed, detail, .. }) if detail == "Microsoft 365 could not be reached")
        );
        // Dates alone show an expiring certificate even when the match is unknown.
        let expiring = assess("c", &pbx, &sign_in(failed), now_plus(360));
        assert!(matches!(
            expiring.state,
            CertificateState::Expiring {
                threshold_days: 7,
                ..
            }
        ));
        assert!(expiring.message.contains("could not be checked"));
        Ok(())
    }

    #[test]
    fn an_unreadable_pbx_is_unknown() {
        let status = assess(
            "c",
            &PbxEvidence::Unreadable("connection refused".into()),
            &AppEvidence::Keys(vec![]),
            now_plus(0),
        );
        assert!(
            matches!(&status.state, CertificateState::Unknown(Unchecked { cause: UncheckedCause::PbxUnreadable, detail, .. }) if detail == "connection refused")
        );
        assert!(matches!(
            &status.app_match,
            AppMatch::Unchecked(Unchecked {
                cause: UncheckedCause::PbxUnreadable,
                ..
            })
        ));
        assert!(status.message.contains("connection refused"));
    }

    #[test]
    fn both_could_not_check_variants_keep_their_fields_beside_the_tag() -> TestResult {
        let unchecked = Unchecked::quoting("r".into(), UncheckedCause::PbxUnreadable, "d");
        let fields = |tag: &str, value: &str| serde_json::json!({tag: value, "reason": "r", "cause": "pbx-unreadable", "detail": "d"});
        let state = serde_json::to_value(CertificateState::Unknown(unchecked.clone()))?;
        assert_eq!(state, fields("state", "unknown"));
        let app_match = serde_json::to_value(AppMatch::Unchecked(unchecked.clone()))?;
        assert_eq!(app_match, fields("kind", "unchecked"));
        // A status saved before the engine sent a cause still reads.
        let old: AppMatch =
            serde_json::from_value(serde_json::json!({"kind": "unchecked", "reason": "r"}))?;
        assert_eq!(
            old,
            AppMatch::Unchecked(Unchecked {
                reason: "r".into(),
                ..Unchecked::default()
            })
        );
        Ok(())
    }

    #[test]
    fn serializes_with_a_state_tag() -> TestResult {
        let value = serde_json::to_value(CertificateState::Expiring {
            days_left: 12,
            threshold_days: 14,
        })?;
        assert_eq!(
            value,
            serde_json::json!({"state": "expiring", "days_left": 12, "threshold_days": 14})
        );
        Ok(())
    }
}
