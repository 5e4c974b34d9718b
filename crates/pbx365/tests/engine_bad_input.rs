//! Bad input: each case ends in a clear message, and nothing is written — no profile file, no
//! keyring entry, no app in Entra, no change on the PBX.

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use engine_common::{TestResult, World, app_input, prepare_auto, sync_options, world};
use pbx365::Error;
use pbx365::profile::{CloudChoice, SyncOptions, UserScope};
use pbx365::progress::{CancellationToken, StepContext};
use pbx365::wizard::{
    GuidedIds, KeyPairInput, PbxLogin, SetupMicrosoft, SetupRequest, Wizard, run_setup,
};

/// Nothing anywhere has changed since the world was made.
fn assert_nothing_written(world: &World, pbx_settings: &serde_json::Value) {
    assert!(
        world.files().is_empty(),
        "files written: {:?}",
        world.files()
    );
    assert!(world.secrets.values().is_empty(), "keyring written");
    assert!(world.sim.ms.applications().is_empty(), "an app was created");
    assert!(
        world.sim.pbx.certificate().is_none(),
        "a key pair was generated"
    );
    assert_eq!(
        &world.sim.pbx.ms365_settings(),
        pbx_settings,
        "the PBX was changed"
    );
}

fn field_error(result: Result<impl std::fmt::Debug, Error>, field: &str) -> Result<String, String> {
    match result {
        Err(Error::Input(error)) if error.field == field => Ok(error.message),
        other => Err(format!("expected an input error on {field}, got {other:?}")),
    }
}

async fn connect(world: &World, login: PbxLogin) -> Result<pbx365::wizard::PbxSummary, Error> {
    let mut wizard = Wizard::open(Arc::clone(&world.env), "bad")?;
    wizard.connect_pbx(login, &StepContext::silent()).await
}

#[tokio::test]
async fn pbx_connection_mistakes_are_explained() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();

    let insecure = field_error(
        connect(
            &world,
            PbxLogin {
                url: "http://pbx.contoso.example:8887".into(),
                ..world.login()
            },
        )
        .await,
        "url",
    )?;
    assert!(
        insecure.contains("plain http://") && insecure.contains("https://"),
        "{insecure}"
    );

    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let unreachable = connect(
        &world,
        PbxLogin {
            url: format!("https://127.0.0.1:{closed}"),
            ..world.login()
        },
    )
    .await;
    let Err(Error::Pbx(error)) = &unreachable else {
        return Err(format!("expected a PBX error, got {unreachable:?}").into());
    };
    let text = error.to_string();
    assert!(
        text.contains("Nothing accepted the connection") && text.contains("8887"),
        "{text}"
    );

    // The wrong port: something answers, but it is not a PortSIP REST API.
    let wrong_port = connect(
        &world,
        PbxLogin {
            url: world.sim.ms_authority.clone(),
            ..world.login()
        },
    )
    .await;
    let Err(Error::Pbx(error)) = &wrong_port else {
        return Err(format!("expected a PBX error, got {wrong_port:?}").into());
    };
    assert!(error.to_string().contains("PortSIP PBX"), "{error}");

    let wrong_password = field_error(
        connect(
            &world,
            PbxLogin {
                password: Some("not-the-password".into()),
                ..world.login()
            },
        )
        .await,
        "password",
    )?;
    assert!(
        wrong_password.contains("did not accept the user name \"pbxadmin\""),
        "{wrong_password}"
    );

    let standard = &world.sim.tenant.standard_user;
    let standard_user = connect(
        &world,
        PbxLogin {
            username: standard.username.clone(),
            password: Some(standard.password.clone()),
            ..world.login()
        },
    )
    .await;
    let Err(error @ Error::PbxRole { .. }) = &standard_user else {
        return Err(format!("expected a role error, got {standard_user:?}").into());
    };
    let text = error.to_string();
    assert!(
        text.contains("role StandardUser") && text.contains("(role Admin)"),
        "{text}"
    );
    assert_eq!(error.report().code, "pbx-role");

    // A CA file that holds no certificate belongs to its form field.
    let bad_ca = field_error(
        connect(
            &world,
            PbxLogin {
                ca_pem: Some("-----BEGIN CERTIFICATE-----\nnot base64\n".into()),
                ..world.login()
            },
        )
        .await,
        "ca_pem",
    )?;
    assert!(bad_ca.contains("The CA certificate"), "{bad_ca}");

    // Without the emulator's CA the PBX's certificate is not trusted, and the admin is shown
    // which certificate that was.
    let untrusted = connect(
        &world,
        PbxLogin {
            ca_pem: None,
            ..world.login()
        },
    )
    .await;
    let Err(Error::Pbx(error)) = &untrusted else {
        return Err(format!("expected a TLS error, got {untrusted:?}").into());
    };
    assert!(
        matches!(error, portsip::Error::Tls { .. }),
        "expected a TLS error, got {error:?}"
    );
    assert!(error.to_string().contains("SHA-256"), "{error}");

    assert_nothing_written(&world, &before);
    Ok(())
}

#[tokio::test]
async fn guided_ids_with_typos_are_refused_precisely() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(Arc::clone(&world.env), "typos")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    let tenant = world.sim.ms.tenant_id().to_owned();
    let app = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90".to_owned();
    let ids = |tenant_id: &str, app_id: &str| GuidedIds {
        cloud: world.cloud(),
        tenant_id: tenant_id.to_owned(),
        app_id: app_id.to_owned(),
    };

    let typo = format!("{}o", &tenant[..35]);
    let message = field_error(
        wizard.use_guided_ids(ids(&typo, &app), &ctx).await,
        "tenant_id",
    )?;
    assert!(message.contains("\"o\" at position 36"), "{message}");
    let short = &app[..35];
    let message = field_error(
        wizard.use_guided_ids(ids(&tenant, short), &ctx).await,
        "app_id",
    )?;
    assert!(message.contains("35 characters"), "{message}");
    let message = field_error(
        wizard.use_guided_ids(ids(&tenant, &tenant), &ctx).await,
        "app_id",
    )?;
    assert!(
        message.contains("same as the Directory (tenant) ID"),
        "{message}"
    );
    let unknown = "11111111-2222-3333-4444-555555555555";
    let message = field_error(
        wizard.use_guided_ids(ids(unknown, &app), &ctx).await,
        "tenant_id",
    )?;
    assert!(
        message.contains("No Microsoft tenant has the Directory (tenant) ID"),
        "{message}"
    );

    assert_nothing_written(&world, &before);
    Ok(())
}

#[tokio::test]
async fn sync_option_mistakes_are_refused() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto(&world, "options", &ctx).await?;
    let with_start = |start: &str| {
        let mut options = engine_common::sync_options();
        options.users.starting_extension = Some(start.to_owned());
        options
    };

    let message = field_error(
        wizard.set_sync_options(with_start("0500"), &ctx).await,
        "starting_extension",
    )?;
    assert!(message.contains("starts with 0"), "{message}");
    // 100 is the tenant administrator's own extension.
    let message = field_error(
        wizard.set_sync_options(with_start("100"), &ctx).await,
        "starting_extension",
    )?;
    assert!(
        message.contains("already belongs to the PBX user pbxadmin"),
        "{message}"
    );

    let bad_cron = SyncOptions {
        sync_time: "0 24 * * *".into(),
        ..engine_common::sync_options()
    };
    let error = wizard.set_sync_options(bad_cron, &ctx).await;
    let Err(error @ Error::Schedule(_)) = &error else {
        return Err(format!("expected a schedule error, got {error:?}").into());
    };
    assert!(
        error
            .to_string()
            .contains("hour field has 24, outside 0–23"),
        "{error}"
    );
    assert_eq!(error.report().field.as_deref(), Some("sync_time"));

    // A refused step leaves the wizard before the review.
    let review = wizard.review(&ctx).await;
    assert!(
        matches!(review, Err(Error::OutOfOrder { .. })),
        "{review:?}"
    );
    assert_nothing_written(&world, &before);
    Ok(())
}

#[tokio::test]
async fn an_admin_who_cannot_grant_permissions_is_stopped_early() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(Arc::clone(&world.env), "no-rights")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    let user_admin = world.sim.ms.demo_accounts().user_admin.user_principal_name;
    let summary = wizard
        .sign_in_microsoft(
            pbx365::wizard::MicrosoftSignIn {
                login_hint: Some(user_admin.clone()),
                ..world.sign_in()
            },
            &ctx,
        )
        .await?;
    assert_eq!(summary.can_grant_permissions, Some(false));
    assert!(
        summary.warnings.iter().any(|w| matches!(
            w,
            pbx365::wizard::WizardWarning::CannotGrant { account: Some(account) } if *account == user_admin
        )),
        "{:?}",
        summary.warnings
    );
    let refused = wizard
        .plan_app_registration(
            engine_common::app_input(engine_common::all_features()),
            &ctx,
        )
        .await;
    let Err(error @ Error::CannotGrant { .. }) = &refused else {
        return Err(format!("expected CannotGrant, got {refused:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains(&user_admin), "{text}");
    assert!(
        text.contains("Contacts.Read, MailboxSettings.Read, User.ReadBasic.All"),
        "{text}"
    );
    assert!(text.contains("guided mode"), "{text}");
    assert_nothing_written(&world, &before);
    Ok(())
}

#[tokio::test]
async fn a_sign_in_cancelled_timed_out_or_aborted_changes_nothing() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let ctx = StepContext::silent();

    // Cancel on Microsoft's page.
    world.sim.ms.set_consent_refused(true);
    let mut wizard = Wizard::open(Arc::clone(&world.env), "cancelled")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    let declined = wizard.sign_in_microsoft(world.sign_in(), &ctx).await;
    let Err(error @ Error::SignInDeclined) = &declined else {
        return Err(format!("expected SignInDeclined, got {declined:?}").into());
    };
    assert!(error.to_string().contains("Nothing was changed"), "{error}");
    world.sim.ms.set_consent_refused(false);

    // Nobody completes the sign-in in the browser.
    let env = world.env_with(|env| {
        env.browser = Arc::new(engine_common::NeverReturns);
        env.sign_in_timeout = Duration::from_millis(500);
    });
    let mut wizard = Wizard::open(env, "timeout")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    let timed_out = wizard.sign_in_microsoft(world.sign_in(), &ctx).await;
    let Err(Error::SignInTimedOut { .. }) = &timed_out else {
        return Err(format!("expected SignInTimedOut, got {timed_out:?}").into());
    };

    // The admin presses Cancel in pbx365 while it waits.
    let env = world.env_with(|env| env.browser = Arc::new(engine_common::NeverReturns));
    let mut wizard = Wizard::open(env, "aborted")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    let token = CancellationToken::new();
    let cancellable = StepContext::new(
        Arc::new(|_: &pbx365::progress::ProgressEvent| {}),
        token.clone(),
    );
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        token.cancel();
    });
    let aborted = wizard
        .sign_in_microsoft(world.sign_in(), &cancellable)
        .await;
    canceller.await?;
    let Err(error @ Error::Cancelled(_)) = &aborted else {
        return Err(format!("expected Cancelled, got {aborted:?}").into());
    };
    assert_eq!(
        error.to_string(),
        "Microsoft account was cancelled. Nothing further was changed; run the step again to continue."
    );

    assert_nothing_written(&world, &before);
    Ok(())
}

#[tokio::test]
async fn the_pbx_going_away_between_review_and_apply_changes_nothing() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto(&world, "gone", &ctx).await?;
    wizard.review(&ctx).await?;
    world.sim.pbx_faults.drop_every(1);
    let result = wizard.apply(&ctx).await;
    world.sim.pbx_faults.clear();
    let Err(error @ Error::PbxGone { .. }) = &result else {
        return Err(format!("expected PbxGone, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(
        text.contains(&world.sim.pbx_url) && text.contains("Nothing was changed"),
        "{text}"
    );
    assert_nothing_written(&world, &before);

    // Someone else changes the PBX between review and apply: also stopped before writing.
    wizard.review(&ctx).await?;
    let client = world.admin_pbx().await?;
    client
        .set_ms365(&portsip::model::Ms365SettingsUpdate {
            sync_time: Some("15 3 * * *".into()),
            ..Default::default()
        })
        .await?;
    let changed = world.sim.pbx.ms365_settings();
    let stale = wizard.apply(&ctx).await;
    assert!(
        matches!(
            &stale,
            Err(Error::ReviewStale {
                what: pbx365::access::StaleWhat::SettingsChanged
            })
        ),
        "{stale:?}"
    );
    // The CLI's English names the change.
    let text = stale.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("the PBX's Microsoft 365 settings were changed by someone else"),
        "{text}"
    );
    assert_nothing_written(&world, &changed);

    // A step run out of order is refused too.
    let mut fresh = Wizard::open(Arc::clone(&world.env), "order")?;
    let out_of_order = fresh.plan_key_pair(KeyPairInput::default(), &ctx).await;
    assert!(
        matches!(out_of_order, Err(Error::OutOfOrder { .. })),
        "{out_of_order:?}"
    );
    Ok(())
}

/// A setup request the emulators would accept from start to finish.
fn good_request(world: &World) -> SetupRequest {
    SetupRequest {
        profile: "early".to_owned(),
        pbx: world.login(),
        microsoft: SetupMicrosoft::Auto(world.sign_in()),
        app: app_input(engine_common::all_features()),
        key_pair: KeyPairInput::default(),
        sync: sync_options(),
        verify: false,
    }
}

/// Everything either emulator was asked and every page the "browser" opened.
fn traffic(world: &World) -> Vec<String> {
    let mut seen: Vec<String> = world
        .sim
        .pbx_recorder
        .exchanges()
        .into_iter()
        .chain(world.sim.ms_recorder.exchanges())
        .map(|exchange| format!("{} {}", exchange.method, exchange.path))
        .collect();
    if let Ok(opened) = world.opened.lock() {
        seen.extend(opened.iter().map(|url| format!("browser {url}")));
    }
    seen
}

#[tokio::test]
async fn setup_refuses_what_it_can_check_locally_before_any_request() -> TestResult {
    let world = world().await?;
    let before = world.sim.pbx.ms365_settings();
    let guided = |tenant_id: &str, app_id: &str| {
        SetupMicrosoft::Guided(GuidedIds {
            cloud: world.cloud(),
            tenant_id: tenant_id.to_owned(),
            app_id: app_id.to_owned(),
        })
    };
    let app_id = "0d5e2a7c-1b3f-4c8e-9a6d-2f4b8c1e7a90";
    let tenant_id = world.sim.ms.tenant_id().to_owned();
    let folder = world.dir.path().join("a-folder");
    std::fs::create_dir(&folder)?;
    type Change<'a> = Box<dyn Fn(&mut SetupRequest) + 'a>;
    // (what is wrong, the field named, a phrase of the message)
    let cases: Vec<(Change<'_>, &str, &str)> = vec![
        (
            Box::new(|r| r.sync.users.starting_extension = Some("0123".into())),
            "starting_extension",
            "The starting extension \"0123\" starts with 0",
        ),
        (
            Box::new(|r| r.sync.sync_time = "bad cron".into()),
            "sync_time",
            "The sync schedule \"bad cron\" is not valid",
        ),
        (
            Box::new(|r| {
                r.sync.users.scope = UserScope::Only {
                    users: vec!["alice".into()],
                }
            }),
            "users.scope",
            "\"alice\" is not a user principal name",
        ),
        (
            Box::new(|r| r.sync.sso.administrators = vec!["bob@localhost".into()]),
            "sso.administrators",
            "\"bob@localhost\" is not a user principal name",
        ),
        (
            Box::new(|r| r.app.features.clear()),
            "features",
            "Choose at least one feature",
        ),
        (
            Box::new(|r| r.profile = "a/b".into()),
            "profile",
            "contains \"/\"",
        ),
        (
            Box::new(|r| r.pbx.url = "http://pbx.contoso.example:8887".into()),
            "url",
            "plain http://",
        ),
        (
            Box::new(|r| r.pbx.url = " ".into()),
            "url",
            "Enter the PBX's address",
        ),
        (
            Box::new(|r| r.pbx.domain = Some("https://contoso.example".into())),
            "domain",
            "The domain \"https://contoso.example\" is an address",
        ),
        (
            Box::new(|r| r.pbx.ca_pem = Some("-----BEGIN CERTIFICATE-----\nnot base64\n".into())),
            "ca_pem",
            "The CA certificate",
        ),
        (
            Box::new(|r| {
                if let SetupMicrosoft::Auto(sign_in) = &mut r.microsoft {
                    sign_in.client_id = Some("not-a-guid".into());
                }
            }),
            "client_id",
            "The sign-in client ID has \"n\" at position 1",
        ),
        (
            Box::new(|r| {
                if let SetupMicrosoft::Auto(sign_in) = &mut r.microsoft {
                    sign_in.cloud = CloudChoice::Custom {
                        authority: "http://login.contoso.example".into(),
                        national: None,
                    };
                }
            }),
            "authority",
            "The Microsoft authority \"http://login.contoso.example\" cannot be used",
        ),
        (
            Box::new(move |r| r.microsoft = guided(&tenant_id[..35], app_id)),
            "tenant_id",
            "The Directory (tenant) ID has 35 characters",
        ),
        (
            Box::new(move |r| {
                r.microsoft = guided(app_id, app_id);
            }),
            "app_id",
            "same as the Directory (tenant) ID",
        ),
        (
            Box::new(|r| {
                r.microsoft = guided(world.sim.ms.tenant_id(), app_id);
                r.key_pair.certificate_path = Some(folder.clone());
            }),
            "certificate_path",
            "that is a folder",
        ),
    ];
    for (change, field, phrase) in cases {
        let mut request = good_request(&world);
        change(&mut request);
        let result = run_setup(
            Arc::clone(&world.env),
            request,
            |_| false,
            &StepContext::silent(),
        )
        .await;
        let error = result
            .err()
            .ok_or(format!("{field}: the setup was not refused"))?;
        assert!(
            matches!(error, Error::Input(_) | Error::Schedule(_)),
            "{field}: not an input error: {error:?}"
        );
        assert_eq!(error.field(), Some(field), "{error}");
        assert!(error.to_string().contains(phrase), "{field}: {error}");
        assert_eq!(traffic(&world), Vec::<String>::new(), "{field}: sent");
    }
    std::fs::remove_dir(&folder)?;
    assert_nothing_written(&world, &before);

    // The same request with a mistake only the PBX can see (100 is taken) is sent: the
    // emulators' records would have shown any request above.
    let mut taken = good_request(&world);
    taken.sync.users.starting_extension = Some("100".into());
    let refused = run_setup(
        Arc::clone(&world.env),
        taken,
        |_| false,
        &StepContext::silent(),
    )
    .await;
    let message = field_error(refused, "starting_extension")?;
    assert!(message.contains("already belongs"), "{message}");
    let seen = traffic(&world);
    assert!(
        seen.iter().any(|line| line.starts_with("browser ")) && seen.len() > 3,
        "{seen:?}"
    );
    Ok(())
}
