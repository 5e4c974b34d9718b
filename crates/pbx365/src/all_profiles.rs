//! Acting on every saved profile at once, as a service provider with many tenants does
//! (`pbx365 sync --all`, `doctor --all`, `cert status --all`): a bounded number of tenants at a
//! time, each tenant finishing whatever happens to the others, results in the profiles' order.

use std::fmt;
use std::future::Future;
use std::num::NonZeroUsize;
use std::str::FromStr;

use futures::StreamExt;
use futures::stream::FuturesOrdered;
use serde::Serialize;

/// Tenants worked on at a time unless `--parallel` says otherwise: enough to hide each PBX's
/// and Microsoft's latency, few enough not to look like a flood to either.
pub const DEFAULT_PARALLEL: usize = 8;
/// The most `--parallel` allows: every tenant's PBX and Microsoft sessions are open at once.
pub const MAX_PARALLEL: usize = 32;

/// How many tenants are worked on at a time: 1 to [`MAX_PARALLEL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel(NonZeroUsize);

/// A `--parallel` value out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--parallel takes a number of tenants at a time from 1 to {MAX_PARALLEL}, not {given:?}")]
pub struct ParallelError {
    pub given: String,
}

impl Parallel {
    pub fn get(self) -> usize {
        self.0.get()
    }
}

impl Default for Parallel {
    fn default() -> Self {
        Self(NonZeroUsize::new(DEFAULT_PARALLEL).unwrap_or(NonZeroUsize::MIN))
    }
}

impl FromStr for Parallel {
    type Err = ParallelError;

    fn from_str(text: &str) -> Result<Self, ParallelError> {
        text.trim()
            .parse::<usize>()
            .ok()
            .filter(|&count| count <= MAX_PARALLEL)
            .and_then(NonZeroUsize::new)
            .map(Self)
            .ok_or_else(|| ParallelError {
                given: text.to_owned(),
            })
    }
}

impl fmt::Display for Parallel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Runs `work` on every item, at most `parallel` at a time, and returns the results in the
/// items' order. One item's failure is its own result: the others still run.
pub async fn for_each<I, T, F, Fut>(items: I, parallel: Parallel, mut work: F) -> Vec<T>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = T>,
{
    // A queue filled by hand rather than `stream::iter(..).map(work).buffered(..)`: the stream
    // adapter keeps `work` behind a higher-ranked bound that a Tauri command's future (which
    // must be `Send`) cannot satisfy when the items are references.
    let mut items = items.into_iter();
    let mut results = Vec::with_capacity(items.size_hint().0);
    let mut running = FuturesOrdered::new();
    for item in items.by_ref().take(parallel.get()) {
        running.push_back(work(item));
    }
    while let Some(result) = running.next().await {
        results.push(result);
        if let Some(item) = items.next() {
            running.push_back(work(item));
        }
    }
    results
}

/// Why one tenant failed: the same `kind` and `message` as a single profile's `--json` error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantFailure {
    pub kind: String,
    pub message: String,
}

/// One tenant's outcome: its result when the work could be done (`ok` says whether that result
/// is a success, e.g. every check passed), else why not.
#[derive(Debug, Clone, Serialize)]
pub struct TenantOutcome<T> {
    pub profile: String,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TenantFailure>,
}

impl<T> TenantOutcome<T> {
    /// The work was done; `ok` says whether its result is a success.
    pub fn finished(profile: &str, result: T, ok: bool) -> Self {
        Self {
            profile: profile.to_owned(),
            ok,
            result: Some(result),
            error: None,
        }
    }

    /// The work could not be done.
    pub fn failed(profile: &str, failure: TenantFailure) -> Self {
        Self {
            profile: profile.to_owned(),
            ok: false,
            result: None,
            error: Some(failure),
        }
    }
}

/// Every tenant's outcome, and which failed.
#[derive(Debug, Clone, Serialize)]
pub struct AllProfilesReport<T> {
    /// Tenants worked on at a time.
    pub parallel: usize,
    /// In the profiles' order.
    pub tenants: Vec<TenantOutcome<T>>,
    /// The profiles whose outcome is not ok, in order.
    pub failed: Vec<String>,
}

impl<T> AllProfilesReport<T> {
    pub fn new(parallel: Parallel, tenants: Vec<TenantOutcome<T>>) -> Self {
        let failed = tenants
            .iter()
            .filter(|t| !t.ok)
            .map(|t| t.profile.clone())
            .collect();
        Self {
            parallel: parallel.get(),
            tenants,
            failed,
        }
    }

    /// Every tenant's outcome is ok.
    pub fn passed(&self) -> bool {
        self.failed.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn parallel_takes_one_to_the_maximum_and_says_what_it_takes() {
        assert_eq!(Parallel::default().get(), DEFAULT_PARALLEL);
        assert_eq!("1".parse::<Parallel>().map(Parallel::get), Ok(1));
        assert_eq!(
            MAX_PARALLEL
                .to_string()
                .parse::<Parallel>()
                .map(Parallel::get),
            Ok(MAX_PARALLEL)
        );
        for bad in ["0", "-1", "33", "many", ""] {
            let error = bad.parse::<Parallel>().err();
            assert_eq!(
                error.map(|e| e.to_string()),
                Some(format!(
                    "--parallel takes a number of tenants at a time from 1 to 32, not {bad:?}"
                )),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn works_on_at_most_parallel_items_at_a_time_and_keeps_their_order() -> TestResult {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let parallel: Parallel = "3".parse()?;
        let results = for_each(0..10u64, parallel, |n| {
            let (running, most) = (&running, &most);
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Later items finish first: the order must still be the items'.
                tokio::time::sleep(Duration::from_millis(30 - n * 3)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                n * 10
            }
        })
        .await;
        assert_eq!(results, (0..10).map(|n| n * 10).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
        Ok(())
    }

    #[tokio::test]
    async fn a_failed_tenant_is_named_and_the_others_finish() -> TestResult {
        let report = AllProfilesReport::new(
            Parallel::default(),
            for_each(["a", "b", "c"], Parallel::default(), |name| async move {
                if name == "b" {
                    TenantOutcome::failed(
                        name,
                        TenantFailure {
                            kind: "pbx-auth".to_owned(),
                            message: "refused".to_owned(),
                        },
                    )
                } else {
                    TenantOutcome::finished(name, name.len(), true)
                }
            })
            .await,
        );
        assert!(!report.passed());
        assert_eq!(report.failed, ["b"]);
        let json = serde_json::to_value(&report)?;
        assert_eq!(json["parallel"], 8);
        assert_eq!(json["tenants"][0]["ok"], true);
        assert_eq!(json["tenants"][0]["result"], 1);
        assert_eq!(json["tenants"][1]["error"]["kind"], "pbx-auth");
        assert!(json["tenants"][1].get("result").is_none());
        assert_eq!(json["tenants"][2]["profile"], "c");
        Ok(())
    }
}
