//! The Microsoft side: finds the profile's app registration and compares it with what the
//! PBX holds (Redirect URIs, certificate, permissions).

use std::collections::BTreeSet;

use super::super::message::{CheckCode, Said, detail, plain, said};
use super::certificate::certificate_on_app;
use super::permissions::permissions;
use super::{GRAPH_CHECKS, PbxFacts, rerun_setup, skipped};
use crate::doctor::{Check, CheckId};
use crate::profile::Profile;

fn set(values: &[String]) -> BTreeSet<String> {
    values.iter().map(|v| v.to_ascii_lowercase()).collect()
}

pub(super) async fn graph_checks(
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
        None => skipped(
            &[CheckId::PermissionsExact, CheckId::PermissionsGranted],
            plain(
                CheckCode::SkipNoEdition,
                "Skipped: the PBX did not say which PortSIP version it runs, which decides the permissions it needs.",
            ),
            Some(plain(
                CheckCode::FixCheckPbxRunDoctor,
                "Check the PBX and run the doctor again.",
            )),
        ),
    });
    checks
}

fn redirect_uris(profile: &Profile, app: &entra::Application, facts: &PbxFacts) -> Check {
    let id = CheckId::RedirectUris;
    let id_tokens = app.issues_id_tokens();
    let pbx = set(&facts.redirect_uris);
    let app_set = set(app.redirect_uris());
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
