//! Holds every Graph call of an end-to-end test — what pbx365 asked and what the emulated
//! Graph answered — to Microsoft's Graph v1.0 metadata (`crates/graph-contract`), for the
//! worldwide cloud and for the one operated by 21Vianet alike: every recorded call is held to
//! both cuts. A world whose emulator plays 21Vianet's cloud (`SimConfig::cloud`, issue 17) is
//! thereby held to Mooncake's; a global one is too, since a CHINA profile asks for the same
//! properties and so must not ask for one Mooncake lacks.
//!
//! The worlds of the engine, sync and certificate tests, and of entra's tests against the
//! emulator, each own a [`GraphContractTap`]; when the world is dropped at the end of a test
//! that otherwise passed, any problem fails it. The CLI tests, whose emulators run as a
//! separate process, hold the file of Graph calls that process writes (`pbx365 sim
//! --record-graph`) to [`problems_of`] the same way (`cli_support::GraphRecord`).

use std::sync::mpsc::{self, Sender};
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

/// Every problem of one Graph exchange, in both clouds.
pub fn problems_of(exchange: Exchange<'_>) -> Vec<String> {
    Cloud::ALL
        .into_iter()
        .flat_map(|cloud| match Contract::of(cloud) {
            Ok(contract) => contract.problems([exchange]),
            Err(error) => vec![error.to_string()],
        })
        .collect()
}

enum Work {
    Check(Box<sim::Exchange>),
    /// Answered once everything sent before has been checked.
    Flush(Sender<()>),
}

/// Checks the Graph calls a recorder records, on a thread of its own: the emulator serves
/// them on the test's thread, deep inside the engine's futures, where the stack has no room
/// for the check.
#[derive(Debug)]
pub struct GraphContractTap {
    work: Sender<Work>,
    problems: Arc<Mutex<Vec<String>>>,
}

impl GraphContractTap {
    /// Starts holding every exchange `recorder` records (cleared or not) to both clouds' cuts.
    pub fn install(recorder: &sim::Recorder) -> Self {
        let problems = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&problems);
        let (work, queue) = mpsc::channel::<Work>();
        // Ends when the recorder, and the observer's sender with it, is dropped.
        std::thread::spawn(move || {
            for item in queue {
                match item {
                    Work::Check(recorded) => {
                        let found = problems_of(as_graph_exchange(&recorded));
                        if !found.is_empty() {
                            sink.lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .extend(found);
                        }
                    }
                    Work::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        let observer = work.clone();
        recorder.observe(Arc::new(move |recorded: &sim::Exchange| {
            if Contract::is_graph(&recorded.path) {
                let _ = observer.send(Work::Check(Box::new(recorded.clone())));
            }
        }));
        Self { work, problems }
    }

    /// Removes and returns the problems of every call recorded so far, in the order the calls
    /// were made: for a test that makes a call off the metadata on purpose.
    pub fn take_problems(&self) -> Vec<String> {
        let (done, checked) = mpsc::channel();
        if self.work.send(Work::Flush(done)).is_err() || checked.recv().is_err() {
            return vec!["the Graph contract check stopped before the test ended".to_owned()];
        }
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
