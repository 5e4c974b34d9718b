//! Holds every Graph call of an end-to-end test — what pbx365 asked and what the emulated
//! Graph answered — to Microsoft's Graph v1.0 metadata (`crates/graph-contract`), for the
//! worldwide cloud and for the one operated by 21Vianet alike: the CHINA path does not run
//! against its own emulator yet (issue 17), so every recorded call is held to both cuts, and
//! a CHINA profile, which asks for the same properties, cannot ask for one Mooncake lacks.
//!
//! The worlds of the engine, sync and certificate tests each own a [`GraphContractTap`]; when
//! the world is dropped at the end of a test that otherwise passed, any problem fails it.

use std::sync::{Arc, Mutex, PoisonError};

use graph_contract::{Cloud, Contract, Exchange};

/// A recorded exchange as the Graph contract reads it.
pub fn as_graph_exchange(recorded: &sim::Exchange) -> Exchange<'_> {
    Exchange {
        method: &recorded.method,
        path: &recorded.path,
        query: &recorded.query,
        request: recorded.request_json.as_ref(),
        status: recorded.status,
        response: recorded.response_json.as_ref(),
    }
}

/// Every problem found in the Graph calls recorded since it was installed.
#[derive(Debug)]
pub struct GraphContractTap {
    problems: Arc<Mutex<Vec<String>>>,
}

impl GraphContractTap {
    /// Starts holding every exchange `recorder` records (cleared or not) to both clouds' cuts.
    pub fn install(recorder: &sim::Recorder) -> Self {
        let problems = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&problems);
        recorder.observe(Arc::new(move |recorded: &sim::Exchange| {
            let exchange = as_graph_exchange(recorded);
            let found: Vec<String> = Cloud::ALL
                .into_iter()
                .flat_map(|cloud| match Contract::of(cloud) {
                    Ok(contract) => contract.problems([exchange]),
                    Err(error) => vec![error.to_string()],
                })
                .collect();
            if !found.is_empty() {
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend(found);
            }
        }));
        Self { problems }
    }

    /// Removes and returns the problems found so far, in the order the calls were made: for a
    /// test that makes a call off the metadata on purpose.
    pub fn take_problems(&self) -> Vec<String> {
        std::mem::take(&mut *self.problems.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for GraphContractTap {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let problems = self.take_problems();
        assert!(
            problems.is_empty(),
            "Graph calls off Microsoft's Graph v1.0 metadata (spec/microsoft):\n{}",
            problems.join("\n")
        );
    }
}
