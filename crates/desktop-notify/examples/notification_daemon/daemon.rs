//! A desktop's notification daemon (org.freedesktop.Notifications, Desktop Notifications
//! Specification 1.2) whose user acts on every notification at once, before its `Notify` call
//! has even returned: one titled "dismiss…" is dismissed (after a click on someone else's
//! notification, which must not count), every other one is clicked. Used by this crate's test
//! and, as the `notification_daemon` example, by the desktop app's end-to-end test.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use zbus::interface;
use zbus::object_server::SignalEmitter;
use zbus::zvariant::OwnedValue;

pub const SERVICE: &str = "org.freedesktop.Notifications";
pub const PATH: &str = "/org/freedesktop/Notifications";

/// What the daemon was asked to show.
#[derive(Debug, Clone)]
pub struct Shown {
    pub app_name: String,
    pub summary: String,
    pub body: String,
    pub actions: Vec<String>,
    pub hints: HashMap<String, OwnedValue>,
}

pub struct Daemon {
    next_id: AtomicU32,
    /// Called with each notification as it is shown.
    on_shown: Box<dyn Fn(Shown) + Send + Sync>,
    /// Whether it offers actions (some desktops' daemons do not).
    actions: Arc<AtomicBool>,
}

impl Daemon {
    pub fn new(actions: Arc<AtomicBool>, on_shown: impl Fn(Shown) + Send + Sync + 'static) -> Self {
        Self {
            next_id: AtomicU32::new(1),
            on_shown: Box::new(on_shown),
            actions,
        }
    }
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
        let dismiss = summary.starts_with("dismiss");
        (self.on_shown)(Shown {
            app_name,
            summary,
            body,
            actions,
            hints,
        });
        let failed = |e: zbus::Error| zbus::fdo::Error::Failed(e.to_string());
        if dismiss {
            Self::action_invoked(&emitter, id + 1000, "default")
                .await
                .map_err(failed)?;
            // Reason 2: dismissed by the user.
            Self::notification_closed(&emitter, id, 2)
                .await
                .map_err(failed)?;
        } else {
            Self::action_invoked(&emitter, id, "default")
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

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "pbx365-test-daemon".to_owned(),
            "pbx365".to_owned(),
            "1.0".to_owned(),
            "1.2".to_owned(),
        )
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
