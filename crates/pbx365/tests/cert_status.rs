//! Certificate status, reminders and monitoring exit codes against the emulators, with the
//! engine's clock (and the emulated Microsoft clock) moved instead of waiting a year.

mod cert_support;

use std::sync::Arc;

use cert_support::{DaysFromNow, PROFILE, RecordingNotifier, TestResult, integrated_tenant};
use pbx365::certificate::lifecycle::status::check;
use pbx365::certificate::lifecycle::{
    AppMatch, AppSource, CertificateState, CertificateStatus, NotificationAction, Reminder,
    Reminders, check_profiles, report,
};
use pbx365::profile::{Mode, Profile};

fn exit_code(status: &CertificateStatus) -> u8 {
    report(std::slice::from_ref(status)).exit_code
}

#[tokio::test]
async fn every_state_is_detected_with_its_exit_code() -> TestResult {
    let tenant = integrated_tenant().await?;
    let graph = AppSource::Graph {
        graph: &tenant.graph,
        object_id: &tenant.object_id,
    };
    let pbx = &tenant.pbx;
    let at = move |days: i64| async move { check(PROFILE, pbx, graph, &DaysFromNow(days)).await };

    let healthy = at(0).await;
    assert!(
        matches!(
            healthy.state,
            CertificateState::Healthy {
                days_left: 364..=365
            }
        ),
        "{healthy:?}"
    );
    assert_eq!(healthy.app_match, AppMatch::OnApp);
    assert_eq!(
        healthy.pbx_certificate.as_ref().map(|c| &c.sha1_thumbprint),
        Some(&tenant.first_thumbprint)
    );
    assert_eq!(healthy.app_keys.len(), 2, "both of the app's certificates");
    assert_eq!(healthy.app_keys.iter().filter(|k| k.used_by_pbx).count(), 1);
    assert_eq!(exit_code(&healthy), 0);
    let line = report(std::slice::from_ref(&healthy)).line;
    assert!(line.starts_with("PBX365 CERT OK - contoso: 36"), "{line}");
    assert!(line.contains("| days_left=36"), "{line}");

    // The certificate is valid for 365 days from now: move the clock towards its end.
    for (days, threshold, code) in [(340, 30, 1), (352, 14, 1), (358, 7, 2), (364, 1, 2)] {
        let status = at(days).await;
        assert!(
            matches!(status.state, CertificateState::Expiring { threshold_days, .. } if threshold_days == threshold),
            "at +{days} days: {:?}",
            status.state
        );
        assert_eq!(exit_code(&status), code, "at +{days} days");
    }

    let expired = at(366).await;
    assert!(
        matches!(expired.state, CertificateState::Expired { .. }),
        "{expired:?}"
    );
    assert!(expired.days_left.is_some_and(|d| d < 0));
    assert_eq!(exit_code(&expired), 2);

    // Without Graph, the PBX's own sign-in decides; with Microsoft's clock moved past the end
    // date, Microsoft refuses the PBX too.
    let accepted = check(PROFILE, &tenant.pbx, AppSource::PbxSignIn, &DaysFromNow(0)).await;
    assert_eq!(accepted.app_match, AppMatch::AcceptedByMicrosoft);
    assert!(matches!(accepted.state, CertificateState::Healthy { .. }));
    tenant.sim.ms.set_clock_offset(time::Duration::days(366));
    assert!(
        tenant.pbx.ms365_users().await.is_err(),
        "Microsoft accepts an expired certificate"
    );
    let expired = check(
        PROFILE,
        &tenant.pbx,
        AppSource::PbxSignIn,
        &DaysFromNow(366),
    )
    .await;
    assert!(matches!(expired.state, CertificateState::Expired { .. }));
    tenant.sim.ms.set_clock_offset(time::Duration::ZERO);

    // The PBX makes a key pair nobody put on the app: sync is broken now.
    tenant.pbx.generate_ms365_certificate().await?;
    let mismatched = at(0).await;
    assert!(
        matches!(mismatched.state, CertificateState::Mismatched { .. }),
        "{mismatched:?}"
    );
    assert_eq!(mismatched.app_match, AppMatch::Missing);
    assert!(mismatched.app_keys.iter().all(|k| !k.used_by_pbx));
    assert_eq!(exit_code(&mismatched), 2);
    let refused = check(PROFILE, &tenant.pbx, AppSource::PbxSignIn, &DaysFromNow(0)).await;
    assert!(
        matches!(refused.state, CertificateState::Mismatched { .. }),
        "the PBX's refused sign-in: {refused:?}"
    );

    // The PBX keeps failing beyond the retry budget: nothing can be said.
    tenant.sim.pbx_faults.fail_every(1, 500);
    let unknown = at(0).await;
    tenant.sim.pbx_faults.clear();
    assert!(
        matches!(&unknown.state, CertificateState::Unknown(unchecked) if unchecked.reason.contains("500")),
        "{unknown:?}"
    );
    assert_eq!(exit_code(&unknown), 3);
    Ok(())
}

#[tokio::test]
async fn each_reminder_fires_once_across_restarts() -> TestResult {
    let tenant = integrated_tenant().await?;
    let notifier = Arc::new(RecordingNotifier::default());
    let state_file = Reminders::default_path(tenant.dir.path());
    let source = AppSource::Graph {
        graph: &tenant.graph,
        object_id: &tenant.object_id,
    };
    let pbx = &tenant.pbx;
    let status_at =
        move |days: i64| async move { check(PROFILE, pbx, source, &DaysFromNow(days)).await };
    // Each call is a fresh start of the app: only the state file remembers.
    let check_after_restart = |status: CertificateStatus| {
        let reminders = Reminders::new(&state_file, notifier.clone());
        async move { reminders.check(&[status]).map(|outcome| outcome.sent.len()) }
    };

    let mut expected = Vec::new();
    for (days, due) in [
        (0, None),
        (340, Some("expiring-30")),
        (341, None),
        (352, Some("expiring-14")),
        (353, None),
        (358, Some("expiring-7")),
        (364, Some("expiring-1")),
        (364, None),
        (366, Some("expired")),
        (400, None),
    ] {
        let status = status_at(days).await;
        let sent = check_after_restart(status).await?;
        assert_eq!(sent, usize::from(due.is_some()), "at +{days} days");
        expected.extend(due);
    }

    // A mismatch is reminded once too, and a failed notification is tried again.
    tenant.pbx.generate_ms365_certificate().await?;
    notifier.set_failing(true);
    let failed = Reminders::new(&state_file, notifier.clone()).check(&[status_at(0).await])?;
    assert_eq!(failed.failed.len(), 1);
    notifier.set_failing(false);
    assert_eq!(check_after_restart(status_at(0).await).await?, 1);
    assert_eq!(check_after_restart(status_at(1).await).await?, 0);
    expected.push("mismatched");

    let shown = notifier.shown();
    // `days_left` depends on the second the test runs at; compare the kind and threshold.
    let kinds: Vec<String> = shown
        .iter()
        .map(|n| match &n.reminder {
            Reminder::Expiring { threshold_days, .. } => format!("expiring-{threshold_days}"),
            Reminder::Expired => "expired".to_owned(),
            Reminder::Mismatched => "mismatched".to_owned(),
        })
        .collect();
    assert_eq!(kinds, expected);
    for notification in &shown {
        assert_eq!(notification.profile, PROFILE);
        assert_eq!(
            notification.action,
            NotificationAction::OpenRotation {
                profile: PROFILE.to_owned()
            }
        );
        assert!(
            notification.title.starts_with("contoso: "),
            "{}",
            notification.title
        );
    }
    assert!(std::fs::read_to_string(&state_file)?.contains("mismatched"));
    Ok(())
}

#[tokio::test]
async fn saved_profiles_are_checked_for_monitoring() -> TestResult {
    let tenant = integrated_tenant().await?;
    let (env, profile) = tenant.saved_profile(Mode::Auto)?;
    let (_, guided) = tenant.saved_profile(Mode::Guided)?;
    let unset = Profile::new("not-set-up")?;

    let statuses = check_profiles(&env, std::slice::from_ref(&profile), &DaysFromNow(0)).await;
    assert_eq!(statuses[0].app_match, AppMatch::OnApp, "{:?}", statuses[0]);
    assert_eq!(report(&statuses).exit_code, 0);

    let guided_status = check_profiles(&env, &[guided], &DaysFromNow(0)).await;
    assert_eq!(guided_status[0].app_match, AppMatch::AcceptedByMicrosoft);

    let all = check_profiles(&env, &[profile.clone(), unset], &DaysFromNow(0)).await;
    assert!(matches!(all[1].state, CertificateState::Unknown(_)));
    let monitoring = report(&all);
    assert_eq!(monitoring.exit_code, 3);
    assert!(
        monitoring
            .line
            .starts_with("PBX365 CERT UNKNOWN - contoso: 36"),
        "{}",
        monitoring.line
    );
    assert!(monitoring.line.contains("not-set-up_days_left=U;30;7;;"));

    // The PBX cannot be reached at all: UNKNOWN, with the reason.
    tenant.sim.pbx_faults.drop_every(1);
    let unreachable = check_profiles(&env, &[profile], &DaysFromNow(0)).await;
    tenant.sim.pbx_faults.drop_every(0);
    assert_eq!(report(&unreachable).exit_code, 3, "{:?}", unreachable[0]);
    Ok(())
}
