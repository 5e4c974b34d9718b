//! What the client reports while it waits between attempts, so a caller can show it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What Entra has not replicated yet, named by a code so a caller can word it in its own
/// language (pbx365's UI words the kebab-case code); `Display` is the English noun phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, export_to = "../../../ui/src/lib/bindings/")
)]
pub enum Replicating {
    /// An app registration just created.
    NewApp,
    /// An app registration being repaired.
    App,
    /// An app whose creation got no answer, looked for by its tag.
    UnansweredApp,
    /// The service principal just created for an app.
    NewServicePrincipal,
    /// The app an earlier run created, looked for again.
    LastRunApp,
    /// A certificate just added to an app's keys.
    NewCertificate,
}

impl fmt::Display for Replicating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NewApp => "the new app",
            Self::App => "the app",
            Self::UnansweredApp => "the app whose creation got no answer",
            Self::NewServicePrincipal => "the new service principal",
            Self::LastRunApp => "the app the last run created",
            Self::NewCertificate => "the new certificate",
        })
    }
}

/// How a request failed in transit, as far as the HTTP client tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionFailure {
    /// No connection was made: refused, no such host name, no route, a proxy refusing.
    NotReached,
    /// Microsoft did not answer in time.
    TimedOut,
    /// The connection broke before the whole answer came.
    Dropped,
}

impl ConnectionFailure {
    /// How `error`, a failure in transit, came about.
    pub(crate) fn of(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::TimedOut
        } else if error.is_connect() {
            Self::NotReached
        } else {
            Self::Dropped
        }
    }
}

impl fmt::Display for ConnectionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotReached => "Microsoft could not be reached (the connection failed)",
            Self::TimedOut => "Microsoft did not answer in time",
            Self::Dropped => "The connection to Microsoft broke",
        })
    }
}

/// Something the user should see while the client waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Microsoft asked the client to slow down (429, 503).
    Throttled { context: String, wait: Duration },
    /// Microsoft failed with another server error (500, 502, 504).
    ServerFailed {
        context: String,
        status: u16,
        wait: Duration,
    },
    /// The request failed in transit.
    ConnectionTrouble {
        context: String,
        failure: ConnectionFailure,
        wait: Duration,
    },
    WaitingForReplication {
        what: Replicating,
        attempt: u32,
        wait: Duration,
    },
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Throttled { context, wait } => write!(
                f,
                "Microsoft asks us to slow down; trying to {context} again in {} s…",
                wait.as_secs_f32().ceil()
            ),
            Self::ServerFailed {
                context,
                status,
                wait,
            } => write!(
                f,
                "Microsoft failed (HTTP {status}); trying to {context} again in {} s…",
                wait.as_secs_f32().ceil()
            ),
            Self::ConnectionTrouble {
                context,
                failure,
                wait,
            } => write!(
                f,
                "{failure}; trying to {context} again in {} s…",
                wait.as_secs_f32().ceil()
            ),
            Self::WaitingForReplication {
                what,
                attempt,
                wait,
            } => write!(
                f,
                "Waiting for Entra to replicate {what}… (attempt {attempt}, next try in {} s)",
                wait.as_secs_f32().ceil()
            ),
        }
    }
}

/// Receives [`Progress`] reports; called from the task doing the work, so keep it quick.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;
