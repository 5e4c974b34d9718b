//! Steps 3–5 (app registration, key pair, consent) only read: they find what exists and decide
//! what apply will do. The review recomputes the same plan from fresh reads, so nothing is
//! written before the admin has seen the whole diff.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::Error;
use crate::features::{
    Feature, OptionalGrant, required_permissions_for, role_name, unusable_grants,
};
use crate::guided::{self, HandStep};
use crate::input::FieldError;
use crate::pbx_certificate::EXPIRY_WARNING_DAYS;
use crate::pbx_certificate::{CertificateInfo, PbxCertificate};
use crate::profile::{AppIdentity, CloudChoice};
use crate::wizard::pbx::PbxSession;
use crate::wizard::review::{Change, ChangeCode, ChangeTarget};
use crate::wizard::warning::WizardWarning;

/// Step 3's input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AppRegistrationInput {
    pub features: BTreeSet<Feature>,
    /// The app's display name; `PortSIP PBX (<tenant domain>)` when unset.
    pub display_name: Option<String>,
    /// Graph permissions for PBX features set in the PortSIP portal (e-mail notifications,
    /// phone numbers); granted only when chosen and only where the PBX's version uses them.
    #[serde(default)]
    pub optional_grants: BTreeSet<OptionalGrant>,
}

/// What apply will do to the app registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum AppAction {
    Create,
    Repair,
    Keep,
    /// Guided mode: the admin prepares it by hand.
    ByHand,
}

/// What step 3 found and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AppRegistrationSummary {
    pub action: AppAction,
    pub display_name: String,
    pub app_id: Option<String>,
    pub object_id: Option<String>,
    pub redirect_uris: Vec<String>,
    /// The Graph application permissions this PBX's version needs for the chosen features
    /// and optional grants.
    pub permissions: Vec<String>,
    /// What apply will change (the review's rows for the app registration).
    pub changes: Vec<Change>,
    pub hand_steps: Vec<HandStep>,
}

/// What apply will do about the key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum KeyAction {
    /// Keep the PBX's current certificate (and add it to the app if missing).
    Reuse,
    /// Have the PBX generate a key pair: it has none, or its certificate expired.
    Generate,
}

/// Why step 4 decided what it did, as a code with the values its sentence quotes: the UI
/// words it from its catalogue, the CLI prints the English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum KeyReason {
    /// The PBX has no key pair: it generates one.
    NoKeyPair,
    /// The PBX's certificate is not valid now: it generates a new key pair.
    NotValidNow {
        not_before: String,
        not_after: String,
    },
    /// The PBX's certificate is valid: it is kept.
    StillValid {
        thumbprint: String,
        not_after: String,
    },
}

impl std::fmt::Display for KeyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyReason::NoKeyPair => {
                f.write_str("The PBX has no key pair for Microsoft 365 yet; it will generate one.")
            }
            KeyReason::NotValidNow {
                not_before,
                not_after,
            } => write!(
                f,
                "The PBX's certificate is not valid now (valid {not_before} to {not_after}); \
                 the PBX will generate a new key pair."
            ),
            KeyReason::StillValid {
                thumbprint,
                not_after,
            } => write!(
                f,
                "The PBX's current certificate (thumbprint {thumbprint}) is valid until \
                 {not_after}; it is kept, so nothing that uses it breaks."
            ),
        }
    }
}

/// What step 4 found and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct KeyPairSummary {
    pub action: KeyAction,
    pub reason: KeyReason,
    /// The PBX's current certificate.
    pub certificate: Option<CertificateInfo>,
    pub days_left: Option<i64>,
    /// Whether the app already holds it (automatic mode, existing app).
    pub on_app: Option<bool>,
    /// Keys on the app that are not the PBX's; they are always kept.
    pub other_keys_on_app: Option<u32>,
    pub warnings: Vec<WizardWarning>,
}

/// What step 5 found and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ConsentSummary {
    pub permissions: Vec<String>,
    pub to_grant: Vec<String>,
    pub already_granted: Vec<String>,
    /// Granted but not needed by this PBX's version with the chosen features and optional
    /// grants: apply removes them, as the review lists.
    pub superfluous: Vec<String>,
    /// Guided mode: the page where an administrator grants consent.
    pub admin_consent_url: Option<String>,
    pub hand_steps: Vec<HandStep>,
}

/// A required permission: its name and its app-role ID in this tenant's Graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Permission {
    pub name: String,
    pub role_id: String,
}

/// One Graph application permission granted to the app: an app role assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    pub role_id: String,
    /// What removing it addresses; Graph always returns it, but the field is optional there.
    pub assignment_id: Option<String>,
}

/// A granted permission the review shows for removal, and apply removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Revocation {
    pub name: String,
    pub assignment_id: String,
}

/// The app registration as it is now (automatic mode).
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub graph_sp: entra::ServicePrincipal,
    pub permissions: Vec<Permission>,
    pub existing: Option<entra::Application>,
    /// The profile remembered an app that no longer exists.
    pub remembered_but_gone: Option<String>,
    pub service_principal: Option<entra::ServicePrincipal>,
    /// Graph's app roles granted to the app's service principal.
    pub granted: Vec<Grant>,
    pub keys: Vec<entra::KeyCredential>,
}

pub(crate) fn default_display_name(pbx: &PbxSession) -> String {
    let name = pbx
        .summary
        .tenant_domain
        .clone()
        .or(pbx.summary.web_domain.clone())
        .unwrap_or_else(|| "tenant".to_owned());
    format!("PortSIP PBX ({name})")
}

/// The Graph application permissions the app must hold for this PBX: its version's
/// permission model (`pbx_versions`), the chosen features and optional grants.
pub(crate) fn needed_permissions(
    pbx: &PbxSession,
    features: &BTreeSet<Feature>,
    optional: &BTreeSet<OptionalGrant>,
    group_scoped: bool,
) -> Vec<String> {
    required_permissions_for(
        pbx.summary.edition.traits().permissions,
        features,
        optional,
        group_scoped,
    )
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// Why chosen optional grants are not granted on this PBX, for the review's warnings.
pub(crate) fn unusable_grant_warnings(
    pbx: &PbxSession,
    optional: &BTreeSet<OptionalGrant>,
) -> Vec<WizardWarning> {
    unusable_grants(pbx.summary.edition.traits().permissions, optional)
        .into_iter()
        .map(|grant| WizardWarning::GrantNotUsed {
            grant,
            permission: grant.permission().to_owned(),
            version: pbx.summary.edition.version.clone(),
        })
        .collect()
}

pub(crate) fn check_features(features: &BTreeSet<Feature>) -> Result<(), Error> {
    if features.is_empty() {
        return Err(FieldError::new(
            "features",
            "Choose at least one feature (users, sso, personal-contacts, shared-mailbox): the app's permissions follow from them.",
        )
        .into());
    }
    Ok(())
}

/// Guided mode's `public_key.pem` must be a file in a folder that is, or can be, made: found
/// out at apply, a bad path would stop it after the PBX had already changed.
pub(crate) fn check_certificate_path(path: &Path) -> Result<(), Error> {
    let refuse = |problem: String| {
        FieldError::new(
            "certificate_path",
            format!(
                "The certificate cannot be saved as {}: {problem}. Choose a file such as public_key.pem in a folder you can write to.",
                path.display()
            ),
        )
        .into()
    };
    if path.is_dir() {
        return Err(refuse("that is a folder".to_owned()));
    }
    if path.file_name().is_none() {
        return Err(refuse("that names no file".to_owned()));
    }
    let existing = path
        .ancestors()
        .skip(1)
        .find(|folder| !folder.as_os_str().is_empty() && folder.exists());
    if let Some(file) = existing.filter(|folder| !folder.is_dir()) {
        return Err(refuse(format!(
            "{} is a file, not a folder",
            file.display()
        )));
    }
    Ok(())
}

/// The app an unfinished apply created may not be visible yet (Entra replicates for seconds
/// to minutes); treating it as gone would create a second app, so it is waited for.
async fn wait_for_app(
    graph: &entra::GraphClient,
    remembered: &AppIdentity,
    policy: &entra::RetryPolicy,
    progress: &entra::ProgressFn,
) -> Result<entra::Application, Error> {
    let locator = match &remembered.object_id {
        Some(object_id) => entra::AppLocator::ObjectId(object_id.clone()),
        None => entra::AppLocator::AppId(remembered.app_id.clone()),
    };
    let not_yet = "the app is not visible yet";
    let found = entra::retry_while_replicating(
        policy,
        Some(progress),
        entra::Replicating::LastRunApp,
        |error| matches!(error, entra::EntraError::UnexpectedResponse { reason, .. } if reason == not_yet),
        || async {
            graph
                .find_application(&locator)
                .await?
                .ok_or_else(|| entra::EntraError::UnexpectedResponse {
                    context: "find the app the last run created".to_owned(),
                    reason: not_yet.to_owned(),
                })
        },
    )
    .await?;
    Ok(found)
}

/// Reads the app this profile made (or the PBX already uses), its service principal, grants
/// and keys. Never writes. `wait_for_remembered` is given when the profile's last apply did
/// not finish: its app then exists even if Graph does not show it yet. `needed` are the
/// permissions the app must hold ([`needed_permissions`]).
pub(crate) async fn read_app_state(
    graph: &entra::GraphClient,
    remembered: Option<&AppIdentity>,
    wait_for_remembered: Option<(&entra::RetryPolicy, &entra::ProgressFn)>,
    pbx: &PbxSession,
    tenant_id: &str,
    needed: &[String],
) -> Result<AppState, Error> {
    let graph_sp = graph.graph_service_principal().await?;
    let names: Vec<&str> = needed.iter().map(String::as_str).collect();
    let role_ids = entra::resolve_app_role_ids(&graph_sp, &names)?;
    let permissions = names
        .iter()
        .zip(role_ids)
        .map(|(name, role_id)| Permission {
            name: (*name).to_owned(),
            role_id,
        })
        .collect();

    let mut locators = Vec::new();
    if let Some(app) = remembered {
        if let Some(object_id) = &app.object_id {
            locators.push(entra::AppLocator::ObjectId(object_id.clone()));
        }
        locators.push(entra::AppLocator::AppId(app.app_id.clone()));
    }
    // An app the PBX already uses in this tenant (set up by hand before) is adopted, not
    // duplicated.
    let pbx_app = pbx.summary.current.application_id.as_ref().filter(|_| {
        pbx.summary
            .current
            .directory_id
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case(tenant_id))
    });
    if let Some(app_id) = pbx_app {
        locators.push(entra::AppLocator::AppId(app_id.clone()));
    }
    let mut existing = None;
    for locator in &locators {
        if let Some(app) = graph.find_application(locator).await? {
            existing = Some(app);
            break;
        }
    }
    if let (None, Some(app), Some((policy, progress))) =
        (&existing, remembered, wait_for_remembered)
    {
        existing = Some(wait_for_app(graph, app, policy, progress).await?);
    }
    let remembered_but_gone = match (&existing, remembered) {
        (None, Some(app)) => Some(app.app_id.clone()),
        _ => None,
    };
    let (service_principal, granted, keys) = match &existing {
        Some(app) => {
            let service_principal = graph.find_service_principal(&app.app_id).await?;
            let granted = match &service_principal {
                Some(sp) => graph
                    .granted_app_roles(&sp.id)
                    .await?
                    .into_iter()
                    .filter(|a| a.resource_id == graph_sp.id)
                    .map(|a| Grant {
                        role_id: a.app_role_id,
                        assignment_id: a.id,
                    })
                    .collect(),
                None => Vec::new(),
            };
            (
                service_principal,
                granted,
                graph.key_credentials(&app.id).await?,
            )
        }
        None => (None, Vec::new(), Vec::new()),
    };
    Ok(AppState {
        graph_sp,
        permissions,
        existing,
        remembered_but_gone,
        service_principal,
        granted,
        keys,
    })
}

fn graph_roles_declared(app: &entra::Application) -> Vec<String> {
    app.required_resource_access
        .iter()
        .filter(|r| r.resource_app_id == entra::MICROSOFT_GRAPH_APP_ID)
        .flat_map(|r| r.resource_access.iter())
        .filter(|a| a.kind == "Role")
        .map(|a| a.id.clone())
        .collect()
}

/// The Graph app-role IDs `app` declares (`requiredResourceAccess`), for comparing: apply
/// refuses to narrow a list that changed since the review.
pub(crate) fn declared_roles(app: &entra::Application) -> BTreeSet<String> {
    graph_roles_declared(app)
        .iter()
        .map(|id| id.to_ascii_lowercase())
        .collect()
}

fn contains_id(ids: &[String], id: &str) -> bool {
    ids.iter().any(|i| i.eq_ignore_ascii_case(id))
}

impl AppState {
    pub fn role_ids(&self) -> Vec<String> {
        self.permissions.iter().map(|p| p.role_id.clone()).collect()
    }

    pub fn permission_names(&self) -> Vec<String> {
        self.permissions.iter().map(|p| p.name.clone()).collect()
    }

    fn needs(&self, role_id: &str) -> bool {
        self.permissions
            .iter()
            .any(|p| p.role_id.eq_ignore_ascii_case(role_id))
    }

    /// Required permissions not yet granted.
    pub fn missing_grants(&self) -> Vec<&Permission> {
        self.permissions
            .iter()
            .filter(|p| {
                !self
                    .granted
                    .iter()
                    .any(|g| g.role_id.eq_ignore_ascii_case(&p.role_id))
            })
            .collect()
    }

    /// Granted permissions this PBX's version with the chosen features does not need.
    fn extra_grants(&self) -> impl Iterator<Item = &Grant> {
        self.granted.iter().filter(|g| !self.needs(&g.role_id))
    }

    /// The names of the granted permissions that are not needed.
    pub fn superfluous_grants(&self) -> Vec<String> {
        self.extra_grants()
            .map(|g| role_name(&self.graph_sp, &g.role_id))
            .collect()
    }

    /// The grants that narrowing removes: every one not needed that Graph gave an ID for.
    pub fn revocations(&self) -> Vec<Revocation> {
        self.extra_grants()
            .filter_map(|g| {
                Some(Revocation {
                    name: role_name(&self.graph_sp, &g.role_id),
                    assignment_id: g.assignment_id.clone()?,
                })
            })
            .collect()
    }

    /// The Graph app roles the existing app declared when the review read it.
    pub fn declared_roles(&self) -> Option<BTreeSet<String>> {
        self.existing.as_ref().map(declared_roles)
    }

    /// The changes apply makes to the app registration itself.
    pub(crate) fn registration_changes(
        &self,
        redirect_uris: &[String],
        display_name: &str,
    ) -> Vec<Change> {
        let Some(app) = &self.existing else {
            let mut changes = Vec::new();
            if let Some(gone) = &self.remembered_but_gone {
                changes.push(Change::action(
                    ChangeTarget::Entra,
                    ChangeCode::AppGone,
                    [("app_id", gone.clone())],
                    format!(
                        "The app {gone} this profile made before no longer exists; a new one is created."
                    ),
                ));
            }
            let uris = redirect_uris.join(", ");
            let permissions = self.permission_names().join(", ");
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::CreateApp,
                [
                    ("name", display_name.to_owned()),
                    ("uris", uris.clone()),
                    ("permissions", permissions.clone()),
                ],
                format!(
                    "Create the app registration \"{display_name}\": single tenant, web Redirect URI(s) {uris}, ID tokens on, Graph application permissions {permissions}."
                ),
            ));
            return changes;
        };
        let mut changes = Vec::new();
        let current = app.redirect_uris();
        for uri in redirect_uris.iter().filter(|u| !current.contains(u)) {
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::AddRedirectUri,
                [("uri", uri.clone())],
                format!("Add the Redirect URI {uri}."),
            ));
        }
        for uri in current.iter().filter(|u| !redirect_uris.contains(u)) {
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::RemoveRedirectUri,
                [("uri", uri.clone())],
                format!("Remove the Redirect URI {uri} (the PBX does not use it)."),
            ));
        }
        if !app.issues_id_tokens() {
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::TurnOnIdTokens,
                [],
                "Turn on ID tokens (implicit grant).",
            ));
        }
        let declared = graph_roles_declared(app);
        for permission in &self.permissions {
            if !contains_id(&declared, &permission.role_id) {
                changes.push(Change::action(
                    ChangeTarget::Entra,
                    ChangeCode::DeclarePermission,
                    [("permission", permission.name.clone())],
                    format!(
                        "Declare the Graph application permission {}.",
                        permission.name
                    ),
                ));
            }
        }
        for id in declared.iter().filter(|id| !self.needs(id)) {
            let name = role_name(&self.graph_sp, id);
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::StopDeclaringPermission,
                [("permission", name.to_string())],
                format!(
                    "Stop declaring the Graph application permission {name} (requiredResourceAccess): this PortSIP version with the chosen features does not need it."
                ),
            ));
        }
        if self.service_principal.is_none() {
            changes.push(Change::action(
                ChangeTarget::Entra,
                ChangeCode::CreateServicePrincipal,
                [],
                "Create the app's service principal (its enterprise application).",
            ));
        }
        changes
    }
}

/// The grants a re-run removes, and a warning for those it leaves. Removing a grant takes the
/// same directory role as granting one, so an admin who may not grant gets the extra grants
/// named in a warning instead of an apply that fails halfway.
pub(crate) fn narrowing(
    state: &AppState,
    microsoft: &crate::wizard::MicrosoftSummary,
) -> (Vec<Revocation>, Option<WizardWarning>) {
    let superfluous = state.superfluous_grants();
    if superfluous.is_empty() {
        return (Vec::new(), None);
    }
    if microsoft.can_grant_permissions == Some(false) {
        return (
            Vec::new(),
            Some(WizardWarning::PermissionsKept {
                permissions: superfluous,
                account: microsoft.account.clone(),
            }),
        );
    }
    let revocations = state.revocations();
    let unaddressable: Vec<String> = superfluous
        .into_iter()
        .filter(|name| !revocations.iter().any(|r| &r.name == name))
        .collect();
    let warning = (!unaddressable.is_empty()).then_some(WizardWarning::PermissionsUnaddressable {
        permissions: unaddressable,
    });
    (revocations, warning)
}

/// Step 3's summary.
pub(crate) fn app_summary(
    state: Option<&AppState>,
    pbx: &PbxSession,
    display_name: &str,
    permissions: &[String],
    guided: Option<(&CloudChoice, &str, &str)>,
) -> AppRegistrationSummary {
    let redirect_uris = pbx.summary.redirect_uris.clone();
    let permissions = permissions.to_vec();
    match (state, guided) {
        (_, Some((cloud, app_id, tenant_id))) => {
            let names: Vec<&str> = permissions.iter().map(String::as_str).collect();
            AppRegistrationSummary {
                action: AppAction::ByHand,
                display_name: display_name.to_owned(),
                app_id: Some(app_id.to_owned()),
                object_id: None,
                hand_steps: guided::registration_steps(
                    cloud,
                    app_id,
                    tenant_id,
                    &redirect_uris,
                    &names,
                ),
                redirect_uris,
                permissions,
                changes: Vec::new(),
            }
        }
        (Some(state), None) => {
            let changes = state.registration_changes(&redirect_uris, display_name);
            let action = match (&state.existing, changes.is_empty()) {
                (None, _) => AppAction::Create,
                (Some(_), true) => AppAction::Keep,
                (Some(_), false) => AppAction::Repair,
            };
            AppRegistrationSummary {
                action,
                display_name: state
                    .existing
                    .as_ref()
                    .and_then(|a| a.display_name.clone())
                    .unwrap_or_else(|| display_name.to_owned()),
                app_id: state.existing.as_ref().map(|a| a.app_id.clone()),
                object_id: state.existing.as_ref().map(|a| a.id.clone()),
                redirect_uris,
                permissions,
                changes,
                hand_steps: Vec::new(),
            }
        }
        (None, None) => AppRegistrationSummary {
            action: AppAction::Create,
            display_name: display_name.to_owned(),
            app_id: None,
            object_id: None,
            redirect_uris,
            permissions,
            changes: Vec::new(),
            hand_steps: Vec::new(),
        },
    }
}

/// Generating a key pair makes the PBX drop the key it used before, which would break an
/// integration that works. So the current certificate is kept whenever it is still valid; a
/// new pair is made only when there is none or it has expired.
pub(crate) fn decide_key(
    certificate: Option<&PbxCertificate>,
    now: OffsetDateTime,
) -> (KeyAction, KeyReason) {
    match certificate {
        None => (KeyAction::Generate, KeyReason::NoKeyPair),
        Some(cert) if !cert.is_valid_at(now) => (
            KeyAction::Generate,
            KeyReason::NotValidNow {
                not_before: cert.info.not_before.clone(),
                not_after: cert.info.not_after.clone(),
            },
        ),
        Some(cert) => (
            KeyAction::Reuse,
            KeyReason::StillValid {
                thumbprint: cert.info.sha1_thumbprint.clone(),
                not_after: cert.info.not_after.clone(),
            },
        ),
    }
}

/// Step 4's summary.
pub(crate) fn key_summary(
    certificate: Option<&PbxCertificate>,
    app_keys: Option<&[entra::KeyCredential]>,
    now: OffsetDateTime,
) -> KeyPairSummary {
    let (action, reason) = decide_key(certificate, now);
    let reused = certificate.filter(|_| action == KeyAction::Reuse);
    let on_app = match (reused, app_keys) {
        (Some(cert), Some(keys)) => Some(cert.find_on(keys).is_some()),
        (None, Some(_)) => Some(false),
        (_, None) => None,
    };
    let other_keys_on_app = app_keys.map(|keys| {
        let ours = reused.map_or(0, |cert| {
            keys.iter()
                .filter(|k| k.thumbprint() == Some(cert.thumbprint()))
                .count()
        });
        u32::try_from(keys.len() - ours).unwrap_or(u32::MAX)
    });
    let days_left = certificate.map(|c| c.days_left(now));
    let mut warnings = Vec::new();
    if let Some(days) = days_left.filter(|d| action == KeyAction::Reuse && *d < EXPIRY_WARNING_DAYS)
    {
        warnings.push(WizardWarning::CertificateExpiresSoon { days });
    }
    KeyPairSummary {
        action,
        reason,
        certificate: certificate.map(|c| c.info.clone()),
        days_left,
        on_app,
        other_keys_on_app,
        warnings,
    }
}

/// Step 5's summary in automatic mode.
pub(crate) fn consent_summary(state: Option<&AppState>, permissions: &[String]) -> ConsentSummary {
    let permissions = permissions.to_vec();
    match state {
        Some(state) => {
            let missing: Vec<String> = state
                .missing_grants()
                .iter()
                .map(|p| p.name.clone())
                .collect();
            ConsentSummary {
                already_granted: permissions
                    .iter()
                    .filter(|p| !missing.contains(p))
                    .cloned()
                    .collect(),
                to_grant: missing,
                superfluous: state.superfluous_grants(),
                permissions,
                admin_consent_url: None,
                hand_steps: Vec::new(),
            }
        }
        None => ConsentSummary {
            to_grant: permissions.clone(),
            permissions,
            already_granted: Vec::new(),
            superfluous: Vec::new(),
            admin_consent_url: None,
            hand_steps: Vec::new(),
        },
    }
}
