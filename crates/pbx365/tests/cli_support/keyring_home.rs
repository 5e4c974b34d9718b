//! A throwaway HOME with its own config folder, and scenarios of `pbx365` commands run inside a
//! private `dbus-run-session` with an unlocked throwaway gnome-keyring — never the user's own
//! keyring or profiles.

use std::path::PathBuf;

use serde_json::Value;

use super::{HANG_GUARD, RunningSim};

/// A throwaway HOME whose config folder holds the profiles.
pub struct Home {
    pub dir: tempfile::TempDir,
}

/// What one command of a scenario printed.
#[derive(Debug)]
pub struct Step {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Step {
    pub fn json(&self) -> Result<Value, Box<dyn std::error::Error>> {
        serde_json::from_str(self.stdout.trim())
            .map_err(|e| format!("stdout is not one JSON object ({e}): {self:?}").into())
    }
}

impl Home {
    pub fn new() -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        for sub in ["config", "data", "run", "out"] {
            std::fs::create_dir_all(dir.path().join(sub))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                dir.path().join("run"),
                std::fs::Permissions::from_mode(0o700),
            )?;
        }
        Ok(Self { dir })
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// pbx365's own folder under the config folder.
    pub fn pbx365(&self) -> PathBuf {
        self.config().join("pbx365")
    }

    pub fn profile_file(&self, name: &str) -> PathBuf {
        self.pbx365().join("profiles").join(format!("{name}.json"))
    }

    /// Runs `commands` (one shell command line each, `$PBX365` being the binary) in a private
    /// D-Bus session with an unlocked keyring; each command's output is kept apart.
    pub async fn scenario(
        &self,
        commands: &[&str],
        env: &[(&str, String)],
    ) -> Result<Vec<Step>, Box<dyn std::error::Error>> {
        let out = self.dir.path().join("out");
        let mut script = String::from(
            "printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 90\n",
        );
        for (index, command) in commands.iter().enumerate() {
            let file = |suffix: &str| out.join(format!("{index}.{suffix}")).display().to_string();
            script.push_str(&format!(
                "{command} >'{}' 2>'{}'; echo $? >'{}'\n",
                file("out"),
                file("err"),
                file("rc")
            ));
        }
        let output = tokio::time::timeout(
            HANG_GUARD * 2,
            tokio::process::Command::new("dbus-run-session")
                .args(["--", "sh", "-c", &script])
                .env("HOME", self.dir.path())
                .env("XDG_CONFIG_HOME", self.config())
                .env("XDG_DATA_HOME", self.dir.path().join("data"))
                .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
                .env("PBX365", env!("CARGO_BIN_EXE_pbx365"))
                .env("PBX365_TEST_BROWSER", "follow-redirects")
                .env_remove("RUST_LOG")
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .stdin(std::process::Stdio::null())
                .kill_on_drop(true)
                .output(),
        )
        .await?
        .map_err(|e| format!("could not start dbus-run-session ({e}); run scripts/bootstrap to install dbus and gnome-keyring"))?;
        assert!(
            output.status.success(),
            "the private keyring session failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (0..commands.len())
            .map(|index| {
                let read =
                    |suffix: &str| std::fs::read_to_string(out.join(format!("{index}.{suffix}")));
                Ok(Step {
                    code: read("rc")?.trim().parse()?,
                    stdout: read("out")?,
                    stderr: read("err")?,
                })
            })
            .collect()
    }
}

/// The scenario's variables: the emulators' addresses, CA and demo PBX admin.
pub fn sim_env(
    sim: &RunningSim,
) -> Result<Vec<(&'static str, String)>, Box<dyn std::error::Error>> {
    Ok(vec![
        ("PBX_URL", sim.get("/pbx/url")?),
        ("PBX_USER", sim.get("/pbx/admin/username")?),
        ("PBX_PASSWORD", sim.get("/pbx/admin/password")?),
        ("PBX_DOMAIN", sim.get("/pbx/admin/domain")?),
        ("CA_FILE", sim.get("/ca_file")?),
        ("AUTHORITY", sim.get("/microsoft/authority")?),
    ])
}
