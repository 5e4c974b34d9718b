//! One method per PortSIP endpoint, grouped by area.

mod audit_logs;
mod certificates;
mod contacts;
mod ms365;
mod platform;
mod users;

pub use certificates::CertificateFile;
