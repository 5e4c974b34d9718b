//! `show` against a notification server on a real, private D-Bus session: the test re-runs
//! itself inside `dbus-run-session`, where it plays the desktop's notification daemon
//! (`examples/notification_daemon`), which clicks or dismisses what it is shown.
#![cfg(all(unix, not(target_os = "macos")))]

#[path = "../examples/notification_daemon/daemon.rs"]
mod daemon;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use desktop_notify::{Notice, NotifyError, Outcome, Urgency, show};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const INSIDE: &str = "DESKTOP_NOTIFY_INSIDE_PRIVATE_BUS";
const TEST_NAME: &str = "clicks_and_dismissals_reach_the_app_through_a_real_session_bus";

fn notice(title: &str, urgency: Urgency) -> Notice {
    Notice {
        app_name: "pbx365".to_owned(),
        desktop_entry: Some("pbx365-setup".to_owned()),
        title: title.to_owned(),
        body: "The certificate of contoso expires in 7 days.".to_owned(),
        action_label: "Rotate now".to_owned(),
        urgency,
    }
}

/// Shows `notice` and waits for its outcome.
fn outcome_of(notice: &Notice) -> Result<Outcome, Box<dyn std::error::Error>> {
    let (sender, receiver) = mpsc::channel();
    show(notice, move |outcome| {
        let _ = sender.send(outcome);
    })?;
    Ok(receiver.recv_timeout(Duration::from_secs(20))?)
}

#[test]
fn clicks_and_dismissals_reach_the_app_through_a_real_session_bus() -> TestResult {
    if std::env::var_os(INSIDE).is_some() {
        return exercise();
    }
    let exe = std::env::current_exe()?;
    let output = Command::new("dbus-run-session")
        .arg("--")
        .arg(&exe)
        .args(["--exact", TEST_NAME, "--nocapture"])
        .env(INSIDE, "1")
        .output()
        .map_err(|e| {
            format!("could not start dbus-run-session ({e}); run scripts/bootstrap to install dbus")
        })?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "inner run failed:\n{log}");
    assert!(log.contains("1 passed"), "inner test did not run:\n{log}");
    Ok(())
}

fn exercise() -> TestResult {
    // No daemon on the bus yet: a clear error, and nothing waits.
    let absent = show(&notice("expires soon", Urgency::Normal), |_| {});
    match absent {
        Err(NotifyError::Service(reason)) => {
            assert!(reason.contains("org.freedesktop.Notifications"), "{reason}")
        }
        other => return Err(format!("expected a service error, got {other:?}").into()),
    }

    let shown = Arc::new(Mutex::new(Vec::new()));
    let actions = Arc::new(AtomicBool::new(false));
    let _daemon = zbus::blocking::connection::Builder::session()?
        .name(daemon::SERVICE)?
        .serve_at(
            daemon::PATH,
            daemon::Daemon::new(Arc::clone(&actions), {
                let shown = Arc::clone(&shown);
                move |notification| {
                    if let Ok(mut shown) = shown.lock() {
                        shown.push(notification);
                    }
                }
            }),
        )?
        .build()?;

    // A daemon without actions could show the notification but never report a click: nothing
    // is shown, and the caller shows one that says where to go instead.
    let no_actions = show(&notice("expires soon", Urgency::Normal), |_| {});
    assert!(
        matches!(no_actions, Err(NotifyError::NoActions)),
        "{no_actions:?}"
    );
    assert!(shown.lock().map_err(|_| "poisoned")?.is_empty());
    actions.store(true, Ordering::SeqCst);

    assert_eq!(
        outcome_of(&notice("expires in 7 days", Urgency::Critical))?,
        Outcome::Clicked
    );
    assert_eq!(
        outcome_of(&notice("dismiss: expires in 14 days", Urgency::Normal))?,
        Outcome::Closed
    );

    let shown = shown.lock().map_err(|_| "poisoned")?.clone();
    assert_eq!(shown.len(), 2, "{shown:?}");
    let first = &shown[0];
    assert_eq!(first.app_name, "pbx365");
    assert_eq!(first.summary, "expires in 7 days");
    assert_eq!(first.body, "The certificate of contoso expires in 7 days.");
    // The click on the body is the "default" action; its label is for button-style desktops.
    assert_eq!(first.actions, ["default", "Rotate now"]);
    assert_eq!(u8::try_from(&first.hints["urgency"])?, 2);
    assert_eq!(
        String::try_from(first.hints["desktop-entry"].try_clone()?)?,
        "pbx365-setup"
    );
    assert_eq!(u8::try_from(&shown[1].hints["urgency"])?, 1);
    Ok(())
}
