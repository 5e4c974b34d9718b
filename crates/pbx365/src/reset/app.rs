//! Step 2: the app registration lets go of the PBX. In automatic mode, through Graph: the PBX's
//! certificates come off the app (its other keys stay), or — when asked — the app and its
//! service principal are deleted. Something already gone counts as done. In guided mode
//! pbx365 has no Graph rights, so the admin gets the same as hand steps.

use entra::{AppLocator, Application, GraphClient, KeyCredential, Thumbprint};

use super::journal::ResetJournal;
use super::text::{ResetApp, ResetDetail};
use crate::access::Error;
use crate::guided::{self, HandStep};
use crate::profile::{AppIdentity, Profile};

/// The profile's app as Graph shows it now, `None` when it no longer exists.
pub(super) async fn find_app(
    graph: &GraphClient,
    app: &AppIdentity,
) -> Result<Option<Application>, entra::EntraError> {
    let locator = match &app.object_id {
        Some(object_id) => AppLocator::ObjectId(object_id.clone()),
        None => AppLocator::AppId(app.app_id.clone()),
    };
    graph.find_application(&locator).await
}

/// Which of `thumbprints` the app's `keys` hold.
pub(super) fn held(keys: &[KeyCredential], thumbprints: &[String]) -> Vec<String> {
    thumbprints
        .iter()
        .filter(|wanted| {
            keys.iter().any(|key| {
                key.thumbprint()
                    .is_some_and(|t| t.to_string().eq_ignore_ascii_case(wanted))
            })
        })
        .cloned()
        .collect()
}

/// Automatic mode: does step 2 through Graph and says what was done.
pub(super) async fn clean(
    graph: &GraphClient,
    journal: &ResetJournal,
) -> Result<ResetDetail, Error> {
    let Some(identity) = &journal.profile.app else {
        return Ok(ResetDetail::NoApp);
    };
    let app = ResetApp::of(identity);
    let found = find_app(graph, identity).await?;
    if journal.delete_app {
        // Entra deletes the service principal with the app; deleting it first also covers an
        // app deleted by hand that left its service principal behind.
        let principal = graph.find_service_principal(&identity.app_id).await?;
        let principal_deleted = match &principal {
            Some(principal) => graph.delete_service_principal(&principal.id).await?,
            None => false,
        };
        let app_deleted = match &found {
            Some(app) => graph.delete_application(&app.id).await?,
            None => false,
        };
        tracing::info!(app_id = %identity.app_id, app_deleted, principal_deleted, "reset: app deleted");
        return Ok(if app_deleted || principal_deleted {
            ResetDetail::AppDeleted { app }
        } else {
            ResetDetail::AppAlreadyDeleted { app }
        });
    }
    let Some(found) = found else {
        return Ok(ResetDetail::AppGone { app });
    };
    let mut removed = Vec::new();
    for thumbprint in &journal.thumbprints {
        let parsed = Thumbprint::from_hex(thumbprint)?;
        if graph.remove_certificate(&found.id, parsed).await? {
            removed.push(thumbprint.clone());
        }
    }
    tracing::info!(app_id = %identity.app_id, removed = removed.len(), "reset: certificates removed");
    Ok(if removed.is_empty() {
        ResetDetail::NoPbxCertificateOnApp { app }
    } else {
        ResetDetail::CertificateRemoved {
            app,
            thumbprints: removed.join(", "),
        }
    })
}

/// Guided mode: what the admin does in the Entra admin center instead.
pub(super) fn hand_steps(
    profile: &Profile,
    delete_app: bool,
    thumbprints: &[String],
) -> Vec<HandStep> {
    let Some(app) = &profile.app else {
        return Vec::new();
    };
    let cloud = &profile.microsoft.cloud;
    let name = app.display_name.as_deref();
    vec![if delete_app {
        guided::delete_app_step(cloud, &app.app_id, name)
    } else {
        guided::remove_pbx_certificate_step(cloud, &app.app_id, name, thumbprints)
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Mode;

    fn guided(app_id: &str) -> Result<Profile, crate::input::FieldError> {
        let mut profile = Profile::new("guided")?;
        profile.microsoft.mode = Mode::Guided;
        profile.app = Some(AppIdentity {
            app_id: app_id.to_owned(),
            object_id: None,
            service_principal_id: None,
            display_name: None,
        });
        Ok(profile)
    }

    #[test]
    fn guided_hand_steps_name_the_certificate_or_the_app() -> Result<(), crate::input::FieldError> {
        let profile = guided("11111111-2222-3333-4444-555555555555")?;
        let remove = hand_steps(&profile, false, &["AB12".to_owned()]);
        assert_eq!(remove.len(), 1);
        assert!(remove[0].detail().contains("thumbprint AB12"), "{remove:?}");
        assert!(remove[0].copy.iter().any(|c| c.value == "AB12"));
        assert!(
            remove[0]
                .link
                .as_ref()
                .is_some_and(|l| l.url.contains("/~/Credentials/appId/11111111-"))
        );
        let delete = hand_steps(&profile, true, &["AB12".to_owned()]);
        assert_eq!(delete[0].title(), "Delete the app registration");
        assert!(
            delete[0]
                .link
                .as_ref()
                .is_some_and(|l| l.url.contains("/~/Overview/"))
        );
        assert!(hand_steps(&Profile::new("none")?, false, &[]).is_empty());
        Ok(())
    }
}
