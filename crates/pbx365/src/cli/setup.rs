//! `pbx365 setup`: the whole wizard in one command — connect, sign in (or take the IDs in
//! guided mode), review, confirm, apply and verify — with progress lines on stderr.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use entra::{Cloud, National};
use pbx365::features::{Feature, OptionalGrant};
use pbx365::input::FieldError;
use pbx365::profile::{GroupRef, SyncOptions, UserScope, UserSyncOptions};
use pbx365::wizard::{
    AppRegistrationInput, GuidedIds, KeyPairInput, MicrosoftSignIn, PbxLogin as EnginePbxLogin,
    Review, SetupMicrosoft, SetupOutcome, SetupRequest, SignInMethod, run_setup,
};
use serde_json::{Map, Value, json};

use super::ms_signin::{cloud_choice, parse_cloud, parse_national};
use super::output;
use super::pbx_login::PbxLogin;
use super::{engine, ms_signin, report, stdin};

/// What `pbx365 setup --help` adds after the options.
pub const HELP: &str = "The review (what will change on the PBX, in Entra and on this computer) \
is printed on stdout and, unless --yes, confirmed on the terminal (or, without one, by a `y` \
line on stdin after the password); progress lines go to stderr, and Ctrl-C cancels the running \
step. Exit code 0 only when the changes were applied and (unless --skip-verify) every check \
passed.\n\n\
--ca-file is trusted for Microsoft as well as for the PBX (the emulators share one CA), and is \
kept in the profile for `pbx365 doctor`. In guided mode the verification waits (up to 10 \
minutes) for the steps you do by hand in Entra; use --skip-verify to run `pbx365 doctor` later \
instead.";

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The profile to create or re-run (one per PBX tenant).
    #[arg(long, value_name = "NAME")]
    profile: String,
    /// The PBX's address, e.g. https://pbx.example.com:8887.
    #[arg(long, value_name = "URL")]
    pbx_url: String,
    // --ca-file is trusted for Microsoft too (see HELP).
    #[command(flatten)]
    login: PbxLogin,
    /// Keep the PBX password in the OS keyring (otherwise only the PBX's refresh token is kept).
    #[arg(long)]
    remember_password: bool,
    /// `global`, `china`, or an authority URL (e.g. the emulator's, from `pbx365 sim`).
    #[arg(long, value_parser = parse_cloud, value_name = "global|china|URL")]
    authority: Cloud,
    /// The national cloud an authority URL plays (global when not given): its Graph scopes,
    /// the PBX's national_cloud and the portals named are that cloud's.
    #[arg(long, value_parser = parse_national, value_name = "global|china")]
    cloud: Option<National>,
    /// automatic: sign in and let pbx365 register the app and grant consent; guided: you do
    /// the Entra steps by hand (give --tenant-id and --app-id).
    #[arg(long, value_enum)]
    mode: ModeArg,
    /// The public client to sign in with (automatic mode; default: Microsoft Graph Command Line Tools).
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Sign in with a code typed on another device instead of opening a browser here.
    #[arg(long)]
    device_code: bool,
    /// Guided mode: the Directory (tenant) ID from the Entra admin center.
    #[arg(long, value_name = "GUID", required_if_eq("mode", "guided"))]
    tenant_id: Option<String>,
    /// Guided mode: the Application (client) ID of the app registration you made.
    #[arg(long, value_name = "GUID", required_if_eq("mode", "guided"))]
    app_id: Option<String>,
    /// What the integration is for; the app gets exactly the Graph permissions these need.
    #[arg(long, value_delimiter = ',', default_value = "users", value_parser = parse_feature, value_name = "users,sso,personal-contacts,shared-mailbox")]
    features: Vec<Feature>,
    /// Also grant a Graph permission for a PBX feature set in the PortSIP portal (PortSIP
    /// 22.5 and later; mail-send also before): mail-send = Mail.Send, for e-mail notifications
    /// the PBX sends through Microsoft 365; user-phone = User-Phone.ReadWrite.All, for the PBX
    /// reading and writing users' phone numbers. Repeat or separate with commas; a re-run
    /// without it removes the grant (after the review shows it).
    #[arg(long = "optional-grant", value_delimiter = ',', value_parser = parse_optional_grant, value_name = "mail-send|user-phone")]
    optional_grants: Vec<OptionalGrant>,
    /// First extension number for synced users (3–13 digits, no leading zero).
    #[arg(long, value_name = "N")]
    starting_extension: Option<String>,
    /// How many users pbx365's sync changes on the PBX at the same time (1–32; 8 when not
    /// given). Kept in the profile; never sent to the PBX.
    #[arg(long, value_name = "N")]
    sync_concurrency: Option<u16>,
    /// When the PBX syncs: a five-field crontab expression in the PBX's time zone.
    #[arg(long, value_name = "CRON", default_value_t = SyncOptions::default().sync_time)]
    sync_time: String,
    /// Sync only the members of these Microsoft 365 groups (object IDs, comma-separated;
    /// nested groups count). Automatic mode only: pbx365 reads the members through Graph
    /// (GroupMember.Read.All) and keeps the PBX's selected users equal to them at every sync.
    #[arg(long, value_delimiter = ',', value_name = "GROUP-ID,...")]
    sync_groups: Vec<String>,
    /// Guided mode: where to save the PBX's certificate as public_key.pem.
    #[arg(long, value_name = "PATH")]
    certificate_path: Option<PathBuf>,
    /// Do not run the doctor's checks after applying.
    #[arg(long)]
    skip_verify: bool,
    /// Apply without asking for confirmation after the review.
    #[arg(long)]
    yes: bool,
    /// Print one JSON object on stdout (the review, what was applied, the verification) instead
    /// of the summaries; the review is still shown on stderr when confirmation is asked.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ModeArg {
    Auto,
    Guided,
}

fn parse_feature(text: &str) -> Result<Feature, pbx365::features::UnknownFeature> {
    text.parse()
}

fn parse_optional_grant(
    text: &str,
) -> Result<OptionalGrant, pbx365::features::UnknownOptionalGrant> {
    text.parse()
}

impl SetupArgs {
    /// The request without the password, which is read only once the rest has passed the
    /// local checks. `ca_pem` is the text of `--ca-file`, read once by the caller.
    fn request(&self, ca_pem: Option<String>) -> Result<SetupRequest, FieldError> {
        let cloud = cloud_choice(&self.authority, self.cloud)?;
        let microsoft = match self.mode {
            ModeArg::Auto => SetupMicrosoft::Auto(MicrosoftSignIn {
                cloud,
                client_id: self.client_id.clone(),
                method: if self.device_code {
                    SignInMethod::DeviceCode
                } else {
                    SignInMethod::Browser
                },
                login_hint: None,
            }),
            ModeArg::Guided => SetupMicrosoft::Guided(GuidedIds {
                cloud,
                tenant_id: self.tenant_id.clone().unwrap_or_default(),
                app_id: self.app_id.clone().unwrap_or_default(),
            }),
        };
        Ok(SetupRequest {
            profile: self.profile.clone(),
            pbx: EnginePbxLogin {
                url: self.pbx_url.clone(),
                username: self.login.username.clone(),
                password: None,
                domain: self.login.domain.clone(),
                ca_pem,
                pin_sha256: self.login.pin_sha256.map(|pin| pin.to_string()),
                remember_password: self.remember_password,
            },
            microsoft,
            app: AppRegistrationInput {
                features: self.features.iter().copied().collect::<BTreeSet<_>>(),
                display_name: None,
                optional_grants: self.optional_grants.iter().copied().collect(),
            },
            key_pair: KeyPairInput {
                certificate_path: self.certificate_path.as_deref().map(absolute),
            },
            sync: SyncOptions {
                sync_time: self.sync_time.clone(),
                users: UserSyncOptions {
                    starting_extension: self.starting_extension.clone(),
                    pbx_concurrency: self.sync_concurrency,
                    // Names are read from the directory when the options are checked.
                    scope: if self.sync_groups.is_empty() {
                        UserScope::All
                    } else {
                        UserScope::Groups {
                            groups: self
                                .sync_groups
                                .iter()
                                .map(|id| GroupRef {
                                    id: id.clone(),
                                    display_name: String::new(),
                                })
                                .collect(),
                        }
                    },
                    ..UserSyncOptions::default()
                },
                ..SyncOptions::default()
            },
            verify: !self.skip_verify,
        })
    }
}

/// Paths end up in the profile, which later runs read from any working directory.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

pub async fn run(args: SetupArgs) -> anyhow::Result<()> {
    let ca_pem = ms_signin::read_ca(args.login.ca_file.as_deref())?;
    let mut request = match args.request(ca_pem) {
        Ok(request) => request,
        Err(error) => return failed(&args, pbx365::Error::Input(error)),
    };
    // Before the password is asked for, the keyring opened or anything sent.
    if let Err(error) = request.check_locally() {
        return failed(&args, error);
    }
    let password = stdin::read_password()?;
    request.pbx.password = Some(password.expose().to_owned());
    drop(password);
    let env = engine::environment(request.pbx.ca_pem.as_deref())?;
    let ctx = engine::step_context();
    let mut shown = None;
    let result = run_setup(
        env,
        request,
        |review| confirm(&args, review, &mut shown),
        &ctx,
    )
    .await;
    if let Some(Err(error)) = shown {
        return Err(error);
    }
    match result {
        Ok(outcome) => finish(&args, &outcome),
        Err(error) => failed(&args, error),
    }
}

/// Ends the command with the engine's `error`, also as JSON with `--json`.
fn failed(args: &SetupArgs, error: pbx365::Error) -> anyhow::Result<()> {
    if args.json {
        let report = error.report();
        let mut details = Map::new();
        details.insert("field".to_owned(), json!(report.field));
        details.insert("apply_step".to_owned(), json!(report.apply_step));
        output::print_json_failure(&report.code, &report.message, details)?;
    }
    Err(error.into())
}

/// Shows the review and asks, unless `--yes` (or there is nothing to change). Printing
/// failures end up in `shown` and count as "no".
fn confirm(args: &SetupArgs, review: &Review, shown: &mut Option<anyhow::Result<()>>) -> bool {
    let text = report::review(&args.profile, review);
    let asking = !args.yes && !review.nothing_to_change;
    let printed = if args.json {
        if asking {
            eprint!("{text}");
        }
        Ok(())
    } else {
        output::print(&text)
    };
    if let Err(error) = printed {
        *shown = Some(Err(error));
        return false;
    }
    if !asking {
        return true;
    }
    // The engine calls this synchronously; waiting for the admin must not stall the runtime.
    match tokio::task::block_in_place(|| stdin::ask("Apply these changes?")) {
        Ok(answer) => answer,
        Err(error) => {
            *shown = Some(Err(error));
            false
        }
    }
}

fn finish(args: &SetupArgs, outcome: &SetupOutcome) -> anyhow::Result<()> {
    if args.json {
        let mut value = serde_json::to_value(outcome)?;
        if let Value::Object(fields) = &mut value {
            fields.insert(
                "ok".to_owned(),
                json!(outcome.apply.is_some() && verified(outcome)),
            );
        }
        output::print_json(&value)?;
    } else {
        let mut text = String::new();
        if let Some(apply) = &outcome.apply {
            text.push('\n');
            text.push_str(&report::applied(apply));
        }
        if let Some(verification) = &outcome.verification {
            text.push('\n');
            text.push_str(&report::doctor(verification));
        }
        output::print(&text)?;
    }
    if outcome.apply.is_none() {
        bail!(
            "the review was not confirmed, so nothing was changed; run the setup again and answer y, or pass --yes"
        );
    }
    if !verified(outcome) {
        bail!(
            "the setup was applied but verification did not pass; fix what the failed checks say, then run `pbx365 doctor --profile {}`",
            args.profile
        );
    }
    Ok(())
}

fn verified(outcome: &SetupOutcome) -> bool {
    outcome
        .verification
        .as_ref()
        .is_none_or(|report| report.passed)
}

#[cfg(test)]
mod tests {
    use std::error::Error;

    use clap::Parser;

    use pbx365::profile::{CloudChoice, NationalCloud};

    use super::*;

    #[derive(Debug, Parser)]
    struct Command {
        #[command(flatten)]
        setup: SetupArgs,
    }

    fn parse(extra: &[&str]) -> Result<SetupArgs, clap::Error> {
        let mut argv = vec![
            "setup",
            "--profile",
            "demo",
            "--pbx-url",
            "https://pbx.example.com:8887",
            "--username",
            "admin",
            "--password-stdin",
            "--mode",
            "auto",
        ];
        if !extra.contains(&"--authority") {
            argv.extend_from_slice(&["--authority", "global"]);
        }
        argv.extend_from_slice(extra);
        Command::try_parse_from(argv).map(|c| c.setup)
    }

    #[test]
    fn an_authority_url_plays_the_cloud_named_by_cloud() -> Result<(), Box<dyn Error>> {
        let cloud = |argv: &[&str]| -> Result<CloudChoice, Box<dyn Error>> {
            match parse(argv)?.request(None)?.microsoft {
                SetupMicrosoft::Auto(sign_in) => Ok(sign_in.cloud),
                SetupMicrosoft::Guided(ids) => Ok(ids.cloud),
            }
        };
        let emulator = ["--authority", "http://127.0.0.1:4000"];
        assert_eq!(
            cloud(&emulator)?,
            CloudChoice::Custom {
                authority: "http://127.0.0.1:4000".to_owned(),
                national: Some(NationalCloud::Global),
            }
        );
        assert_eq!(
            cloud(&[emulator.as_slice(), &["--cloud", "china"]].concat())?,
            CloudChoice::Custom {
                authority: "http://127.0.0.1:4000".to_owned(),
                national: Some(NationalCloud::China),
            }
        );
        assert_eq!(
            cloud(&["--authority", "china", "--cloud", "china"])?,
            CloudChoice::China
        );
        let disagree = parse(&["--authority", "china", "--cloud", "global"])?.request(None);
        assert!(disagree.is_err_and(|e| e.field == "cloud"));
        Ok(())
    }

    #[test]
    fn optional_grants_are_taken_repeated_or_comma_separated() -> Result<(), Box<dyn Error>> {
        let none = parse(&[])?.request(None)?;
        assert!(none.app.optional_grants.is_empty());
        let both = BTreeSet::from([OptionalGrant::MailSend, OptionalGrant::UserPhone]);
        let repeated = parse(&[
            "--optional-grant",
            "mail-send",
            "--optional-grant",
            "user-phone",
        ])?;
        assert_eq!(repeated.request(None)?.app.optional_grants, both);
        let listed = parse(&["--optional-grant", "user-phone,mail-send"])?;
        assert_eq!(listed.request(None)?.app.optional_grants, both);
        let refused = parse(&["--optional-grant", "calendars"]).map(drop);
        let text = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("\"calendars\"") && text.contains("mail-send and user-phone"),
            "{text}"
        );
        Ok(())
    }
}
