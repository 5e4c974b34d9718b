//! `pbx365 diagnostics --output FILE.zip`: the archive an administrator sends to support —
//! versions, each profile's settings and PBX version, the doctor's last reports, the last sync
//! runs and the recent log, with every secret taken out.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use pbx365::Environment;
use pbx365::diagnostics::log_files::default_log_folder;
use pbx365::diagnostics::{self, ExportSummary, Versions};
use pbx365::profile::ProfileStore;
use pbx365::secrets::KeyringSecretStore;

use super::output;

#[derive(Debug, Args)]
pub struct DiagnosticsArgs {
    /// Where to write the archive (a ZIP file; an existing file is replaced).
    #[arg(long, value_name = "FILE.zip")]
    output: PathBuf,
    /// Print what went into the archive as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

pub const HELP: &str = "The archive holds no password, token or key: the keyring's secrets \
of every profile, and anything shaped like a secret, are replaced by ‹redacted› in every \
entry. Read it before you send it: it does hold the profiles' PBX addresses, user names, \
tenant IDs and the names of synced users.";

pub fn run(args: DiagnosticsArgs) -> anyhow::Result<()> {
    let profiles = ProfileStore::open_default()?;
    let secrets = KeyringSecretStore::new();
    let env = Environment::new(profiles, Arc::new(secrets));
    let summary = diagnostics::export(
        &env,
        &Versions::here(None, None),
        default_log_folder().as_deref(),
        &args.output,
    )?;
    if args.json {
        output::print_json(&summary)
    } else {
        output::print(&text(&summary))
    }
}

fn text(summary: &ExportSummary) -> String {
    let mut text = format!(
        "Wrote {} ({} entries):\n",
        summary.path,
        summary.entries.len()
    );
    for entry in &summary.entries {
        text.push_str(&format!("  {entry}\n"));
    }
    if !summary.problems.is_empty() {
        text.push_str("Some parts could not be read (listed in summary.json too):\n");
        for problem in &summary.problems {
            text.push_str(&format!("  - {}\n", output::clean(problem)));
        }
    }
    text
}
