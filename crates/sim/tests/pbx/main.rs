//! The emulated PBX driven over HTTP(S) with plain reqwest: contract, rules, roles, tokens,
//! TLS, faults and the PBX → Microsoft chain.

mod auth;
mod contract;
mod ms365_chain;
mod rules;
mod support;
mod transport;
