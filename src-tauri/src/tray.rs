//! The tray icon: open the window, "Sync …" for each profile with its last result, quit. With
//! many profiles the most urgent come first and the rest wait under "More…"
//! ([`pbx365::profile_order`]).
//! "Sync …" opens that profile's Sync page asking first (a fresh plan, on which PBX and
//! tenant): the tray never writes to a PBX unasked.
//! With the tray, closing the window keeps pbx365 running, so the daily certificate check and
//! the reminders go on (start at login launches it straight into the tray).

use pbx365::profile_order::{TRAY_TOP, Urgency, shortlist};
use pbx365::sync::{RunStatus, SyncStore};
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

/// Puts the icon in the tray and makes closing the window hide it there. Without a tray (the
/// desktop has none, or its library is missing) the window closes as usual.
pub fn install(app: &AppHandle) {
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
    let menu = Menu::new(app)?;
    let item = |id: String, label: String, enabled: bool| {
        MenuItem::with_id(app, id, label, enabled, None::<&str>)
    };
    let sync_item = |line: &ProfileLine| {
        let label = if line.running {
            format!("Syncing {}…", line.profile)
        } else {
            format!("Sync {}…", line.profile)
        };
        item(
            format!("{SYNC_PREFIX}{}", line.profile),
            label,
            !line.running,
        )
    };
    // A label, not an action: disabled items are how tray menus show status.
    let last_item = |line: &ProfileLine| {
        item(
            format!("last:{}", line.profile),
            line.last_result.clone(),
            false,
        )
    };
    menu.append(&item(OPEN.to_owned(), "Open pbx365".to_owned(), true)?)?;
    let lines = shortlist(
        profile_lines(app),
        TRAY_TOP,
        |line| line.urgency,
        |line| &line.profile,
    );
    for line in &lines.top {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        menu.append(&sync_item(line)?)?;
        menu.append(&last_item(line)?)?;
    }
    if !lines.more.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
        let more = Submenu::new(app, "More…", true)?;
        for line in &lines.more {
            more.append(&sync_item(line)?)?;
            more.append(&last_item(line)?)?;
        }
        menu.append(&more)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(QUIT.to_owned(), "Quit pbx365".to_owned(), true)?)?;
    Ok(menu)
}

struct ProfileLine {
    profile: String,
    running: bool,
    last_result: String,
    urgency: Urgency,
}

fn profile_lines(app: &AppHandle) -> Vec<ProfileLine> {
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
        .map(|profile| {
            let running = runs.is_running(&profile.name);
            let (last_result, status) = last_result(store.as_deref().ok(), &profile.name);
            ProfileLine {
                running,
                last_result,
                urgency: Urgency::of(running, status),
                profile: profile.name,
            }
        })
        .collect()
}

/// The last run's headline and status.
fn last_result(store: Option<&SyncStore>, profile: &str) -> (String, Option<RunStatus>) {
    let last = store.map(|store| store.history(profile, 1));
    match last {
        Some(Ok(runs)) => runs.first().map_or_else(
            || ("Not synced yet".to_owned(), None),
            |run| (run.headline(), Some(run.status)),
        ),
        Some(Err(_)) | None => ("Sync history unavailable".to_owned(), None),
    }
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
