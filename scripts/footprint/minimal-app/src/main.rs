//! The minimal Tauri 2 app of `make footprint`: a window with one static page that reports its
//! first paint, as pbx365's UI does under PBX365_REPORT_FIRST_PAINT=1.

use std::io::Write;

/// Prints when the page started and when it reports its first paint (Unix epoch, ms) as the
/// line the footprint script reads, the same line pbx365 prints.
#[tauri::command]
fn report_first_paint(navigation_start_ms: f64, painted_at_ms: f64) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "first-paint {painted_at_ms:.1} navigation-start {navigation_start_ms:.1}"
    )
    .and_then(|()| stdout.flush());
}

fn main() -> Result<(), tauri::Error> {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![report_first_paint])
        .run(tauri::generate_context!())
}
