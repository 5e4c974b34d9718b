//! The tray icon: open the window, "Sync …" for each profile with its last result, quit. With
//! many profiles the most urgent come first and the rest wait under "More…"
//! ([`pbx365::tray_menu`]), worded in the window's language ([`pbx365::ui_language`]).
//! "Sync …" opens that profile's Sync page asking first (a fresh plan, on which PBX and
//! tenant): the tray never writes to a PBX unasked.
//! With the tray, closing the window keeps pbx365 running, so the daily certificate check and
//! the reminders go on (start at login launches it straight into the tray).

use pbx365::sync::SyncStore;
use pbx365::tray_menu::{LastRun, ProfileEntry, ProfileState, tray_menu};
use pbx365::ui_language::AppLanguage;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, WindowEvent, Wry};

use crate::notifications;
use crate::sync_commands::{self, SyncRuns};
use crate::wizard_commands::WizardHost;

const TRAY_ID: &str = "pbx365";
const OPEN: &str = "open";
const QUIT: &str = "quit";
const SYNC_PREFIX: &str = "sync:";

/// The language the tray speaks, kept beside the profiles: it is known before any window has
/// loaded (a start hidden in the tray).
pub fn manage_language(app: &AppHandle) {
    app.manage(AppLanguage::in_folder(
        app.state::<WizardHost>().env.profiles.base(),
    ));
}

/// Puts the icon in the tray, once, and makes closing the window hide it there. Without a tray
/// (the desktop has none, or its library is missing) the window closes as usual.
pub fn install(app: &AppHandle) {
    if app.tray_by_id(TRAY_ID).is_some() {
        return;
    }
    let built = menu(app).and_then(|menu| {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("pbx365")
            .menu(&menu)
            .show_menu_on_left_click(true)
            .on_menu_event(on_menu_event);
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    });
    if let Err(error) = built {
        tracing::warn!(%error, "no tray icon: closing the window will quit pbx365");
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        let hidden = window.clone();
        window.on_window_event(move |event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                api.prevent_close();
                if let Err(error) = hidden.hide() {
                    tracing::warn!(%error, "the window could not be hidden in the tray");
                }
            }
        });
    }
}

/// Rebuilds the menu: profiles come and go, runs start and end.
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    if let Err(error) = menu(app).and_then(|menu| tray.set_menu(Some(menu))) {
        tracing::warn!(%error, "the tray menu could not be updated");
    }
}

fn menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let language = app.state::<AppLanguage>().current();
    let words = tray_menu(profile_states(app), language);
    let menu = Menu::new(app)?;
    let item = |id: String, label: &str, enabled: bool| {
        MenuItem::with_id(app, id, label, enabled, None::<&str>)
    };
    let sync_item = |entry: &ProfileEntry| {
        item(
            format!("{SYNC_PREFIX}{}", entry.profile),
            &entry.sync_label,
            entry.can_sync,
        )
    };
    // A label, not an action: disabled items are how tray menus show status.
    let last_item =
        |entry: &ProfileEntry| item(format!("last:{}", entry.profile), &entry.last_result, false);
    menu.append(&item(OPEN.to_owned(), &words.open, true)?)?;
    for entry in &words.top {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        menu.append(&sync_item(entry)?)?;
        menu.append(&last_item(entry)?)?;
    }
    if let Some(more) = &words.more {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        let submenu = Submenu::new(app, &more.label, true)?;
        for entry in &more.entries {
            submenu.append(&sync_item(entry)?)?;
            submenu.append(&last_item(entry)?)?;
        }
        menu.append(&submenu)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(QUIT.to_owned(), &words.quit, true)?)?;
    Ok(menu)
}

fn profile_states(app: &AppHandle) -> Vec<ProfileState> {
    let host = app.state::<WizardHost>();
    let runs = app.state::<SyncRuns>();
    let profiles = match host.env.profiles.list() {
        Ok(profiles) => profiles,
        Err(error) => {
            tracing::warn!(%error, "the tray lists no profile: the profiles cannot be read");
            return Vec::new();
        }
    };
    let store = sync_commands::store(&host);
    profiles
        .into_iter()
        .map(|profile| ProfileState {
            running: runs.is_running(&profile.name),
            last: last_run(store.as_deref().ok(), &profile.name),
            profile: profile.name,
        })
        .collect()
}

fn last_run(store: Option<&SyncStore>, profile: &str) -> LastRun {
    match store.map(|store| store.history(profile, 1)) {
        Some(Ok(runs)) => LastRun::of(&runs),
        Some(Err(_)) | None => LastRun::Unavailable,
    }
}

/// The window's language (`setUiLanguage` in ui/src/lib/backend): the tray speaks it from now
/// on, and from the next start too when it is the admin's saved choice.
#[tauri::command(async)]
pub fn set_ui_language(app: AppHandle, language: String, saved: bool) -> Result<(), String> {
    app.state::<AppLanguage>()
        .window_shows(&language, saved)
        .map_err(|error| error.to_string())?;
    refresh(&app);
    Ok(())
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id.as_ref() {
        OPEN => crate::focus_main_window(app),
        QUIT => app.exit(0),
        id => {
            if let Some(profile) = id.strip_prefix(SYNC_PREFIX) {
                notifications::open(app, &notifications::sync_now_route(profile));
            }
        }
    }
}
