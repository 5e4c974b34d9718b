//! The doctor: checks that a profile's integration works, each with pass/fail/skip, an
//! explanation and the fix. The wizard's last step runs it; `pbx365 doctor` and the dashboard
//! run it on their own, signing in again from the keyring.

mod checks;
mod message;

use message::Said;
pub use message::{CheckCode, CheckMessage};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::retry::RetryPolicy;
use crate::access::sessions;
use crate::access::{Environment, Error};
use crate::pbx_certificate::rfc3339;
use crate::pbx_versions::PbxEdition;
use crate::profile::{CheckIds, Mode, Profile, VerificationSummary};
use crate::progress::{ProgressText, StepContext, StepId};
use crate::sync::{SyncStore, database_path};

/// The checks, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CheckId {
    PbxReachable,
    PbxAdminRole,
    PbxSettingsMatch,
    PbxCertificate,
    RedirectUris,
    CertificateOnApp,
    PermissionsExact,
    PermissionsGranted,
    PbxListsUsers,
}

impl CheckId {
    pub const ALL: [CheckId; 9] = [
        CheckId::PbxReachable,
        CheckId::PbxAdminRole,
        CheckId::PbxSettingsMatch,
        CheckId::PbxCertificate,
        CheckId::RedirectUris,
        CheckId::CertificateOnApp,
        CheckId::PermissionsExact,
        CheckId::PermissionsGranted,
        CheckId::PbxListsUsers,
    ];

    /// The check an old profile's summary named by its English title.
    pub fn from_title(title: &str) -> Option<CheckId> {
        Self::ALL.into_iter().find(|id| id.title() == title)
    }

    pub fn title(self) -> &'static str {
        match self {
            CheckId::PbxReachable => "PBX reachable over a trusted connection",
            CheckId::PbxAdminRole => "Signed in to the PBX as an administrator",
            CheckId::PbxSettingsMatch => "The PBX's Microsoft 365 settings match the profile",
            CheckId::PbxCertificate => "The PBX has a valid certificate",
            CheckId::RedirectUris => "The app's Redirect URIs equal the PBX's",
            CheckId::CertificateOnApp => "The app holds the PBX's certificate with the same dates",
            CheckId::PermissionsExact => {
                "The app declares the permissions this PortSIP version needs for the features"
            }
            CheckId::PermissionsGranted => "The permissions this PortSIP version needs are granted",
            CheckId::PbxListsUsers => "The PBX lists Microsoft 365 users",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CheckStatus {
    Pass,
    Fail,
    Skip,
}

/// One check's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Check {
    pub id: CheckId,
    pub title: String,
    pub status: CheckStatus,
    /// English, for the CLI and `--json`.
    pub explanation: String,
    /// What to do when it did not pass (English).
    pub fix: Option<String>,
    /// The explanation as a code and its values, worded by the UI's catalogue.
    pub explanation_message: CheckMessage,
    /// The fix as a code and its values.
    pub fix_message: Option<CheckMessage>,
    /// A skip that the profile's mode makes expected (guided mode has no Graph rights); it does
    /// not prevent an overall pass.
    pub skip_by_design: bool,
}

impl Check {
    fn pass(id: CheckId, explanation: Said) -> Self {
        Self::new(id, CheckStatus::Pass, explanation, None)
    }

    fn fail(id: CheckId, explanation: Said, fix: Said) -> Self {
        Self::new(id, CheckStatus::Fail, explanation, Some(fix))
    }

    fn skip(id: CheckId, explanation: Said, fix: Option<Said>) -> Self {
        Self::new(id, CheckStatus::Skip, explanation, fix)
    }

    fn new(id: CheckId, status: CheckStatus, explanation: Said, fix: Option<Said>) -> Self {
        let (fix, fix_message) = match fix {
            Some(fix) => (Some(fix.text), Some(fix.message)),
            None => (None, None),
        };
        Self {
            id,
            title: id.title().to_owned(),
            status,
            explanation: explanation.text,
            fix,
            explanation_message: explanation.message,
            fix_message,
            skip_by_design: false,
        }
    }

    /// Sets the fix of a check that passed with a warning.
    fn with_fix(mut self, fix: Said) -> Self {
        self.fix = Some(fix.text);
        self.fix_message = Some(fix.message);
        self
    }
}

/// The doctor's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DoctorReport {
    pub profile: String,
    pub mode: Mode,
    /// RFC 3339.
    pub at: String,
    pub checks: Vec<Check>,
    /// Every check passed (guided mode's by-design skips aside).
    pub passed: bool,
    /// The PBX's PortSIP version and licence, when the PBX could be read.
    pub edition: Option<PbxEdition>,
}

impl DoctorReport {
    fn new(profile: &Profile, checks: Vec<Check>, edition: Option<PbxEdition>) -> Self {
        let passed = checks.iter().all(|c| {
            c.status == CheckStatus::Pass || (c.status == CheckStatus::Skip && c.skip_by_design)
        });
        Self {
            profile: profile.name.clone(),
            mode: profile.microsoft.mode,
            at: rfc3339(OffsetDateTime::now_utc()),
            checks,
            passed,
            edition,
        }
    }

    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The profile's record of this run.
    pub fn summary(&self) -> VerificationSummary {
        let ids = |status: CheckStatus| {
            self.checks
                .iter()
                .filter(|c| c.status == status)
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        VerificationSummary {
            at: self.at.clone(),
            passed: self.passed,
            passed_checks: u32::try_from(ids(CheckStatus::Pass).len()).unwrap_or(u32::MAX),
            failed: CheckIds(ids(CheckStatus::Fail)),
            skipped: CheckIds(ids(CheckStatus::Skip)),
            edition: self.edition.clone(),
        }
    }
}

/// How the doctor reaches Microsoft Graph.
pub(crate) enum GraphAccess {
    Client(Box<entra::GraphClient>),
    /// Guided mode: the wizard has no Graph rights.
    Guided,
    /// Automatic mode without a usable sign-in.
    Unavailable(crate::access::ErrorReport),
}

/// Runs every check for a saved profile, signing in again from the keyring, and records the
/// summary in the profile.
pub async fn run(
    env: &Environment,
    profile_name: &str,
    ctx: &StepContext,
) -> Result<DoctorReport, Error> {
    let mut profile = env.profiles.require(profile_name)?;
    let report = ctx
        .cancellable(StepId::Verify, async {
            ctx.report(StepId::Verify, ProgressText::SigningInPbx);
            let pbx = sessions::resume_pbx(env, &profile).await;
            let graph = match profile.microsoft.mode {
                Mode::Guided => GraphAccess::Guided,
                Mode::Auto => {
                    ctx.report(StepId::Verify, ProgressText::SigningInMicrosoft);
                    match sessions::resume_graph(env, &profile).await {
                        Ok(graph) => GraphAccess::Client(Box::new(
                            graph.with_progress(ctx.entra_progress(StepId::Verify)),
                        )),
                        Err(error) => GraphAccess::Unavailable(error.report()),
                    }
                }
            };
            let pbx = pbx.map(|(client, signed_in)| (client, signed_in.role));
            let client = pbx.as_ref().ok().map(|(client, _)| client.clone());
            let report = checks::run(&env.retry, &profile, pbx, graph, ctx).await;
            // PortSIP refresh tokens are single-use: keep the one the checks ended with.
            if let Some(client) = client {
                sessions::save_pbx_refresh_token(env.secrets.as_ref(), &profile.name, &client)
                    .await?;
            }
            Ok::<_, Error>(report)
        })
        .await?;
    profile.last_verification = Some(report.summary());
    env.profiles.save(&profile)?;
    keep_for_diagnostics(env, &report);
    Ok(report)
}

/// Keeps the report for the diagnostics archive. A history that cannot be written costs the
/// archive a report, not the check its verdict.
pub(crate) fn keep_for_diagnostics(env: &Environment, report: &DoctorReport) {
    let kept = SyncStore::open(database_path(&env.profiles))
        .and_then(|store| store.record_doctor_report(report));
    if let Err(error) = kept {
        tracing::warn!(%error, "the doctor's report was not kept for diagnostics");
    }
}

/// Runs every check with sessions the caller already has (the wizard's verify step).
pub(crate) async fn run_with(
    retry: &RetryPolicy,
    profile: &Profile,
    pbx: &portsip::Client,
    graph: GraphAccess,
    ctx: &StepContext,
) -> DoctorReport {
    let role = pbx.role().await;
    checks::run(retry, profile, Ok((pbx.clone(), role)), graph, ctx).await
}
