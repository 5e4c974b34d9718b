//! A file of the Graph calls the emulated Microsoft cloud served (`pbx365 sim --record-graph`),
//! so tests that run the emulators as a separate process can hold every call to Microsoft's
//! Graph metadata as the in-process tests do with the [`Recorder`] itself.
//!
//! Only Graph (`/v1.0/…`) is written: Graph bodies in the emulator hold no secrets, while the
//! identity platform's token exchanges carry client secrets, codes and tokens.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Exchange, Recorder};

/// One Graph call and its answer: one JSON object per line of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphCall {
    pub method: String,
    /// The request path, e.g. `/v1.0/applications`.
    pub path: String,
    /// The raw query string without `?` (empty when none).
    pub query: String,
    /// The request body, when it was JSON.
    pub request: Option<Value>,
    pub status: u16,
    /// The response body, when it was JSON.
    pub response: Option<Value>,
}

impl GraphCall {
    /// The exchange as a Graph call; `None` when it was not one (sign-in, tokens, discovery).
    pub fn of(exchange: &Exchange) -> Option<Self> {
        is_graph(&exchange.path).then(|| Self {
            method: exchange.method.clone(),
            path: exchange.path.clone(),
            query: exchange.query.clone(),
            request: exchange.request_json.clone(),
            status: exchange.status,
            response: exchange.response_json.clone(),
        })
    }
}

fn is_graph(path: &str) -> bool {
    path.starts_with("/v1.0/")
}

/// Why the file of Graph calls could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum GraphLogError {
    #[error("the file of Graph calls {path} could not be opened: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the file of Graph calls {path} could not be read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("line {line} of the file of Graph calls {path} is not a Graph call: {source}")]
    Line {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
}

/// Appends the Graph calls of the recorders it observes to a file, one line each.
#[derive(Debug)]
pub struct GraphLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl GraphLog {
    /// Opens `path` for appending, creating it when missing.
    pub fn append_to(path: &Path) -> Result<Arc<Self>, GraphLogError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| GraphLogError::Open {
                path: path.to_owned(),
                source,
            })?;
        Ok(Arc::new(Self {
            path: path.to_owned(),
            file: Mutex::new(file),
        }))
    }

    /// Writes every Graph call `recorder` records from now on. The line is written before the
    /// answer leaves the emulator, so a client that got its answer finds its call in the file
    /// even when the emulator is killed right after.
    pub fn observe(self: &Arc<Self>, recorder: &Recorder) {
        let log = Arc::clone(self);
        recorder.observe(Arc::new(move |exchange: &Exchange| {
            if let Some(call) = GraphCall::of(exchange) {
                log.append(&call);
            }
        }));
    }

    fn append(&self, call: &GraphCall) {
        let mut line = match serde_json::to_vec(call) {
            Ok(line) => line,
            Err(error) => {
                tracing::warn!(%error, path = %call.path, "a Graph call could not be written as JSON");
                return;
            }
        };
        line.push(b'\n');
        // One write of the whole line: lines of concurrent calls never interleave, and a kill
        // can only cut the last one.
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(error) = file.write_all(&line) {
            tracing::warn!(%error, file = %self.path.display(), "a Graph call could not be written to the file");
        }
    }

    /// Every Graph call in the file at `path`, oldest first. A last line without its line
    /// break was cut by a killed emulator and is left out.
    pub fn read(path: &Path) -> Result<Vec<GraphCall>, GraphLogError> {
        let text = std::fs::read_to_string(path).map_err(|source| GraphLogError::Read {
            path: path.to_owned(),
            source,
        })?;
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .lines()
            .enumerate()
            .map(|(index, line)| {
                serde_json::from_str(line).map_err(|source| GraphLogError::Line {
                    path: path.to_owned(),
                    line: index + 1,
                    source,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use serde_json::json;

    fn exchange(path: &str, request: Value) -> Exchange {
        let now = std::time::Instant::now();
        Exchange {
            method: "POST".to_owned(),
            path: path.to_owned(),
            query: "$select=id".to_owned(),
            request_json: Some(request),
            request_body: Bytes::new(),
            status: 201,
            response_content_type: Some("application/json".to_owned()),
            response_content_disposition: None,
            response_json: Some(json!({"id": "1"})),
            response_body: Bytes::new(),
            handled: now..now,
        }
    }

    #[test]
    fn only_graph_calls_are_written_and_read_back() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("graph.jsonl");
        let recorder = Recorder::new(0);
        GraphLog::append_to(&path)?.observe(&recorder);
        recorder.push(exchange("/v1.0/applications", json!({"displayName": "a"})));
        recorder.push(exchange(
            "/tenant/oauth2/v2.0/token",
            json!({"client_secret": "s3cret"}),
        ));
        recorder.push(exchange("/v1.0/servicePrincipals", json!({"appId": "b"})));

        let text = std::fs::read_to_string(&path)?;
        assert!(
            !text.contains("s3cret"),
            "a token exchange was written: {text}"
        );
        let calls = GraphLog::read(&path)?;
        let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/v1.0/applications", "/v1.0/servicePrincipals"]);
        assert_eq!(
            calls[0],
            GraphCall {
                method: "POST".to_owned(),
                path: "/v1.0/applications".to_owned(),
                query: "$select=id".to_owned(),
                request: Some(json!({"displayName": "a"})),
                status: 201,
                response: Some(json!({"id": "1"})),
            }
        );
        Ok(())
    }

    #[test]
    fn a_line_cut_by_a_kill_is_left_out_but_a_broken_one_is_an_error()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("graph.jsonl");
        let whole = r#"{"method":"GET","path":"/v1.0/organization","query":"","request":null,"status":200,"response":{"value":[]}}"#;
        std::fs::write(&path, format!("{whole}\n{{\"method\":\"GE"))?;
        assert_eq!(GraphLog::read(&path)?.len(), 1);

        std::fs::write(&path, format!("{whole}\nnot json\n"))?;
        let error = GraphLog::read(&path)
            .err()
            .ok_or("a broken line was read")?;
        assert!(
            matches!(error, GraphLogError::Line { line: 2, .. }),
            "{error}"
        );
        Ok(())
    }
}
