//! Runs the real `pbx365` binary the way a newcomer would: `pbx365 sim` in the background,
//! other commands against it. Every child is killed when its handle is dropped, so a failing
//! test leaks no process. Every Graph call the emulators answered is held to Microsoft's Graph
//! v1.0 metadata when the [`RunningSim`] is dropped, as the in-process tests' tap does.

#[path = "../graph_contract_support/mod.rs"]
mod graph_contract_support;
pub mod keyring_home;

use std::error::Error;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, Command};
use tokio::task::JoinHandle;

pub type TestResult = Result<(), Box<dyn Error>>;

/// Guards against a hung child; generous, so it never decides a passing run.
pub const HANG_GUARD: Duration = Duration::from_secs(120);

/// A port nothing listens on right now (bound, then released for `pbx365 sim` to take).
pub fn free_port() -> std::io::Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()
        .map(|address| address.port())
}

/// `pbx365` with a clean environment for the settings it reads.
pub fn pbx365() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pbx365"));
    command
        .env_remove("RUST_LOG")
        .env_remove("PBX365_TEST_BROWSER")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// stdout as the one JSON object it must be.
    pub fn json(&self) -> Result<Value, Box<dyn Error>> {
        serde_json::from_str(self.stdout.trim())
            .map_err(|e| format!("stdout is not one JSON object ({e}): {self:?}").into())
    }
}

/// Runs `pbx365 args…` to the end, with `stdin` as its standard input.
pub async fn run(
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> Result<Finished, Box<dyn Error>> {
    let mut command = pbx365();
    command
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn()?;
    let mut input = child.stdin.take().ok_or("no stdin pipe")?;
    input.write_all(stdin.as_bytes()).await?;
    drop(input);
    let output = tokio::time::timeout(HANG_GUARD, child.wait_with_output()).await??;
    Ok(Finished {
        status: output.status,
        stdout: String::from_utf8(output.stdout)?,
        stderr: String::from_utf8(output.stderr)?,
    })
}

/// A running `pbx365 sim` and the JSON object it announced.
pub struct RunningSim {
    child: Child,
    stderr: JoinHandle<String>,
    pub info: Value,
    /// Holds the CA file with `--tls`, so it goes away even when the emulators are killed.
    _ca_dir: Option<tempfile::TempDir>,
    /// Last, so the emulators have been told to stop when it is checked.
    graph: GraphRecord,
}

impl RunningSim {
    /// Starts `pbx365 sim args…` (its CA, with `--tls`, in a folder this test owns) and reads
    /// its announcement.
    pub async fn start(args: &[&str]) -> Result<Self, Box<dyn Error>> {
        let ca_dir = args
            .contains(&"--tls")
            .then(tempfile::tempdir)
            .transpose()?;
        let ca_file = ca_dir.as_ref().map(|dir| dir.path().join("ca.pem"));
        let ca_args = ca_file
            .iter()
            .flat_map(|path| [std::ffi::OsStr::new("--ca-file"), path.as_os_str()]);
        let mut sim = Self::spawn(&ca_args.collect::<Vec<_>>(), args).await?;
        sim._ca_dir = ca_dir;
        Ok(sim)
    }

    /// Starts `pbx365 sim args…` leaving the CA where the emulators put it by default (a
    /// temporary folder they remove when they stop cleanly).
    pub async fn start_with_default_ca(args: &[&str]) -> Result<Self, Box<dyn Error>> {
        Self::spawn(&[], args).await
    }

    async fn spawn(ca_args: &[&std::ffi::OsStr], args: &[&str]) -> Result<Self, Box<dyn Error>> {
        let graph = GraphRecord::new()?;
        let mut child = pbx365()
            .arg("sim")
            .args(small_populations(args))
            .args(ca_args)
            .arg("--record-graph")
            .arg(graph.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = drain(child.stderr.take().ok_or("no stderr pipe")?);
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(HANG_GUARD, lines.next_line())
            .await??
            .ok_or("pbx365 sim ended without announcing itself")?;
        let info = serde_json::from_str(&line)
            .map_err(|e| format!("pbx365 sim printed no JSON object ({e}): {line}"))?;
        Ok(Self {
            child,
            stderr,
            info,
            _ca_dir: None,
            graph,
        })
    }

    /// The Graph calls the emulators have answered so far, oldest first.
    pub fn graph_calls(&self) -> Result<Vec<sim::GraphCall>, sim::GraphLogError> {
        self.graph.calls()
    }

    /// The string at a JSON pointer of the announcement, e.g. `/pbx/url`.
    pub fn get(&self, pointer: &str) -> Result<String, Box<dyn Error>> {
        self.info
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                format!("the announcement has no string at {pointer}: {}", self.info).into()
            })
    }

    pub fn ca_file(&self) -> Result<PathBuf, Box<dyn Error>> {
        Ok(PathBuf::from(self.get("/ca_file")?))
    }

    /// Asks the emulators to stop as a service manager would (SIGTERM) and waits for the exit.
    #[cfg(unix)]
    pub async fn terminate(mut self) -> Result<(ExitStatus, String), Box<dyn Error>> {
        let pid = self.child.id().ok_or("pbx365 sim already exited")?;
        let killed = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await?;
        assert!(killed.success(), "kill -TERM {pid} failed");
        let status = tokio::time::timeout(HANG_GUARD, self.child.wait()).await??;
        let stderr = self.stderr.await?;
        Ok((status, stderr))
    }
}

/// The file a `pbx365 sim --record-graph` writes, in a folder the test owns; when dropped at
/// the end of a test that otherwise passed, a Graph call off Microsoft's Graph v1.0 metadata
/// (either cloud's) fails the test.
pub struct GraphRecord {
    dir: tempfile::TempDir,
}

impl GraphRecord {
    pub fn new() -> std::io::Result<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
        })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("graph-calls.jsonl")
    }

    /// The calls written so far; none before the emulators created the file.
    pub fn calls(&self) -> Result<Vec<sim::GraphCall>, sim::GraphLogError> {
        match sim::GraphLog::read(&self.path()) {
            Err(sim::GraphLogError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Ok(Vec::new())
            }
            read => read,
        }
    }

    /// Every problem of the calls written so far, in the order they were made.
    pub fn problems(&self) -> Vec<String> {
        match self.calls() {
            Ok(calls) => calls
                .iter()
                .flat_map(|call| {
                    graph_contract_support::problems_of(graph_contract::Exchange {
                        method: &call.method,
                        path: &call.path,
                        query: &call.query,
                        request: call.request.as_ref(),
                        status: call.status,
                        response: call.response.as_ref(),
                    })
                })
                .collect(),
            Err(error) => vec![error.to_string()],
        }
    }
}

impl Drop for GraphRecord {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let problems = self.problems();
        assert!(
            problems.is_empty(),
            "Graph calls off Microsoft's Graph v1.0 metadata (spec/microsoft), as `pbx365 sim` \
             recorded them:\n{}",
            problems.join("\n")
        );
    }
}

/// Small populations so the emulators start fast, except where the test sets its own (clap
/// refuses a flag given twice).
fn small_populations(args: &[&str]) -> Vec<&'static str> {
    [("--pbx-users", "5"), ("--users", "12")]
        .into_iter()
        .filter(|(flag, _)| !args.contains(flag))
        .flat_map(|(flag, value)| [flag, value])
        .collect()
}

/// Reads a child's stderr to the end in the background, so the pipe never fills up.
fn drain(mut stderr: ChildStderr) -> JoinHandle<String> {
    tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text).await;
        text
    })
}

/// `--url … --username … --domain … --password-stdin` for a PBX account of the announcement
/// (`admin`, `standard_user`, `system_admin`), and its password for stdin.
pub fn pbx_login(sim: &RunningSim, account: &str) -> Result<(Vec<String>, String), Box<dyn Error>> {
    let mut args = vec![
        "pbx".to_owned(),
        "check".to_owned(),
        "--url".to_owned(),
        sim.get("/pbx/url")?,
        "--username".to_owned(),
        sim.get(&format!("/pbx/{account}/username"))?,
        "--password-stdin".to_owned(),
    ];
    if let Ok(domain) = sim.get(&format!("/pbx/{account}/domain")) {
        args.extend(["--domain".to_owned(), domain]);
    }
    Ok((args, sim.get(&format!("/pbx/{account}/password"))?))
}
