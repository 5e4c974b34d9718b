//! The client against a server that is not a well-behaved PBX: answers without end, answers
//! announcing gigabytes, answers that trickle, and error texts that are huge or full of
//! terminal escape sequences. A small HTTP/1.1 server on loopback plays it, since the emulator
//! must not do any of this.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use portsip::{Client, Error, NetworkFailure, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MIB: u64 = 1024 * 1024;

/// How the server answers one request.
#[derive(Clone)]
enum Reply {
    /// A complete answer.
    Whole {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// `head` then `chunk` repeated until the client goes away (no length: ends at close).
    Endless {
        status: u16,
        content_type: &'static str,
        head: Vec<u8>,
        chunk: Vec<u8>,
    },
    /// Announces `length` bytes in `Content-Length` and sends none.
    Announces { length: u64 },
    /// One byte every 100 ms, without end.
    Trickle,
}

/// What the server saw and did.
#[derive(Default)]
struct Tally {
    connections: AtomicUsize,
    requests: AtomicUsize,
    /// Body bytes written to clients (what a client could at most have read).
    body_bytes: AtomicU64,
}

/// Serves `route(method_and_path)` on a loopback port until the test ends.
async fn serve(
    route: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> Result<(String, Arc<Tally>), std::io::Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let tally = Arc::new(Tally::default());
    let route = Arc::new(route);
    let seen = Arc::clone(&tally);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.connections.fetch_add(1, Ordering::SeqCst);
            let route = Arc::clone(&route);
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                // A client that hangs up mid-answer is what these tests expect.
                let _ = answer(stream, route.as_ref(), &seen).await;
            });
        }
    });
    Ok((url, tally))
}

async fn answer(
    mut stream: TcpStream,
    route: &(dyn Fn(&str) -> Reply + Send + Sync),
    tally: &Tally,
) -> Result<(), std::io::Error> {
    loop {
        let Some(request_line) = read_request(&mut stream).await? else {
            return Ok(());
        };
        tally.requests.fetch_add(1, Ordering::SeqCst);
        match route(&request_line) {
            Reply::Whole {
                status,
                content_type,
                body,
            } => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await?;
                tally
                    .body_bytes
                    .fetch_add(body.len() as u64, Ordering::SeqCst);
            }
            Reply::Endless {
                status,
                content_type,
                head,
                chunk,
            } => {
                let header = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n"
                );
                stream.write_all(header.as_bytes()).await?;
                stream.write_all(&head).await?;
                loop {
                    stream.write_all(&chunk).await?;
                    tally
                        .body_bytes
                        .fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
            }
            Reply::Announces { length } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n"
                );
                stream.write_all(head.as_bytes()).await?;
                tokio::time::sleep(Duration::from_secs(60)).await;
                return Ok(());
            }
            Reply::Trickle => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n[";
                stream.write_all(head.as_bytes()).await?;
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    stream.write_all(b"1,").await?;
                    tally.body_bytes.fetch_add(2, Ordering::SeqCst);
                }
            }
        }
    }
}

/// Reads one request (head and `Content-Length` body); answers `METHOD /path`, or `None` when
/// the client closed the connection.
async fn read_request(stream: &mut TcpStream) -> Result<Option<String>, std::io::Error> {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&byte);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = vec![0_u8; length];
    stream.read_exact(&mut body).await?;
    let request_line = head.lines().next().unwrap_or_default();
    let method_and_path = request_line
        .rsplit_once(' ')
        .map_or(request_line, |(start, _)| start);
    Ok(Some(method_and_path.to_owned()))
}

fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Whole {
        status,
        content_type: "application/json",
        body: body.into(),
    }
}

fn sign_in_answer() -> Reply {
    json(
        200,
        r#"{"access_token":"a-token","refresh_token":"r-token","expires_in":3600,"role":"Admin"}"#,
    )
}

/// A client that would wait far longer than the tests allow, so only the size limits can end
/// the endless answers in time.
fn patient_client(url: &str) -> Result<Client, Error> {
    Client::builder(url)
        .timeout(Duration::from_secs(120))
        .retry_policy(RetryPolicy::NEVER)
        .build()
}

#[tokio::test]
async fn an_endless_json_answer_stops_at_the_limit_in_bounded_time_and_memory() -> TestResult {
    let (url, tally) = serve(|_| Reply::Endless {
        status: 200,
        content_type: "application/json",
        head: b"{\"web_domain\":\"".to_vec(),
        chunk: vec![b'a'; 64 * 1024],
    })
    .await?;
    let client = Client::builder(&url)
        .timeout(Duration::from_secs(120))
        .build()?;

    let started = Instant::now();
    let result = client.info(None).await;
    let took = started.elapsed();

    let Err(error @ Error::ResponseTooLarge { .. }) = &result else {
        return Err(format!("expected an answer too large, got {result:?}").into());
    };
    let Error::ResponseTooLarge {
        operation,
        url: requested,
        what,
        limit,
    } = error
    else {
        return Err("unreachable".into());
    };
    assert_eq!(operation, "GET /info");
    assert_eq!(requested, &format!("{url}/api/info"));
    assert_eq!(what, "a JSON answer");
    assert_eq!(*limit, 8 * MIB);
    let text = error.to_string();
    assert!(
        text.contains("GET /info") && text.contains("8 MiB"),
        "{text}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // The client stopped reading: the server could only fill the sockets' buffers beyond it.
    let sent = tally.body_bytes.load(Ordering::SeqCst);
    assert!(sent < 64 * MIB, "the server got {sent} bytes out");
    assert_eq!(
        tally.requests.load(Ordering::SeqCst),
        1,
        "an oversized answer is not asked for again"
    );
    Ok(())
}

#[tokio::test]
async fn an_endless_certificate_stops_at_the_certificate_limit() -> TestResult {
    let (url, tally) = serve(|request| match request {
        "POST /api/login" => sign_in_answer(),
        _ => Reply::Endless {
            status: 200,
            content_type: "application/x-pem-file",
            head: b"-----BEGIN CERTIFICATE-----\n".to_vec(),
            chunk: [b'A'; 64].iter().chain(b"\n").copied().collect(),
        },
    })
    .await?;
    let client = patient_client(&url)?;
    client.login("admin", "pw", Some("t.example")).await?;

    let result = client.ms365_certificate().await;

    let Err(Error::ResponseTooLarge { what, limit, .. }) = &result else {
        return Err(format!("expected a certificate too large, got {result:?}").into());
    };
    assert_eq!(what, "a certificate file");
    assert_eq!(*limit, 256 * 1024);
    let sent = tally.body_bytes.load(Ordering::SeqCst);
    assert!(sent < 32 * MIB, "the server got {sent} bytes out");
    Ok(())
}

#[tokio::test]
async fn an_answer_announcing_gigabytes_is_refused_before_reading() -> TestResult {
    let (url, _) = serve(|_| Reply::Announces {
        length: 10 * 1024 * MIB,
    })
    .await?;
    let client = patient_client(&url)?;

    let started = Instant::now();
    let result = client.info(None).await;

    assert!(
        matches!(result, Err(Error::ResponseTooLarge { .. })),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    Ok(())
}

#[tokio::test]
async fn an_answer_that_trickles_ends_at_the_request_timeout() -> TestResult {
    let (url, _) = serve(|_| Reply::Trickle).await?;
    let client = Client::builder(&url)
        .timeout(Duration::from_millis(700))
        .retry_policy(RetryPolicy::NEVER)
        .build()?;

    let started = Instant::now();
    let result = client.info(None).await;

    assert!(
        matches!(
            result,
            Err(Error::Network {
                failure: NetworkFailure::Timeout,
                ..
            })
        ),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    Ok(())
}

#[tokio::test]
async fn an_endless_error_text_is_read_only_as_far_as_it_is_quoted() -> TestResult {
    let (url, tally) = serve(|_| Reply::Endless {
        status: 500,
        content_type: "text/plain",
        head: b"Internal failure: ".to_vec(),
        chunk: b"again and again ".repeat(4096),
    })
    .await?;
    let client = patient_client(&url)?;

    let started = Instant::now();
    let result = client.info(None).await;

    let Err(error @ Error::Server { status: 500, .. }) = &result else {
        return Err(format!("expected a server error, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("Internal failure: again and again"), "{text}");
    assert!(text.chars().count() < 700, "{} characters", text.len());
    assert!(started.elapsed() < Duration::from_secs(20));
    let sent = tally.body_bytes.load(Ordering::SeqCst);
    assert!(sent < 32 * MIB, "the server got {sent} bytes out");
    Ok(())
}

#[tokio::test]
async fn a_ten_megabyte_error_text_gives_a_short_message() -> TestResult {
    let huge = "Quota exceeded for this tenant. ".repeat(330_000);
    assert!(huge.len() > 10_000_000);
    let (url, _) = serve(move |_| Reply::Whole {
        status: 409,
        content_type: "text/plain",
        body: huge.clone().into_bytes(),
    })
    .await?;
    let client = patient_client(&url)?;

    let result = client.info(None).await;

    let Err(error @ Error::Rejected { status: 409, .. }) = &result else {
        return Err(format!("expected a rejection, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("Quota exceeded for this tenant."), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(text.chars().count() < 700, "{} characters", text.len());
    Ok(())
}

#[tokio::test]
async fn escape_sequences_in_error_texts_never_reach_the_message() -> TestResult {
    const HOSTILE: &str = "\u{1b}[2J\u{1b}[H\u{1b}]0;PWNED\u{7}Tenant\r\n\u{1b}[8mhidden\u{1b}[0m suspended\u{9b}2J\u{0}";
    let (url, _) = serve(|request| match request {
        "GET /api/info" => Reply::Whole {
            status: 403,
            content_type: "text/plain",
            body: HOSTILE.as_bytes().to_vec(),
        },
        _ => json(
            400,
            serde_json::json!({"errors": [{"code": "UNKNOWN", "message": HOSTILE}]}).to_string(),
        ),
    })
    .await?;
    let client = patient_client(&url)?;

    let plain = client.info(None).await;
    let portsip = client.login("admin", "pw", None).await;

    for result in [plain.map(|_| ()), portsip.map(|_| ())] {
        let Err(error) = result else {
            return Err("expected both calls to fail".into());
        };
        let text = error.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(!text.contains("PWNED") && !text.contains("[2J"), "{text:?}");
        assert!(text.contains("Tenant hidden suspended"), "{text:?}");
    }
    Ok(())
}

#[tokio::test]
async fn a_throttled_answer_in_graph_style_reads_as_a_sentence() -> TestResult {
    let (url, tally) = serve(|_| {
        json(
            429,
            r#"{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2026-01-01T00:00:00"}}}"#,
        )
    })
    .await?;
    let client = patient_client(&url)?;

    let result = client.info(None).await;

    let Err(error @ Error::RateLimited { .. }) = &result else {
        return Err(format!("expected rate limiting, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(
        !text.contains('{') && !text.contains("innerError"),
        "{text}"
    );
    assert!(
        text.starts_with("The PBX is limiting") && text.ends_with('.'),
        "{text}"
    );
    assert_eq!(tally.connections.load(Ordering::SeqCst), 1);
    Ok(())
}
