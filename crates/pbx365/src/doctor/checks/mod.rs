//! The checks themselves, in the order they run: the PBX's side first, then the app
//! registration in Entra compared with what the PBX holds, then the PBX's own listing of
//! Microsoft 365 users, end to end. Each reads, never writes.

mod app_registration;
mod certificate;
mod lists_users;
mod pbx_access;
mod pbx_settings;
mod permissions;

use super::message::{CheckCode, Said, engine_error, plain, said, with_error};
use super::{Check, CheckId, DoctorReport, GraphAccess};
use crate::access::Error;
use crate::access::retry::RetryPolicy;
use crate::pbx_certificate::PbxCertificate;
use crate::pbx_versions::PbxEdition;
use crate::profile::Profile;
use crate::progress::{ProgressText, StepContext, StepId};

const GRAPH_CHECKS: [CheckId; 4] = [
    CheckId::RedirectUris,
    CheckId::CertificateOnApp,
    CheckId::PermissionsExact,
    CheckId::PermissionsGranted,
];

fn rerun_setup(profile: &Profile) -> Said {
    said(
        CheckCode::FixRerunSetup,
        [("profile", profile.name.clone())],
        format!(
            "Run the setup again for this profile (pbx365 setup --profile {}); it repairs this without duplicating anything.",
            profile.name
        ),
    )
}

fn not_signed_in_to_pbx() -> Said {
    plain(
        CheckCode::SkipPbxSignIn,
        "Skipped: not signed in to the PBX.",
    )
}

/// The same skip for each of `ids`: the checks an earlier outcome leaves nothing to check with.
fn skipped(ids: &[CheckId], why: Said, fix: Option<Said>) -> Vec<Check> {
    ids.iter()
        .map(|id| Check::skip(*id, why.clone(), fix.clone()))
        .collect()
}

/// What the PBX-side checks learned, for the Graph-side ones.
struct PbxFacts {
    redirect_uris: Vec<String>,
    certificate: Option<PbxCertificate>,
    /// Which PortSIP this is, which decides the permissions it needs; `None` when the PBX
    /// could not be asked.
    edition: Option<PbxEdition>,
}

pub(super) async fn run(
    retry: &RetryPolicy,
    profile: &Profile,
    pbx: Result<(portsip::Client, Option<portsip::model::Role>), Error>,
    graph: GraphAccess,
    ctx: &StepContext,
) -> DoctorReport {
    let mut checks = Vec::new();
    let step = StepId::Verify;
    ctx.report(step, ProgressText::CheckingPbx);
    let reachable = pbx_access::reachability(retry, profile).await;
    let reached = reachable.status == super::CheckStatus::Pass;
    checks.push(reachable);
    let mut edition = None;
    let client = match (reached, pbx) {
        (false, _) => {
            checks.extend(skipped(
                &[
                    CheckId::PbxAdminRole,
                    CheckId::PbxSettingsMatch,
                    CheckId::PbxCertificate,
                ],
                plain(
                    CheckCode::SkipPbxUnreachable,
                    "Skipped: the PBX is not reachable.",
                ),
                None,
            ));
            None
        }
        (true, Err(error)) => {
            checks.push(Check::fail(
                CheckId::PbxAdminRole,
                engine_error(&error),
                rerun_setup(profile),
            ));
            checks.extend(skipped(
                &[CheckId::PbxSettingsMatch, CheckId::PbxCertificate],
                not_signed_in_to_pbx(),
                None,
            ));
            None
        }
        (true, Ok((client, role))) => {
            let mut check = pbx_access::admin_role(profile, role.as_ref());
            // Which PortSIP this is and how many licences are left, with any warning about
            // the version; a PBX that cannot say is not a failed check.
            match PbxEdition::read(&client).await {
                Ok(read) => {
                    pbx_access::runs(&mut check, &read);
                    edition = Some(read);
                }
                Err(error) => {
                    tracing::warn!(%error, "the PBX's version could not be read");
                }
            }
            checks.push(check);
            Some(client)
        }
    };
    let facts = match &client {
        Some(client) => {
            let (settings_check, redirect_uris) =
                pbx_settings::settings_match(profile, client).await;
            checks.push(settings_check);
            let (certificate_check, certificate) = certificate::on_pbx(client).await;
            checks.push(certificate_check);
            Some(PbxFacts {
                redirect_uris,
                certificate,
                edition: edition.clone(),
            })
        }
        None => None,
    };

    ctx.report(step, ProgressText::CheckingAppRegistration);
    match (&graph, &facts) {
        (GraphAccess::Guided, _) => {
            let guided = skipped(
                &GRAPH_CHECKS,
                plain(
                    CheckCode::SkipGuided,
                    "Skipped in guided mode: pbx365 has no Microsoft Graph rights here. The \
                     PBX's own listing of Microsoft 365 users (the last check) proves the \
                     certificate and the permissions; check the Redirect URIs on the app's \
                     Authentication page.",
                ),
                None,
            );
            checks.extend(guided.into_iter().map(|mut check| {
                check.skip_by_design = true;
                check
            }));
        }
        (GraphAccess::Unavailable(error), _) => {
            checks.extend(skipped(
                &GRAPH_CHECKS,
                with_error(
                    CheckCode::SkipMicrosoftSignIn,
                    "reason",
                    error,
                    format!("Skipped: no usable Microsoft sign-in ({})", error.message),
                ),
                Some(rerun_setup(profile)),
            ));
        }
        (GraphAccess::Client(_), None) => {
            checks.extend(skipped(
                &GRAPH_CHECKS,
                plain(
                    CheckCode::SkipPbxUnread,
                    "Skipped: the PBX's side could not be read to compare with.",
                ),
                None,
            ));
        }
        (GraphAccess::Client(graph), Some(facts)) => {
            checks.extend(app_registration::graph_checks(profile, graph, facts).await);
        }
    }

    ctx.report(step, ProgressText::AskingPbxToListUsers);
    checks.push(match &client {
        Some(client) => lists_users::lists_users(retry, ctx.cancel_token(), profile, client).await,
        None => Check::skip(CheckId::PbxListsUsers, not_signed_in_to_pbx(), None),
    });
    DoctorReport::new(profile, checks, edition)
}

/// What the checks' unit tests share: a profile and the rule that each English text quotes its
/// code's values.
#[cfg(test)]
mod test_support {
    use super::super::message::quotes_its_params;
    use crate::doctor::Check;
    use crate::profile::Profile;

    pub(super) fn profile() -> Result<Profile, crate::input::FieldError> {
        let mut profile = Profile::new("contoso")?;
        profile.pbx.username = "admin@contoso".to_owned();
        Ok(profile)
    }

    /// Each outcome's explanation and fix carry a code whose values the English text quotes.
    pub(super) fn assert_coded(check: &Check) {
        let messages = std::iter::once(&check.explanation_message).chain(&check.fix_message);
        let texts = std::iter::once(&check.explanation).chain(&check.fix);
        for (message, text) in messages.zip(texts) {
            assert!(
                quotes_its_params(text, &message.params),
                "{message:?} not quoted by {text}"
            );
        }
        assert_eq!(check.fix.is_some(), check.fix_message.is_some());
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::test_support::profile;
    use super::*;
    use crate::doctor::CheckStatus;

    /// An unreachable PBX and no usable Microsoft sign-in: the reachability check fails and
    /// every later check is skipped, each saying why.
    #[tokio::test]
    async fn an_unreachable_pbx_skips_every_later_check_and_says_why()
    -> Result<(), Box<dyn std::error::Error>> {
        let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = closed.local_addr()?.port();
        drop(closed);
        let mut profile = profile()?;
        profile.pbx.url = format!("http://127.0.0.1:{port}");
        let retry = RetryPolicy {
            budget: Duration::ZERO,
            unreachable_budget: Duration::ZERO,
            ..RetryPolicy::default()
        };
        let no_sign_in = Error::SignInTimedOut { seconds: 300 };
        let report = run(
            &retry,
            &profile,
            Err(Error::SignInTimedOut { seconds: 300 }),
            GraphAccess::Unavailable(no_sign_in.report()),
            &StepContext::silent(),
        )
        .await;

        let outcome = |check: &Check| {
            (
                check.id,
                check.status,
                check.explanation_message.code,
                check.fix_message.as_ref().map(|fix| fix.code),
            )
        };
        let unreachable = |id| (id, CheckStatus::Skip, CheckCode::SkipPbxUnreachable, None);
        let no_microsoft = |id| {
            (
                id,
                CheckStatus::Skip,
                CheckCode::SkipMicrosoftSignIn,
                Some(CheckCode::FixRerunSetup),
            )
        };
        assert_eq!(
            report.checks.iter().map(outcome).collect::<Vec<_>>(),
            vec![
                (
                    CheckId::PbxReachable,
                    CheckStatus::Fail,
                    CheckCode::Detail,
                    Some(CheckCode::FixPbxReachable)
                ),
                unreachable(CheckId::PbxAdminRole),
                unreachable(CheckId::PbxSettingsMatch),
                unreachable(CheckId::PbxCertificate),
                no_microsoft(CheckId::RedirectUris),
                no_microsoft(CheckId::CertificateOnApp),
                no_microsoft(CheckId::PermissionsExact),
                no_microsoft(CheckId::PermissionsGranted),
                (
                    CheckId::PbxListsUsers,
                    CheckStatus::Skip,
                    CheckCode::SkipPbxSignIn,
                    None
                ),
            ]
        );
        for check in &report.checks[4..8] {
            let reason = check.explanation_message.error.as_ref().map(|e| &e.code);
            assert_eq!(reason, Some(&no_sign_in.report().code));
            assert!(check.explanation.contains(&no_sign_in.to_string()));
        }
        assert!(report.checks.iter().all(|check| !check.skip_by_design));
        assert!(!report.passed);
        Ok(())
    }
}
