//! The ground the wizard, sync, doctor and certificate lifecycle stand on: the host
//! [`Environment`], the [`Error`] every action reports, signing in again from what a profile and
//! the keyring hold ([`sessions`]), and the policy for riding out passing trouble ([`retry`]).
//! Nothing in here knows any of those four; each of them depends only downward, on this.

mod environment;
mod error;
pub mod key_pair;
pub mod retry;
mod saved_sign_in;
pub mod sessions;
mod stale;

pub use self::environment::Environment;
pub(crate) use self::environment::GroupAccess;
pub use self::error::{Error, ErrorReport};
pub(crate) use self::error::{clean_clause, from_sign_in, sentence};
pub use self::stale::StaleWhat;
