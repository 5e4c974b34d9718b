//! The HTTP listener on 127.0.0.1 that receives the browser's redirect after sign-in.
//!
//! Any program on this computer can reach it, so it waits for the one answer that carries this
//! sign-in's `state` and lets nothing else end the sign-in: a stray request (another path, a
//! favicon, a forged or stale answer, a port scanner's garbage) gets a short error page, and
//! connections are capped, idle ones closed, and request heads size-limited, so a crowd of them
//! costs bounded memory and file descriptors and cannot crowd out the browser.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{EntraError, IdentityError};
use crate::pkce::state_matches;
use crate::secret::Secret;

/// How much the listener puts up with.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Connections held at once; when full, the oldest is closed to make room for the newest.
    pub max_connections: usize,
    /// How long a connection may take to send its request head (and to take our page).
    pub read_timeout: Duration,
    /// Longest request head. Browsers send every `localhost` cookie along, hence not tiny.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 16,
            read_timeout: Duration::from_secs(10),
            max_head: 64 * 1024,
        }
    }
}

/// Pause after a failed `accept` (out of file descriptors, a connection reset while queued),
/// so a persistent failure does not spin.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

pub(crate) struct Loopback {
    listener: TcpListener,
    port: u16,
    limits: Limits,
}

/// How one connection ended.
enum Visit {
    /// Not the answer: it was told so (or was idle or gone) and is closed.
    Stray,
    /// The browser's answer with this sign-in's `state`: a code, or Entra's error.
    Answer {
        stream: TcpStream,
        outcome: Result<Secret, EntraError>,
    },
}

type PendingVisit = Pin<Box<dyn Future<Output = Visit> + Send>>;

enum Event {
    Finished(Visit),
    Accepted(std::io::Result<TcpStream>),
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
        Ok(Self {
            listener,
            port,
            limits: Limits::default(),
        })
    }

    #[cfg(test)]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Entra ignores the port of a `http://localhost` redirect when matching it.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits up to `limit` for the browser's answer with `expected_state` and returns its
    /// authorization code, or the error Entra sent with it. Everything else is turned away
    /// while the listener keeps waiting.
    pub async fn receive_code(
        self,
        expected_state: &str,
        limit: Duration,
    ) -> Result<Secret, EntraError> {
        let deadline = tokio::time::sleep(limit);
        tokio::pin!(deadline);
        let expected: Arc<str> = Arc::from(expected_state);
        // In the order they were accepted, so the front is the one that has waited longest.
        let mut visits: VecDeque<PendingVisit> = VecDeque::new();
        let mut turned_away = 0u64;
        loop {
            // Finished visits before new connections: the browser's answer, once read, is
            // never held up by a queue of connections waiting to be accepted.
            let event = tokio::select! {
                biased;
                () = &mut deadline => {
                    tracing::info!(turned_away, "the browser sign-in timed out");
                    return Err(EntraError::TimedOut { what: "the browser sign-in", after: limit });
                }
                visit = next_finished(&mut visits) => Event::Finished(visit),
                accepted = self.listener.accept() => Event::Accepted(accepted.map(|(s, _)| s)),
            };
            match event {
                Event::Finished(Visit::Stray) => turned_away += 1,
                Event::Finished(Visit::Answer { stream, outcome }) => {
                    return answer(stream, outcome, self.limits.read_timeout).await;
                }
                Event::Accepted(Ok(stream)) => {
                    if visits.len() >= self.limits.max_connections {
                        // The oldest has had the longest to say something; the browser
                        // sends its answer as soon as it connects.
                        visits.pop_front();
                        tracing::debug!("closed the oldest connection to the sign-in listener");
                    }
                    visits.push_back(Box::pin(visit(
                        stream,
                        Arc::clone(&expected),
                        self.limits.clone(),
                    )));
                }
                Event::Accepted(Err(error)) => {
                    tracing::warn!(%error, "the sign-in listener could not accept a connection");
                    tokio::time::sleep(ACCEPT_PAUSE).await;
                }
            }
        }
    }
}

/// The first visit that has finished, taken out of the queue; pending while none has.
fn next_finished(visits: &mut VecDeque<PendingVisit>) -> impl Future<Output = Visit> + '_ {
    std::future::poll_fn(move |cx| {
        for index in 0..visits.len() {
            if let Some(pending) = visits.get_mut(index)
                && let Poll::Ready(visit) = pending.as_mut().poll(cx)
            {
                visits.remove(index);
                return Poll::Ready(visit);
            }
        }
        Poll::Pending
    })
}

/// One connection: reads its request head and either recognises this sign-in's answer or
/// turns it away with a page saying why.
async fn visit(mut stream: TcpStream, expected_state: Arc<str>, limits: Limits) -> Visit {
    let head =
        tokio::time::timeout(limits.read_timeout, read_head(&mut stream, limits.max_head)).await;
    let head = match head {
        Ok(Ok(head)) => head,
        Ok(Err(HeadError::TooLarge)) => {
            tracing::debug!("the sign-in listener refused an oversized request");
            let page = Page::new(
                "431 Request Header Fields Too Large",
                "Request too large",
                NOT_HERE,
            );
            page.send(&mut stream, limits.read_timeout).await;
            return Visit::Stray;
        }
        // Idle until the timeout, or gone: closing is the whole answer.
        Ok(Err(HeadError::Closed)) | Err(_) => return Visit::Stray,
    };
    let Some(request) = RequestLine::parse(&head) else {
        tracing::debug!("the sign-in listener refused a request that is not HTTP");
        let page = Page::new("400 Bad Request", "Bad request", NOT_HERE);
        page.send(&mut stream, limits.read_timeout).await;
        return Visit::Stray;
    };
    if request.method != "GET" || request.path != "/" {
        tracing::debug!(
            method = request.method,
            path = request.path,
            "the sign-in listener refused a stray request"
        );
        let page = Page::new("404 Not Found", "Not found", NOT_HERE)
            .without_body_if(request.method == "HEAD");
        page.send(&mut stream, limits.read_timeout).await;
        return Visit::Stray;
    }
    match judge(request.query, &expected_state) {
        Err(EntraError::StateMismatch) => {
            // Never logs the query: it may carry someone's authorization code.
            tracing::info!(
                "the sign-in listener ignored an answer that belongs to no sign-in it is waiting for"
            );
            let page = Page::new("400 Bad Request", "Not this sign-in", NOT_THIS_SIGN_IN);
            page.send(&mut stream, limits.read_timeout).await;
            Visit::Stray
        }
        outcome => Visit::Answer { stream, outcome },
    }
}

const NOT_HERE: &str = "This address only receives the answer of a pbx365 sign-in to Microsoft.";
const NOT_THIS_SIGN_IN: &str = "This sign-in answer does not belong to the sign-in pbx365 is waiting for, so it was ignored. If you started a sign-in in pbx365, finish it in the browser tab pbx365 opened.";

enum HeadError {
    /// The connection ended or failed before the head was complete.
    Closed,
    TooLarge,
}

/// Reads up to the blank line that ends the request head (without it).
async fn read_head(stream: &mut TcpStream, max_head: usize) -> Result<Vec<u8>, HeadError> {
    const END: &[u8] = b"\r\n\r\n";
    let mut head = Vec::with_capacity(2048);
    let mut buffer = [0u8; 2048];
    loop {
        let read = stream
            .read(&mut buffer)
            .await
            .map_err(|_| HeadError::Closed)?;
        if read == 0 {
            return Err(HeadError::Closed);
        }
        // The end marker may straddle two reads.
        let searched_from = head.len().saturating_sub(END.len() - 1);
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = head[searched_from..]
            .windows(END.len())
            .position(|w| w == END)
        {
            head.truncate(searched_from + end);
            return Ok(head);
        }
        if head.len() > max_head {
            return Err(HeadError::TooLarge);
        }
    }
}

/// `METHOD /path?query HTTP/1.x`
struct RequestLine<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
}

impl<'a> RequestLine<'a> {
    fn parse(head: &'a [u8]) -> Option<Self> {
        let line = head.split(|b| *b == b'\n').next()?;
        let line = std::str::from_utf8(line).ok()?.trim_end_matches('\r');
        let mut parts = line.split(' ');
        let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
        let plausible = parts.next().is_none()
            && version.starts_with("HTTP/1.")
            && target.starts_with('/')
            && !method.is_empty()
            && method.bytes().all(|b| b.is_ascii_uppercase());
        if !plausible {
            return None;
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Some(Self {
            method,
            path,
            query,
        })
    }
}

/// Tells the browser how the sign-in ended; the result stands whether or not the page arrives.
async fn answer(
    mut stream: TcpStream,
    outcome: Result<Secret, EntraError>,
    write_limit: Duration,
) -> Result<Secret, EntraError> {
    let page = match &outcome {
        Ok(_) => Page::new(
            "200 OK",
            "Signed in",
            "You are signed in to Microsoft. You can close this tab and return to pbx365.",
        ),
        Err(error) => Page::new(
            "400 Bad Request",
            "Sign-in failed",
            &format!("{error}. You can close this tab and return to pbx365."),
        ),
    };
    page.send(&mut stream, write_limit).await;
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

/// A small HTML page and its status line.
struct Page {
    status: &'static str,
    body: Option<String>,
}

impl Page {
    fn new(status: &'static str, title: &str, text: &str) -> Self {
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body style=\"font-family:sans-serif;margin:3em\"><h1>{title}</h1><p>{}</p></body></html>",
            escape_html(text)
        );
        Self {
            status,
            body: Some(body),
        }
    }

    /// A HEAD request gets the status line and headers only.
    fn without_body_if(mut self, head_only: bool) -> Self {
        if head_only {
            self.body = None;
        }
        self
    }

    async fn send(&self, stream: &mut TcpStream, limit: Duration) {
        let body = self.body.as_deref().unwrap_or_default();
        let response = format!(
            "HTTP/1.1 {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
            self.status,
            body.len()
        );
        // The browser may already be gone, or never read: the outcome does not depend on it.
        let _ = tokio::time::timeout(limit, async {
            if stream.write_all(response.as_bytes()).await.is_ok() {
                let _ = stream.shutdown().await;
            }
        })
        .await;
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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

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

    #[test]
    fn request_lines_are_parsed_strictly() {
        let parsed = RequestLine::parse(b"GET /?code=1&state=2 HTTP/1.1\r\nHost: x");
        assert!(
            parsed
                .is_some_and(|r| r.method == "GET" && r.path == "/" && r.query == "code=1&state=2")
        );
        for garbage in [
            &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..],
            b"GET / HTTP/1.1 extra",
            b"get / HTTP/1.1",
            b"GET http://localhost/ HTTP/1.1",
            b"GET /",
            b"",
        ] {
            assert!(RequestLine::parse(garbage).is_none(), "{garbage:?}");
        }
    }

    fn quick() -> Limits {
        Limits {
            max_connections: 4,
            read_timeout: Duration::from_millis(300),
            max_head: 1024,
        }
    }

    /// Sends `request` raw and returns the whole answer (empty when the listener just closed).
    async fn raw(port: u16, request: &[u8]) -> Result<String, std::io::Error> {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
        stream.write_all(request).await?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .map_err(|_| std::io::Error::other("no answer within 10 s"))??;
        Ok(String::from_utf8_lossy(&answer).into_owned())
    }

    fn status_of(answer: &str) -> &str {
        answer
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .unwrap_or("none")
    }

    #[tokio::test]
    async fn stray_requests_are_answered_and_the_real_one_still_counts() -> TestResult {
        let loopback = Loopback::bind().await?.with_limits(quick());
        let port = loopback.port;
        let waiting = tokio::spawn(loopback.receive_code("s1", Duration::from_secs(20)));
        let strays: [(&[u8], &str); 8] = [
            (
                b"GET /?code=c0&state=evil HTTP/1.1\r\nHost: x\r\n\r\n",
                "400",
            ),
            (b"GET /?code=c0 HTTP/1.1\r\n\r\n", "400"),
            (b"GET /?error=access_denied HTTP/1.1\r\n\r\n", "400"),
            (b"GET /favicon.ico HTTP/1.1\r\n\r\n", "404"),
            (b"POST /?code=c0&state=s1 HTTP/1.1\r\n\r\n", "404"),
            (b"HEAD / HTTP/1.1\r\n\r\n", "404"),
            (b"\x16\x03\x01 not http at all\r\n\r\n", "400"),
            (&[b'A'; 1500], "431"),
        ];
        for (request, expected) in strays {
            let answer = raw(port, request).await?;
            assert_eq!(status_of(&answer), expected, "{answer}");
            if request.starts_with(b"HEAD") {
                assert!(
                    answer.ends_with("\r\n\r\n"),
                    "a HEAD answer has no body: {answer}"
                );
            } else {
                assert!(answer.contains("pbx365"), "{answer}");
            }
        }
        assert!(!waiting.is_finished(), "a stray request ended the sign-in");
        let answer = raw(port, b"GET /?code=c1&state=s1 HTTP/1.1\r\n\r\n").await?;
        assert_eq!(status_of(&answer), "200", "{answer}");
        assert!(answer.contains("You can close this tab"));
        let code = waiting.await??;
        assert_eq!(code.expose(), "c1");
        assert!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .is_err(),
            "the listener outlived its answer"
        );
        Ok(())
    }

    #[tokio::test]
    async fn idle_connections_are_closed_after_the_read_timeout() -> TestResult {
        let limits = quick();
        let loopback = Loopback::bind().await?.with_limits(limits.clone());
        let port = loopback.port;
        let waiting = tokio::spawn(loopback.receive_code("s1", Duration::from_secs(20)));
        let started = std::time::Instant::now();
        let mut idle = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(10), idle.read(&mut byte)).await?;
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
        assert!(started.elapsed() >= limits.read_timeout);
        assert!(
            !waiting.is_finished(),
            "an idle connection ended the sign-in"
        );
        waiting.abort();
        Ok(())
    }

    #[tokio::test]
    async fn a_crowd_of_idle_connections_is_capped_and_does_not_block_the_answer() -> TestResult {
        // A read timeout far beyond the test, so only the cap can close anything.
        let limits = Limits {
            read_timeout: Duration::from_secs(60),
            ..quick()
        };
        let loopback = Loopback::bind().await?.with_limits(limits.clone());
        let port = loopback.port;
        let waiting = tokio::spawn(loopback.receive_code("s1", Duration::from_secs(30)));
        let mut crowd = Vec::new();
        for _ in 0..40 {
            crowd.push(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?);
        }
        let closed = futures::future::join_all(crowd.iter_mut().map(|stream| async move {
            let mut byte = [0u8; 1];
            let read = tokio::time::timeout(Duration::from_secs(2), stream.read(&mut byte)).await;
            matches!(read, Ok(Ok(0) | Err(_)))
        }))
        .await
        .into_iter()
        .filter(|closed| *closed)
        .count();
        assert_eq!(
            closed,
            crowd.len() - limits.max_connections,
            "the listener held more connections than its cap"
        );

        let answer = raw(port, b"GET /?code=c1&state=s1 HTTP/1.1\r\n\r\n").await?;
        assert_eq!(status_of(&answer), "200", "{answer}");
        assert_eq!(waiting.await??.expose(), "c1");
        Ok(())
    }

    #[tokio::test]
    async fn an_error_with_the_right_state_ends_the_sign_in() -> TestResult {
        let loopback = Loopback::bind().await?.with_limits(quick());
        let port = loopback.port;
        let waiting = tokio::spawn(loopback.receive_code("s1", Duration::from_secs(20)));
        let stray = raw(
            port,
            b"GET /?error=access_denied&state=nope HTTP/1.1\r\n\r\n",
        )
        .await?;
        assert_eq!(status_of(&stray), "400");
        let answer = raw(
            port,
            b"GET /?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.%1B%5B2J&state=s1 HTTP/1.1\r\n\r\n",
        )
        .await?;
        assert_eq!(status_of(&answer), "400", "{answer}");
        assert!(answer.contains("Sign-in failed"), "{answer}");
        assert!(!answer.contains('\u{1b}'), "{answer}");
        let error = waiting.await?.err().ok_or("the error answer passed")?;
        assert_eq!(error.aadsts_code(), Some(65004), "{error}");
        Ok(())
    }

    #[tokio::test]
    async fn times_out_without_an_answer() -> TestResult {
        let loopback = Loopback::bind().await?;
        let outcome = loopback.receive_code("s1", Duration::from_millis(50)).await;
        assert!(matches!(outcome, Err(EntraError::TimedOut { .. })));
        Ok(())
    }
}
