//! What `setup` and `doctor` hand the wizard engine: profiles in the OS config directory,
//! secrets in the OS keyring, the browser, and progress lines on stderr with Ctrl-C as cancel.

use std::sync::Arc;

use pbx365::Environment;
use pbx365::profile::ProfileStore;
use pbx365::progress::{CancellationToken, ProgressEvent, StepContext};
use pbx365::secrets::KeyringSecretStore;

use super::{browser, ms_signin};

/// The engine's environment. The PBX's extra CA (`ca_pem`) is trusted for Microsoft as well:
/// the emulators share one CA, and an extra trusted root changes nothing for Microsoft's own
/// certificates.
pub fn environment(ca_pem: Option<&str>) -> anyhow::Result<Arc<Environment>> {
    let profiles = ProfileStore::open_default()?;
    let secrets = KeyringSecretStore::new();
    let microsoft_ca_pem = ca_pem.map(str::to_owned);
    let mut env = Environment::new(profiles, Arc::new(secrets));
    env.browser = Arc::from(browser::choose(microsoft_ca_pem.as_deref())?);
    env.microsoft_ca_pem = microsoft_ca_pem;
    Ok(Arc::new(env))
}

/// Progress lines on stderr; the first Ctrl-C cancels the running step (the engine then says
/// what was and was not done), a second one ends the process as usual.
pub fn step_context() -> StepContext {
    StepContext::new(
        Arc::new(|event: &ProgressEvent| eprintln!("{}", progress_line(event))),
        cancel_on_ctrl_c(),
    )
}

/// A context without progress lines (many profiles at once: theirs would interleave), with
/// Ctrl-C as [`step_context`] has it.
pub fn quiet_step_context() -> StepContext {
    StepContext::new(Arc::new(|_: &ProgressEvent| {}), cancel_on_ctrl_c())
}

fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Cancelling… (press Ctrl-C again to quit at once)");
            on_ctrl_c.cancel();
        }
        // Once Tokio handles SIGINT the default action is gone, so the second one exits here.
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    });
    cancel
}

fn progress_line(event: &ProgressEvent) -> String {
    if let Some(code) = &event.device_code {
        return ms_signin::device_code_instruction(
            &code.verification_uri,
            &code.user_code,
            code.expires_in_seconds,
        );
    }
    let counts = match (event.done, event.total) {
        (Some(done), Some(total)) => format!(" ({done}/{total})"),
        (Some(done), None) => format!(" ({done})"),
        _ => String::new(),
    };
    format!("[{}] {}{counts}", event.step, event.message)
}

#[cfg(test)]
mod tests {
    use pbx365::progress::{DeviceCodeInfo, ProgressText, StepId};

    use super::*;

    fn event(text: ProgressText) -> ProgressEvent {
        ProgressEvent::new(StepId::SyncOptions, text)
    }

    #[test]
    fn progress_lines_name_the_step_and_counts() {
        let mut counted = event(ProgressText::ReadPbxUsers { read: 100 });
        counted.done = Some(100);
        counted.total = Some(250);
        assert_eq!(
            progress_line(&counted),
            "[Sync options] Read 100 PBX users… (100/250)"
        );
    }

    #[test]
    fn a_device_code_is_shown_as_an_instruction() {
        let mut waiting = event(ProgressText::WaitingForBrowserSignIn);
        waiting.device_code = Some(DeviceCodeInfo {
            user_code: "ABC123".to_owned(),
            verification_uri: "https://microsoft.com/devicelogin".to_owned(),
            expires_in_seconds: 900,
        });
        let line = progress_line(&waiting);
        assert!(
            line.contains(
                "open https://microsoft.com/devicelogin in a browser and enter the code ABC123"
            ),
            "{line}"
        );
    }
}
