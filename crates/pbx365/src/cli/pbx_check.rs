//! `pbx365 pbx check`: signs in to the PBX and shows what the wizard would start from — the
//! tenant, the role, the current Microsoft 365 settings and the Redirect URI(s).

use clap::Args;
use pbx365::input::{FieldError, check_domain};
use portsip::model::{
    FeatureSync, GlobalMs365Settings, Ms365App, Ms365Settings, Role, SyncType, Tenant,
};
use serde::Serialize;
use serde_json::Value;

use super::output::{self, Summary, or_unset, yes_no};
use super::pbx_login::{PbxLogin, describe_error};
use super::stdin;
use pbx365::pbx_versions::PbxEdition;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The PBX's address, e.g. https://pbx.example.com:8887 (`/api` is added when missing).
    #[arg(long)]
    url: String,
    #[command(flatten)]
    login: PbxLogin,
    /// Print one JSON object on stdout instead of the summary (also on failure).
    #[arg(long)]
    json: bool,
}

/// What was found. The JSON field names are part of the CLI's contract.
#[derive(Debug, Serialize)]
struct Report {
    ok: bool,
    pbx_url: String,
    username: String,
    role: Option<String>,
    /// `tenant` (a tenant's own integration) or `system` (the PBX-wide one, for SystemAdmin).
    scope: &'static str,
    tenant: Option<TenantSummary>,
    /// The PortSIP version as the PBX reports it, and the tenant's licence.
    version: Option<String>,
    licensed_users: Option<i32>,
    current_users: Option<i32>,
    /// Set when pbx365 was not built for this version or cannot read it.
    version_warning: Option<String>,
    /// Whether a directory ID and an application ID are set.
    configured: bool,
    /// The settings exactly as the PBX returned them (PortSIP's field names).
    ms365: Value,
    redirect_uris: Vec<String>,
}

#[derive(Debug, Serialize)]
struct TenantSummary {
    id: Option<String>,
    name: Option<String>,
    domain: Option<String>,
}

/// The integration as read, tenant-wide or system-wide.
enum Integration {
    Tenant(Box<Tenant>, Box<Ms365Settings>),
    System(GlobalMs365Settings),
}

impl Integration {
    fn app(&self) -> &Ms365App {
        match self {
            Self::Tenant(_, settings) => &settings.settings.app,
            Self::System(settings) => &settings.app,
        }
    }

    fn redirect_uris(&self) -> Vec<String> {
        let (main, sbc) = match self {
            Self::Tenant(_, settings) => (&settings.redirect_uri, &settings.sbc_redirect_uri),
            Self::System(settings) => (&settings.redirect_uri, &settings.sbc_redirect_uri),
        };
        [main, sbc]
            .into_iter()
            .filter_map(|uri| uri.as_deref())
            .filter(|uri| !uri.trim().is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn is_configured(&self) -> bool {
        let app = self.app();
        let set = |value: &Option<String>| value.as_deref().is_some_and(|v| !v.trim().is_empty());
        set(&app.directory_id) && set(&app.application_id)
    }
}

/// Who signed in and what they can see.
struct Found {
    role: Option<Role>,
    integration: Integration,
    /// The tenant's PortSIP version and licence (a tenant's view only).
    edition: Option<PbxEdition>,
}

/// Why `pbx check` stopped.
#[derive(Debug, thiserror::Error)]
enum Failure {
    /// A value refused before anything was sent.
    #[error(transparent)]
    Input(#[from] FieldError),
    #[error(transparent)]
    Pbx(#[from] portsip::Error),
}

pub async fn run(args: CheckArgs) -> anyhow::Result<()> {
    // The address, domain, CA and pin are checked before the password is read or sent.
    let client = match prepare(&args) {
        Ok(client) => client,
        Err(failure) => return failed(&args, failure),
    };
    let password = stdin::read_password()?;
    match check(&args, &client, &password).await {
        Ok(found) if args.json => output::print_json(&report(&args, found)?),
        Ok(found) => output::print(&render(&args, &found)),
        Err(error) => failed(&args, error.into()),
    }
}

fn failed(args: &CheckArgs, failure: Failure) -> anyhow::Result<()> {
    if args.json {
        let (kind, details) = match &failure {
            Failure::Input(error) => output::describe_input(error),
            Failure::Pbx(error) => describe_error(error),
        };
        output::print_json_failure(kind, &failure.to_string(), details)?;
    }
    Err(failure.into())
}

/// A client for the PBX, once everything that needs no network has been checked.
fn prepare(args: &CheckArgs) -> Result<portsip::Client, Failure> {
    if let Some(domain) = &args.login.domain {
        check_domain("domain", domain)?;
    }
    Ok(args.login.client(&args.url)?)
}

async fn check(
    args: &CheckArgs,
    client: &portsip::Client,
    password: &portsip::Secret,
) -> Result<Found, portsip::Error> {
    let signed_in = args.login.sign_in(client, password).await?;
    let role = match signed_in.role {
        Some(role) => Some(role),
        None => client.role().await,
    };
    // A system administrator has no tenant; the integration it manages is the PBX-wide one.
    let (integration, edition) = if role == Some(Role::SystemAdmin) {
        (Integration::System(client.global_ms365().await?), None)
    } else {
        let tenant = client.tenant().await?;
        let settings = client.ms365().await?;
        let edition = PbxEdition::read(client).await?;
        (
            Integration::Tenant(Box::new(tenant), Box::new(settings)),
            Some(edition),
        )
    };
    Ok(Found {
        role,
        integration,
        edition,
    })
}

fn report(args: &CheckArgs, found: Found) -> anyhow::Result<Report> {
    let configured = found.integration.is_configured();
    let edition = found.edition.unwrap_or_default();
    let redirect_uris = found.integration.redirect_uris();
    let (scope, tenant, ms365) = match found.integration {
        Integration::Tenant(tenant, settings) => (
            "tenant",
            Some(TenantSummary {
                id: tenant.id,
                name: tenant.name,
                domain: tenant.domain,
            }),
            serde_json::to_value(&*settings)?,
        ),
        Integration::System(settings) => ("system", None, serde_json::to_value(&settings)?),
    };
    Ok(Report {
        ok: true,
        pbx_url: args.url.clone(),
        username: args.login.username.clone(),
        role: found.role.map(|role| role.as_str().to_owned()),
        scope,
        tenant,
        version: edition.version,
        licensed_users: edition.licensed_users,
        current_users: edition.current_users,
        version_warning: edition.warning.as_ref().map(ToString::to_string),
        configured,
        ms365,
        redirect_uris,
    })
}

fn render(args: &CheckArgs, found: &Found) -> String {
    let mut summary = Summary::default();
    let role = found
        .role
        .as_ref()
        .map_or("not reported", |role| role.as_str());
    summary.heading("PBX").field("Address", &args.url).field(
        "Signed in as",
        format!("{} (role {role})", args.login.username),
    );
    match &found.integration {
        Integration::Tenant(tenant, _) => {
            let name = or_unset(tenant.name.as_deref());
            let domain = or_unset(tenant.domain.as_deref());
            summary
                .field("Tenant", format!("{name} ({domain})"))
                .field("Tenant ID", or_unset(tenant.id.as_deref()));
        }
        Integration::System(_) => {
            summary.field("Tenant", "none: the system-wide integration is shown");
        }
    }
    if let Some(edition) = &found.edition {
        summary.field("PortSIP", edition.describe());
        if let Some(warning) = &edition.warning {
            summary.field("Warning", warning.to_string());
        }
    }
    summary.heading("Microsoft 365 integration").field(
        "Configured",
        if found.integration.is_configured() {
            "yes"
        } else {
            "no (no directory and application ID yet)"
        },
    );
    match &found.integration {
        Integration::Tenant(_, settings) => tenant_settings(&mut summary, settings),
        Integration::System(settings) => app_settings(&mut summary, &settings.app),
    }
    summary.heading("Redirect URIs (register these on the Entra app)");
    let uris = found.integration.redirect_uris();
    if uris.is_empty() {
        summary.item("(the PBX reported none)");
    }
    for uri in uris {
        summary.item(uri);
    }
    summary.render()
}

fn app_settings(summary: &mut Summary, app: &Ms365App) {
    summary
        .field(
            "Cloud",
            or_unset(app.national_cloud.as_ref().map(|cloud| cloud.as_str())),
        )
        .field(
            "Directory (tenant) ID",
            or_unset(app.directory_id.as_deref()),
        )
        .field(
            "Application (client) ID",
            or_unset(app.application_id.as_deref()),
        );
}

fn tenant_settings(summary: &mut Summary, settings: &Ms365Settings) {
    let s = &settings.settings;
    app_settings(summary, &s.app);
    summary.field("Sync schedule", or_unset(s.sync_time.as_deref()));
    let users = s.users.clone().unwrap_or_default();
    let mut users_text = feature(
        users.enabled,
        users.sync_type.as_ref(),
        users.selected_users.as_deref(),
    );
    if users.enabled == Some(true) {
        users_text.push_str(&format!(
            ", from extension {}, guests {}, photos {}",
            or_unset(users.starting_extension_number.as_deref()),
            yes_no(users.sync_guest_users == Some(true)),
            yes_no(users.sync_photo == Some(true)),
        ));
    }
    summary.field("Users", users_text);
    let admins = s.sign_in_as_administrator.clone().unwrap_or_default();
    let admin_text = match (admins.enabled, admins.selected_users.as_deref()) {
        (Some(true), Some(selected)) => format!("on ({} selected users)", selected.len()),
        (Some(true), None) => "on".to_owned(),
        _ => "off".to_owned(),
    };
    summary.field("Sign-in as administrator", admin_text);
    for (label, block) in [
        ("Sign-in as standard user", &s.sign_in_as_standard_user),
        ("Personal contacts", &s.personal_contacts),
        ("Shared mailbox contacts", &s.shared_mailbox),
        ("Calendar events", &s.events),
    ] {
        let block: FeatureSync = block.clone().unwrap_or_default();
        summary.field(
            label,
            feature(
                block.enabled,
                block.sync_type.as_ref(),
                block.selected_users.as_deref(),
            ),
        );
    }
}

/// `on (all users)`, `on (only 3 selected users)`, `on (all but 2 selected users)` or `off`.
fn feature(
    enabled: Option<bool>,
    sync_type: Option<&SyncType>,
    selected: Option<&[String]>,
) -> String {
    if enabled != Some(true) {
        return "off".to_owned();
    }
    let count = selected.map_or(0, <[String]>::len);
    match sync_type {
        None | Some(SyncType::All) => "on (all users)".to_owned(),
        Some(SyncType::Include) => format!("on (only {count} selected users)"),
        Some(SyncType::Exclude) => format!("on (all but {count} selected users)"),
        Some(SyncType::Other(raw)) => format!("on (user selection {raw})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_read_as_the_wizard_presents_them() {
        let two = ["a@x".to_owned(), "b@x".to_owned()];
        assert_eq!(feature(None, None, None), "off");
        assert_eq!(feature(Some(true), None, None), "on (all users)");
        assert_eq!(
            feature(Some(true), Some(&SyncType::Include), Some(&two)),
            "on (only 2 selected users)"
        );
        assert_eq!(
            feature(Some(true), Some(&SyncType::Exclude), Some(&two)),
            "on (all but 2 selected users)"
        );
    }

    #[test]
    fn configured_needs_both_ids() {
        let mut settings = GlobalMs365Settings::default();
        settings.app.directory_id = Some("d".to_owned());
        settings.app.application_id = Some(" ".to_owned());
        assert!(!Integration::System(settings.clone()).is_configured());
        settings.app.application_id = Some("a".to_owned());
        assert!(Integration::System(settings).is_configured());
    }
}
