//! Do the PBX's Microsoft 365 settings name the profile's app, directory, cloud and features?

use super::super::message::{CheckCode, detail, said};
use super::rerun_setup;
use crate::access::sessions::national_cloud;
use crate::doctor::{Check, CheckId};
use crate::profile::Profile;

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    }
}

pub(super) async fn settings_match(
    profile: &Profile,
    client: &portsip::Client,
) -> (Check, Vec<String>) {
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
