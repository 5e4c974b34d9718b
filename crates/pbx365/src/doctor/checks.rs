//! The checks themselves. Each reads, never writes.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::message::{CheckCode, Said, detail, engine_error, plain, said, with_error};
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
                checks.push(Check::skip(
                    id,
                    plain(
                        CheckCode::SkipPbxUnreachable,
                        "Skipped: the PBX is not reachable.",
                    ),
                    None,
                ));
            }
            None
        }
        (true, Err(error)) => {
            checks.push(Check::fail(
                CheckId::PbxAdminRole,
                engine_error(&error),
                rerun_setup(profile),
            ));
            for id in [CheckId::PbxSettingsMatch, CheckId::PbxCertificate] {
                checks.push(Check::skip(id, not_signed_in_to_pbx(), None));
            }
            None
        }
        (true, Ok((client, role))) => {
            let mut check = admin_role(profile, role.as_ref());
            // Which PortSIP this is and how many licences are left, with any warning about
            // the version; a PBX that cannot say is not a failed check.
            match PbxEdition::read(&client).await {
                Ok(read) => {
                    runs(&mut check, &read);
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
                    plain(
                        CheckCode::SkipGuided,
                        "Skipped in guided mode: pbx365 has no Microsoft Graph rights here. The \
                         PBX's own listing of Microsoft 365 users (the last check) proves the \
                         certificate and the permissions; check the Redirect URIs on the app's \
                         Authentication page.",
                    ),
                    None,
                );
                check.skip_by_design = true;
                checks.push(check);
            }
        }
        (GraphAccess::Unavailable(error), _) => {
            for id in GRAPH_CHECKS {
                checks.push(Check::skip(
                    id,
                    with_error(
                        CheckCode::SkipMicrosoftSignIn,
                        "reason",
                        error,
                        format!("Skipped: no usable Microsoft sign-in ({})", error.message),
                    ),
                    Some(rerun_setup(profile)),
                ));
            }
        }
        (GraphAccess::Client(_), None) => {
            for id in GRAPH_CHECKS {
                checks.push(Check::skip(
                    id,
                    plain(
                        CheckCode::SkipPbxUnread,
                        "Skipped: the PBX's side could not be read to compare with.",
                    ),
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
        None => Check::skip(CheckId::PbxListsUsers, not_signed_in_to_pbx(), None),
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
                engine_error(&error),
                plain(
                    CheckCode::FixPbxAddress,
                    "Correct the PBX address, CA file or pin in the setup.",
                ),
            );
        }
    };
    match client.info(profile.pbx.domain.as_deref()).await {
        Ok(_) => {
            let (code, how) = if client.base_url().scheme() == "https" {
                (
                    CheckCode::ReachableHttps,
                    "over HTTPS with a trusted certificate",
                )
            } else {
                (
                    CheckCode::ReachableHttp,
                    "over plain HTTP, which is accepted only on this computer",
                )
            };
            let url = client.base_url().to_string();
            Check::pass(
                id,
                said(
                    code,
                    [("url", url.clone())],
                    format!("The PBX answers at {url} {how}."),
                ),
            )
        }
        Err(error @ portsip::Error::Tls { .. }) => Check::fail(
            id,
            detail(error.to_string()),
            plain(
                CheckCode::FixTls,
                "Renew the PBX's web certificate with a trusted CA, or trust its CA (--ca-file) or pin its fingerprint in the setup.",
            ),
        ),
        Err(error) => Check::fail(
            id,
            detail(error.to_string()),
            plain(
                CheckCode::FixPbxReachable,
                "Check that the PBX is running and reachable from this computer (address, port 8887, VPN, firewall).",
            ),
        ),
    }
}

fn admin_role(profile: &Profile, role: Option<&portsip::model::Role>) -> Check {
    let id = CheckId::PbxAdminRole;
    let username = profile.pbx.username.clone();
    match role {
        Some(portsip::model::Role::Admin | portsip::model::Role::SystemAdmin) => {
            let role = role.map(ToString::to_string).unwrap_or_default();
            Check::pass(
                id,
                said(
                    CheckCode::AdminRole,
                    [("username", username.clone()), ("role", role.clone())],
                    format!("Signed in as {username} with the role {role}."),
                ),
            )
        }
        other => {
            let role = other.map_or_else(|| "unknown".to_owned(), ToString::to_string);
            Check::fail(
                id,
                said(
                    CheckCode::NotAdminRole,
                    [("username", username.clone()), ("role", role.clone())],
                    format!(
                        "The PBX account {username} has the role {role}, not Admin or SystemAdmin."
                    ),
                ),
                plain(
                    CheckCode::FixAdminAccount,
                    "Run the setup again with the tenant administrator's account.",
                ),
            )
        }
    }
}

/// Ends the admin-role check with the PBX's version and licence, and any warning about the
/// version; the message carries the edition for the UI to word.
fn runs(check: &mut Check, edition: &PbxEdition) {
    let warning = edition
        .warning
        .as_ref()
        .map(|warning| format!(" {warning}"))
        .unwrap_or_default();
    check.explanation = format!(
        "{} The PBX runs {}.{warning}",
        check.explanation,
        edition.describe()
    );
    check.explanation_message.edition = Some(edition.clone());
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
                Check::fail(id, detail(error.to_string()), rerun_setup(profile)),
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
    let mut fields = Vec::new();
    if !same(app.application_id.as_deref(), wanted_app) {
        fields.push("application_id".to_owned());
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
        fields.push("directory_id".to_owned());
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
        fields.push("national_cloud".to_owned());
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
            fields.push(feature.to_string());
            mismatches.push(format!(
                "the feature {feature} is {} on the PBX but {} in the profile",
                if on.unwrap_or(false) { "on" } else { "off" },
                if wanted { "chosen" } else { "not chosen" }
            ));
        }
    }
    let check = if mismatches.is_empty() {
        let app = wanted_app.unwrap_or("-").to_owned();
        let directory = profile
            .microsoft
            .tenant_id
            .as_deref()
            .unwrap_or("-")
            .to_owned();
        Check::pass(
            id,
            said(
                CheckCode::SettingsMatch,
                [
                    ("app", app.clone()),
                    ("directory", directory.clone()),
                    ("cloud", cloud.clone()),
                ],
                format!(
                    "The PBX uses app {app} in directory {directory} ({cloud}) with the profile's features."
                ),
            ),
        )
    } else {
        Check::fail(
            id,
            said(
                CheckCode::SettingsDiffer,
                [("fields", fields.join(", "))],
                format!(
                    "The PBX's settings differ from the profile: {}.",
                    mismatches.join("; ")
                ),
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
            let (code, soon) = if days < EXPIRY_WARNING_DAYS {
                (
                    CheckCode::CertificateValidRotateSoon,
                    " Rotate it soon (pbx365 cert rotate).",
                )
            } else {
                (CheckCode::CertificateValid, "")
            };
            let (thumbprint, not_after) = (
                cert.info.sha1_thumbprint.clone(),
                cert.info.not_after.clone(),
            );
            (
                Check::pass(
                    id,
                    said(
                        code,
                        [
                            ("thumbprint", thumbprint.clone()),
                            ("not_after", not_after.clone()),
                            ("days", days.to_string()),
                        ],
                        format!(
                            "Thumbprint {thumbprint}, valid until {not_after} ({days} days left).{soon}"
                        ),
                    ),
                ),
                Some(cert),
            )
        }
        Ok(Some(cert)) => (
            Check::fail(
                id,
                said(
                    CheckCode::CertificateNotNow,
                    [
                        ("thumbprint", cert.info.sha1_thumbprint.clone()),
                        ("not_before", cert.info.not_before.clone()),
                        ("not_after", cert.info.not_after.clone()),
                    ],
                    format!(
                        "The PBX's certificate (thumbprint {}) is valid from {} to {}, not now.",
                        cert.info.sha1_thumbprint, cert.info.not_before, cert.info.not_after
                    ),
                ),
                plain(
                    CheckCode::FixRotate,
                    "Rotate it: pbx365 cert rotate (or run the setup again, which generates a new key pair).",
                ),
            ),
            Some(cert),
        ),
        Ok(None) => (
            Check::fail(
                id,
                plain(
                    CheckCode::NoKeyPair,
                    "The PBX has no key pair for Microsoft 365.",
                ),
                plain(
                    CheckCode::FixGenerateKeyPair,
                    "Run the setup again; it has the PBX generate one and adds it to the app.",
                ),
            ),
            None,
        ),
        Err(error) => (
            Check::fail(
                id,
                detail(error.to_string()),
                plain(CheckCode::FixCheckPbx, "Check the PBX and try again."),
            ),
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
    let failed_all = |explanation: Said| {
        GRAPH_CHECKS
            .iter()
            .map(|id| Check::fail(*id, explanation.clone(), rerun_setup(profile)))
            .collect::<Vec<_>>()
    };
    let Some(identity) = &profile.app else {
        return failed_all(plain(
            CheckCode::NoAppRegistration,
            "The profile has no app registration yet.",
        ));
    };
    let locator = match &identity.object_id {
        Some(object_id) => entra::AppLocator::ObjectId(object_id.clone()),
        None => entra::AppLocator::AppId(identity.app_id.clone()),
    };
    let app = match graph.find_application(&locator).await {
        Ok(Some(app)) => app,
        Ok(None) => {
            return failed_all(said(
                CheckCode::AppGone,
                [("app_id", identity.app_id.clone())],
                format!(
                    "The app registration {} no longer exists in the tenant.",
                    identity.app_id
                ),
            ));
        }
        Err(error) => return failed_all(detail(crate::access::sentence(&error.to_string()))),
    };
    let mut checks = vec![redirect_uris(profile, &app, facts)];
    checks.push(match graph.key_credentials(&app.id).await {
        Ok(keys) => certificate_on_app(profile, &keys, facts.certificate.as_ref()),
        Err(error) => Check::fail(
            CheckId::CertificateOnApp,
            detail(crate::access::sentence(&error.to_string())),
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
                    plain(
                        CheckCode::SkipNoEdition,
                        "Skipped: the PBX did not say which PortSIP version it runs, which decides the permissions it needs.",
                    ),
                    Some(plain(
                        CheckCode::FixCheckPbxRunDoctor,
                        "Check the PBX and run the doctor again.",
                    )),
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
            said(
                CheckCode::RedirectUrisMatch,
                [("uris", facts.redirect_uris.join(", "))],
                format!(
                    "Both list {}; ID tokens are on.",
                    facts.redirect_uris.join(" and ")
                ),
            ),
        );
    }
    let listed = |uris: &[&String]| {
        uris.iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (missing, extra) = (listed(&missing), listed(&extra));
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("the app lacks {missing}"));
    }
    if !extra.is_empty() {
        problems.push(format!(
            "the app also lists {extra}, which the PBX does not use"
        ));
    }
    let id_tokens = if id_tokens { "" } else { "off" };
    if !id_tokens.is_empty() {
        problems.push("ID tokens are off".to_owned());
    }
    Check::fail(
        id,
        said(
            CheckCode::RedirectUrisDiffer,
            [
                ("missing", missing),
                ("extra", extra),
                ("id_tokens", id_tokens.to_owned()),
            ],
            format!("Sign-in with Microsoft will fail: {}.", problems.join("; ")),
        ),
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
            plain(
                CheckCode::NoPbxCertificate,
                "The PBX has no certificate to look for.",
            ),
            rerun_setup(profile),
        );
    };
    let info = &certificate.info;
    let thumbprint = ("thumbprint", info.sha1_thumbprint.clone());
    let not_before = ("not_before", info.not_before.clone());
    let not_after = ("not_after", info.not_after.clone());
    match certificate.find_on(keys) {
        Some(key) if dates_agree(certificate, key) => {
            let others = keys.len().saturating_sub(1);
            Check::pass(
                id,
                said(
                    CheckCode::CertificateOnApp,
                    [
                        thumbprint,
                        not_before,
                        not_after,
                        ("others", others.to_string()),
                    ],
                    format!(
                        "The app holds thumbprint {} ({} to {}), as the PBX does; {others} other key(s) kept.",
                        info.sha1_thumbprint, info.not_before, info.not_after,
                    ),
                ),
            )
        }
        Some(key) => {
            let app_start = key.start_date_time.as_deref().unwrap_or("?").to_owned();
            let app_end = key.end_date_time.as_deref().unwrap_or("?").to_owned();
            Check::fail(
                id,
                said(
                    CheckCode::CertificateDatesDiffer,
                    [
                        thumbprint,
                        ("app_start", app_start.clone()),
                        ("app_end", app_end.clone()),
                        not_before,
                        not_after,
                    ],
                    format!(
                        "The app holds thumbprint {} but with the dates {app_start} to {app_end}, while the certificate says {} to {}.",
                        info.sha1_thumbprint, info.not_before, info.not_after
                    ),
                ),
                plain(
                    CheckCode::FixRemoveKeyDates,
                    "Remove that key from the app's Certificates & secrets and run the setup again to upload the certificate as the PBX has it.",
                ),
            )
        }
        None => Check::fail(
            id,
            said(
                CheckCode::CertificateNotOnApp,
                [thumbprint],
                format!(
                    "The app does not hold the PBX's certificate (thumbprint {}): Microsoft refuses the PBX's sign-in, so sync is broken now.",
                    info.sha1_thumbprint
                ),
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
    let fail_both = |explanation: Said| {
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
        Err(error) => return fail_both(detail(crate::access::sentence(&error.to_string()))),
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
        (CheckCode::PermissionsDeclared, "declares"),
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
                    (CheckCode::PermissionsGranted, "has been granted"),
                )
            }
            Err(error) => Check::fail(
                CheckId::PermissionsGranted,
                detail(crate::access::sentence(&error.to_string())),
                rerun_setup(profile),
            ),
        },
        Ok(None) => Check::fail(
            CheckId::PermissionsGranted,
            plain(
                CheckCode::NoServicePrincipal,
                "The app has no service principal in the tenant, so nothing is granted to it.",
            ),
            rerun_setup(profile),
        ),
        Err(error) => Check::fail(
            CheckId::PermissionsGranted,
            detail(crate::access::sentence(&error.to_string())),
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
    (code, verb): (CheckCode, &str),
) -> Check {
    let missing = needed
        .difference(actual)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let extra = actual
        .difference(needed)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let extra_text = || format!("{extra} is more than {pbx} needs with the profile's features");
    if !missing.is_empty() {
        let mut problems = vec![format!(
            "missing {missing}, which {pbx} needs with the profile's features"
        )];
        if !extra.is_empty() {
            problems.push(extra_text());
        }
        let rerun = rerun_setup(profile);
        return Check::fail(
            id,
            said(
                CheckCode::PermissionsMissing,
                [
                    ("pbx", pbx.to_owned()),
                    ("missing", missing.clone()),
                    ("extra", extra.clone()),
                ],
                format!("The app's Graph permissions: {}.", problems.join("; ")),
            ),
            said(
                CheckCode::FixRerunSetupReview,
                [("profile", profile.name.clone())],
                format!(
                    "{} Its review lists the permissions it adds and those it removes.",
                    rerun.text
                ),
            ),
        );
    }
    let permissions = needed.iter().cloned().collect::<Vec<_>>().join(", ");
    let mut explanation = format!("The app {verb} {permissions}, all that {pbx} needs.");
    if extra.is_empty() {
        return Check::pass(
            id,
            said(
                code,
                [("permissions", permissions), ("pbx", pbx.to_owned())],
                explanation,
            ),
        );
    }
    let fix = said(
        CheckCode::FixRemoveExtraPermissions,
        [("profile", profile.name.clone()), ("extra", extra.clone())],
        format!(
            "Run the setup again (pbx365 setup --profile {}): its review lists {extra} for removal. Or remove it under the app's API permissions in the Entra admin center.",
            profile.name
        ),
    );
    explanation = format!("{explanation} Warning: {}. {}", extra_text(), fix.text);
    Check::pass(
        id,
        said(
            code,
            [
                ("permissions", permissions),
                ("pbx", pbx.to_owned()),
                ("extra", extra),
            ],
            explanation,
        ),
    )
    .with_fix(fix)
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
        crate::progress::tell_wait(
            pause,
            &crate::access::retry::RetryReason::MicrosoftBusyForPbx,
        );
        tokio::time::sleep(pause).await;
        waited += pause;
        pause = pause.saturating_mul(2).min(retry.max_backoff);
    }
}

async fn lists_users(retry: &RetryPolicy, profile: &Profile, client: &portsip::Client) -> Check {
    let id = CheckId::PbxListsUsers;
    match listed(retry, client).await {
        Ok(page) => {
            let count = page
                .count
                .unwrap_or_else(|| i64::try_from(page.items.len()).unwrap_or(i64::MAX));
            Check::pass(
                id,
                said(
                    CheckCode::ListsUsers,
                    [("count", count.to_string())],
                    format!(
                        "The PBX read {count} Microsoft 365 user(s) through Graph with its own certificate: the integration works end to end."
                    ),
                ),
            )
        }
        Err(error) => {
            let text = error.to_string();
            let fix = if classify(&error) == ListingFailure::Passing {
                plain(
                    CheckCode::FixMicrosoftBusy,
                    "Microsoft was busy or could not be reached for a moment (the PBX relayed it): run the doctor again in a few minutes.",
                )
            } else if text.contains("700027") {
                plain(
                    CheckCode::FixCertificateUnknown,
                    "Microsoft does not know the PBX's certificate: add public_key.pem to the app (run the setup again, or upload it under Certificates & secrets). If you just did, wait a minute: Entra replicates new keys with a delay.",
                )
            } else if text.contains("700016") {
                plain(
                    CheckCode::FixAppUnknown,
                    "Microsoft does not know the app in that directory: check the Application and Directory IDs on the PBX, or wait a minute if the app was just created.",
                )
            } else if text.contains("403")
                || text.contains("Authorization_RequestDenied")
                || text.contains("65001")
            {
                plain(
                    CheckCode::FixConsent,
                    "The app's Graph permissions are not granted: grant admin consent (run the setup again, or use the admin-consent link).",
                )
            } else {
                rerun_setup(profile)
            };
            Check::fail(id, detail(text), fix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::message::quotes_its_params;
    use super::*;

    fn profile() -> Result<Profile, crate::input::FieldError> {
        let mut profile = Profile::new("contoso")?;
        profile.pbx.username = "admin@contoso".to_owned();
        Ok(profile)
    }

    fn names(values: &[&str]) -> BTreeSet<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    /// Each outcome's explanation and fix carry a code whose values the English text quotes.
    fn assert_coded(check: &Check) {
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

    #[test]
    fn the_admin_role_check_ends_with_the_version_and_carries_it_for_the_ui()
    -> Result<(), Box<dyn std::error::Error>> {
        let profile = profile()?;
        let mut check = admin_role(&profile, Some(&portsip::model::Role::Admin));
        let edition = PbxEdition::of(&portsip::model::TenantStatus {
            version: Some("21.4.0".to_owned()),
            licensed_users: Some(400),
            current_users: Some(212),
            ..Default::default()
        });
        let warning = edition
            .warning
            .clone()
            .ok_or("21.4 is older than supported")?;
        runs(&mut check, &edition);
        assert!(check.explanation.starts_with("Signed in as admin@contoso"));
        assert!(
            check.explanation.ends_with(&format!(
                "The PBX runs PortSIP 21.4.0, 212 of 400 licensed users. {warning}"
            )),
            "{}",
            check.explanation
        );
        assert_eq!(check.explanation_message.code, CheckCode::AdminRole);
        assert_eq!(check.explanation_message.edition, Some(edition));
        assert_coded(&check);
        Ok(())
    }

    #[test]
    fn role_outcomes_are_coded_with_the_account_and_role() -> Result<(), Box<dyn std::error::Error>>
    {
        let profile = profile()?;
        let admin = admin_role(&profile, Some(&portsip::model::Role::Admin));
        assert_eq!(admin.explanation_message.code, CheckCode::AdminRole);
        assert_eq!(
            admin
                .explanation_message
                .params
                .get("username")
                .map(String::as_str),
            Some("admin@contoso")
        );
        assert_coded(&admin);
        let none = admin_role(&profile, None);
        assert_eq!(none.explanation_message.code, CheckCode::NotAdminRole);
        assert_eq!(
            none.explanation_message
                .params
                .get("role")
                .map(String::as_str),
            Some("unknown")
        );
        assert_eq!(
            none.fix_message.as_ref().map(|m| m.code),
            Some(CheckCode::FixAdminAccount)
        );
        assert_coded(&none);
        Ok(())
    }

    #[test]
    fn permission_outcomes_are_coded_with_the_lists() -> Result<(), Box<dyn std::error::Error>> {
        let profile = profile()?;
        let needed = names(&["User.Read.All", "Contacts.Read"]);
        let verb = (CheckCode::PermissionsDeclared, "declares");
        let exact = compare(
            CheckId::PermissionsExact,
            &profile,
            "PortSIP 22.4",
            &needed,
            &needed,
            verb,
        );
        assert_eq!(
            exact.explanation_message.code,
            CheckCode::PermissionsDeclared
        );
        assert!(!exact.explanation_message.params.contains_key("extra"));
        assert_coded(&exact);

        let more = names(&["User.Read.All", "Contacts.Read", "Mail.Read"]);
        let extra = compare(
            CheckId::PermissionsExact,
            &profile,
            "PortSIP 22.4",
            &needed,
            &more,
            verb,
        );
        assert_eq!(
            extra
                .explanation_message
                .params
                .get("extra")
                .map(String::as_str),
            Some("Mail.Read")
        );
        assert_eq!(
            extra.fix_message.as_ref().map(|m| m.code),
            Some(CheckCode::FixRemoveExtraPermissions)
        );
        assert_coded(&extra);

        let fewer = names(&["Mail.Read"]);
        let missing = compare(
            CheckId::PermissionsExact,
            &profile,
            "PortSIP 22.4",
            &needed,
            &fewer,
            verb,
        );
        assert_eq!(
            missing.explanation_message.code,
            CheckCode::PermissionsMissing
        );
        assert_eq!(
            missing
                .explanation_message
                .params
                .get("missing")
                .map(String::as_str),
            Some("Contacts.Read, User.Read.All")
        );
        assert_coded(&missing);
        Ok(())
    }

    #[test]
    fn a_value_the_english_text_does_not_quote_is_caught() {
        let params = [("thumbprint".to_owned(), "ABC".to_owned())].into();
        assert!(quotes_its_params("thumbprint ABC", &params));
        assert!(!quotes_its_params("thumbprint XYZ", &params));
        let list = [("missing".to_owned(), "A, B".to_owned())].into();
        assert!(quotes_its_params("lacks A and B", &list));
        assert!(!quotes_its_params("lacks A", &list));
    }
}
