//! Disconnect: a profile's integration taken apart (the PBX, Microsoft Entra, this computer).
//! Thin wrappers over `pbx365::reset`: the plan for the admin to confirm, then the run with
//! its steps streamed to the window.

use std::sync::Arc;

use pbx365::ErrorReport;
use pbx365::reset::{self, ResetError, ResetEvent, ResetPlan, ResetReport, ResetSink, ResetStep};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::tray;
use crate::wizard_commands::WizardHost;

/// Why a reset did not finish: the engine's report (a stable code, the English sentence — what
/// is done, and that running it again continues — and the values the UI words it with), and the
/// step that stopped (none when nothing was changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResetFailure {
    #[serde(flatten)]
    pub report: ErrorReport,
    pub step: Option<ResetStep>,
}

impl From<ResetError> for ResetFailure {
    fn from(error: ResetError) -> Self {
        Self {
            report: error.report(),
            step: error.step(),
        }
    }
}

/// What disconnecting `profile` would do, for the admin to confirm (reads only).
#[tauri::command]
pub async fn reset_plan(
    host: State<'_, WizardHost>,
    profile: String,
    delete_app: bool,
) -> Result<ResetPlan, ResetFailure> {
    Ok(reset::plan(&host.env, &profile, delete_app).await?)
}

/// The reset, once the admin confirmed its plan; each step's progress goes to `events`. A reset
/// that stopped is continued by calling this again.
#[tauri::command]
pub async fn reset_run(
    app: AppHandle,
    host: State<'_, WizardHost>,
    profile: String,
    delete_app: bool,
    events: Channel<ResetEvent>,
) -> Result<ResetReport, ResetFailure> {
    let sink: ResetSink = Arc::new(move |event: &ResetEvent| {
        if let Err(error) = events.send(event.clone()) {
            tracing::warn!(%error, "a reset progress event could not reach the window");
        }
    });
    let result = reset::run(&host.env, &profile, delete_app, sink).await;
    // The tray lists the profiles: the reset may have removed one, also when a later step failed.
    tray::refresh(&app);
    Ok(result?)
}

#[cfg(test)]
mod tests {
    use pbx365::Error;
    use pbx365::reset::Cause;

    use super::*;

    #[test]
    fn a_stopped_reset_reaches_the_window_with_its_code_sentence_and_step()
    -> Result<(), serde_json::Error> {
        let error = ResetError::Stopped {
            profile: "contoso".to_owned(),
            step: ResetStep::Entra,
            state: "The PBX's Microsoft 365 integration is already stopped.".to_owned(),
            cause: Box::new(Cause::Access(Error::SignInDeclined)),
        };
        let message = error.to_string();
        let value = serde_json::to_value(ResetFailure::from(error))?;
        assert_eq!(value["code"], "reset-stopped");
        assert_eq!(value["step"], "entra");
        assert_eq!(value["message"], message.as_str());
        assert!(message.contains("stopped at step 2 of 3"), "{message}");
        assert_eq!(value["params"]["number"], "2");
        assert_eq!(value["cause"]["code"], "sign-in-declined");
        Ok(())
    }

    #[test]
    fn a_reset_that_did_not_start_names_no_step() -> Result<(), serde_json::Error> {
        let value =
            serde_json::to_value(ResetFailure::from(ResetError::from(Error::SignInDeclined)))?;
        assert_eq!(value["code"], "sign-in-declined");
        assert_eq!(value["step"], serde_json::Value::Null);
        Ok(())
    }
}
