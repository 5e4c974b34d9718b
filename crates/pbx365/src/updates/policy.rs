//! Who may turn update checks off and move the endpoint, strongest first: demo mode (never
//! checks), the system-wide policy file an administrator or a company's deployment tool writes,
//! the environment (`PBX365_UPDATES`, `PBX365_UPDATE_ENDPOINT`), the user's settings file, and
//! the release endpoint built into the app. A policy or settings file that cannot be read turns
//! checks off and says why: it may have been meant to.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use super::message::UpdatesOff;

/// `off` turns update checks off for this process (`on` is the default).
pub const SWITCH_VARIABLE: &str = "PBX365_UPDATES";
/// Another update endpoint (HTTPS), for example a company mirror.
pub const ENDPOINT_VARIABLE: &str = "PBX365_UPDATE_ENDPOINT";

/// The `updates` object of `policy.json` and of `settings.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettings {
    /// `false` turns checks off.
    #[serde(default)]
    pub check: Option<bool>,
    #[serde(default)]
    pub endpoint: Option<String>,
}

/// Both files hold other settings later; only `updates` is read here.
#[derive(Debug, Default, Deserialize)]
struct SettingsFile {
    #[serde(default)]
    updates: UpdateSettings,
}

/// One source of settings as read: absent, read, or unreadable (with the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    Absent,
    Read {
        file: String,
        settings: UpdateSettings,
    },
    Unreadable {
        file: String,
        reason: String,
    },
}

impl Layer {
    /// A missing file is no setting; anything else that fails is unreadable.
    pub fn read_file(path: &Path) -> Layer {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Layer::Absent,
            Err(error) => {
                return Layer::Unreadable {
                    file,
                    reason: error.to_string(),
                };
            }
        };
        match serde_json::from_str::<SettingsFile>(&text) {
            Ok(parsed) => Layer::Read {
                file,
                settings: parsed.updates,
            },
            Err(error) => Layer::Unreadable {
                file,
                reason: error.to_string(),
            },
        }
    }

    fn settings(&self) -> Option<&UpdateSettings> {
        match self {
            Layer::Read { settings, .. } => Some(settings),
            _ => None,
        }
    }
}

/// Everything the decision reads, gathered once at start.
#[derive(Debug, Clone)]
pub struct UpdateInputs {
    pub demo: bool,
    pub policy: Layer,
    /// `PBX365_UPDATES`.
    pub switch: Option<String>,
    /// `PBX365_UPDATE_ENDPOINT`.
    pub endpoint: Option<String>,
    pub settings: Layer,
    /// The release endpoint in the app's configuration.
    pub built_in: Option<Url>,
}

impl UpdateInputs {
    /// Reads the two files (no settings file when the user has no config folder) and the
    /// process environment.
    pub fn read(
        demo: bool,
        policy_file: &Path,
        settings_file: Option<&Path>,
        built_in: Option<Url>,
    ) -> Self {
        Self {
            demo,
            policy: Layer::read_file(policy_file),
            switch: std::env::var(SWITCH_VARIABLE).ok(),
            endpoint: std::env::var(ENDPOINT_VARIABLE).ok(),
            settings: settings_file.map_or(Layer::Absent, Layer::read_file),
            built_in,
        }
    }
}

/// Whether to check, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateDecision {
    Check { endpoint: Url },
    Off(UpdatesOff),
}

/// The system-wide policy file: `/etc/pbx365/policy.json` on Linux,
/// `/Library/Application Support/pbx365/policy.json` on macOS,
/// `%ProgramData%\pbx365\policy.json` on Windows.
pub fn default_policy_file() -> PathBuf {
    if cfg!(target_os = "windows") {
        let program_data =
            std::env::var_os("ProgramData").unwrap_or_else(|| r"C:\ProgramData".into());
        PathBuf::from(program_data)
            .join("pbx365")
            .join("policy.json")
    } else if cfg!(target_os = "macos") {
        PathBuf::from("/Library/Application Support/pbx365/policy.json")
    } else {
        PathBuf::from("/etc/pbx365/policy.json")
    }
}

/// The user's settings file, beside the profiles (`~/.config/pbx365/settings.json` on Linux);
/// `None` when the OS has no config folder for this user.
pub fn default_settings_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "pbx365")
        .map(|dirs| dirs.config_dir().join("settings.json"))
}

/// Applies the sources in order of strength.
pub fn decide(inputs: &UpdateInputs) -> UpdateDecision {
    match off_reason(inputs) {
        Some(reason) => UpdateDecision::Off(reason),
        None => match endpoint(inputs) {
            Ok(endpoint) => UpdateDecision::Check { endpoint },
            Err(reason) => UpdateDecision::Off(reason),
        },
    }
}

fn off_reason(inputs: &UpdateInputs) -> Option<UpdatesOff> {
    if inputs.demo {
        return Some(UpdatesOff::Demo);
    }
    if let Some(reason) = layer_off(&inputs.policy, true) {
        return Some(reason);
    }
    if let Some(value) = &inputs.switch {
        match value.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "" => {}
            "off" | "false" | "0" => {
                return Some(UpdatesOff::Environment {
                    variable: SWITCH_VARIABLE.to_owned(),
                });
            }
            _ => {
                return Some(UpdatesOff::EnvironmentInvalid {
                    variable: SWITCH_VARIABLE.to_owned(),
                    value: value.clone(),
                });
            }
        }
    }
    layer_off(&inputs.settings, false)
}

fn layer_off(layer: &Layer, policy: bool) -> Option<UpdatesOff> {
    match layer {
        Layer::Absent => None,
        Layer::Unreadable { file, reason } => Some(if policy {
            UpdatesOff::PolicyUnreadable {
                file: file.clone(),
                reason: reason.clone(),
            }
        } else {
            UpdatesOff::SettingsUnreadable {
                file: file.clone(),
                reason: reason.clone(),
            }
        }),
        Layer::Read { file, settings } => (settings.check == Some(false)).then(|| {
            if policy {
                UpdatesOff::Policy { file: file.clone() }
            } else {
                UpdatesOff::Setting { file: file.clone() }
            }
        }),
    }
}

/// The first endpoint given, strongest source first; it must be an HTTPS URL.
fn endpoint(inputs: &UpdateInputs) -> Result<Url, UpdatesOff> {
    let given = inputs
        .policy
        .settings()
        .and_then(|settings| settings.endpoint.clone())
        .or_else(|| {
            inputs
                .endpoint
                .clone()
                .filter(|value| !value.trim().is_empty())
        })
        .or_else(|| {
            inputs
                .settings
                .settings()
                .and_then(|settings| settings.endpoint.clone())
        });
    let endpoint = match given {
        Some(value) => Url::parse(value.trim()).map_err(|error| UpdatesOff::EndpointInvalid {
            value: value.clone(),
            reason: error.to_string(),
        })?,
        None => inputs.built_in.clone().ok_or(UpdatesOff::NoEndpoint)?,
    };
    if endpoint.scheme() != "https" {
        return Err(UpdatesOff::EndpointNotHttps {
            endpoint: endpoint.to_string(),
        });
    }
    Ok(endpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT_IN: &str = "https://releases.example.com/pbx365/latest.json";

    fn inputs() -> UpdateInputs {
        UpdateInputs {
            demo: false,
            policy: Layer::Absent,
            switch: None,
            endpoint: None,
            settings: Layer::Absent,
            built_in: Url::parse(BUILT_IN).ok(),
        }
    }

    fn read(file: &str, check: Option<bool>, endpoint: Option<&str>) -> Layer {
        Layer::Read {
            file: file.to_owned(),
            settings: UpdateSettings {
                check,
                endpoint: endpoint.map(str::to_owned),
            },
        }
    }

    fn checks(inputs: &UpdateInputs) -> Option<String> {
        match decide(inputs) {
            UpdateDecision::Check { endpoint } => Some(endpoint.to_string()),
            UpdateDecision::Off(_) => None,
        }
    }

    #[test]
    fn by_default_the_built_in_endpoint_is_checked() {
        assert_eq!(checks(&inputs()).as_deref(), Some(BUILT_IN));
    }

    #[test]
    fn demo_mode_never_checks_whatever_else_says() {
        let mut inputs = inputs();
        inputs.demo = true;
        inputs.policy = read("/etc/pbx365/policy.json", Some(true), None);
        assert_eq!(decide(&inputs), UpdateDecision::Off(UpdatesOff::Demo));
    }

    #[test]
    fn the_policy_file_turns_checks_off_over_the_environment_and_settings() {
        let mut inputs = inputs();
        inputs.policy = read("/etc/pbx365/policy.json", Some(false), None);
        inputs.switch = Some("on".into());
        inputs.settings = read("settings.json", Some(true), None);
        assert_eq!(
            decide(&inputs),
            UpdateDecision::Off(UpdatesOff::Policy {
                file: "/etc/pbx365/policy.json".into()
            })
        );
    }

    #[test]
    fn the_environment_and_the_settings_file_turn_checks_off() {
        let mut by_variable = inputs();
        by_variable.switch = Some("OFF".into());
        assert_eq!(
            decide(&by_variable),
            UpdateDecision::Off(UpdatesOff::Environment {
                variable: SWITCH_VARIABLE.into()
            })
        );
        let mut by_setting = inputs();
        by_setting.settings = read("settings.json", Some(false), None);
        assert_eq!(
            decide(&by_setting),
            UpdateDecision::Off(UpdatesOff::Setting {
                file: "settings.json".into()
            })
        );
    }

    #[test]
    fn an_unknown_switch_value_is_named_and_checks_stay_off() {
        let mut inputs = inputs();
        inputs.switch = Some("never".into());
        assert_eq!(
            decide(&inputs),
            UpdateDecision::Off(UpdatesOff::EnvironmentInvalid {
                variable: SWITCH_VARIABLE.into(),
                value: "never".into()
            })
        );
    }

    #[test]
    fn the_strongest_endpoint_given_wins() {
        let mut inputs = inputs();
        inputs.settings = read("settings.json", None, Some("https://user.example/u.json"));
        assert_eq!(
            checks(&inputs).as_deref(),
            Some("https://user.example/u.json")
        );
        inputs.endpoint = Some("https://env.example/u.json".into());
        assert_eq!(
            checks(&inputs).as_deref(),
            Some("https://env.example/u.json")
        );
        inputs.policy = read(
            "policy.json",
            None,
            Some("https://mirror.corp.example/u.json"),
        );
        assert_eq!(
            checks(&inputs).as_deref(),
            Some("https://mirror.corp.example/u.json")
        );
    }

    #[test]
    fn an_endpoint_that_is_not_https_or_not_a_url_is_refused() {
        let mut plain = inputs();
        plain.endpoint = Some("http://mirror.example/u.json".into());
        assert!(matches!(
            decide(&plain),
            UpdateDecision::Off(UpdatesOff::EndpointNotHttps { .. })
        ));
        let mut garbage = inputs();
        garbage.endpoint = Some("mirror.example".into());
        assert!(matches!(
            decide(&garbage),
            UpdateDecision::Off(UpdatesOff::EndpointInvalid { .. })
        ));
        let mut none = inputs();
        none.built_in = None;
        assert_eq!(decide(&none), UpdateDecision::Off(UpdatesOff::NoEndpoint));
    }

    #[test]
    fn files_are_read_and_a_broken_policy_turns_checks_off()
    -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let missing = folder.path().join("missing.json");
        assert_eq!(Layer::read_file(&missing), Layer::Absent);

        let policy = folder.path().join("policy.json");
        std::fs::write(
            &policy,
            r#"{"updates": {"check": false}, "other": "kept for later settings"}"#,
        )?;
        let mut inputs = inputs();
        inputs.policy = Layer::read_file(&policy);
        assert!(matches!(
            decide(&inputs),
            UpdateDecision::Off(UpdatesOff::Policy { .. })
        ));

        std::fs::write(&policy, r#"{"updates": {"chek": false}}"#)?;
        inputs.policy = Layer::read_file(&policy);
        let decision = decide(&inputs);
        let UpdateDecision::Off(UpdatesOff::PolicyUnreadable { file, reason }) = decision else {
            return Err(format!("expected an unreadable policy, got {decision:?}").into());
        };
        assert_eq!(file, policy.display().to_string());
        assert!(reason.contains("chek"), "{reason}");
        Ok(())
    }
}
