//! A notification daemon on the session bus that clicks every notification it is shown, for
//! the desktop app's end-to-end test (which runs it inside its private `dbus-run-session`).
//! It prints `ready` once it owns the bus name, then one line per notification:
//! `shown<TAB>app name<TAB>summary<TAB>body<TAB>actions<TAB>hint names`. It stops when its
//! standard input closes.

#[path = "daemon.rs"]
mod daemon;

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    // A test that stopped reading has ended; there is nobody left to tell.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let daemon = daemon::Daemon::new(Arc::new(AtomicBool::new(true)), |shown| {
        let mut hints: Vec<&str> = shown.hints.keys().map(String::as_str).collect();
        hints.sort_unstable();
        say(&format!(
            "shown\t{}\t{}\t{}\t{}\t{}",
            shown.app_name,
            shown.summary,
            shown.body,
            shown.actions.join(","),
            hints.join(",")
        ));
    });
    let _connection = zbus::blocking::connection::Builder::session()?
        .name(daemon::SERVICE)?
        .serve_at(daemon::PATH, daemon)?
        .build()?;
    say("ready");
    for line in std::io::stdin().lock().lines() {
        line?;
    }
    Ok(())
}
