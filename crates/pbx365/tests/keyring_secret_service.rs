//! The real keyring: secrets written through `KeyringSecretStore` land in a real Secret Service
//! (GNOME Keyring), read back, and are deleted. The test never touches the user's keyring: it
//! re-runs itself inside a private `dbus-run-session` with a throwaway HOME, where it unlocks a
//! fresh gnome-keyring before doing the work.

use std::process::{Command, Output};

use pbx365::secrets::{
    KeyringSecretStore, Secret, SecretError, SecretKey, SecretKind, SecretStore,
};

const INSIDE: &str = "PBX365_INSIDE_PRIVATE_KEYRING";

#[test]
fn secrets_round_trip_through_a_real_secret_service() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os(INSIDE).is_some() {
        return exercise_store();
    }
    let home = tempfile::tempdir()?;
    let runtime = home.path().join("run");
    std::fs::create_dir_all(&runtime)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))?;
    }
    let exe = std::env::current_exe()?;
    let script = format!(
        "printf throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec '{}' --exact secrets_round_trip_through_a_real_secret_service --nocapture",
        exe.display()
    );
    let output = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env(INSIDE, "1")
        .output()
        .map_err(|e| format!("could not start dbus-run-session ({e}); run scripts/bootstrap to install dbus and gnome-keyring"))?;
    assert_inner_run_passed(&output);
    Ok(())
}

fn exercise_store() -> Result<(), Box<dyn std::error::Error>> {
    let store = KeyringSecretStore::with_service("pbx365-test");
    let password = SecretKey::new("acme", SecretKind::PbxPassword);
    let token = SecretKey::new("acme", SecretKind::MicrosoftRefreshToken);
    assert_eq!(store.get(&password)?, None);

    store.set(&password, &Secret::new("pa55-wörd"))?;
    store.set(&token, &Secret::new("0.AXkA-refresh"))?;
    assert_eq!(store.get(&password)?, Some(Secret::new("pa55-wörd")));

    store.set(&password, &Secret::new("rotated"))?;
    assert_eq!(store.get(&password)?, Some(Secret::new("rotated")));

    // Visible to other Secret Service clients under our service name: it is really in the keyring.
    let lookup = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "pbx365-test",
            "username",
            &token.account(),
        ])
        .output()?;
    let found = String::from_utf8_lossy(&lookup.stdout).into_owned();

    store.delete_profile("acme")?;
    assert_eq!(store.get(&password)?, None);
    assert_eq!(store.get(&token)?, None);
    assert_eq!(found, "0.AXkA-refresh", "secret-tool saw {found:?}");
    Ok(())
}

const NO_BUS: &str = "PBX365_INSIDE_NO_SESSION_BUS";

/// Without a reachable Secret Service the store is still made (the window starts, a command
/// that needs no secret runs), and the first secret read says the keyring is unavailable. The
/// test re-runs itself with a session bus address where nothing listens.
#[test]
fn the_keyring_is_reached_at_the_first_secret_not_before() -> Result<(), Box<dyn std::error::Error>>
{
    if std::env::var_os(NO_BUS).is_some() {
        let store = KeyringSecretStore::with_service("pbx365-test");
        let read = store.get(&SecretKey::new("acme", SecretKind::PbxPassword));
        assert!(
            matches!(read, Err(SecretError::Unavailable { .. })),
            "{read:?}"
        );
        return Ok(());
    }
    let nowhere = tempfile::tempdir()?;
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "the_keyring_is_reached_at_the_first_secret_not_before",
            "--nocapture",
        ])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", nowhere.path().join("bus").display()),
        )
        .env(NO_BUS, "1")
        .output()?;
    assert_inner_run_passed(&output);
    Ok(())
}

/// The test's run of itself (in its own bus or without one) ran that one test, and it passed.
fn assert_inner_run_passed(output: &Output) {
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "inner run failed:\n{log}");
    assert!(log.contains("1 passed"), "inner test did not run:\n{log}");
}
