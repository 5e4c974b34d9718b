//! The emulated PBX driven over HTTP(S) with plain reqwest: contract, rules, roles, tokens,
//! TLS, faults, the PBX → Microsoft chain, and what differs between the PortSIP versions.

mod auth;
mod contract;
mod ms365_chain;
mod rules;
mod support;
mod tenants;
mod transport;
mod versions;
