//! Desktop notifications whose click reaches the app.
//!
//! Tauri's notification plugin shows a notification but cannot tell the app that it was
//! clicked on desktop platforms. On Linux and the BSDs this crate speaks the freedesktop.org
//! Desktop Notifications protocol over the session D-Bus itself: it offers the `default`
//! action (what a click on the notification's body invokes) and waits, on a thread of its own,
//! for `ActionInvoked` or `NotificationClosed`. Elsewhere [`show`] answers
//! [`NotifyError::Unsupported`] and the caller falls back to a plain notification.

#[cfg(all(unix, not(target_os = "macos")))]
mod xdg;

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The application's name, as the desktop groups notifications by it.
    pub app_name: String,
    /// The desktop entry (`.desktop` file name without the extension), for the icon.
    pub desktop_entry: Option<String>,
    pub title: String,
    pub body: String,
    /// The label of the action a click invokes, for desktops that show actions as buttons.
    pub action_label: String,
    pub urgency: Urgency,
}

/// How insistently the desktop shows the notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Normal,
    /// Stays until dismissed on most desktops: for something that is broken now.
    Critical,
}

/// How a shown notification ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The admin clicked it (or its action button).
    Clicked,
    /// It expired, was dismissed, or was closed by the app.
    Closed,
}

/// Why a notification could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("this platform's notifications cannot report clicks to pbx365")]
    Unsupported,
    #[error("the desktop session's message bus cannot be reached: {0}")]
    Bus(String),
    #[error("no notification service answered on the desktop session bus: {0}")]
    Service(String),
    #[error(
        "the desktop's notification service does not offer actions, so a click cannot be heard"
    )]
    NoActions,
}

/// Shows `notice` and calls `on_outcome` once, on another thread, when it is clicked or
/// closed. Returns as soon as the desktop has accepted the notification. A desktop whose
/// notifications cannot be clicked ([`NotifyError::NoActions`]) is shown nothing, so the caller
/// can show a notification that says where to go instead.
pub fn show(
    notice: &Notice,
    on_outcome: impl FnOnce(Outcome) + Send + 'static,
) -> Result<(), NotifyError> {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        xdg::show(notice, on_outcome)
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    {
        let _ = (notice, on_outcome);
        Err(NotifyError::Unsupported)
    }
}
