//! `pbx365 sim` without `--tls`, on a port the newcomer chose: `pbx365 pbx check` works over
//! plain http on loopback, and the PBX holds as many users as `--pbx-users` asked for.

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::{RunningSim, TestResult, free_port, run};
use futures::TryStreamExt;
use portsip::model::UserQuery;
use serde_json::Value;

#[tokio::test]
async fn plain_http_sim_on_a_chosen_port_passes_pbx_check_and_holds_the_seeded_users() -> TestResult
{
    let port = free_port()?;
    let sim = RunningSim::start(&["--pbx-port", &port.to_string(), "--pbx-users", "7"]).await?;
    let address = format!("http://127.0.0.1:{port}");
    assert_eq!(sim.get("/pbx/url")?, format!("{address}/api"));
    assert_eq!(sim.info.pointer("/ca_file"), Some(&Value::Null));

    let username = sim.get("/pbx/admin/username")?;
    let domain = sim.get("/pbx/admin/domain")?;
    let password = sim.get("/pbx/admin/password")?;
    let check = run(
        &[
            "pbx",
            "check",
            "--url",
            &address,
            "--username",
            &username,
            "--domain",
            &domain,
            "--password-stdin",
            "--json",
        ],
        &format!("{password}\n"),
        &[],
    )
    .await?;
    assert!(check.status.success(), "{check:?}");
    let report = check.json()?;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["pbx_url"], address.as_str());
    assert_eq!(report["role"], "Admin");
    assert_eq!(report["tenant"]["domain"], domain.as_str());

    let pbx = portsip::Client::new(&address)?;
    pbx.login(&username, &password, Some(&domain)).await?;
    let users: Vec<_> = pbx.users(&UserQuery::default()).try_collect().await?;
    let names: Vec<_> = users
        .iter()
        .filter_map(|user| user.name.as_deref())
        .collect();
    // --pbx-users counts every user of the tenant, the demo admin and standard user included.
    assert_eq!(users.len(), 7, "{names:?}");
    let standard_user = sim.get("/pbx/standard_user/username")?;
    for demo in [username.as_str(), standard_user.as_str()] {
        assert!(names.contains(&demo), "{demo} missing from {names:?}");
    }
    Ok(())
}
