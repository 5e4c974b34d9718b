//! Can pbx365 reach the PBX over a trusted connection, and is it signed in as an
//! administrator? The admin-role check also tells which PortSIP the PBX runs.

use super::super::message::{CheckCode, detail, engine_error, plain, said};
use crate::access::retry::RetryPolicy;
use crate::doctor::{Check, CheckId};
use crate::pbx_versions::PbxEdition;
use crate::profile::Profile;

pub(super) async fn reachability(retry: &RetryPolicy, profile: &Profile) -> Check {
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

pub(super) fn admin_role(profile: &Profile, role: Option<&portsip::model::Role>) -> Check {
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
pub(super) fn runs(check: &mut Check, edition: &PbxEdition) {
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_coded, profile};
    use super::*;
    use crate::doctor::CheckCode;

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
}
