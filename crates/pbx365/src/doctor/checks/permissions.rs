//! The app's Graph permissions, declared and granted, against what this PortSIP version needs.

use std::collections::BTreeSet;

use super::super::message::{CheckCode, Said, detail, plain, said};
use super::rerun_setup;
use crate::doctor::{Check, CheckId};
use crate::features::{required_permissions_for, role_name};
use crate::pbx_versions::PbxEdition;
use crate::profile::Profile;

/// What the app declares and holds against what THIS PBX's version needs for the profile's
/// features and optional grants: an upgrade past 22.4 makes `User.Read.All` extra and
/// `User.ReadBasic.All` missing.
pub(super) async fn permissions(
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_coded, profile};
    use super::*;

    fn names(values: &[&str]) -> BTreeSet<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
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
}
