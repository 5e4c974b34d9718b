//! The certificate's life after setup: its status on both sides, expiry reminders, monitoring
//! output, and zero-downtime rotation.

pub mod lifecycle;
