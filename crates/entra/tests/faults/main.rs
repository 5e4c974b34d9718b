//! The client under the faults real networks and hostile local programs produce: stray and
//! idle connections to the sign-in listener, throttled and failing token renewals, endless and
//! escape-laden answers.

mod hostile_servers;
mod lost_creation;
mod sign_in_listener;
mod support;
mod token_renewal;
