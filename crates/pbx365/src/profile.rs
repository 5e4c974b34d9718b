//! Profiles: one per PBX tenant, several per workstation, each a JSON file in the OS config
//! directory (`~/.config/pbx365/profiles` on Linux, `%APPDATA%\pbx365\config\profiles` on
//! Windows, `~/Library/Application Support/pbx365/profiles` on macOS), written atomically.
//!
//! A profile holds no secret: passwords and tokens live in the [`SecretStore`](crate::secrets).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::atomic_file;
use crate::doctor::CheckId;
use crate::features::{Feature, OptionalGrant};
use crate::input::{FieldError, check_profile_name};
use crate::pbx_versions::PbxEdition;
use crate::private_fs::Folder;

/// How the wizard talks to Microsoft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Mode {
    /// The admin signs in; the wizard registers the app and grants consent through Graph.
    #[default]
    Auto,
    /// No Graph rights: the admin does the Entra steps by hand, guided, and the PBX verifies.
    Guided,
}

/// The Microsoft cloud. `Custom` is another authority, such as the emulator, playing one of
/// the national clouds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum CloudChoice {
    #[default]
    Global,
    China,
    Custom {
        authority: String,
        /// The national cloud the authority plays (its scopes, the PBX's `national_cloud`,
        /// the portals); global when unset, as in profiles saved before it was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        national: Option<NationalCloud>,
    },
}

/// A Microsoft national cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum NationalCloud {
    /// The worldwide cloud.
    #[default]
    Global,
    /// Microsoft Azure operated by 21Vianet.
    China,
}

impl NationalCloud {
    pub const ALL: [NationalCloud; 2] = [NationalCloud::Global, NationalCloud::China];

    /// `global` or `china`, as `--cloud` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::China => "china",
        }
    }
}

impl std::str::FromStr for NationalCloud {
    type Err = crate::input::FieldError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|cloud| cloud.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                crate::input::FieldError::new(
                    "cloud",
                    format!(
                        "There is no Microsoft cloud named \"{}\": say global or china.",
                        text.trim()
                    ),
                )
            })
    }
}

impl CloudChoice {
    /// The national cloud chosen, wherever it is reached.
    pub fn national(&self) -> NationalCloud {
        match self {
            Self::Global => NationalCloud::Global,
            Self::China => NationalCloud::China,
            Self::Custom { national, .. } => national.unwrap_or_default(),
        }
    }
}

/// How to reach and sign in to the PBX (the password or token is in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PbxSettings {
    pub url: String,
    pub username: String,
    /// The tenant's SIP domain.
    pub domain: Option<String>,
    /// An extra CA certificate (PEM) trusted for the PBX's HTTPS certificate. The text itself is
    /// kept, not the path it came from, so the profile keeps working when that file is moved or
    /// deleted; a CA certificate is public.
    pub ca_pem: Option<String>,
    /// The PBX certificate's SHA-256 fingerprint, when pinned instead of a CA.
    pub pin_sha256: Option<String>,
    /// Keep the PBX password in the keyring (else only the refresh token is kept).
    pub remember_password: bool,
}

/// The Microsoft side of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct MicrosoftSettings {
    pub mode: Mode,
    pub cloud: CloudChoice,
    /// The public client the wizard signs in with; Microsoft Graph Command Line Tools when unset.
    pub client_id: Option<String>,
    /// The Directory (tenant) ID.
    pub tenant_id: Option<String>,
    pub tenant_name: Option<String>,
    /// The tenant's default domain (`contoso.onmicrosoft.com`), so every screen that acts on the
    /// profile can name its tenant; unknown in guided mode and in profiles saved before it was kept.
    #[serde(default)]
    pub tenant_domain: Option<String>,
    /// Who signed in last (a user principal name), to preselect the account.
    pub account: Option<String>,
}

/// The app registration this profile made or adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct AppIdentity {
    /// The Application (client) ID.
    pub app_id: String,
    /// The object ID (`/applications/{id}`); unknown in guided mode.
    pub object_id: Option<String>,
    pub service_principal_id: Option<String>,
    pub display_name: Option<String>,
}

/// Which Microsoft 365 users a feature applies to.
///
/// PortSIP's `sync_type` values map as `All` = `ALL`, `Only` = `INCLUDE` ("only the selected
/// users") and `AllExcept` = `EXCLUDE` ("everyone except the selected users"). PortSIP's
/// published descriptions of INCLUDE and EXCLUDE read as if swapped; this is what they do.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UserScope {
    #[default]
    All,
    /// Only the selected users (PortSIP `INCLUDE`).
    Only { users: Vec<String> },
    /// Everyone except the selected users (PortSIP `EXCLUDE`).
    AllExcept { users: Vec<String> },
    /// Only the members of these groups, nested groups included. For user sync only, and only
    /// in automatic mode (the members are read through Graph): pbx365 sends the members to the
    /// PBX as the selected users of an `INCLUDE` scope and refreshes that list at every run.
    Groups { groups: Vec<GroupRef> },
}

/// A Microsoft 365 group a scope names: its object ID (stable) and its name (for people; it
/// may have changed in the directory since it was chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct GroupRef {
    pub id: String,
    pub display_name: String,
}

impl UserScope {
    /// The groups of a [`UserScope::Groups`] scope; none for the others.
    pub fn groups(&self) -> &[GroupRef] {
        match self {
            UserScope::Groups { groups } => groups,
            _ => &[],
        }
    }
}

/// User sync (the `users` block).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct UserSyncOptions {
    /// First extension for synced users (3–13 digits, no leading zero); the PBX picks when unset.
    pub starting_extension: Option<String>,
    pub sync_photos: bool,
    pub sync_guests: bool,
    pub scope: UserScope,
    /// How many users pbx365's sync changes on the PBX at the same time (1–32; 8 when unset,
    /// see `sync::DEFAULT_PBX_CONCURRENCY`). pbx365's own setting: never sent to the PBX.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pbx_concurrency: Option<u16>,
}

/// Single sign-on with Microsoft.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SsoOptions {
    /// User principal names that may sign in to the PBX as administrators.
    pub administrators: Vec<String>,
    /// Who may sign in as standard users.
    pub standard_users: UserScope,
}

/// The sync options of step 6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SyncOptions {
    /// When the PBX syncs: a five-field crontab expression in the PBX's time zone.
    pub sync_time: String,
    pub users: UserSyncOptions,
    pub sso: SsoOptions,
    pub personal_contacts: UserScope,
    /// The shared mailboxes whose contacts become company contacts.
    pub shared_mailboxes: UserScope,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            // PortSIP's own default and recommendation: every night at midnight.
            sync_time: "0 0 * * *".to_owned(),
            users: UserSyncOptions::default(),
            sso: SsoOptions::default(),
            personal_contacts: UserScope::All,
            shared_mailboxes: UserScope::All,
        }
    }
}

/// The outcome of the last verification, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct VerificationSummary {
    /// RFC 3339.
    pub at: String,
    pub passed: bool,
    pub passed_checks: u32,
    /// The checks that failed.
    #[ts(as = "Vec<CheckId>")]
    pub failed: CheckIds,
    /// The checks that were skipped.
    #[ts(as = "Vec<CheckId>")]
    pub skipped: CheckIds,
    /// The PBX's PortSIP version and licence as the check found them.
    #[serde(default)]
    pub edition: Option<PbxEdition>,
}

/// Check IDs; read also from the English titles that profiles saved before the summary held
/// IDs (a title no check has any more is left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CheckIds(pub Vec<CheckId>);

impl<'de> Deserialize<'de> for CheckIds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Named {
            Id(CheckId),
            Title(String),
        }
        let named = Vec::<Named>::deserialize(deserializer)?;
        Ok(Self(
            named
                .into_iter()
                .filter_map(|named| match named {
                    Named::Id(id) => Some(id),
                    Named::Title(title) => CheckId::from_title(&title),
                })
                .collect(),
        ))
    }
}

/// The writes of the apply step, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ApplyStep {
    /// The PBX and Microsoft are re-read and match the review.
    Preflight,
    /// The app registration exists with the PBX's redirect URIs, ID tokens and permissions.
    AppRegistration,
    ServicePrincipal,
    /// The PBX holds a valid key pair (generated only when it had none or it expired).
    KeyPair,
    /// The app holds the PBX's certificate (other keys kept).
    CertificateOnApp,
    /// The certificate is saved as `public_key.pem` (guided mode).
    CertificateFile,
    Consent,
    /// The granted Graph permissions the review listed as not needed are removed.
    RemoveGrants,
    /// The PBX's `/ms365` settings point at the app and carry the sync options.
    PbxSettings,
    /// Sign-ins saved in the OS keyring, the profile saved.
    Secrets,
}

impl ApplyStep {
    pub fn title(self) -> &'static str {
        match self {
            ApplyStep::Preflight => "check that nothing changed since the review",
            ApplyStep::AppRegistration => "create or repair the app registration",
            ApplyStep::ServicePrincipal => "create the app's service principal",
            ApplyStep::KeyPair => "make sure the PBX has a valid key pair",
            ApplyStep::CertificateOnApp => "add the PBX's certificate to the app",
            ApplyStep::CertificateFile => "save the certificate as public_key.pem",
            ApplyStep::Consent => "grant the app's Graph permissions",
            ApplyStep::RemoveGrants => "remove the Graph permissions the PBX does not need",
            ApplyStep::PbxSettings => "save the Microsoft 365 settings on the PBX",
            ApplyStep::Secrets => "save the sign-ins in the OS keyring",
        }
    }
}

/// How an apply step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum StepOutcome {
    /// Done; `changed` is false when it was already in place.
    Done {
        changed: bool,
    },
    Failed {
        error: String,
    },
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct JournalEntry {
    pub step: ApplyStep,
    pub outcome: StepOutcome,
    /// RFC 3339.
    pub at: String,
    pub detail: Option<String>,
}

/// The progress of the last apply, written after every step so a re-run can say where the
/// previous one stopped (every step is idempotent, so the re-run simply runs them again).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ApplyJournal {
    pub started_at: String,
    pub finished_at: Option<String>,
    pub entries: Vec<JournalEntry>,
}

impl ApplyJournal {
    /// The step the last apply failed at, if it did.
    pub fn failed_step(&self) -> Option<(ApplyStep, &str)> {
        if self.finished_at.is_some() {
            return None;
        }
        self.entries
            .iter()
            .rev()
            .find_map(|entry| match &entry.outcome {
                StepOutcome::Failed { error } => Some((entry.step, error.as_str())),
                StepOutcome::Done { .. } => None,
            })
    }

    pub fn is_complete(&self) -> bool {
        self.finished_at.is_some()
    }
}

/// One PBX tenant's connection to Microsoft 365.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Profile {
    pub name: String,
    pub pbx: PbxSettings,
    pub microsoft: MicrosoftSettings,
    pub app: Option<AppIdentity>,
    pub features: BTreeSet<Feature>,
    /// Graph permissions chosen for PBX features set in the PortSIP portal; profiles saved
    /// before they existed have none.
    #[serde(default)]
    pub optional_grants: BTreeSet<OptionalGrant>,
    pub sync: Option<SyncOptions>,
    /// Where `public_key.pem` was saved (guided mode).
    #[ts(type = "string | null")]
    pub certificate_path: Option<PathBuf>,
    pub last_verification: Option<VerificationSummary>,
    pub apply: Option<ApplyJournal>,
}

impl Profile {
    /// A new, empty profile.
    pub fn new(name: &str) -> Result<Self, FieldError> {
        check_profile_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            pbx: PbxSettings::default(),
            microsoft: MicrosoftSettings::default(),
            app: None,
            features: BTreeSet::new(),
            optional_grants: BTreeSet::new(),
            sync: None,
            certificate_path: None,
            last_verification: None,
            apply: None,
        })
    }
}

/// Why profiles could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{0}")]
    InvalidName(#[from] FieldError),
    #[error(
        "pbx365 could not find this computer's configuration folder (no home directory?). Set HOME \
         (or run with an explicit profile folder)."
    )]
    NoConfigDir,
    #[error("Could not read the profile file {path}: {source}. Check its permissions.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The profile file {path} is damaged ({source}). Delete it and run the setup again for that profile."
    )]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "Could not encode profile '{name}': {source}. This is a bug in pbx365; please report it."
    )]
    Encode {
        name: String,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Write(#[from] atomic_file::AtomicWriteError),
    #[error("No profile is named '{0}'. List the profiles, or create it with the setup.")]
    NotFound(String),
}

/// The folder profiles live in.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    base: PathBuf,
}

impl ProfileStore {
    /// The OS config directory's `pbx365` folder.
    pub fn open_default() -> Result<Self, ProfileError> {
        let dirs =
            directories::ProjectDirs::from("", "", "pbx365").ok_or(ProfileError::NoConfigDir)?;
        Ok(Self::at(dirs.config_dir()))
    }

    /// Profiles under `base` (tests, portable installs).
    pub fn at(base: impl Into<PathBuf>) -> Self {
        Self { base: base.into() }
    }

    pub fn base(&self) -> &Path {
        &self.base
    }

    fn profiles_dir(&self) -> PathBuf {
        self.base.join("profiles")
    }

    /// The profile's file. Names are case-insensitive, so the file name is lower case.
    pub fn path_of(&self, name: &str) -> Result<PathBuf, ProfileError> {
        check_profile_name(name)?;
        Ok(self
            .profiles_dir()
            .join(format!("{}.json", name.to_ascii_lowercase())))
    }

    /// Where guided mode saves `public_key.pem` unless the admin picks another place.
    pub fn default_certificate_path(&self, name: &str) -> Result<PathBuf, ProfileError> {
        check_profile_name(name)?;
        Ok(self
            .base
            .join("certificates")
            .join(name.to_ascii_lowercase())
            .join("public_key.pem"))
    }

    /// Whose folder `path` is in: pbx365's own under [`Self::base`], or one the admin chose.
    pub fn folder_of(&self, path: &Path) -> Folder {
        if path.starts_with(&self.base) {
            Folder::own(&self.base)
        } else {
            Folder::Chosen
        }
    }

    pub fn load(&self, name: &str) -> Result<Option<Profile>, ProfileError> {
        let path = self.path_of(name)?;
        let text = match std::fs::read(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ProfileError::Read { path, source }),
        };
        serde_json::from_slice(&text)
            .map(Some)
            .map_err(|source| ProfileError::Damaged { path, source })
    }

    pub fn require(&self, name: &str) -> Result<Profile, ProfileError> {
        self.load(name)?
            .ok_or_else(|| ProfileError::NotFound(name.to_owned()))
    }

    pub fn save(&self, profile: &Profile) -> Result<(), ProfileError> {
        let path = self.path_of(&profile.name)?;
        let mut text =
            serde_json::to_vec_pretty(profile).map_err(|source| ProfileError::Encode {
                name: profile.name.clone(),
                source,
            })?;
        text.push(b'\n');
        atomic_file::write_in(&path, &text, &Folder::own(&self.base))?;
        Ok(())
    }

    /// Every profile, sorted by name.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        let dir = self.profiles_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(ProfileError::Read { path: dir, source }),
        };
        let mut profiles = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|source| ProfileError::Read {
                    path: dir.clone(),
                    source,
                })?
                .path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read(&path).map_err(|source| ProfileError::Read {
                    path: path.clone(),
                    source,
                })?;
                let profile: Profile = serde_json::from_slice(&text)
                    .map_err(|source| ProfileError::Damaged { path, source })?;
                profiles.push(profile);
            }
        }
        profiles.sort_by_key(|p| p.name.to_ascii_lowercase());
        Ok(profiles)
    }

    /// Removes the profile's file; `false` when there was none. Its secrets are the caller's
    /// to remove (`SecretStore::delete_profile`).
    pub fn delete(&self, name: &str) -> Result<bool, ProfileError> {
        let path = self.path_of(name)?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(source) => Err(ProfileError::Read { path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_saved_with_check_titles_reads_as_check_ids() -> Result<(), serde_json::Error> {
        let saved = serde_json::json!({
            "at": "2026-01-01T00:00:00Z",
            "passed": false,
            "passed_checks": 7,
            "failed": ["The PBX lists Microsoft 365 users", "a check that no longer exists"],
            "skipped": ["redirect-uris"],
        });
        let summary: VerificationSummary = serde_json::from_value(saved)?;
        assert_eq!(summary.failed.0, vec![CheckId::PbxListsUsers]);
        assert_eq!(summary.skipped.0, vec![CheckId::RedirectUris]);
        let again: VerificationSummary = serde_json::from_value(serde_json::to_value(&summary)?)?;
        assert_eq!(again, summary);
        Ok(())
    }

    #[test]
    fn save_load_list_delete() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = ProfileStore::at(dir.path());
        assert!(store.load("contoso")?.is_none());
        assert!(store.list()?.is_empty());
        let mut profile = Profile::new("Contoso")?;
        profile.features.insert(Feature::Users);
        profile.sync = Some(SyncOptions::default());
        store.save(&profile)?;
        store.save(&Profile::new("adatum")?)?;
        assert_eq!(store.load("contoso")?, Some(profile.clone()));
        let names: Vec<String> = store.list()?.into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["adatum", "Contoso"]);
        assert!(store.delete("CONTOSO")?);
        assert!(!store.delete("contoso")?);
        assert!(store.require("contoso").is_err());
        Ok(())
    }

    #[test]
    fn invalid_names_never_touch_the_disk() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = ProfileStore::at(dir.path());
        assert!(matches!(
            store.load("../escape"),
            Err(ProfileError::InvalidName(_))
        ));
        assert!(!dir.path().join("profiles").exists());
        Ok(())
    }

    #[test]
    fn a_damaged_file_is_reported_with_its_path() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = ProfileStore::at(dir.path());
        let path = store.path_of("broken")?;
        atomic_file::write(&path, b"{ not json")?;
        let error = store.load("broken").err().map(|e| e.to_string());
        assert!(
            error.is_some_and(|e| e.contains("broken.json") && e.contains("damaged")),
            "damaged file not reported"
        );
        Ok(())
    }

    #[test]
    fn journal_reports_where_it_stopped() {
        let mut journal = ApplyJournal::default();
        journal.entries.push(JournalEntry {
            step: ApplyStep::AppRegistration,
            outcome: StepOutcome::Done { changed: true },
            at: String::new(),
            detail: None,
        });
        journal.entries.push(JournalEntry {
            step: ApplyStep::Consent,
            outcome: StepOutcome::Failed {
                error: "denied".into(),
            },
            at: String::new(),
            detail: None,
        });
        assert_eq!(journal.failed_step(), Some((ApplyStep::Consent, "denied")));
        journal.finished_at = Some("now".into());
        assert_eq!(journal.failed_step(), None);
    }
}
