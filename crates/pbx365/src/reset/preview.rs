//! The plan of a reset, from reads only: what each step will change, found out from the PBX
//! and (in automatic mode) from Graph, or from the journal of a reset that stopped.

use super::error::ResetError;
use super::journal::{self, ResetJournal, ResetStep, journal_path};
use super::plan::{PlannedReset, ResetPlan, local_summary, pbx_of, tenant_of};
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
        format!(
            "On {}: the Microsoft 365 integration was stopped by the earlier reset.",
            pbx_of(&profile)
        )
    } else {
        pbx_summary(env, &profile, journal.as_ref(), &mut reads).await?
    };
    let tenant = tenant_of(&profile);
    let entra_summary = if done(ResetStep::Entra) {
        format!("In Microsoft Entra for tenant {tenant}: done by the earlier reset.")
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
        pbx: pbx_of(&profile),
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
    warnings: Vec<String>,
}

/// Step 1 as the PBX says it will go.
async fn pbx_summary(
    env: &Environment,
    profile: &Profile,
    journal: Option<&ResetJournal>,
    reads: &mut Reads,
) -> Result<String, ResetError> {
    let (client, _) = resume_pbx(env, profile).await?;
    let edition = PbxEdition::read(&client).await.map_err(Error::from)?;
    reads.pbx_version.clone_from(&edition.version);
    reads
        .warnings
        .extend(edition.warning.as_ref().map(ToString::to_string));
    if journal.is_none() {
        reads.thumbprints = pbx::thumbprints(&client, env.profiles.base(), profile).await?;
    }
    if let Some(warning) = pbx::other_app_warning(&client, profile).await? {
        reads.warnings.push(warning);
    }
    Ok(format!(
        "On {} ({}): {}. The PBX's users, and their links to Microsoft 365 accounts, stay.",
        pbx_of(profile),
        edition.describe(),
        pbx::Stop::of(&edition).describe()
    ))
}

/// Step 2 as Graph says it will go (automatic mode), or as the admin will do it (guided).
async fn entra_summary(
    env: &Environment,
    profile: &Profile,
    delete_app: bool,
    reads: &mut Reads,
) -> Result<String, ResetError> {
    let tenant = tenant_of(profile);
    let identity = match (&profile.app, profile.microsoft.mode) {
        (None, _) => {
            return Ok(format!(
                "In Microsoft Entra for tenant {tenant}: nothing to remove; no app registration \
                 was made for this profile."
            ));
        }
        (Some(identity), Mode::Guided) => {
            let what = if delete_app {
                "delete"
            } else {
                "remove the PBX's certificate from"
            };
            return Ok(format!(
                "In Microsoft Entra for tenant {tenant}: pbx365 has no Graph rights in guided \
                 mode, so you {what} {} by hand (the steps follow).",
                app::app_name(identity)
            ));
        }
        (Some(identity), Mode::Auto) => identity,
    };
    let graph = require_graph(env, profile).await?;
    let change = graph_change(&graph, identity, delete_app, reads)
        .await
        .map_err(Error::from)?;
    Ok(format!("In Microsoft Entra for tenant {tenant}: {change}"))
}

/// What step 2 will change on the app, as the end of a sentence.
async fn graph_change(
    graph: &entra::GraphClient,
    identity: &AppIdentity,
    delete_app: bool,
    reads: &mut Reads,
) -> Result<String, entra::EntraError> {
    let name = app::app_name(identity);
    let Some(found) = app::find_app(graph, identity).await? else {
        return Ok(format!("{name} no longer exists; nothing to remove."));
    };
    if delete_app {
        reads.warnings.push(format!(
            "Deleting the app registration also stops anything else that signs in with it \
             (Application ID {}).",
            identity.app_id
        ));
        return Ok(format!(
            "delete {name} and its service principal (Entra keeps a deleted app for 30 days)."
        ));
    }
    let keys = graph.key_credentials(&found.id).await?;
    let held = app::held(&keys, &reads.thumbprints);
    if held.is_empty() {
        return Ok(format!(
            "{name} holds no certificate of the PBX; nothing to remove."
        ));
    }
    let others = match keys.len().saturating_sub(held.len()) {
        0 => String::new(),
        1 => ", keeping its other certificate".to_owned(),
        more => format!(", keeping its {more} other certificates"),
    };
    Ok(format!(
        "remove the PBX's certificate (thumbprint {}) from {name}{others}; the app itself stays.",
        held.join(", ")
    ))
}
