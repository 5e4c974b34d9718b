//! Shared set-up of the tests that run the client against the emulated PBX.
// Each test binary uses its own part of this.
#![allow(dead_code)]

use std::time::Duration;

use openapi_contract::{Contract, ContractError};
use portsip::{Client, ClientBuilder, RetryPolicy};
use sim::{PbxVersion, Sim, SimConfig};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// An emulator over plain HTTP on loopback with `pbx_users` users.
pub async fn sim_with_users(pbx_users: usize) -> Result<Sim, sim::SimError> {
    sim::start(SimConfig {
        pbx_users,
        ..SimConfig::default()
    })
    .await
}

/// A client builder for the emulator, trusting its CA when it serves HTTPS.
pub fn builder_for(sim: &Sim) -> ClientBuilder {
    let builder = Client::builder(&sim.pbx_url);
    match &sim.ca_pem {
        Some(pem) => builder.ca_pem(pem.as_bytes()),
        None => builder,
    }
}

/// Retries that finish in test time: 10 ms doubling to 80 ms, for at most `budget` (and 100 ms
/// for an address that cannot be reached).
pub fn quick_retries(budget: Duration) -> RetryPolicy {
    RetryPolicy {
        first_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(80),
        budget,
        unreachable_budget: Duration::from_millis(100),
    }
}

/// A client signed in as the seeded tenant's administrator.
pub async fn tenant_admin(sim: &Sim) -> Result<Client, portsip::Error> {
    let client = builder_for(sim).build()?;
    let admin = &sim.tenant.admin;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    Ok(client)
}

/// An emulator playing `version` over plain HTTP on loopback with `pbx_users` users.
pub async fn sim_of(version: PbxVersion, pbx_users: usize) -> Result<Sim, sim::SimError> {
    sim::start(SimConfig {
        pbx_version: version,
        pbx_users,
        ..SimConfig::default()
    })
    .await
}

/// The contract of the PortSIP version the emulator plays: a 22.6 PBX's traffic is held to
/// 22.6's contract, not to the 22.2 spec the subset was cut from.
pub fn contract_of(sim: &Sim) -> Result<&'static Contract, ContractError> {
    Contract::for_version(sim.pbx.version().contract_version())
}

/// Every way the responses the emulator recorded so far depart from the contract of the
/// version it plays, one line each.
pub fn response_problems(sim: &Sim) -> Result<Vec<String>, ContractError> {
    Ok(contract_of(sim)?.response_problems(sim.pbx_recorder.exchanges().iter().map(Into::into)))
}

/// Every way the requests the emulator recorded so far depart from the contract of the
/// version it plays, one line each.
pub fn request_problems(sim: &Sim) -> Result<Vec<String>, ContractError> {
    let contract = contract_of(sim)?;
    let mut problems = Vec::new();
    for exchange in sim.pbx_recorder.exchanges() {
        if !exchange.request_body.is_empty() && exchange.request_json.is_none() {
            problems.push(format!(
                "{} {}: the body is not JSON",
                exchange.method, exchange.path
            ));
            continue;
        }
        if let Err(error) = contract.validate_request(
            &exchange.method,
            &exchange.path,
            &exchange.query,
            exchange.request_json.as_ref(),
        ) {
            problems.push(error.to_string());
        }
    }
    Ok(problems)
}
