//! The one-shot HTTP listener on 127.0.0.1 that receives the browser's redirect after sign-in.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::error::{EntraError, IdentityError};
use crate::pkce::state_matches;
use crate::secret::Secret;

const MAX_REQUEST_HEAD: usize = 16 * 1024;
const READ_LIMIT: Duration = Duration::from_secs(10);

pub(crate) struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Binds 127.0.0.1 only (never all interfaces), on a port the OS picks.
    pub async fn bind() -> Result<Self, EntraError> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|source| EntraError::Loopback { source })?;
        let port = listener
            .local_addr()
            .map_err(|source| EntraError::Loopback { source })?
            .port();
        Ok(Self { listener, port })
    }

    /// Entra ignores the port of a `http://localhost` redirect when matching it.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Serves exactly one sign-in answer and returns its authorization code. Connections that
    /// send nothing (browser pre-connects) or ask for another path (favicon) do not count.
    pub async fn receive_code(
        self,
        expected_state: &str,
        limit: Duration,
    ) -> Result<Secret, EntraError> {
        let deadline = tokio::time::sleep(limit);
        tokio::pin!(deadline);
        let mut readers = JoinSet::new();
        loop {
            tokio::select! {
                () = &mut deadline => {
                    return Err(EntraError::TimedOut { what: "the browser sign-in", after: limit });
                }
                accepted = self.listener.accept() => {
                    let (stream, _) = accepted.map_err(|source| EntraError::Loopback { source })?;
                    readers.spawn(read_callback(stream));
                }
                Some(joined) = readers.join_next() => {
                    if let Ok(Some((stream, query))) = joined {
                        return answer(stream, &query, expected_state).await;
                    }
                }
            }
        }
    }
}

/// Reads one request head; answers anything but `GET /?…` with 404 and yields nothing.
async fn read_callback(mut stream: TcpStream) -> Option<(TcpStream, String)> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    let complete = tokio::time::timeout(READ_LIMIT, async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
            let read = stream.read(&mut buffer).await.ok()?;
            if read == 0 {
                return None;
            }
            head.extend_from_slice(&buffer[..read]);
        }
        Some(())
    })
    .await
    .ok()
    .flatten();
    complete?;
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next()?.split(' ');
    let (method, target) = (request_line.next()?, request_line.next()?);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if method != "GET" || path != "/" {
        write_page(&mut stream, "404 Not Found", "Not found", "").await;
        return None;
    }
    Some((stream, query.to_owned()))
}

async fn answer(
    mut stream: TcpStream,
    query: &str,
    expected_state: &str,
) -> Result<Secret, EntraError> {
    let outcome = judge(query, expected_state);
    match &outcome {
        Ok(_) => {
            write_page(
                &mut stream,
                "200 OK",
                "Signed in",
                "You are signed in to Microsoft. You can close this tab and return to pbx365.",
            )
            .await;
        }
        Err(error) => {
            let text = format!("{error}. You can close this tab and return to pbx365.");
            write_page(&mut stream, "400 Bad Request", "Sign-in failed", &text).await;
        }
    }
    outcome
}

/// The decision on the browser's answer: `state` first, then `error`, then `code`.
pub(crate) fn judge(query: &str, expected_state: &str) -> Result<Secret, EntraError> {
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if !state_matches(expected_state, params.get("state").map(String::as_str)) {
        return Err(EntraError::StateMismatch);
    }
    if let Some(error) = params.get("error") {
        return Err(EntraError::Identity {
            context: "sign in in the browser".into(),
            error: Box::new(IdentityError::from_redirect(
                error,
                params.get("error_description").map(String::as_str),
            )),
        });
    }
    match params.get("code") {
        Some(code) if !code.is_empty() => Ok(Secret::new(code.clone())),
        _ => Err(EntraError::unexpected(
            "sign in in the browser",
            "the answer carried neither a code nor an error",
        )),
    }
}

async fn write_page(stream: &mut TcpStream, status: &str, title: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{}</p></body></html>",
        escape_html(text)
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may already be gone; the sign-in result does not depend on this page.
    if stream.write_all(response.as_bytes()).await.is_ok() {
        let _ = stream.shutdown().await;
    }
}

fn escape_html(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            _ => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_code_with_matching_state() {
        let code = judge("code=abc%2B1&state=s1&session_state=x", "s1");
        assert!(matches!(code, Ok(c) if c.expose() == "abc+1"));
    }

    #[test]
    fn rejects_state_mismatch_even_with_a_code() {
        assert!(matches!(
            judge("code=abc&state=evil", "s1"),
            Err(EntraError::StateMismatch)
        ));
        assert!(matches!(
            judge("code=abc", "s1"),
            Err(EntraError::StateMismatch)
        ));
    }

    #[test]
    fn error_answer_is_explained() {
        let error = judge(
            "error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent&state=s1",
            "s1",
        )
        .err();
        assert_eq!(error.and_then(|e| e.aadsts_code()), Some(65004));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape_html("<b>&'\""), "&lt;b&gt;&amp;&#39;&quot;");
    }

    #[tokio::test]
    async fn serves_one_answer_and_ignores_other_paths() -> Result<(), Box<dyn std::error::Error>> {
        let loopback = Loopback::bind().await?;
        let base = format!("http://127.0.0.1:{}", loopback.port);
        assert!(loopback.redirect_uri().starts_with("http://localhost:"));
        let waiting = tokio::spawn(loopback.receive_code("s1", Duration::from_secs(20)));
        let client = reqwest::Client::new();
        let favicon = client.get(format!("{base}/favicon.ico")).send().await?;
        assert_eq!(favicon.status(), 404);
        let page = client
            .get(format!("{base}/?code=c1&state=s1"))
            .send()
            .await?;
        assert_eq!(page.status(), 200);
        assert!(page.text().await?.contains("You can close this tab"));
        let code = waiting.await??;
        assert_eq!(code.expose(), "c1");
        assert!(
            client
                .get(format!("{base}/?code=c2&state=s1"))
                .send()
                .await
                .is_err()
        );
        Ok(())
    }

    #[tokio::test]
    async fn times_out_without_an_answer() -> Result<(), Box<dyn std::error::Error>> {
        let loopback = Loopback::bind().await?;
        let outcome = loopback.receive_code("s1", Duration::from_millis(50)).await;
        assert!(matches!(outcome, Err(EntraError::TimedOut { .. })));
        Ok(())
    }
}
