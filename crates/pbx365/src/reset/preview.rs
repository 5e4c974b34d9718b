//! The plan of a reset, from reads only: what each step will change, found out from the PBX
//! and (in automatic mode) from Graph, or from the journal of a reset that stopped.

use super::error::ResetError;
use super::journal::{self, ResetJournal, ResetStep, journal_path};
use super::plan::{PlannedReset, ResetPlan, local_summary};
use super::text::{
    PbxStop, ResetApp, ResetEdition, ResetPbx, ResetSummary, ResetTenant, ResetWarning,
};
use super::{app, pbx};
use crate::access::sessions::{require_graph, resume_pbx};
use crate::access::{Environment, Error};
use crate::pbx_versions::PbxEdition;
use crate::profile::{AppIdentity, Mode, Profile};

/// What resetting `name` would do.
pub(super) async fn make(
    env: &Environment,
    name: &str,
    delete_app: bool,
) -> Result<ResetPlan, ResetError> {
    env.profiles.path_of(name)?;
    let base = env.profiles.base();
    let journal = journal::load(&journal_path(base, name))?;
    let profile = match (&journal, env.profiles.load(name)?) {
        (Some(journal), _) => journal.profile.clone(),
        (None, Some(profile)) => profile,
        (None, None) => return Ok(ResetPlan::nothing(name)),
    };
    let done = |step| journal.as_ref().is_some_and(|j| j.is_done(step));
    // An earlier reset that already dealt with Entra settled the choice.
    let delete_app = match &journal {
        Some(journal) if journal.is_done(ResetStep::Entra) => journal.delete_app,
        _ => delete_app,
    };
    let mut reads = Reads {
        thumbprints: journal
            .as_ref()
            .map(|j| j.thumbprints.clone())
            .unwrap_or_default(),
        ..Reads::default()
    };
    let pbx_summary = if done(ResetStep::Pbx) {
        ResetSummary::PbxDoneEarlier {
            pbx: ResetPbx::of(&profile),
        }
    } else {
        pbx_summary(env, &profile, journal.as_ref(), &mut reads).await?
    };
    let tenant = ResetTenant::of(&profile);
    let entra_summary = if done(ResetStep::Entra) {
        ResetSummary::EntraDoneEarlier {
            tenant: tenant.clone(),
        }
    } else {
        entra_summary(env, &profile, delete_app, &mut reads).await?
    };
    // Guided mode's hand steps, also when an earlier reset already handed them out.
    let hand_steps = match profile.microsoft.mode {
        Mode::Guided => app::hand_steps(&profile, delete_app, &reads.thumbprints),
        Mode::Auto => Vec::new(),
    };
    let steps = vec![
        PlannedReset::new(ResetStep::Pbx, pbx_summary, done(ResetStep::Pbx)),
        PlannedReset::new(ResetStep::Entra, entra_summary, done(ResetStep::Entra)),
        PlannedReset::new(
            ResetStep::ThisComputer,
            local_summary(&profile),
            done(ResetStep::ThisComputer),
        ),
    ];
    Ok(ResetPlan {
        profile: profile.name.clone(),
        mode: profile.microsoft.mode,
        delete_app,
        pbx: ResetPbx::of(&profile),
        tenant,
        pbx_version: reads.pbx_version,
        steps,
        hand_steps,
        warnings: reads.warnings,
        resumes: journal.and_then(|j| j.last_stop),
        nothing_to_do: false,
    })
}

/// What the reads found on the way.
#[derive(Debug, Default)]
struct Reads {
    /// The PBX's certificates (from the journal of a reset that stopped, else from the PBX).
    thumbprints: Vec<String>,
    pbx_version: Option<String>,
    warnings: Vec<ResetWarning>,
}

/// Step 1 as the PBX says it will go.
async fn pbx_summary(
    env: &Environment,
    profile: &Profile,
    journal: Option<&ResetJournal>,
    reads: &mut Reads,
) -> Result<ResetSummary, ResetError> {
    let (client, _) = resume_pbx(env, profile).await?;
    let edition = PbxEdition::read(&client).await.map_err(Error::from)?;
    reads.pbx_version.clone_from(&edition.version);
    reads.warnings.extend(
        edition
            .warning
            .clone()
            .map(|warning| ResetWarning::PbxVersion { warning }),
    );
    if journal.is_none() {
        reads.thumbprints = pbx::thumbprints(&client, env.profiles.base(), profile).await?;
    }
    if let Some(warning) = pbx::other_app_warning(&client, profile).await? {
        reads.warnings.push(warning);
    }
    Ok(ResetSummary::PbxStop {
        pbx: ResetPbx::of(profile),
        edition: ResetEdition::of(&edition),
        stop: PbxStop::of(&edition),
    })
}

/// Step 2 as Graph says it will go (automatic mode), or as the admin will do it (guided).
async fn entra_summary(
    env: &Environment,
    profile: &Profile,
    delete_app: bool,
    reads: &mut Reads,
) -> Result<ResetSummary, ResetError> {
    let tenant = ResetTenant::of(profile);
    let identity = match (&profile.app, profile.microsoft.mode) {
        (None, _) => return Ok(ResetSummary::EntraNoApp { tenant }),
        (Some(identity), Mode::Guided) => {
            return Ok(ResetSummary::EntraByHand {
                tenant,
                app: ResetApp::of(identity),
                delete_app,
            });
        }
        (Some(identity), Mode::Auto) => identity,
    };
    let graph = require_graph(env, profile).await?;
    Ok(graph_change(&graph, tenant, identity, delete_app, reads)
        .await
        .map_err(Error::from)?)
}

/// What step 2 will change on the app.
async fn graph_change(
    graph: &entra::GraphClient,
    tenant: ResetTenant,
    identity: &AppIdentity,
    delete_app: bool,
    reads: &mut Reads,
) -> Result<ResetSummary, entra::EntraError> {
    let app = ResetApp::of(identity);
    let Some(found) = app::find_app(graph, identity).await? else {
        return Ok(ResetSummary::EntraAppGone { tenant, app });
    };
    if delete_app {
        reads.warnings.push(ResetWarning::DeleteAppStopsOthers {
            app_id: identity.app_id.clone(),
        });
        return Ok(ResetSummary::EntraDeleteApp { tenant, app });
    }
    let keys = graph.key_credentials(&found.id).await?;
    let held = app::held(&keys, &reads.thumbprints);
    if held.is_empty() {
        return Ok(ResetSummary::EntraNoPbxCertificate { tenant, app });
    }
    Ok(ResetSummary::EntraRemoveCertificate {
        tenant,
        app,
        thumbprints: held.join(", "),
        others: u32::try_from(keys.len().saturating_sub(held.len())).unwrap_or(u32::MAX),
    })
}
