//! "Now" is passed in, so that expiry and reminders are tested by moving time rather than by
//! waiting a year.

use time::OffsetDateTime;

/// Where the certificate lifecycle reads the current time from.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The computer's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock stopped at one instant.
impl Clock for OffsetDateTime {
    fn now(&self) -> OffsetDateTime {
        *self
    }
}
