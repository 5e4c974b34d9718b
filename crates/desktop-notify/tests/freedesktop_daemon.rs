//! `show` against a notification server on a real, private D-Bus session: the test re-runs
//! itself inside `dbus-run-session`, where it plays the desktop's notification daemon
//! (org.freedesktop.Notifications, as the Desktop Notifications Specification 1.2 defines it)
//! and clicks or dismisses what it is shown.
#![cfg(all(unix, not(target_os = "macos")))]

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use desktop_notify::{Notice, NotifyError, Outcome, Urgency, show};
use zbus::interface;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const INSIDE: &str = "DESKTOP_NOTIFY_INSIDE_PRIVATE_BUS";
const TEST_NAME: &str = "clicks_and_dismissals_reach_the_app_through_a_real_session_bus";

/// What the daemon was asked to show.
#[derive(Debug, Clone)]
struct Shown {
    app_name: String,
    summary: String,
    body: String,
    actions: Vec<String>,
    hints: HashMap<String, OwnedValue>,
}

/// A notification daemon whose user clicks every notification titled "click…" and dismisses
/// every other one, at once, before its `Notify` call has even returned.
struct Daemon {
    next_id: AtomicU32,
    shown: Arc<Mutex<Vec<Shown>>>,
    /// Whether it offers actions (some desktops' daemons do not).
    actions: Arc<AtomicBool>,
}

#[interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        actions: Vec<String>,
        hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> zbus::fdo::Result<u32> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let click = summary.starts_with("click");
        if let Ok(mut shown) = self.shown.lock() {
            shown.push(Shown {
                app_name,
                summary,
                body,
                actions,
                hints,
            });
        }
        let failed = |e: zbus::Error| zbus::fdo::Error::Failed(e.to_string());
        if click {
            Self::action_invoked(&emitter, id, "default")
                .await
                .map_err(failed)?;
        } else {
            // Someone else's notification is clicked first: that is no click on this one.
            Self::action_invoked(&emitter, id + 1000, "default")
                .await
                .map_err(failed)?;
            // Reason 2: dismissed by the user.
            Self::notification_closed(&emitter, id, 2)
                .await
                .map_err(failed)?;
        }
        Ok(id)
    }

    fn get_capabilities(&self) -> Vec<String> {
        let mut capabilities = vec!["body".to_owned()];
        if self.actions.load(Ordering::SeqCst) {
            capabilities.push("actions".to_owned());
        }
        capabilities
    }

    #[zbus(signal)]
    async fn action_invoked(
        emitter: &SignalEmitter<'_>,
        id: u32,
        action_key: &str,
    ) -> zbus::Result<()>;

    #[zbus(signal)]
    async fn notification_closed(
        emitter: &SignalEmitter<'_>,
        id: u32,
        reason: u32,
    ) -> zbus::Result<()>;
}

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
    let absent = show(&notice("click", Urgency::Normal), |_| {});
    match absent {
        Err(NotifyError::Service(reason)) => {
            assert!(reason.contains("org.freedesktop.Notifications"), "{reason}")
        }
        other => return Err(format!("expected a service error, got {other:?}").into()),
    }

    let shown = Arc::new(Mutex::new(Vec::new()));
    let actions = Arc::new(AtomicBool::new(false));
    let _daemon = zbus::blocking::connection::Builder::session()?
        .name("org.freedesktop.Notifications")?
        .serve_at(
            "/org/freedesktop/Notifications",
            Daemon {
                next_id: AtomicU32::new(1),
                shown: Arc::clone(&shown),
                actions: Arc::clone(&actions),
            },
        )?
        .build()?;

    // A daemon without actions could show the notification but never report a click: nothing
    // is shown, and the caller shows one that says where to go instead.
    let no_actions = show(&notice("click", Urgency::Normal), |_| {});
    assert!(
        matches!(no_actions, Err(NotifyError::NoActions)),
        "{no_actions:?}"
    );
    assert!(shown.lock().map_err(|_| "poisoned")?.is_empty());
    actions.store(true, Ordering::SeqCst);

    assert_eq!(
        outcome_of(&notice("click: expires in 7 days", Urgency::Critical))?,
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
    assert_eq!(first.summary, "click: expires in 7 days");
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
