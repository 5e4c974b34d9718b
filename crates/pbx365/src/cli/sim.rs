//! `pbx365 sim`: runs the PBX and Microsoft emulators on loopback with seeded demo tenants,
//! prints how to reach them, and runs until Ctrl-C or SIGTERM.
//!
//! With `--tenants N` the one emulated PBX hosts N tenants (one address, one SIP domain each),
//! each linked to its own emulated Microsoft tenant, as a service provider's are.
//!
//! Output (stdout), once the emulators listen: one JSON object, or with `--print-env` shell
//! `export` lines (`PBX365_SIM_*`) to `source` from a file, or with `--print-setup` one `pbx365
//! setup` command per tenant. All deliberately show the demo accounts' passwords: they are the
//! emulators' fixed, public demo credentials.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::bail;
use clap::{Args, ValueEnum};
use serde::Serialize;
use sim::ms::{DemoAccount, National};
use sim::{Account, FaultScope, Faults, GraphLog, HostedTenant, PbxVersion, SimConfig, Tenants};

use super::output;

/// What `pbx365 sim --help` says about the output.
pub const OUTPUT_HELP: &str = "Output (stdout, once both emulators listen): one JSON object — \
pbx {url, version, licensed_users, tenant_domain, tenant_name, redirect_uris, admin, \
standard_user, system_admin (each {username, password, domain})}, microsoft {cloud (global or china, as --cloud), authority, \
tenant_id, tenant_domain, initial_domain, organization, global_admin, user_admin, member (each \
{user_principal_name, password, display_name, object_id, directory_role, \
can_grant_application_permissions}), groups (each {id, display_name, direct_members})}, \
ca_file (with --tls, else null), and tenants: every tenant as {profile (a name for its \
`pbx365 setup --profile`), pbx, microsoft}, the first being the one pbx and microsoft describe. \
It is on one line when stdout is not a terminal.\n\n\
With --tenants N (N > 1) the PBX at pbx.url hosts N tenants with the SIP domains \
tenantNNN.<--tenant-domain> (numbered from 1, padded so they sort), each with its own demo \
accounts and its own Microsoft tenant (its own authority, a port each: from --ms-port upward, \
or any free ports) seeded from --seed + N - 1.\n\n\
With --print-setup: one line per tenant instead, a `pbx365 setup … --yes` command that creates \
its profile (automatic mode; with --auto-approve it needs no browser: run it with \
PBX365_TEST_BROWSER=follow-redirects).\n\n\
With --print-env: `export PBX365_SIM_…='…'` lines instead (PBX_URL, PBX_VERSION, TENANT_DOMAIN, \
PBX_ADMIN, PBX_ADMIN_PASSWORD, PBX_STANDARD_USER, PBX_STANDARD_USER_PASSWORD, MS_AUTHORITY, \
MS_CLOUD, MS_TENANT_ID, MS_ADMIN, MS_ADMIN_PASSWORD, and CA_FILE with --tls), e.g. \
`pbx365 sim --tls --print-env > sim.env & sleep 2; . ./sim.env`.\n\n\
The passwords shown are the emulators' fixed demo credentials. Ctrl-C or SIGTERM stops the \
emulators cleanly (and removes the temporary CA file).";

/// Retry-After of the throttling switch: short, so clients that honour it finish quickly.
const THROTTLE_RETRY_AFTER: Duration = Duration::from_secs(1);
/// What the server-error switch answers.
const FAILURE_STATUS: u16 = 503;

fn defaults() -> SimConfig {
    SimConfig::default()
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The PBX's port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = defaults().pbx_port, value_name = "N")]
    pbx_port: u16,
    /// The Microsoft cloud's port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = defaults().ms_port, value_name = "N")]
    ms_port: u16,
    /// Serve HTTPS with a CA generated at start; its certificate is written to a file.
    #[arg(long)]
    tls: bool,
    /// Where to write the CA certificate with --tls (default: a temporary file removed at exit).
    #[arg(long, value_name = "PATH", requires = "tls")]
    ca_file: Option<PathBuf>,
    /// PBX users of the seeded tenant, the demo admin and standard user included.
    #[arg(long, default_value_t = defaults().pbx_users, value_name = "N")]
    pbx_users: usize,
    /// People in the Microsoft tenant (besides its demo accounts).
    #[arg(long, default_value_t = defaults().ms_users, value_name = "N")]
    users: usize,
    /// The tenant's domain (the PBX tenant's SIP domain and the Microsoft tenant's verified domain).
    #[arg(long, default_value_t = defaults().tenant_domain, value_name = "DOMAIN")]
    tenant_domain: String,
    /// Put an SBC with this web domain in front of the PBX (a second Redirect URI appears).
    #[arg(long, value_name = "DOMAIN")]
    sbc_domain: Option<String>,
    /// Seed of the generated people.
    #[arg(long, default_value_t = defaults().seed, value_name = "N")]
    seed: u64,
    /// The PortSIP version the emulated PBX plays: 22.2 (the published API spec) or 22.6
    /// (the newest: no `sign_in_as_administrator`, `POST /ms365/destroy`, display names of at
    /// most 128 characters, Graph with `User.ReadBasic.All`).
    #[arg(long, default_value_t = defaults().pbx_version, value_name = "VERSION")]
    pbx_version: PbxVersion,
    /// How many users the PBX tenant's licence allows; creating more is refused (default:
    /// every seeded PBX user and Microsoft 365 person, plus 50).
    #[arg(long, value_name = "N")]
    licensed_users: Option<usize>,
    /// The national cloud the Microsoft emulator plays: global, or china (Microsoft Azure
    /// operated by 21Vianet: discovery names chinacloudapi.cn's hosts and tokens are issued for
    /// https://microsoftgraph.chinacloudapi.cn only; the other cloud's Graph is AADSTS500011).
    #[arg(long, default_value = "global", value_name = "CLOUD")]
    cloud: National,
    /// How many PBX tenants the one emulated PBX hosts, each linked to its own emulated
    /// Microsoft tenant (at most 1000).
    #[arg(long, default_value = "1", value_parser = parse_tenants, value_name = "N")]
    tenants: NonZeroUsize,
    /// Print shell `export PBX365_SIM_…=…` lines instead of the JSON object (one tenant only).
    #[arg(long, conflicts_with = "print_setup")]
    print_env: bool,
    /// Print one `pbx365 setup` command per tenant instead of the JSON object.
    #[arg(long)]
    print_setup: bool,
    /// A test aid: append every Microsoft Graph call (`/v1.0/…`) the emulated Microsoft
    /// cloud answers, of every tenant, to FILE (created when missing), one JSON object per
    /// line {method, path, query, request, status, response} written before the answer is
    /// sent, so a test can hold the calls to Graph's metadata. Sign-in and token exchanges,
    /// which carry secrets, are not written.
    #[arg(long, value_name = "FILE")]
    record_graph: Option<PathBuf>,
    #[command(flatten)]
    faults: FaultArgs,
}

/// The fault switches.
#[derive(Debug, Args)]
#[command(next_help_heading = "Fault switches")]
struct FaultArgs {
    /// Which endpoints the HTTP faults (latency, throttling, failures, drops) apply to; a
    /// comma-separated list, e.g. `pbx,ms-token`. Each emulator counts "every Nth" over the targeted requests it
    /// gets, separately from the other. Faulted answers are each endpoint's own errors:
    /// PortSIP's, Graph's, or the identity platform's OAuth error with an AADSTS code.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "TARGETS",
        default_value = "both"
    )]
    fault_target: Vec<FaultTarget>,
    /// Delay every request by this many milliseconds.
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u64>,
    /// Answer every Nth request with 429 and `Retry-After: 1`.
    #[arg(long, value_name = "N")]
    throttle_every: Option<u64>,
    /// Answer every Nth request with 503.
    #[arg(long, value_name = "N")]
    fail_every: Option<u64>,
    /// Close the connection without an answer on every Nth request, before handling it:
    /// nothing it asked for happens.
    #[arg(long, value_name = "N")]
    drop_every: Option<u64>,
    /// Handle every Nth request completely (a user is created, settings saved, a token
    /// issued and a single-use one spent) and then close the connection without the answer,
    /// as when the reply is lost on the way back.
    #[arg(long, value_name = "N")]
    drop_reply_every: Option<u64>,
    /// New Entra apps and keys stay invisible this long, as Entra's replication makes them.
    #[arg(long, value_name = "SECS")]
    replication_delay_secs: Option<u64>,
    /// Every Microsoft consent ends as if the admin chose Cancel (AADSTS65004).
    #[arg(long)]
    consent_refused: bool,
    /// PBX and Microsoft access tokens live only a few seconds, so clients must refresh.
    #[arg(long)]
    short_tokens: bool,
    /// The Microsoft sign-in and consent pages approve at once, as the Global Administrator.
    #[arg(long)]
    auto_approve: bool,
}

/// Ports (one per Microsoft tenant) and start-up time keep `--tenants` to this.
const MAX_TENANTS: usize = 1000;

fn parse_tenants(text: &str) -> Result<NonZeroUsize, String> {
    let count: usize = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of tenants; give 1 to {MAX_TENANTS}"))?;
    NonZeroUsize::new(count)
        .filter(|count| count.get() <= MAX_TENANTS)
        .ok_or_else(|| format!("give 1 to {MAX_TENANTS} tenants, not {count}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FaultTarget {
    /// The PBX and every Microsoft endpoint.
    Both,
    /// The PBX.
    Pbx,
    /// Every Microsoft endpoint: the identity platform and Graph.
    Ms,
    /// The Microsoft identity platform (also `ms-token`): token, device code, discovery,
    /// sign-in and consent.
    #[value(alias = "ms-token")]
    MsIdentity,
    /// Microsoft Graph.
    MsGraph,
}

/// Where the fault switches go: whether on the PBX, and on which Microsoft endpoints if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Targets {
    pbx: bool,
    microsoft: Option<FaultScope>,
}

impl Targets {
    fn of(chosen: &[FaultTarget]) -> Self {
        let any = |wanted: &[FaultTarget]| chosen.iter().any(|t| wanted.contains(t));
        let every_ms = any(&[FaultTarget::Both, FaultTarget::Ms]);
        let identity = every_ms || any(&[FaultTarget::MsIdentity]);
        let graph = every_ms || any(&[FaultTarget::MsGraph]);
        Self {
            pbx: any(&[FaultTarget::Both, FaultTarget::Pbx]),
            microsoft: match (identity, graph) {
                (true, true) => Some(FaultScope::All),
                (true, false) => Some(FaultScope::Identity),
                (false, true) => Some(FaultScope::Graph),
                (false, false) => None,
            },
        }
    }
}

pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let config = SimConfig {
        tls: args.tls,
        pbx_port: args.pbx_port,
        ms_port: args.ms_port,
        pbx_users: args.pbx_users,
        ms_users: args.users,
        seed: args.seed,
        short_tokens: args.faults.short_tokens,
        auto_approve: args.faults.auto_approve,
        tenant_domain: args.tenant_domain.clone(),
        sbc_domain: args.sbc_domain.clone(),
        ca_file: args.ca_file.clone(),
        pbx_version: args.pbx_version,
        licensed_users: args.licensed_users,
        cloud: args.cloud,
        ..SimConfig::default()
    };
    if args.print_env && args.tenants.get() > 1 {
        bail!(
            "--print-env describes one tenant; with --tenants use the JSON object or --print-setup"
        );
    }
    let stop = StopSignals::listen()?;
    let sim = sim::start_tenants(config, args.tenants).await?;
    if let Some(path) = &args.record_graph {
        let log = GraphLog::append_to(path)?;
        for hosted in &sim.tenants {
            log.observe(&hosted.ms_recorder);
        }
    }
    apply_faults(&sim, &args.faults);
    let first = first_tenant(&sim)?;
    if args.print_env {
        output::print(&export_lines(&sim, first))?;
    } else if args.print_setup {
        output::print(&setup_lines(&sim))?;
    } else {
        output::print_json(&description(&sim, first))?;
    }
    let microsoft = match sim.tenants.as_slice() {
        [only] => format!(
            "Microsoft ({} cloud) at {}",
            only.ms.national().name(),
            only.ms_authority
        ),
        many => format!("{} tenants, each with its own Microsoft tenant", many.len()),
    };
    eprintln!(
        "pbx365 sim: PBX (PortSIP {}) at {}, {microsoft}. Press Ctrl-C to stop.",
        first.pbx.version(),
        sim.pbx_url,
    );
    let why = stop.received().await;
    eprintln!("pbx365 sim: {why}; stopping the emulators.");
    sim.shutdown().await;
    Ok(())
}

fn first_tenant(sim: &Tenants) -> anyhow::Result<&HostedTenant> {
    match sim.tenants.first() {
        Some(first) => Ok(first),
        None => bail!("the emulators started without a tenant"),
    }
}

fn apply_faults(sim: &Tenants, faults: &FaultArgs) {
    let targets = Targets::of(&faults.fault_target);
    let mut chosen: Vec<&Faults> = Vec::new();
    if targets.pbx {
        chosen.push(&sim.pbx_faults);
    }
    if let Some(scope) = targets.microsoft {
        for ms_faults in sim.ms_faults() {
            ms_faults.limit_to(scope);
            chosen.push(ms_faults);
        }
    }
    for target in chosen {
        if let Some(ms) = faults.latency_ms {
            target.set_latency(Duration::from_millis(ms));
        }
        if let Some(every) = faults.throttle_every {
            target.throttle_every(every, THROTTLE_RETRY_AFTER);
        }
        if let Some(every) = faults.fail_every {
            target.fail_every(every, FAILURE_STATUS);
        }
        if let Some(every) = faults.drop_every {
            target.drop_every(every);
        }
        if let Some(every) = faults.drop_reply_every {
            target.drop_reply_every(every);
        }
    }
    for ms in sim.tenants.iter().map(|t| &t.ms) {
        if let Some(secs) = faults.replication_delay_secs {
            ms.set_replication_delay(Duration::from_secs(secs));
        }
        if faults.consent_refused {
            ms.set_consent_refused(true);
        }
        if faults.short_tokens {
            // The PBX half got it through its configuration.
            ms.set_access_token_lifetime(sim::pbx::SHORT_TOKEN_LIFETIME);
        }
    }
}

/// The JSON object announced on stdout. Its field names are part of the CLI's contract.
#[derive(Debug, Serialize)]
struct Description<'a> {
    pbx: PbxDescription<'a>,
    microsoft: MicrosoftDescription<'a>,
    /// The CA certificate (PEM) to trust, with `--tls`.
    ca_file: Option<&'a Path>,
    /// Every tenant, the first being the one `pbx` and `microsoft` describe.
    tenants: Vec<TenantDescription<'a>>,
}

#[derive(Debug, Serialize)]
struct TenantDescription<'a> {
    /// A profile name for the tenant: its domain's first label.
    profile: &'a str,
    pbx: PbxDescription<'a>,
    microsoft: MicrosoftDescription<'a>,
}

#[derive(Debug, Serialize)]
struct PbxDescription<'a> {
    url: &'a str,
    /// The PortSIP version played, as `--pbx-version` takes it (`22.6`).
    version: &'static str,
    licensed_users: usize,
    tenant_domain: &'a str,
    tenant_name: &'a str,
    redirect_uris: Vec<String>,
    admin: PbxAccount<'a>,
    standard_user: PbxAccount<'a>,
    system_admin: PbxAccount<'a>,
}

#[derive(Debug, Serialize)]
struct PbxAccount<'a> {
    username: &'a str,
    password: &'a str,
    domain: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct MicrosoftDescription<'a> {
    /// The national cloud played, as `--cloud` takes it.
    cloud: &'static str,
    authority: &'a str,
    tenant_id: &'a str,
    tenant_domain: &'a str,
    initial_domain: &'a str,
    organization: &'a str,
    global_admin: MicrosoftAccount,
    user_admin: MicrosoftAccount,
    member: MicrosoftAccount,
    /// The seeded groups, for scoping user sync to them (`pbx365 setup --sync-groups`).
    groups: Vec<GroupDescription>,
}

#[derive(Debug, Serialize)]
struct GroupDescription {
    id: String,
    display_name: String,
    direct_members: usize,
}

#[derive(Debug, Serialize)]
struct MicrosoftAccount {
    user_principal_name: String,
    password: String,
    display_name: String,
    object_id: String,
    directory_role: Option<&'static str>,
    can_grant_application_permissions: bool,
}

impl<'a> From<&'a Account> for PbxAccount<'a> {
    fn from(account: &'a Account) -> Self {
        Self {
            username: &account.username,
            password: &account.password,
            domain: account.domain.as_deref(),
        }
    }
}

impl From<DemoAccount> for MicrosoftAccount {
    fn from(account: DemoAccount) -> Self {
        Self {
            directory_role: account.role.map(|role| role.display_name),
            can_grant_application_permissions: account
                .role
                .is_some_and(|role| role.can_grant_app_roles()),
            user_principal_name: account.user_principal_name,
            password: account.password,
            display_name: account.display_name,
            object_id: account.object_id,
        }
    }
}

fn description<'a>(sim: &'a Tenants, first: &'a HostedTenant) -> Description<'a> {
    Description {
        pbx: pbx_description(sim, first),
        microsoft: microsoft_description(first),
        ca_file: sim.ca_file.as_deref(),
        tenants: sim
            .tenants
            .iter()
            .map(|hosted| TenantDescription {
                profile: profile_name(hosted),
                pbx: pbx_description(sim, hosted),
                microsoft: microsoft_description(hosted),
            })
            .collect(),
    }
}

/// The tenant's domain's first label (`contoso`, `tenant001`).
fn profile_name(hosted: &HostedTenant) -> &str {
    let domain = &hosted.tenant.domain;
    domain.split('.').next().unwrap_or(domain)
}

fn pbx_description<'a>(sim: &'a Tenants, hosted: &'a HostedTenant) -> PbxDescription<'a> {
    let tenant = &hosted.tenant;
    PbxDescription {
        url: &sim.pbx_url,
        version: hosted.pbx.version().as_str(),
        licensed_users: hosted.pbx.licensed_users(),
        tenant_domain: &tenant.domain,
        tenant_name: &tenant.name,
        redirect_uris: std::iter::once(hosted.pbx.redirect_uri())
            .chain(hosted.pbx.sbc_redirect_uri())
            .collect(),
        admin: (&tenant.admin).into(),
        standard_user: (&tenant.standard_user).into(),
        system_admin: (&tenant.system_admin).into(),
    }
}

fn microsoft_description(hosted: &HostedTenant) -> MicrosoftDescription<'_> {
    let ms = &hosted.ms;
    let demo = ms.demo_accounts();
    MicrosoftDescription {
        cloud: ms.national().name(),
        authority: &hosted.ms_authority,
        tenant_id: ms.tenant_id(),
        tenant_domain: ms.tenant_domain(),
        initial_domain: ms.initial_domain(),
        organization: ms.organization_name(),
        global_admin: demo.global_admin.into(),
        user_admin: demo.user_admin.into(),
        member: demo.member.into(),
        groups: ms
            .groups()
            .into_iter()
            .map(|g| GroupDescription {
                direct_members: g.members.len(),
                id: g.id,
                display_name: g.display_name,
            })
            .collect(),
    }
}

/// One `pbx365 setup` command per tenant, its admin's password piped in.
fn setup_lines(sim: &Tenants) -> String {
    sim.tenants
        .iter()
        .map(|hosted| {
            let admin = &hosted.tenant.admin;
            let mut words = vec![
                "pbx365 setup --profile".to_owned(),
                shell_quote(profile_name(hosted)),
                "--pbx-url".to_owned(),
                shell_quote(&sim.pbx_url),
                "--username".to_owned(),
                shell_quote(&admin.username),
                "--domain".to_owned(),
                shell_quote(&hosted.tenant.domain),
                "--password-stdin --authority".to_owned(),
                shell_quote(&hosted.ms_authority),
                "--cloud".to_owned(),
                hosted.ms.national().name().to_owned(),
            ];
            if let Some(path) = &sim.ca_file {
                words.push("--ca-file".to_owned());
                words.push(shell_quote(&path.display().to_string()));
            }
            words.push("--mode auto --yes".to_owned());
            format!(
                "printf '%s\\n' {} | {}\n",
                shell_quote(&admin.password),
                words.join(" ")
            )
        })
        .collect()
}

/// `export NAME='value'` lines for a POSIX shell.
fn export_lines(sim: &Tenants, first: &HostedTenant) -> String {
    let demo = first.ms.demo_accounts();
    let tenant = &first.tenant;
    let mut variables = vec![
        ("PBX365_SIM_PBX_URL", sim.pbx_url.clone()),
        (
            "PBX365_SIM_PBX_VERSION",
            first.pbx.version().as_str().to_owned(),
        ),
        ("PBX365_SIM_TENANT_DOMAIN", tenant.domain.clone()),
        ("PBX365_SIM_PBX_ADMIN", tenant.admin.username.clone()),
        (
            "PBX365_SIM_PBX_ADMIN_PASSWORD",
            tenant.admin.password.clone(),
        ),
        (
            "PBX365_SIM_PBX_STANDARD_USER",
            tenant.standard_user.username.clone(),
        ),
        (
            "PBX365_SIM_PBX_STANDARD_USER_PASSWORD",
            tenant.standard_user.password.clone(),
        ),
        ("PBX365_SIM_MS_AUTHORITY", first.ms_authority.clone()),
        ("PBX365_SIM_MS_CLOUD", first.ms.national().name().to_owned()),
        ("PBX365_SIM_MS_TENANT_ID", first.ms.tenant_id().to_owned()),
        (
            "PBX365_SIM_MS_ADMIN",
            demo.global_admin.user_principal_name.clone(),
        ),
        (
            "PBX365_SIM_MS_ADMIN_PASSWORD",
            demo.global_admin.password.clone(),
        ),
    ];
    if let Some(path) = &sim.ca_file {
        variables.push(("PBX365_SIM_CA_FILE", path.display().to_string()));
    }
    variables
        .into_iter()
        .map(|(name, value)| format!("export {name}={}\n", shell_quote(&value)))
        .collect()
}

/// Single quotes keep every character literal; a single quote itself is closed, escaped and
/// reopened.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// Ctrl-C, and SIGTERM where there is one. Listening starts when this is made, before the
/// emulators are announced, so a stop requested right after the announcement is not missed.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl StopSignals {
    fn listen() -> anyhow::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(windows)]
        {
            Ok(Self {
                ctrl_c: tokio::signal::windows::ctrl_c()?,
            })
        }
    }

    /// Which signal arrived.
    async fn received(mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "Ctrl-C received",
                _ = self.terminate.recv() => "SIGTERM received",
            }
        }
        #[cfg(windows)]
        {
            self.ctrl_c.recv().await;
            "Ctrl-C received"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FaultScope, FaultTarget, Targets, shell_quote};

    #[test]
    fn fault_targets_combine() {
        use FaultTarget::{Both, Ms, MsGraph, MsIdentity, Pbx};
        let cases = [
            (vec![Both], true, Some(FaultScope::All)),
            (vec![Pbx], true, None),
            (vec![Ms], false, Some(FaultScope::All)),
            (vec![MsIdentity], false, Some(FaultScope::Identity)),
            (vec![MsGraph], false, Some(FaultScope::Graph)),
            (vec![MsIdentity, MsGraph], false, Some(FaultScope::All)),
            (vec![Pbx, MsIdentity], true, Some(FaultScope::Identity)),
            (vec![Ms, MsGraph], false, Some(FaultScope::All)),
        ];
        for (chosen, pbx, microsoft) in cases {
            assert_eq!(
                Targets::of(&chosen),
                Targets { pbx, microsoft },
                "{chosen:?}"
            );
        }
    }

    #[test]
    fn shell_quoting_keeps_everything_literal() {
        assert_eq!(shell_quote("Admin-pbx365!"), "'Admin-pbx365!'");
        assert_eq!(shell_quote("it's $HOME"), r"'it'\''s $HOME'");
    }
}
