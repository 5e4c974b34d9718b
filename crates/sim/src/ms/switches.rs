//! The Microsoft-specific fault and behaviour switches, settable while the cloud runs.

use std::sync::PoisonError;
use std::time::Duration;

use time::OffsetDateTime;

use super::Cloud;

#[derive(Debug, Clone)]
pub(crate) struct Switches {
    /// How long a new app or a newly added key stays invisible to token issuance and reads.
    pub replication_delay: Duration,
    /// Every consent page (authorize, device login, admin consent) ends as if Cancel was chosen.
    pub consent_refused: bool,
    /// Sign-in and consent pages are skipped; the Global Administrator (or `login_hint`) signs in.
    pub auto_approve: bool,
    pub access_token_lifetime: Duration,
    pub refresh_token_lifetime: Duration,
    /// Added to the real clock when certificate (key credential) dates are checked.
    pub clock_offset: time::Duration,
    /// The polling interval the device-code endpoint announces.
    pub device_code_interval: Duration,
}

impl Switches {
    pub fn new(auto_approve: bool) -> Switches {
        Switches {
            replication_delay: Duration::ZERO,
            consent_refused: false,
            auto_approve,
            access_token_lifetime: Duration::from_secs(3600),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            clock_offset: time::Duration::ZERO,
            device_code_interval: Duration::from_secs(5),
        }
    }
}

impl Cloud {
    fn change(&self, apply: impl FnOnce(&mut Switches)) {
        apply(&mut self.switches.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// New apps and newly added keys stay invisible for `delay`, as Entra's replication makes
    /// them: client-credential tokens fail with AADSTS700016 (app) or AADSTS700027 (key),
    /// `POST /servicePrincipals` fails with `NoBackingApplicationObject`, and reads 404.
    pub fn set_replication_delay(&self, delay: Duration) {
        self.change(|s| s.replication_delay = delay);
    }

    /// Every consent ends in `access_denied` / AADSTS65004, as if the admin chose Cancel.
    pub fn set_consent_refused(&self, refused: bool) {
        self.change(|s| s.consent_refused = refused);
    }

    /// Skip the sign-in and consent pages (authorize, admin consent, device login).
    pub fn set_auto_approve(&self, auto_approve: bool) {
        self.change(|s| s.auto_approve = auto_approve);
    }

    /// Lifetime of access and ID tokens issued from now on (default one hour).
    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        self.change(|s| s.access_token_lifetime = lifetime);
    }

    /// Lifetime of refresh tokens issued from now on (default 90 days); an expired one is
    /// refused with AADSTS700082.
    pub fn set_refresh_token_lifetime(&self, lifetime: Duration) {
        self.change(|s| s.refresh_token_lifetime = lifetime);
    }

    /// Moves the clock that certificate dates (`keyCredentials` start and end) are checked
    /// against; tokens and client-assertion lifetimes keep the real clock, as the clients do.
    pub fn set_clock_offset(&self, offset: time::Duration) {
        self.change(|s| s.clock_offset = offset);
    }

    /// The polling interval announced by the device-code endpoint (default 5 s, as Entra).
    pub fn set_device_code_interval(&self, interval: Duration) {
        self.change(|s| s.device_code_interval = interval);
    }

    /// Revokes every refresh token issued so far; redeeming one gives AADSTS50173.
    pub fn revoke_refresh_tokens(&self) {
        for grant in self.state().refresh_tokens.values_mut() {
            grant.revoked = true;
        }
    }

    /// The emulated time certificate dates are checked against.
    pub fn certificate_clock(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.switches().clock_offset
    }
}
