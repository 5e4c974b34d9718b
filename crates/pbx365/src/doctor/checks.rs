//! The checks themselves. Each reads, never writes.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::{Check, CheckId, DoctorReport, GraphAccess};
use crate::access::Error;
use crate::access::retry::RetryPolicy;
use crate::access::sessions::national_cloud;
use crate::features::{required_permissions_for, role_name};
use crate::pbx_certificate::{EXPIRY_WARNING_DAYS, read_certificate};
use crate::pbx_certificate::{PbxCertificate, dates_agree};
use crate::pbx_versions::PbxEdition;
use crate::profile::Profile;
use crate::progress::{ProgressText, StepContext, StepId};
use crate::relayed_failure::{ListingFailure, classify};

const GRAPH_CHECKS: [CheckId; 4] = [
    CheckId::RedirectUris,
    CheckId::CertificateOnApp,
    CheckId::PermissionsExact,
    CheckId::PermissionsGranted,
];

fn rerun_setup(profile: &Profile) -> String {
    format!(
        "Run the setup again for this profile (pbx365 setup --profile {}); it repairs this without duplicating anything.",
        profile.name
    )
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
    let reachable = reachability(retry, profile).await;
    let reached = reachable.status == super::CheckStatus::Pass;
    checks.push(reachable);
    let mut edition = None;
    let client = match (reached, pbx) {
        (false, _) => {
            for id in [
                CheckId::PbxAdminRole,
                CheckId::PbxSettingsMatch,
                CheckId::PbxCertificate,
            ] {
                checks.push(Check::skip(id, "Skipped: the PBX is not reachable.", None));
            }
            None
        }
        (true, Err(error)) => {
            checks.push(Check::fail(
                CheckId::PbxAdminRole,
                error.to_string(),
                rerun_setup(profile),
            ));
            for id in [CheckId::PbxSettingsMatch, CheckId::PbxCertificate] {
                checks.push(Check::skip(id, "Skipped: not signed in to the PBX.", None));
            }
            None
        }
        (true, Ok((client, role))) => {
            let mut check = admin_role(profile, role.as_ref());
            // Which PortSIP this is and how many licences are left, with any warning about
            // the version; a PBX that cannot say is not a failed check.
            match PbxEdition::read(&client).await {
                Ok(read) => {
                    check.explanation = format!(
                        "{} The PBX runs {}.{}",
                        check.explanation,
                        read.describe(),
                        read.warning
                            .as_deref()
                            .map(|w| format!(" {w}"))
                            .unwrap_or_default()
                    );
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
            let (settings_check, redirect_uris) = settings_match(profile, client).await;
            checks.push(settings_check);
            let (certificate_check, certificate) = certificate(client).await;
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
            for id in GRAPH_CHECKS {
                let mut check = Check::skip(
                    id,
                    "Skipped in guided mode: pbx365 has no Microsoft Graph rights here. The PBX's \
                     own listing of Microsoft 365 users (the last check) proves the certificate and \
                     the permissions; check the Redirect URIs on the app's Authentication page.",
                    None,
                );
                check.skip_by_design = true;
                checks.push(check);
            }
        }
        (GraphAccess::Unavailable(reason), _) => {
            for id in GRAPH_CHECKS {
                checks.push(Check::skip(
                    id,
                    format!("Skipped: no usable Microsoft sign-in ({reason})"),
                    Some(rerun_setup(profile)),
                ));
            }
        }
        (GraphAccess::Client(_), None) => {
            for id in GRAPH_CHECKS {
                checks.push(Check::skip(
                    id,
                    "Skipped: the PBX's side could not be read to compare with.",
                    None,
                ));
            }
        }
        (GraphAccess::Client(graph), Some(facts)) => {
            checks.extend(graph_checks(profile, graph, facts).await);
        }
    }

    ctx.report(step, ProgressText::AskingPbxToListUsers);
    checks.push(match &client {
        Some(client) => lists_users(retry, profile, client).await,
        None => Check::skip(
            CheckId::PbxListsUsers,
            "Skipped: not signed in to the PBX.",
            None,
        ),
    });
    DoctorReport::new(profile, checks, edition)
}

async fn reachability(retry: &RetryPolicy, profile: &Profile) -> Check {
    let id = CheckId::PbxReachable;
    let client = match crate::access::sessions::pbx_client(retry, &profile.pbx, None) {
        Ok(client) => client,
        Err(error) => {
            return Check::fail(
                id,
                error.to_string(),
                "Correct the PBX address, CA file or pin in the setup.",
            );
        }
    };
    match client.info(profile.pbx.domain.as_deref()).await {
        Ok(_) => {
            let how = if client.base_url().scheme() == "https" {
                "over HTTPS with a trusted certificate"
            } else {
                "over plain HTTP, which is accepted only on this computer"
            };
            Check::pass(
                id,
                format!("The PBX answers at {} {how}.", client.base_url()),
            )
        }
        Err(error @ portsip::Error::Tls { .. }) => Check::fail(
            id,
            error.to_string(),
            "Renew the PBX's web certificate with a trusted CA, or trust its CA (--ca-file) or pin its fingerprint in the setup.",
        ),
        Err(error) => Check::fail(
            id,
            error.to_string(),
            "Check that the PBX is running and reachable from this computer (address, port 8887, VPN, firewall).",
        ),
    }
}

fn admin_role(profile: &Profile, role: Option<&portsip::model::Role>) -> Check {
    let id = CheckId::PbxAdminRole;
    match role {
        Some(portsip::model::Role::Admin | portsip::model::Role::SystemAdmin) => Check::pass(
            id,
            format!(
                "Signed in as {} with the role {}.",
                profile.pbx.username,
                role.map(ToString::to_string).unwrap_or_default()
            ),
        ),
        other => Check::fail(
            id,
            format!(
                "The PBX account {} has the role {}, not Admin or SystemAdmin.",
                profile.pbx.username,
                other.map_or_else(|| "unknown".to_owned(), ToString::to_string)
            ),
            "Run the setup again with the tenant administrator's account.",
        ),
    }
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

async fn settings_match(profile: &Profile, client: &portsip::Client) -> (Check, Vec<String>) {
    let id = CheckId::PbxSettingsMatch;
    let settings = match client.ms365().await {
        Ok(settings) => settings,
        Err(error) => {
            return (
                Check::fail(id, error.to_string(), rerun_setup(profile)),
                Vec::new(),
            );
        }
    };
    let redirect_uris = settings
        .redirect_uris()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let app = &settings.settings.app;
    let wanted_app = profile.app.as_ref().map(|a| a.app_id.as_str());
    let wanted_cloud = national_cloud(&profile.microsoft.cloud).to_string();
    let mut mismatches = Vec::new();
    if !same(app.application_id.as_deref(), wanted_app) {
        mismatches.push(format!(
            "application_id is {} but the profile's app is {}",
            app.application_id.as_deref().unwrap_or("(not set)"),
            wanted_app.unwrap_or("(none)")
        ));
    }
    if !same(
        app.directory_id.as_deref(),
        profile.microsoft.tenant_id.as_deref(),
    ) {
        mismatches.push(format!(
            "directory_id is {} but the profile's tenant is {}",
            app.directory_id.as_deref().unwrap_or("(not set)"),
            profile.microsoft.tenant_id.as_deref().unwrap_or("(none)")
        ));
    }
    let cloud = app
        .national_cloud
        .as_ref()
        .map_or_else(|| "GLOBAL".to_owned(), ToString::to_string);
    if cloud != wanted_cloud {
        mismatches.push(format!(
            "national_cloud is {cloud} but the profile uses {wanted_cloud}"
        ));
    }
    let enabled = [
        (
            crate::features::Feature::Users,
            settings.settings.users.as_ref().and_then(|u| u.enabled),
        ),
        (
            crate::features::Feature::Sso,
            settings
                .settings
                .sign_in_as_standard_user
                .as_ref()
                .and_then(|b| b.enabled),
        ),
        (
            crate::features::Feature::PersonalContacts,
            settings
                .settings
                .personal_contacts
                .as_ref()
                .and_then(|b| b.enabled),
        ),
        (
            crate::features::Feature::SharedMailbox,
            settings
                .settings
                .shared_mailbox
                .as_ref()
                .and_then(|b| b.enabled),
        ),
    ];
    for (feature, on) in enabled {
        let wanted = profile.features.contains(&feature);
        if on.unwrap_or(false) != wanted {
            mismatches.push(format!(
                "the feature {feature} is {} on the PBX but {} in the profile",
                if on.unwrap_or(false) { "on" } else { "off" },
                if wanted { "chosen" } else { "not chosen" }
            ));
        }
    }
    let check = if mismatches.is_empty() {
        Check::pass(
            id,
            format!(
                "The PBX uses app {} in directory {} ({cloud}) with the profile's features.",
                wanted_app.unwrap_or("-"),
                profile.microsoft.tenant_id.as_deref().unwrap_or("-")
            ),
        )
    } else {
        Check::fail(
            id,
            format!(
                "The PBX's settings differ from the profile: {}.",
                mismatches.join("; ")
            ),
            rerun_setup(profile),
        )
    };
    (check, redirect_uris)
}

async fn certificate(client: &portsip::Client) -> (Check, Option<PbxCertificate>) {
    let id = CheckId::PbxCertificate;
    let now = OffsetDateTime::now_utc();
    match read_certificate::<Error>(client).await {
        Ok(Some(cert)) if cert.is_valid_at(now) => {
            let days = cert.days_left(now);
            let soon = if days < EXPIRY_WARNING_DAYS {
                " Rotate it soon (pbx365 cert rotate)."
            } else {
                ""
            };
            (
                Check::pass(
                    id,
                    format!(
                        "Thumbprint {}, valid until {} ({days} days left).{soon}",
                        cert.info.sha1_thumbprint, cert.info.not_after
                    ),
                ),
                Some(cert),
            )
        }
        Ok(Some(cert)) => (
            Check::fail(
                id,
                format!(
                    "The PBX's certificate (thumbprint {}) is valid from {} to {}, not now.",
                    cert.info.sha1_thumbprint, cert.info.not_before, cert.info.not_after
                ),
                "Rotate it: pbx365 cert rotate (or run the setup again, which generates a new key pair).",
            ),
            Some(cert),
        ),
        Ok(None) => (
            Check::fail(
                id,
                "The PBX has no key pair for Microsoft 365.",
                "Run the setup again; it has the PBX generate one and adds it to the app.",
            ),
            None,
        ),
        Err(error) => (
            Check::fail(id, error.to_string(), "Check the PBX and try again."),
            None,
        ),
    }
}

fn set(values: &[String]) -> BTreeSet<String> {
    values.iter().map(|v| v.to_ascii_lowercase()).collect()
}

async fn graph_checks(
    profile: &Profile,
    graph: &entra::GraphClient,
    facts: &PbxFacts,
) -> Vec<Check> {
    let failed_all = |explanation: String| {
        GRAPH_CHECKS
            .iter()
            .map(|id| Check::fail(*id, explanation.clone(), rerun_setup(profile)))
            .collect::<Vec<_>>()
    };
    let Some(identity) = &profile.app else {
        return failed_all("The profile has no app registration yet.".to_owned());
    };
    let locator = match &identity.object_id {
        Some(object_id) => entra::AppLocator::ObjectId(object_id.clone()),
        None => entra::AppLocator::AppId(identity.app_id.clone()),
    };
    let app = match graph.find_application(&locator).await {
        Ok(Some(app)) => app,
        Ok(None) => {
            return failed_all(format!(
                "The app registration {} no longer exists in the tenant.",
                identity.app_id
            ));
        }
        Err(error) => return failed_all(crate::access::sentence(&error.to_string())),
    };
    let mut checks = vec![redirect_uris(profile, &app, facts)];
    checks.push(match graph.key_credentials(&app.id).await {
        Ok(keys) => certificate_on_app(profile, &keys, facts.certificate.as_ref()),
        Err(error) => Check::fail(
            CheckId::CertificateOnApp,
            crate::access::sentence(&error.to_string()),
            rerun_setup(profile),
        ),
    });
    checks.extend(match &facts.edition {
        Some(edition) => permissions(profile, graph, &app, edition).await,
        None => [CheckId::PermissionsExact, CheckId::PermissionsGranted]
            .into_iter()
            .map(|id| {
                Check::skip(
                    id,
                    "Skipped: the PBX did not say which PortSIP version it runs, which decides the permissions it needs.",
                    Some("Check the PBX and run the doctor again.".to_owned()),
                )
            })
            .collect(),
    });
    checks
}

fn redirect_uris(profile: &Profile, app: &entra::Application, facts: &PbxFacts) -> Check {
    let id = CheckId::RedirectUris;
    let on_app = app
        .web
        .as_ref()
        .map(|w| w.redirect_uris.clone())
        .unwrap_or_default();
    let id_tokens = app
        .web
        .as_ref()
        .and_then(|w| w.implicit_grant_settings.as_ref())
        .and_then(|s| s.enable_id_token_issuance)
        == Some(true);
    let pbx = set(&facts.redirect_uris);
    let app_set = set(&on_app);
    let missing: Vec<&String> = pbx.difference(&app_set).collect();
    let extra: Vec<&String> = app_set.difference(&pbx).collect();
    if missing.is_empty() && extra.is_empty() && id_tokens {
        return Check::pass(
            id,
            format!(
                "Both list {}; ID tokens are on.",
                facts.redirect_uris.join(" and ")
            ),
        );
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!(
            "the app lacks {}",
            missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !extra.is_empty() {
        problems.push(format!(
            "the app also lists {}, which the PBX does not use",
            extra
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !id_tokens {
        problems.push("ID tokens are off".to_owned());
    }
    Check::fail(
        id,
        format!("Sign-in with Microsoft will fail: {}.", problems.join("; ")),
        rerun_setup(profile),
    )
}

fn certificate_on_app(
    profile: &Profile,
    keys: &[entra::KeyCredential],
    certificate: Option<&PbxCertificate>,
) -> Check {
    let id = CheckId::CertificateOnApp;
    let Some(certificate) = certificate else {
        return Check::fail(
            id,
            "The PBX has no certificate to look for.",
            rerun_setup(profile),
        );
    };
    match certificate.find_on(keys) {
        Some(key) if dates_agree(certificate, key) => Check::pass(
            id,
            format!(
                "The app holds thumbprint {} ({} to {}), as the PBX does; {} other key(s) kept.",
                certificate.info.sha1_thumbprint,
                certificate.info.not_before,
                certificate.info.not_after,
                keys.len().saturating_sub(1)
            ),
        ),
        Some(key) => Check::fail(
            id,
            format!(
                "The app holds thumbprint {} but with the dates {} to {}, while the certificate says {} to {}.",
                certificate.info.sha1_thumbprint,
                key.start_date_time.as_deref().unwrap_or("?"),
                key.end_date_time.as_deref().unwrap_or("?"),
                certificate.info.not_before,
                certificate.info.not_after
            ),
            "Remove that key from the app's Certificates & secrets and run the setup again to upload the certificate as the PBX has it.",
        ),
        None => Check::fail(
            id,
            format!(
                "The app does not hold the PBX's certificate (thumbprint {}): Microsoft refuses the PBX's sign-in, so sync is broken now.",
                certificate.info.sha1_thumbprint
            ),
            rerun_setup(profile),
        ),
    }
}

/// What the app declares and holds against what THIS PBX's version needs for the profile's
/// features and optional grants: an upgrade past 22.4 makes `User.Read.All` extra and
/// `User.ReadBasic.All` missing.
async fn permissions(
    profile: &Profile,
    graph: &entra::GraphClient,
    app: &entra::Application,
    edition: &PbxEdition,
) -> Vec<Check> {
    let fail_both = |explanation: String| {
        vec![
            Check::fail(
                CheckId::PermissionsExact,
                explanation.clone(),
                rerun_setup(profile),
            ),
            Check::fail(
                CheckId::PermissionsGranted,
                explanation,
                rerun_setup(profile),
            ),
        ]
    };
    let graph_sp = match graph.graph_service_principal().await {
        Ok(sp) => sp,
        Err(error) => return fail_both(crate::access::sentence(&error.to_string())),
    };
    let needed: BTreeSet<String> = required_permissions_for(
        edition.traits().permissions,
        &profile.features,
        &profile.optional_grants,
        crate::features::group_scoped(profile.sync.as_ref()),
    )
    .into_iter()
    .map(str::to_owned)
    .collect();
    let pbx = edition.name();
    let declared: BTreeSet<String> = app
        .required_resource_access
        .iter()
        .filter(|r| r.resource_app_id == entra::MICROSOFT_GRAPH_APP_ID)
        .flat_map(|r| r.resource_access.iter())
        .filter(|a| a.kind == "Role")
        .map(|a| role_name(&graph_sp, &a.id))
        .collect();
    let exact = compare(
        CheckId::PermissionsExact,
        profile,
        &pbx,
        &needed,
        &declared,
        "declares",
    );
    let granted_check = match graph.find_service_principal(&app.app_id).await {
        Ok(Some(sp)) => match graph.granted_app_roles(&sp.id).await {
            Ok(assignments) => {
                let granted: BTreeSet<String> = assignments
                    .iter()
                    .filter(|a| a.resource_id == graph_sp.id)
                    .map(|a| role_name(&graph_sp, &a.app_role_id))
                    .collect();
                compare(
                    CheckId::PermissionsGranted,
                    profile,
                    &pbx,
                    &needed,
                    &granted,
                    "has been granted",
                )
            }
            Err(error) => Check::fail(
                CheckId::PermissionsGranted,
                crate::access::sentence(&error.to_string()),
                rerun_setup(profile),
            ),
        },
        Ok(None) => Check::fail(
            CheckId::PermissionsGranted,
            "The app has no service principal in the tenant, so nothing is granted to it.",
            rerun_setup(profile),
        ),
        Err(error) => Check::fail(
            CheckId::PermissionsGranted,
            crate::access::sentence(&error.to_string()),
            rerun_setup(profile),
        ),
    };
    vec![exact, granted_check]
}

/// A missing permission fails: the PBX cannot do what it was set up for. An extra one passes
/// with the fix set (the checks have no warning level): everything works, but the app can read
/// more than this PBX needs, and a re-run of the setup removes it after its review.
fn compare(
    id: CheckId,
    profile: &Profile,
    pbx: &str,
    needed: &BTreeSet<String>,
    actual: &BTreeSet<String>,
    verb: &str,
) -> Check {
    let missing: Vec<&str> = needed.difference(actual).map(String::as_str).collect();
    let extra: Vec<&str> = actual.difference(needed).map(String::as_str).collect();
    let joined = |names: &BTreeSet<String>| names.iter().cloned().collect::<Vec<_>>().join(", ");
    let extra_text = || {
        format!(
            "{} is more than {pbx} needs with the profile's features",
            extra.join(", ")
        )
    };
    if !missing.is_empty() {
        let mut problems = vec![format!(
            "missing {}, which {pbx} needs with the profile's features",
            missing.join(", ")
        )];
        if !extra.is_empty() {
            problems.push(extra_text());
        }
        return Check::fail(
            id,
            format!("The app's Graph permissions: {}.", problems.join("; ")),
            format!(
                "{} Its review lists the permissions it adds and those it removes.",
                rerun_setup(profile)
            ),
        );
    }
    let mut check = Check::pass(
        id,
        format!("The app {verb} {}, all that {pbx} needs.", joined(needed)),
    );
    if !extra.is_empty() {
        let fix = format!(
            "Run the setup again (pbx365 setup --profile {}): its review lists {} for removal. Or remove it under the app's API permissions in the Entra admin center.",
            profile.name,
            extra.join(", ")
        );
        check.explanation = format!("{} Warning: {}. {fix}", check.explanation, extra_text());
        check.fix = Some(fix);
    }
    check
}

/// The PBX's `GET /ms365/users`, asked again while the failure it relays is Microsoft's
/// passing trouble (throttling, 5xx, unreachable), within the policy's budget: the doctor
/// should not report a moment's hiccup as a broken integration.
/// `GET /ms365/users`, tried again within the retry budget while the PBX relays Microsoft's
/// passing trouble: one throttled call of the PBX's own must not fail the check.
async fn listed(
    retry: &RetryPolicy,
    client: &portsip::Client,
) -> Result<portsip::model::Page<portsip::model::Ms365User>, portsip::Error> {
    let mut waited = std::time::Duration::ZERO;
    let mut pause = retry.first_backoff;
    loop {
        let error = match client.ms365_users().await {
            Ok(page) => return Ok(page),
            Err(error) => error,
        };
        if classify(&error) != ListingFailure::Passing || waited + pause > retry.budget {
            return Err(error);
        }
        crate::progress::tell_wait(pause, "Microsoft was busy for the PBX");
        tokio::time::sleep(pause).await;
        waited += pause;
        pause = pause.saturating_mul(2).min(retry.max_backoff);
    }
}

async fn lists_users(retry: &RetryPolicy, profile: &Profile, client: &portsip::Client) -> Check {
    let id = CheckId::PbxListsUsers;
    match listed(retry, client).await {
        Ok(page) => Check::pass(
            id,
            format!(
                "The PBX read {} Microsoft 365 user(s) through Graph with its own certificate: the integration works end to end.",
                page.count
                    .unwrap_or_else(|| i64::try_from(page.items.len()).unwrap_or(i64::MAX))
            ),
        ),
        Err(error) => {
            let text = error.to_string();
            let fix = if classify(&error) == ListingFailure::Passing {
                "Microsoft was busy or could not be reached for a moment (the PBX relayed it): run the doctor again in a few minutes.".to_owned()
            } else if text.contains("700027") {
                "Microsoft does not know the PBX's certificate: add public_key.pem to the app (run the setup again, or upload it under Certificates & secrets). If you just did, wait a minute: Entra replicates new keys with a delay.".to_owned()
            } else if text.contains("700016") {
                "Microsoft does not know the app in that directory: check the Application and Directory IDs on the PBX, or wait a minute if the app was just created.".to_owned()
            } else if text.contains("403")
                || text.contains("Authorization_RequestDenied")
                || text.contains("65001")
            {
                "The app's Graph permissions are not granted: grant admin consent (run the setup again, or use the admin-consent link).".to_owned()
            } else {
                rerun_setup(profile)
            };
            Check::fail(id, text, fix)
        }
    }
}
