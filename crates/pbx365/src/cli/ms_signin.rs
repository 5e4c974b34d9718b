//! `pbx365 ms signin`: signs the administrator in to Microsoft (browser with PKCE, or device
//! code) and shows who signed in, which tenant, and whether they can grant the Graph
//! application permissions the automatic setup needs.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use entra::{
    Authenticator, Cloud, DeviceCodePrompt, EntraError, GraphClient, HttpOptions, National,
    Session, SignInOptions,
};
use pbx365::access::sessions::sign_in_again;
use pbx365::input::{FieldError, GuidField, check_guid, check_profile_name, check_tenant};
use pbx365::profile::{CloudChoice, NationalCloud};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::output::{self, Summary, or_unset, yes_no};
use super::{browser, engine};

/// Which Microsoft cloud and tenant to sign in to, and how.
#[derive(Debug, Args)]
pub struct MicrosoftSignIn {
    /// `global`, `china`, or an authority URL (e.g. the emulator's, from `pbx365 sim`).
    #[arg(
        long,
        value_parser = parse_cloud,
        value_name = "global|china|URL",
        required_unless_present = "profile",
        conflicts_with = "profile"
    )]
    pub authority: Option<Cloud>,
    /// The national cloud an authority URL plays (global when not given): its Graph scopes are
    /// that cloud's.
    #[arg(long, value_parser = parse_national, value_name = "global|china", requires = "authority")]
    pub cloud: Option<National>,
    /// The public client to sign in with (default: Microsoft Graph Command Line Tools).
    #[arg(long, default_value = entra::GRAPH_CLI_CLIENT_ID, value_name = "ID")]
    pub client_id: String,
    /// The tenant: `organizations` (any work account), a tenant ID, or a verified domain.
    #[arg(long, default_value = "organizations", value_name = "TENANT")]
    pub tenant: String,
    /// Sign in with a code typed on another device instead of opening a browser here; the
    /// code and the address are printed on stderr.
    #[arg(long)]
    pub device_code: bool,
}

pub fn parse_cloud(text: &str) -> Result<Cloud, EntraError> {
    text.parse()
}

pub fn parse_national(text: &str) -> Result<National, EntraError> {
    text.parse()
}

/// `--authority` as the national cloud `--cloud` names: a URL (such as the emulator's) is
/// reached as that cloud, global when `--cloud` is not given; `global` and `china` are their
/// own cloud, and a `--cloud` saying otherwise is refused.
pub fn reach_as(authority: &Cloud, national: Option<National>) -> Result<Cloud, FieldError> {
    match (authority.endpoint(), national) {
        (Some(_), national) => {
            Cloud::reached_at(national.unwrap_or_default(), &authority.authority())
                .map_err(|error| FieldError::new("authority", error.to_string()))
        }
        (None, Some(national)) if national != authority.national() => Err(FieldError::new(
            "cloud",
            format!(
                "--authority {authority} and --cloud {national} name different clouds; give --cloud only with an authority URL, to say which cloud it plays"
            ),
        )),
        (None, _) => Ok(authority.clone()),
    }
}

/// The profile's cloud for `--authority` and `--cloud` (see [`reach_as`]).
pub fn cloud_choice(
    authority: &Cloud,
    national: Option<National>,
) -> Result<CloudChoice, FieldError> {
    let cloud = reach_as(authority, national)?;
    let national = match cloud.national() {
        National::Global => NationalCloud::Global,
        National::China => NationalCloud::China,
    };
    Ok(match cloud.endpoint() {
        Some(_) => CloudChoice::Custom {
            authority: cloud.authority(),
            national: Some(national),
        },
        None if national == NationalCloud::China => CloudChoice::China,
        None => CloudChoice::Global,
    })
}

impl MicrosoftSignIn {
    /// Checks the client and the tenant, which needs no network: a typo is named before a
    /// browser opens.
    pub fn check(&self) -> Result<(), FieldError> {
        check_guid(GuidField::ClientId, &self.client_id)?;
        check_tenant("tenant", &self.tenant)?;
        Ok(())
    }

    /// Signs in. `extra_ca_pem` is trusted besides the system's roots (the emulator's CA).
    pub async fn sign_in(&self, extra_ca_pem: Option<String>) -> anyhow::Result<Session> {
        let browser = (!self.device_code)
            .then(|| browser::choose(extra_ca_pem.as_deref()))
            .transpose()?;
        let options = SignInOptions {
            client_id: self.client_id.clone(),
            tenant: self.tenant.clone(),
            http: HttpOptions {
                extra_ca_pem,
                ..HttpOptions::default()
            },
            ..SignInOptions::default()
        };
        let authority = self
            .authority
            .as_ref()
            .context("say which Microsoft cloud to sign in to with --authority")?;
        let authority = reach_as(authority, self.cloud)?;
        let authenticator = Authenticator::new(authority, options).await?;
        let session = match browser {
            Some(browser) => authenticator.sign_in_with_browser(browser.as_ref()).await?,
            None => {
                authenticator
                    .sign_in_with_device_code(show_device_code)
                    .await?
            }
        };
        Ok(session)
    }
}

fn show_device_code(prompt: &DeviceCodePrompt) {
    eprintln!(
        "{}",
        device_code_instruction(
            &prompt.verification_uri,
            &prompt.user_code,
            prompt.expires_in.as_secs()
        )
    );
    eprintln!("Waiting for the sign-in to finish…");
}

/// What the admin must do for a device-code sign-in, as one line (tests parse it).
pub fn device_code_instruction(address: &str, code: &str, expires_in_secs: u64) -> String {
    format!(
        "To sign in to Microsoft, open {address} in a browser and enter the code {code} (it expires in {} minutes).",
        expires_in_secs.div_ceil(60)
    )
}

/// Reads a PEM file to trust besides the system's roots.
pub fn read_ca(path: Option<&Path>) -> anyhow::Result<Option<String>> {
    path.map(|path| {
        std::fs::read_to_string(path)
            .with_context(|| format!("could not read the CA certificate file {}", path.display()))
    })
    .transpose()
}

#[derive(Debug, Args)]
pub struct SigninArgs {
    #[command(flatten)]
    microsoft: MicrosoftSignIn,
    /// Sign in again for this saved profile (its cloud, tenant and client) and keep the new
    /// sign-in in the keyring, after the saved one expired or was revoked.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Also trust the CA certificate(s) in this PEM file (e.g. the emulator's, from `pbx365 sim --tls`).
    #[arg(long, value_name = "PEM_FILE")]
    ca_file: Option<PathBuf>,
    /// Print one JSON object on stdout instead of the summary (also on failure).
    #[arg(long)]
    json: bool,
}

/// Who signed in. The JSON field names are part of the CLI's contract.
#[derive(Debug, Serialize)]
struct Report {
    ok: bool,
    authority: String,
    client_id: String,
    user: UserSummary,
    tenant: TenantSummary,
    directory_roles: Vec<RoleSummary>,
    can_grant_application_permissions: bool,
}

#[derive(Debug, Serialize)]
struct UserSummary {
    id: String,
    display_name: Option<String>,
    user_principal_name: Option<String>,
    mail: Option<String>,
}

#[derive(Debug, Serialize)]
struct TenantSummary {
    id: String,
    display_name: Option<String>,
    verified_domains: Vec<DomainSummary>,
}

#[derive(Debug, Serialize)]
struct DomainSummary {
    name: String,
    is_default: bool,
    is_initial: bool,
}

#[derive(Debug, Serialize)]
struct RoleSummary {
    display_name: Option<String>,
    role_template_id: String,
}

pub async fn run(args: SigninArgs) -> anyhow::Result<()> {
    if let Some(profile) = &args.profile {
        return again(&args, profile).await;
    }
    let result = async {
        args.microsoft.check()?;
        let ca = read_ca(args.ca_file.as_deref())?;
        let session = args.microsoft.sign_in(ca).await?;
        look_up(&args, GraphClient::new(session)).await
    }
    .await;
    match result {
        Ok(report) if args.json => output::print_json(&report),
        Ok(report) => output::print(&render(&report)),
        Err(error) => {
            if args.json {
                let (kind, details) = describe_error(&error);
                output::print_json_failure(kind, &output::sentence(&error), details)?;
            }
            Err(error)
        }
    }
}

/// `ms signin --profile NAME`: signs in again for a saved profile and keeps the sign-in.
async fn again(args: &SigninArgs, name: &str) -> anyhow::Result<()> {
    let result = async {
        check_profile_name(name)?;
        let profiles = pbx365::profile::ProfileStore::open_default()?;
        let profile = profiles.require(name)?;
        let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
        let show: &(dyn Fn(&DeviceCodePrompt) + Send + Sync) = &show_device_code;
        let account =
            sign_in_again(&env, &profile, args.microsoft.device_code.then_some(show)).await?;
        Ok::<_, anyhow::Error>((profile.name, account))
    }
    .await;
    match result {
        Ok((profile, account)) if args.json => output::print_json(&json!({
            "ok": true, "profile": profile, "account": account,
        })),
        Ok((profile, account)) => output::print(&format!(
            "Signed in to Microsoft as {account}; the profile {profile} uses this sign-in from now on.\n"
        )),
        Err(error) => {
            if args.json {
                let (kind, details) = describe_error(&error);
                output::print_json_failure(kind, &output::sentence(&error), details)?;
            }
            Err(error)
        }
    }
}

async fn look_up(args: &SigninArgs, graph: GraphClient) -> anyhow::Result<Report> {
    let me = graph.me().await?;
    let roles = graph.my_directory_roles().await?;
    let organization = graph.organization().await?;
    Ok(Report {
        ok: true,
        authority: args
            .microsoft
            .authority
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        client_id: args.microsoft.client_id.clone(),
        can_grant_application_permissions: entra::can_grant_application_permissions(&roles),
        user: UserSummary {
            id: me.id,
            display_name: me.display_name,
            user_principal_name: me.user_principal_name,
            mail: me.mail,
        },
        tenant: TenantSummary {
            id: organization.id,
            display_name: organization.display_name,
            verified_domains: organization
                .verified_domains
                .into_iter()
                .map(|domain| DomainSummary {
                    name: domain.name,
                    is_default: domain.is_default,
                    is_initial: domain.is_initial,
                })
                .collect(),
        },
        directory_roles: roles
            .into_iter()
            .map(|role| RoleSummary {
                display_name: role.display_name,
                role_template_id: role.role_template_id,
            })
            .collect(),
    })
}

fn render(report: &Report) -> String {
    let user = &report.user;
    let who = match (&user.display_name, &user.user_principal_name) {
        (Some(name), Some(upn)) => format!("{name} <{upn}>"),
        (name, upn) => or_unset(upn.as_deref().or(name.as_deref())),
    };
    let domains = report
        .tenant
        .verified_domains
        .iter()
        .map(|domain| match (domain.is_default, domain.is_initial) {
            (true, _) => format!("{} (default)", domain.name),
            (false, true) => format!("{} (initial)", domain.name),
            (false, false) => domain.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let roles = report
        .directory_roles
        .iter()
        .map(|role| {
            or_unset(
                role.display_name
                    .as_deref()
                    .or(Some(&role.role_template_id)),
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut summary = Summary::default();
    summary
        .heading("Microsoft")
        .field("Signed in as", who)
        .field("User object ID", &user.id)
        .field("Tenant", or_unset(report.tenant.display_name.as_deref()))
        .field("Tenant ID", &report.tenant.id)
        .field("Verified domains", or_unset(Some(&domains)))
        .field(
            "Directory roles",
            if roles.is_empty() {
                "none".to_owned()
            } else {
                roles
            },
        )
        .field(
            "Can grant application permissions",
            yes_no(report.can_grant_application_permissions),
        )
        .field("Authority", &report.authority)
        .field("Client ID", &report.client_id);
    let mut text = summary.render();
    if !report.can_grant_application_permissions {
        text.push_str(
            "\nThis account cannot grant Microsoft Graph application permissions (that needs \
             Global Administrator or Privileged Role Administrator). Automatic setup needs such \
             an administrator; otherwise use guided setup.\n",
        );
    }
    text
}

/// A stable name for the kind of Microsoft failure, and the codes a script can act on.
fn describe_error(error: &anyhow::Error) -> (&'static str, Map<String, Value>) {
    if let Some(error) = error.downcast_ref::<FieldError>() {
        return output::describe_input(error);
    }
    let mut details = Map::new();
    let Some(error) = error.downcast_ref::<EntraError>() else {
        return ("other", details);
    };
    if let Some(code) = error.aadsts_code() {
        details.insert("aadsts".to_owned(), json!(code));
    }
    if let Some(code) = error.graph_code() {
        details.insert("graph_code".to_owned(), json!(code));
    }
    let kind = match error {
        EntraError::InsecureUrl { .. } => "insecure_url",
        EntraError::BadUrl { .. } => "bad_url",
        EntraError::UnknownCloud { .. } => "unknown_cloud",
        EntraError::Tls { .. } => "tls",
        EntraError::Network { .. } => "network",
        EntraError::Unreachable { .. } => "unreachable",
        EntraError::Discovery { .. } => "discovery",
        EntraError::Identity { .. } => "identity",
        EntraError::Graph { .. } => "graph",
        EntraError::SignInAgain { .. } => "sign_in_again",
        EntraError::StateMismatch => "state_mismatch",
        EntraError::TimedOut { .. } => "timed_out",
        EntraError::Browser { .. } => "browser",
        EntraError::Loopback { .. } => "loopback",
        EntraError::Declined => "declined",
        EntraError::DeviceCodeExpired => "device_code_expired",
        EntraError::IdToken { .. } => "id_token",
        EntraError::Throttled { .. } => "throttled",
        EntraError::ReplicationTimeout { .. } => "replication_timeout",
        EntraError::TokenStore(_) => "token_store",
        EntraError::UnknownPermission { .. } => "unknown_permission",
        EntraError::Certificate { .. } => "certificate",
        EntraError::UnexpectedResponse { .. } => "unexpected_response",
        EntraError::ResponseTooLarge { .. } => "response_too_large",
    };
    (kind, details)
}
