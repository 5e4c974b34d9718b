//! The directory pickers' searches as Tauri commands, through the open wizard's Microsoft
//! sign-in (automatic mode). Guided mode answers with the `directory-guided` report.

use pbx365::ErrorReport;
use pbx365::directory::{self, DirectoryCheck, DirectoryGroup, DirectoryPerson};
use tauri::State;

use crate::wizard_commands::WizardHost;

/// People whose name or user principal name starts with `query` (2 characters at least).
#[tauri::command]
pub async fn directory_search_people(
    host: State<'_, WizardHost>,
    query: String,
) -> Result<Vec<DirectoryPerson>, ErrorReport> {
    let graph = host.directory_graph().await?;
    directory::search_people(&graph, &query)
        .await
        .map_err(|e| e.report())
}

/// Groups whose name or mail address starts with `query` (2 characters at least).
#[tauri::command]
pub async fn directory_search_groups(
    host: State<'_, WizardHost>,
    query: String,
) -> Result<Vec<DirectoryGroup>, ErrorReport> {
    let graph = host.directory_graph().await?;
    directory::search_groups(&graph, &query)
        .await
        .map_err(|e| e.report())
}

/// A pasted list of user principal names or mail addresses checked against the directory.
#[tauri::command]
pub async fn directory_check_people(
    host: State<'_, WizardHost>,
    entries: Vec<String>,
) -> Result<DirectoryCheck, ErrorReport> {
    let graph = host.directory_graph().await?;
    directory::check_people(&graph, &entries)
        .await
        .map_err(|e| e.report())
}
