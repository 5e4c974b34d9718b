//! Desktop notifications that open the screen they are about when clicked: the certificate
//! reminders lead to the profile's rotation screen, a sync with failures to the Sync page.
//!
//! Where the desktop can report the click (freedesktop.org notifications, via the
//! desktop-notify crate) the window comes to the front on that screen. Elsewhere the
//! notification plugin shows it, and the text says where to go, since the plugin cannot
//! report clicks on desktop platforms.

use desktop_notify::{Notice, NotifyError, Outcome, Urgency};
use serde::Serialize;
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;

/// The event that tells the window which screen to show; its payload is a route such as
/// `certificates/rotate/contoso` (ui/src/lib/shell/routes.ts).
pub const NAVIGATE_EVENT: &str = "navigate";

/// The Sync page of `profile` (`syncHref` in ui/src/lib/shell/routes.ts). Profile names are
/// letters, digits, `-`, `_` and `.` (pbx365::input::check_profile_name): none needs escaping.
pub fn sync_route(profile: &str) -> String {
    format!("sync/{profile}")
}

/// The Sync page of `profile`, asking to sync it now (the confirmation shows a fresh plan).
pub fn sync_now_route(profile: &str) -> String {
    format!("{}/now", sync_route(profile))
}

/// The rotation screen of `profile` (`rotationHref` in ui/src/lib/certificates/route.ts).
pub fn rotation_route(profile: &str) -> String {
    format!("certificates/rotate/{profile}")
}

/// A notification and the screen it leads to.
#[derive(Debug, Clone)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// The route a click opens.
    pub route: String,
    /// Where that screen is, for desktops where a click cannot open it: "Certificates > …".
    pub place: String,
    /// The action's label, on desktops that show actions as buttons.
    pub action_label: String,
    pub urgent: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Navigate<'a> {
    route: &'a str,
}

/// Shows `message`; failing to show one is logged, never an error of what it reports.
pub fn notify(app: &AppHandle, message: Message) {
    if let Err(error) = try_notify(app, message) {
        tracing::warn!(%error, "a desktop notification could not be shown");
    }
}

/// Shows `message`, clickable where the desktop allows.
pub fn try_notify(app: &AppHandle, message: Message) -> Result<(), String> {
    let notice = Notice {
        app_name: "pbx365".to_owned(),
        desktop_entry: Some(app.package_info().name.clone()),
        title: message.title.clone(),
        body: message.body.clone(),
        action_label: message.action_label.clone(),
        urgency: if message.urgent {
            Urgency::Critical
        } else {
            Urgency::Normal
        },
    };
    let on_click = app.clone();
    let route = message.route.clone();
    let shown = desktop_notify::show(&notice, move |outcome| {
        if outcome == Outcome::Clicked {
            open(&on_click, &route);
        }
    });
    match shown {
        Ok(()) => Ok(()),
        Err(error) => {
            if !matches!(error, NotifyError::Unsupported) {
                tracing::debug!(%error, "no clickable notification; the plain one is shown");
            }
            app.notification()
                .builder()
                .title(&message.title)
                .body(format!("{} In pbx365: {}.", message.body, message.place))
                .show()
                .map_err(|error| error.to_string())
        }
    }
}

/// Brings the window to the front on `route`.
pub fn open(app: &AppHandle, route: &str) {
    crate::focus_main_window(app);
    if let Err(error) = app.emit_to("main", NAVIGATE_EVENT, Navigate { route }) {
        tracing::warn!(%error, route, "the window could not be sent to the clicked screen");
    }
}
