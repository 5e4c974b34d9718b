//! `pbx365::reset` against the emulators playing PortSIP 22.2 and 22.6: after an automatic
//! setup and a sync, the plan names what changes where and writes nothing; the reset leaves
//! nothing of the integration on the PBX, in Entra or on this computer; a second reset finds
//! nothing to do; and a new setup of the same PBX then works from scratch. Guided mode gets
//! the Entra part as hand steps.

mod engine_common;
mod reset_support;

use std::collections::BTreeSet;
use std::time::Duration;

use engine_common::{TestResult, World, pbx_writes};
use pbx365::guided::HandStepText;
use pbx365::profile::Mode;
use pbx365::progress::StepContext;
use pbx365::reset::{self, PbxStop, ResetDetail, ResetStep, ResetSummary, ResetWarning};
use pbx365::wizard::{GuidedIds, KeyPairInput, Wizard};
use reset_support::{
    Installed, PROFILE, app_thumbprints, assert_nothing_left_here, assert_pbx_integration_stopped,
    graph_writes, recording, set_up, silent, snapshot, world_of,
};

#[tokio::test]
async fn a_22_6_pbx_destroys_its_integration_and_a_new_setup_then_works() -> TestResult {
    reset_then_set_up_again(sim::PbxVersion::V22_6).await
}

#[tokio::test]
async fn a_22_2_pbx_is_cleared_and_a_new_setup_then_works() -> TestResult {
    reset_then_set_up_again(sim::PbxVersion::V22_2).await
}

/// The reset against the emulator playing 21Vianet's cloud: the profile's Microsoft
/// sign-in, the sync before it and the new setup after it all speak to the China Graph.
#[tokio::test]
async fn the_china_cloud_is_reset_and_set_up_again() -> TestResult {
    reset_then_set_up_again_in(sim::PbxVersion::V22_6, sim::ms::National::China).await
}

async fn reset_then_set_up_again(version: sim::PbxVersion) -> TestResult {
    reset_then_set_up_again_in(version, sim::ms::National::Global).await
}

async fn reset_then_set_up_again_in(
    version: sim::PbxVersion,
    national: sim::ms::National,
) -> TestResult {
    let world = engine_common::world_with(|config| {
        config.pbx_version = version;
        config.cloud = national;
    })
    .await?;
    let installed = set_up(&world).await?;
    let tenant_id = world.sim.ms.tenant_id().to_owned();

    // The plan reads only, and says what changes where, naming the tenants.
    let before = snapshot(&world);
    world.sim.pbx_recorder.clear();
    world.sim.ms_recorder.clear();
    let plan = reset::plan(&world.env, PROFILE, false).await?;
    assert_eq!(snapshot(&world), before, "the plan wrote a file");
    assert!(pbx_writes(&world).is_empty(), "{:?}", pbx_writes(&world));
    assert!(
        graph_writes(&world).is_empty(),
        "{:?}",
        graph_writes(&world)
    );
    assert!(!plan.nothing_to_do && plan.resumes.is_none());
    let steps: Vec<ResetStep> = plan.steps.iter().map(|s| s.step).collect();
    assert_eq!(steps, ResetStep::ALL);
    let [pbx, entra, here] = plan.steps.as_slice() else {
        return Err("three steps expected".into());
    };
    let destroys = version == sim::PbxVersion::V22_6;
    let ResetSummary::PbxStop { stop, .. } = &pbx.summary else {
        return Err(format!("the PBX is stopped: {:?}", pbx.summary).into());
    };
    assert_eq!(*stop == PbxStop::Destroy, destroys, "{:?}", pbx.summary);
    // The CLI's English names the PBX and what the PortSIP version can do.
    let english = pbx.summary.to_string();
    assert!(english.contains("contoso.example"), "{english}");
    assert_eq!(
        english.contains("POST /ms365/destroy"),
        destroys,
        "{english}"
    );
    assert_eq!(english.contains("key pair: it stays"), !destroys);
    assert!(
        matches!(&entra.summary, ResetSummary::EntraRemoveCertificate { tenant, thumbprints, .. }
            if tenant.id.as_deref() == Some(tenant_id.as_str())
                && thumbprints.contains(&installed.pbx_thumbprint)),
        "{:?}",
        entra.summary
    );
    assert!(
        matches!(&here.summary, ResetSummary::ThisComputer { profile, .. } if profile == PROFILE),
        "{:?}",
        here.summary
    );
    assert!(plan.hand_steps.is_empty());

    let (events, seen) = recording();
    let report = reset::run(&world.env, PROFILE, false, events).await?;
    assert!(!report.nothing_to_do);
    assert!(report.steps.iter().all(|s| !s.done_earlier));
    let told: BTreeSet<ResetStep> = seen
        .lock()
        .map_err(|_| "poisoned")?
        .iter()
        .map(|e| e.step)
        .collect();
    assert_eq!(told, ResetStep::ALL.into_iter().collect());

    // The PBX: one request, the version's own.
    let expected = if destroys {
        "POST /api/ms365/destroy"
    } else {
        "POST /api/ms365"
    };
    assert_eq!(pbx_writes(&world), [expected]);
    assert_pbx_integration_stopped(&world);
    assert_eq!(
        world.sim.pbx.certificate().is_none(),
        destroys,
        "22.6 deletes the key pair, 22.2 cannot"
    );
    // Entra: the PBX's certificate is gone, the other one and the app stay.
    assert_eq!(
        app_thumbprints(&world, &installed.app_id),
        BTreeSet::from([installed.other_thumbprint.clone()])
    );
    assert!(world.sim.ms.application(&installed.app_id).is_some());
    assert_nothing_left_here(&world)?;

    // Again: nothing to do, nothing sent.
    world.sim.pbx_recorder.clear();
    world.sim.ms_recorder.clear();
    assert!(reset::plan(&world.env, PROFILE, false).await?.nothing_to_do);
    let again = reset::run(&world.env, PROFILE, false, silent()).await?;
    assert!(again.nothing_to_do && again.steps.is_empty());
    assert!(world.sim.pbx_recorder.exchanges().is_empty());
    assert!(graph_writes(&world).is_empty());

    set_up_again(&world, &installed).await
}

/// A new setup of the same PBX under the same name works from scratch.
async fn set_up_again(world: &World, installed: &Installed) -> TestResult {
    let applied = reset_support::set_up_again(world).await?;
    let app = applied.app.ok_or("no app")?;
    let certificate = world.sim.pbx.certificate().ok_or("no key pair")?;
    assert!(
        app_thumbprints(world, &app.app_id).contains(&certificate.sha1_thumbprint.to_uppercase()),
        "the new setup's certificate is not on its app"
    );
    if app.app_id == installed.app_id {
        // The app was found again by its tag and repaired; its other certificate stays.
        assert!(app_thumbprints(world, &app.app_id).contains(&installed.other_thumbprint));
    }
    Ok(())
}

#[tokio::test]
async fn deleting_the_app_takes_its_service_principal_along() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_6).await?;
    let installed = set_up(&world).await?;
    let plan = reset::plan(&world.env, PROFILE, true).await?;
    assert!(plan.delete_app);
    assert!(
        matches!(plan.steps[1].summary, ResetSummary::EntraDeleteApp { .. }),
        "{:?}",
        plan.steps[1].summary
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| matches!(w, ResetWarning::DeleteAppStopsOthers { app_id } if *app_id == installed.app_id)),
        "{:?}",
        plan.warnings
    );

    let report = reset::run(&world.env, PROFILE, true, silent()).await?;
    assert!(
        matches!(report.steps[1].detail, ResetDetail::AppDeleted { .. }),
        "{report:?}"
    );
    assert!(world.sim.ms.application(&installed.app_id).is_none());
    let principals = world.sim.ms.service_principals();
    assert!(!principals.iter().any(|sp| sp.app_id == installed.app_id));
    assert_pbx_integration_stopped(&world);
    assert_nothing_left_here(&world)?;

    // The next setup registers a new app.
    let applied = reset_support::set_up_again(&world).await?;
    assert_ne!(applied.app.map(|a| a.app_id), Some(installed.app_id));
    Ok(())
}

/// Guided mode: pbx365 has no Graph rights, so the plan and the report hand the Entra part to
/// the admin — the PBX's certificate by thumbprint, or the app to delete — and Graph sees no
/// write; the PBX and this computer are reset as in automatic mode.
#[tokio::test]
async fn guided_mode_hands_the_entra_part_to_the_admin() -> TestResult {
    for delete_app in [false, true] {
        let world = world_of(sim::PbxVersion::V22_6).await?;
        let app_id = guided_setup(&world).await?;
        let thumbprint = world
            .sim
            .pbx
            .certificate()
            .ok_or("no key pair")?
            .sha1_thumbprint
            .to_uppercase();
        let keys_before = app_thumbprints(&world, &app_id);
        world.sim.ms_recorder.clear();

        let plan = reset::plan(&world.env, PROFILE, delete_app).await?;
        assert_eq!(plan.mode, Mode::Guided);
        let [hand] = plan.hand_steps.as_slice() else {
            return Err(format!("one hand step expected: {:?}", plan.hand_steps).into());
        };
        if delete_app {
            assert!(
                matches!(&hand.text, HandStepText::DeleteApp { app_id: id, .. } if *id == app_id),
                "{hand:?}"
            );
        } else {
            assert!(
                matches!(&hand.text, HandStepText::RemovePbxCertificate { app_id: id, thumbprints, .. }
                    if *id == app_id && thumbprints.contains(&thumbprint)),
                "{hand:?}"
            );
            assert!(hand.copy.iter().any(|c| c.value == thumbprint));
        }
        assert!(hand.detail().contains(&app_id), "{}", hand.detail());
        assert!(
            matches!(&plan.steps[1].summary, ResetSummary::EntraByHand { app, delete_app: d, .. }
                if app.app_id == app_id && *d == delete_app),
            "{:?}",
            plan.steps[1].summary
        );

        let report = reset::run(&world.env, PROFILE, delete_app, silent()).await?;
        assert_eq!(report.hand_steps, plan.hand_steps);
        assert!(
            graph_writes(&world).is_empty(),
            "{:?}",
            graph_writes(&world)
        );
        assert_eq!(app_thumbprints(&world, &app_id), keys_before);
        assert!(world.sim.ms.application(&app_id).is_some());
        assert_pbx_integration_stopped(&world);
        assert_nothing_left_here(&world)?;
    }
    Ok(())
}

/// A guided setup up to apply, `public_key.pem` saved where guided mode saves it by default;
/// returns the Application ID the admin registered.
async fn guided_setup(world: &World) -> Result<String, Box<dyn std::error::Error>> {
    let registered = world.sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PBX Server-side".into(),
        web_redirect_uris: vec![
            world.sim.pbx.redirect_uri(),
            world.sim.pbx.sbc_redirect_uri().ok_or("no SBC URI")?,
        ],
        certificates_der: vec![],
        graph_app_roles: vec!["User.Read.All".into()],
    })?;
    let env = world.env_with(|env| env.verify_budget = Duration::from_millis(600));
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(env, PROFILE)?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard
        .use_guided_ids(
            GuidedIds {
                cloud: world.cloud(),
                tenant_id: world.sim.ms.tenant_id().to_owned(),
                app_id: registered.app_id.clone(),
            },
            &ctx,
        )
        .await?;
    wizard
        .plan_app_registration(
            engine_common::app_input(engine_common::all_features()),
            &ctx,
        )
        .await?;
    wizard.plan_key_pair(KeyPairInput::default(), &ctx).await?;
    wizard.plan_consent(&ctx).await?;
    wizard
        .set_sync_options(engine_common::sync_options(), &ctx)
        .await?;
    wizard.review(&ctx).await?;
    let applied = wizard.apply(&ctx).await?;
    let saved = applied.certificate_path.ok_or("no public_key.pem saved")?;
    assert!(saved.starts_with(world.dir.path()), "{}", saved.display());
    assert!(saved.exists());
    Ok(registered.app_id)
}
