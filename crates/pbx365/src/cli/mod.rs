//! The `pbx365` command line: argument parsing, logging and the runtime; one module per
//! command. `anyhow` is used only here, at the binary's edge.

mod all;
mod browser;
mod cert;
mod diagnostics;
mod doctor;
mod engine;
mod logging;
mod ms_signin;
mod output;
mod pbx_check;
mod pbx_login;
mod report;
mod reset;
mod setup;
mod sim;
mod stdin;
mod sync;
mod sync_all;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Connects a PortSIP PBX tenant to Microsoft 365 / Entra ID.
#[derive(Debug, Parser)]
#[command(
    name = "pbx365",
    version,
    after_long_help = "Exit codes: 0 success, 1 the operation failed (the reason is printed on \
stderr, and as JSON on stdout with --json), 2 invalid arguments. With --all (sync, doctor), 1 \
when any profile failed; the others still finish and the failed ones are named on stderr. \
`cert status` speaks the monitoring plugins' codes, also with --all (the worst profile \
decides).\n\n\
Logs go to stderr: -v info, -vv debug, -vvv trace; without -v, RUST_LOG applies (default: \
errors only). They also go to size-capped files in the OS's log folder (~/.local/state/pbx365/logs \
on Linux) at info level, or more with -vv/-vvv. Passwords, tokens and keys are never printed or \
logged.\n\n\
For tests and demos against the emulator only: PBX365_TEST_BROWSER=follow-redirects makes the \
Microsoft sign-in fetch the sign-in page with an HTTP client and follow its redirects instead of \
opening a browser. It completes only where the page approves by itself (`pbx365 sim \
--auto-approve`) and refuses any address that is not on this computer."
)]
struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace); overrides RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the PBX and Microsoft emulators (demo data, fault switches) until Ctrl-C.
    #[command(after_long_help = sim::OUTPUT_HELP)]
    Sim(Box<sim::SimArgs>),
    /// Talk to a PortSIP PBX.
    #[command(subcommand)]
    Pbx(PbxCommand),
    /// Talk to Microsoft Entra ID.
    #[command(subcommand)]
    Ms(MsCommand),
    /// Connect a PBX tenant to Microsoft 365: review the changes, confirm, apply, verify.
    #[command(after_long_help = setup::HELP)]
    Setup(Box<setup::SetupArgs>),
    /// Check that a profile's integration works (exit code 0 only when every check passes),
    /// or every profile's with --all.
    #[command(after_long_help = all::HELP)]
    Doctor(doctor::DoctorArgs),
    /// The integration's certificate: status for monitoring systems, and yearly rotation.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Sync Microsoft 365 users into the PBX now (`--dry-run` shows the plan), for one profile
    /// or --all of them, or `sync history`.
    #[command(after_long_help = sync::HELP)]
    Sync(sync::SyncArgs),
    /// Who is out of line between Microsoft 365 and the PBX, changing nothing.
    Drift(sync::ProfileArgs),
    /// Remove a profile's integration: stop it on the PBX, take the PBX's certificate off the
    /// app (or delete the app), and forget the profile here. A stopped reset resumes.
    #[command(after_long_help = reset::HELP)]
    Reset(reset::ResetArgs),
    /// Write the archive support asks for: versions, each profile's settings and PBX version,
    /// the doctor's last reports, the last sync runs and the recent log — without secrets.
    #[command(after_long_help = diagnostics::HELP)]
    Diagnostics(diagnostics::DiagnosticsArgs),
}

#[derive(Debug, Subcommand)]
enum CertCommand {
    /// Certificate state as a monitoring plugin: exit 0 OK, 1 WARNING (30 days or fewer),
    /// 2 CRITICAL (7 days or fewer, expired, or not on the app), 3 UNKNOWN.
    Status(cert::StatusArgs),
    /// Renew the key pair without downtime: new key on the PBX, added to the app, wait until
    /// Microsoft accepts it, then remove the old one. A stopped rotation resumes.
    Rotate(cert::RotateArgs),
}

#[derive(Debug, Subcommand)]
enum PbxCommand {
    /// Sign in and show the tenant, the role, the Microsoft 365 settings and the Redirect URI(s).
    Check(pbx_check::CheckArgs),
}

#[derive(Debug, Subcommand)]
enum MsCommand {
    /// Sign in to Microsoft and show who, which tenant, and which directory roles.
    Signin(ms_signin::SigninArgs),
}

impl Command {
    /// Most commands succeed or fail; `cert status` speaks the monitoring plugins' exit codes.
    async fn run(self) -> anyhow::Result<ExitCode> {
        let succeeded = match self {
            Self::Sim(args) => sim::run(*args).await,
            Self::Pbx(PbxCommand::Check(args)) => pbx_check::run(args).await,
            Self::Ms(MsCommand::Signin(args)) => ms_signin::run(args).await,
            Self::Setup(args) => setup::run(*args).await,
            Self::Doctor(args) => doctor::run(args).await,
            Self::Cert(CertCommand::Status(args)) => return Ok(cert::status(args).await),
            Self::Cert(CertCommand::Rotate(args)) => cert::rotate(args).await,
            Self::Sync(args) => sync::run(args).await,
            Self::Drift(args) => sync::drift(args).await,
            Self::Reset(args) => reset::run(args).await,
            Self::Diagnostics(args) => diagnostics::run(args),
        };
        succeeded.map(|()| ExitCode::SUCCESS)
    }
}

/// The command line's definition, which the man pages are generated from.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the arguments, runs the command and turns its outcome into the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start pbx365's async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli.command.run()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", output::sentence(&error));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::command().debug_assert();
    }
}
