//! What the commands can check on their own — extension, schedule, IDs, addresses, domains, CA
//! files — is refused before anything is sent: the PBX and the Microsoft authority given to the
//! real binary are one listener that counts every connection, the sign-in "browser" fetches its
//! page through that listener too, and the profile folder stays empty.

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cli_support::{Finished, TestResult, run};
use tokio::net::TcpListener;

const GOOD_GUID: &str = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90";

/// Flags and their values (empty for a switch).
type Options<'a> = &'a [(&'a str, &'a str)];

/// A loopback port that counts the connections made to it and closes each at once.
struct Listener {
    address: String,
    connections: Arc<AtomicUsize>,
}

impl Listener {
    async fn start() -> Result<Self, Box<dyn Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = format!("https://{}", listener.local_addr()?);
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Ok(Self {
            address,
            connections,
        })
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// A HOME whose config and data folders are the test's own.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Result<Self, Box<dyn Error>> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    fn env(&self) -> Result<Vec<(&'static str, String)>, Box<dyn Error>> {
        let home = self
            .dir
            .path()
            .to_str()
            .ok_or("temporary path is not UTF-8")?;
        Ok(vec![
            ("HOME", home.to_owned()),
            ("XDG_CONFIG_HOME", format!("{home}/config")),
            ("XDG_DATA_HOME", format!("{home}/data")),
            ("XDG_STATE_HOME", format!("{home}/state")),
            // Were a sign-in to start, its page would be fetched from the listener.
            ("PBX365_TEST_BROWSER", "follow-redirects".to_owned()),
        ])
    }

    /// Whatever the command left in HOME, but its log files: every run logs, by design, to
    /// `$XDG_STATE_HOME/pbx365/logs`, and nothing else may be in `state`.
    fn entries(&self) -> Result<Vec<std::path::PathBuf>, Box<dyn Error>> {
        let state = self.dir.path().join("state");
        let mut left: Vec<std::path::PathBuf> = std::fs::read_dir(self.dir.path())?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        left.retain(|path| *path != state);
        if state.exists() {
            let logs = state.join("pbx365").join("logs");
            for entry in std::fs::read_dir(&state)? {
                let path = entry?.path();
                if path != state.join("pbx365") {
                    left.push(path);
                }
            }
            if state.join("pbx365").exists() {
                for entry in std::fs::read_dir(state.join("pbx365"))? {
                    let path = entry?.path();
                    if path != logs {
                        left.push(path);
                    }
                }
            }
        }
        Ok(left)
    }
}

/// Runs `pbx365 args…` in `home` with nothing on stdin: a command that stops before reading
/// its password may exit before a password could be written to it.
async fn pbx365(home: &Home, args: &[String]) -> Result<Finished, Box<dyn Error>> {
    pbx365_with_password(home, args, "").await
}

async fn pbx365_with_password(
    home: &Home,
    args: &[String],
    stdin: &str,
) -> Result<Finished, Box<dyn Error>> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = home.env()?;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(&args, stdin, &env).await
}

/// `options` with `changes` applied: a flag given again replaces its value, a new one is added.
fn with(options: Options<'_>, changes: Options<'_>) -> Vec<String> {
    let mut merged: Vec<(String, String)> = options
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    for (flag, value) in changes {
        match merged.iter_mut().find(|(k, _)| k == flag) {
            Some(entry) => entry.1 = (*value).to_owned(),
            None => merged.push(((*flag).to_owned(), (*value).to_owned())),
        }
    }
    merged
        .into_iter()
        .flat_map(|(flag, value)| {
            // Switches carry no value.
            std::iter::once(flag).chain((!value.is_empty()).then_some(value))
        })
        .collect()
}

/// The command failed with `phrase` on stderr, without a connection, a browser or a file.
fn assert_refused_locally(
    what: &str,
    finished: &Finished,
    phrase: &str,
    listener: &Listener,
    home: &Home,
) -> TestResult {
    assert_eq!(finished.status.code(), Some(1), "{what}: {finished:?}");
    assert!(
        finished.stderr.contains(phrase),
        "{what}: expected {phrase:?} on stderr: {}",
        finished.stderr
    );
    assert!(
        !finished.stderr.contains("follow-redirects"),
        "{what}: a sign-in started: {}",
        finished.stderr
    );
    assert_eq!(listener.connections(), 0, "{what}: something was sent");
    assert_eq!(home.entries()?, Vec::<std::path::PathBuf>::new(), "{what}");
    Ok(())
}

#[tokio::test]
async fn setup_names_a_mistake_before_signing_in_anywhere() -> TestResult {
    let listener = Listener::start().await?;
    let home = Home::new()?;
    let at = listener.address.as_str();
    let auto = [
        ("setup", ""),
        ("--profile", "early"),
        ("--pbx-url", at),
        ("--username", "admin"),
        ("--password-stdin", ""),
        ("--authority", at),
        ("--mode", "auto"),
        ("--features", "users"),
        ("--yes", ""),
    ];
    let guided_typo = &GOOD_GUID[..35];
    // (what is wrong, the flags that make it so, a phrase of the refusal)
    let cases: [(&str, Options<'_>, &str); 7] = [
        (
            "leading zero",
            &[("--starting-extension", "0123")],
            "The starting extension \"0123\" starts with 0",
        ),
        (
            "bad cron",
            &[("--sync-time", "bad cron")],
            "The sync schedule \"bad cron\" is not valid",
        ),
        (
            "client ID",
            &[("--client-id", "not-a-guid")],
            "The sign-in client ID has \"n\" at position 1",
        ),
        (
            "tenant ID",
            &[
                ("--mode", "guided"),
                ("--tenant-id", guided_typo),
                ("--app-id", GOOD_GUID),
            ],
            "The Directory (tenant) ID has 35 characters",
        ),
        (
            "plain http",
            &[("--pbx-url", "http://pbx.contoso.example:8887")],
            "plain http://",
        ),
        (
            "not an address",
            &[("--pbx-url", "pbx contoso example")],
            "pbx contoso example",
        ),
        (
            "domain",
            &[("--domain", "https://contoso.example")],
            "The domain \"https://contoso.example\" is an address",
        ),
    ];
    for (what, changes, phrase) in cases {
        let finished = pbx365(&home, &with(&auto, changes)).await?;
        assert_refused_locally(what, &finished, phrase, &listener, &home)?;
        assert!(finished.stdout.is_empty(), "{what}: {finished:?}");
    }

    // Scripts get the field, as from the wizard.
    let finished = pbx365(
        &home,
        &with(&auto, &[("--sync-time", "0 24 * * *"), ("--json", "")]),
    )
    .await?;
    assert_refused_locally("json", &finished, "hour field has 24", &listener, &home)?;
    let report = finished.json()?;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["error"]["kind"], "schedule", "{report}");
    assert_eq!(report["error"]["field"], "sync_time", "{report}");
    Ok(())
}

#[tokio::test]
async fn pbx_check_and_ms_signin_name_a_mistake_before_sending_anything() -> TestResult {
    let listener = Listener::start().await?;
    let home = Home::new()?;
    let at = listener.address.as_str();
    let check = [
        ("pbx", ""),
        ("check", ""),
        ("--url", at),
        ("--username", "admin"),
        ("--password-stdin", ""),
    ];
    let finished = pbx365(&home, &with(&check, &[("--domain", "contoso example")])).await?;
    assert_refused_locally(
        "pbx domain",
        &finished,
        "The domain \"contoso example\" contains a blank",
        &listener,
        &home,
    )?;
    let finished = pbx365(
        &home,
        &with(&check, &[("--domain", "contoso..example"), ("--json", "")]),
    )
    .await?;
    assert_refused_locally("pbx json", &finished, "empty part", &listener, &home)?;
    let report = finished.json()?;
    assert_eq!(report["error"]["kind"], "input", "{report}");
    assert_eq!(report["error"]["field"], "domain", "{report}");

    let signin = [("ms", ""), ("signin", ""), ("--authority", at)];
    let finished = pbx365(&home, &with(&signin, &[("--client-id", "1234")])).await?;
    assert_refused_locally(
        "client ID",
        &finished,
        "The sign-in client ID has 4 characters",
        &listener,
        &home,
    )?;
    let finished = pbx365(
        &home,
        &with(
            &signin,
            &[("--tenant", "contoso example.com"), ("--json", "")],
        ),
    )
    .await?;
    assert_refused_locally(
        "tenant",
        &finished,
        "The tenant \"contoso example.com\" contains a blank",
        &listener,
        &home,
    )?;
    assert_eq!(finished.json()?["error"]["field"], "tenant");

    // Without a mistake each command does reach the listener (and fails there): the count
    // above would have seen any attempt.
    let reached = pbx365_with_password(&home, &with(&check, &[]), "password\n").await?;
    assert_eq!(reached.status.code(), Some(1), "{reached:?}");
    assert!(listener.connections() > 0, "{reached:?}");
    let seen = listener.connections();
    let reached = pbx365(&home, &with(&signin, &[])).await?;
    assert_eq!(reached.status.code(), Some(1), "{reached:?}");
    assert!(listener.connections() > seen, "{reached:?}");
    Ok(())
}
