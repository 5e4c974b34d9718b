//! Step 1: the PBX stops its Microsoft 365 integration. PortSIP 22.6 has a reset of its own
//! (`POST /ms365/destroy`: settings back to the defaults, key pair deleted); older versions are
//! reset by clearing the Application and Directory IDs and switching every feature off through
//! `POST /ms365`, which cannot delete the key pair. Which one a PBX gets is the version table's
//! decision ([`crate::pbx_versions`]). Both are safe to send again. Also what the reset reads
//! from the PBX before it changes anything: its certificates, and which app it uses.

use std::path::Path;

use portsip::model::{
    AdminSignIn, FeatureSync, Ms365App, Ms365SettingsUpdate, SyncType, UsersSync,
};

use super::text::{PbxStop, ResetDetail, ResetWarning};
use crate::access::Error;
use crate::certificate::lifecycle::journal_path as rotation_journal_path;
use crate::certificate::lifecycle::rotation::journal as rotation_journal;
use crate::pbx_certificate::read_certificate;
use crate::pbx_versions::{PbxEdition, Traits};
use crate::profile::Profile;

/// Stops the integration of the PBX `client` is signed in to; returns what was done.
pub(super) async fn stop(
    client: &portsip::Client,
    edition: &PbxEdition,
) -> Result<ResetDetail, portsip::Error> {
    let traits = edition.traits();
    if PbxStop::of(edition) == PbxStop::Destroy {
        match client.destroy_ms365().await {
            Ok(()) => return Ok(ResetDetail::PbxDestroyed),
            // A PBX that did not say its version is taken for the newest; one that turns out
            // older has no reset of its own and is cleared like any older one.
            Err(portsip::Error::NotFound { .. }) => {
                tracing::warn!(
                    "the PBX has no POST /ms365/destroy although its version says it should; \
                     clearing its settings instead"
                );
            }
            Err(error) => return Err(error),
        }
    }
    client.set_ms365(&cleared(&traits)).await?;
    Ok(ResetDetail::PbxCleared)
}

/// The `POST /ms365` body that leaves the integration unconfigured: no app, no directory,
/// every feature off with no selected users. Only the blocks `traits` says the version has are
/// sent; the cloud and the schedule are left as they are (they point at nothing now).
pub(super) fn cleared(traits: &Traits) -> Ms365SettingsUpdate {
    let off = || FeatureSync {
        enabled: Some(false),
        selected_users: Some(Vec::new()),
        sync_type: Some(SyncType::All),
    };
    Ms365SettingsUpdate {
        app: Ms365App {
            national_cloud: None,
            directory_id: Some(String::new()),
            application_id: Some(String::new()),
        },
        sync_time: None,
        users: Some(UsersSync {
            enabled: Some(false),
            sync_guest_users: Some(false),
            sync_photo: Some(false),
            starting_extension_number: None,
            selected_users: Some(Vec::new()),
            sync_type: Some(SyncType::All),
        }),
        sign_in_as_administrator: traits.admin_sign_in.then(|| AdminSignIn {
            enabled: Some(false),
            selected_users: Some(Vec::new()),
        }),
        sign_in_as_standard_user: Some(off()),
        personal_contacts: Some(off()),
        shared_mailbox: Some(off()),
        events: Some(off()),
    }
}

/// The thumbprints of the PBX's certificate and of any its rotations made, which are all the
/// certificates of the PBX the app may hold.
pub(super) async fn thumbprints(
    client: &portsip::Client,
    base: &Path,
    profile: &Profile,
) -> Result<Vec<String>, Error> {
    let mut thumbprints = Vec::new();
    if let Some(certificate) = read_certificate::<Error>(client).await? {
        thumbprints.push(certificate.info.sha1_thumbprint);
    }
    let rotation = rotation_journal::load(&rotation_journal_path(base, &profile.name));
    match rotation {
        Ok(Some(rotation)) => thumbprints.extend(
            rotation
                .old_thumbprint
                .into_iter()
                .chain(rotation.new_thumbprint)
                .chain(rotation.superseded),
        ),
        Ok(None) => {}
        // Only a help: the PBX's own certificate is the one that matters.
        Err(error) => tracing::warn!(%error, "the rotation journal could not be read"),
    }
    let mut unique: Vec<String> = Vec::new();
    for thumbprint in thumbprints {
        let thumbprint = thumbprint.to_ascii_uppercase();
        if !unique.contains(&thumbprint) {
            unique.push(thumbprint);
        }
    }
    Ok(unique)
}

/// A warning when the PBX now uses an app other than the profile's: the reset stops that
/// integration too.
pub(super) async fn other_app_warning(
    client: &portsip::Client,
    profile: &Profile,
) -> Result<Option<ResetWarning>, Error> {
    let settings = client.ms365().await?;
    let current = settings
        .settings
        .app
        .application_id
        .filter(|id| !id.trim().is_empty());
    let ours = profile.app.as_ref().map(|a| a.app_id.as_str());
    Ok(match current {
        Some(current) if ours.is_none_or(|ours| !ours.eq_ignore_ascii_case(&current)) => {
            Some(ResetWarning::OtherApp {
                current,
                ours: ours.map(str::to_owned),
            })
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use portsip::model::PbxVersion;

    use super::*;
    use crate::pbx_versions::traits_of;

    #[test]
    fn clearing_switches_everything_off_and_sends_no_removed_block() -> Result<(), serde_json::Error>
    {
        let old = serde_json::to_value(cleared(&traits_of(PbxVersion::new(22, 2, 0))))?;
        assert_eq!(old["application_id"], "");
        assert_eq!(old["directory_id"], "");
        for block in [
            "users",
            "sign_in_as_administrator",
            "sign_in_as_standard_user",
            "personal_contacts",
            "shared_mailbox",
            "events",
        ] {
            assert_eq!(old[block]["enabled"], false, "{block}");
            assert_eq!(
                old[block]["selected_users"],
                serde_json::json!([]),
                "{block}"
            );
        }
        assert!(old.get("national_cloud").is_none() && old.get("sync_time").is_none());
        let new = serde_json::to_value(cleared(&traits_of(PbxVersion::new(22, 6, 0))))?;
        assert!(new.get("sign_in_as_administrator").is_none(), "{new}");
        Ok(())
    }
}
