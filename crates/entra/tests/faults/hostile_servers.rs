//! A sign-in authority on loopback that answers as a broken or hostile server would: endless,
//! oversized or escape-laden. The client stops with bounded memory and time, and its errors are
//! short and hold no control characters.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use entra::{Authenticator, Cloud, EntraError, RetryPolicy, SignInOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{AnyError, TestResult};

/// Generous: what matters is that it ends at all.
const ENDS_WITHIN: Duration = Duration::from_secs(30);
const DISCOVERY: &str = "/organizations/v2.0/.well-known/openid-configuration";
const DEVICE_CODE: &str = "/organizations/oauth2/v2.0/devicecode";

enum Answer {
    Body {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// 200 and a JSON-looking body that never ends.
    Endless,
    /// 200 and a body that never ends, one byte at a time.
    Trickle,
}

fn json(status: u16, value: &serde_json::Value) -> Answer {
    Answer::Body {
        status,
        content_type: "application/json",
        body: value.to_string().into_bytes(),
    }
}

/// A discovery document pointing every endpoint back at `base`.
fn discovery(base: &str) -> Answer {
    let host = base.trim_start_matches("http://");
    json(
        200,
        &serde_json::json!({
            "authorization_endpoint": format!("{base}/organizations/oauth2/v2.0/authorize"),
            "token_endpoint": format!("{base}/organizations/oauth2/v2.0/token"),
            "device_authorization_endpoint": format!("{base}{DEVICE_CODE}"),
            "jwks_uri": format!("{base}/organizations/discovery/v2.0/keys"),
            "issuer": format!("{base}/{{tenantid}}/v2.0"),
            "msgraph_host": host,
        }),
    )
}

type Route = dyn Fn(&str, &str) -> Answer + Send + Sync;

/// Serves `route(base, path)` on loopback until the test ends; returns the base address.
async fn authority(
    route: impl Fn(&str, &str) -> Answer + Send + Sync + 'static,
) -> Result<String, AnyError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let route: Arc<Route> = Arc::new(route);
    let served = base.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let route = Arc::clone(&route);
            let base = served.clone();
            // The client hanging up is how the endless answers end.
            tokio::spawn(async move { drop(serve(stream, &base, route.as_ref()).await) });
        }
    });
    Ok(base)
}

async fn serve(mut stream: TcpStream, base: &str, route: &Route) -> Result<(), AnyError> {
    let path = read_request(&mut stream).await?;
    match route(base, &path) {
        Answer::Body {
            status,
            content_type,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} Test\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Answer::Trickle => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await?;
            loop {
                stream.write_all(b"1\r\n \r\n").await?;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Answer::Endless => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n")
                .await?;
            let filler = [b' '; 32 * 1024];
            let chunk = [
                format!("{:x}\r\n", filler.len()).as_bytes(),
                &filler,
                b"\r\n",
            ]
            .concat();
            loop {
                stream.write_all(&chunk).await?;
            }
        }
    }
    Ok(())
}

/// Reads a request's head and body; returns its path without the query.
async fn read_request(stream: &mut TcpStream) -> Result<String, AnyError> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err("the client left before its request was complete".into());
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0);
    let mut body = data.len() - end;
    while body < length {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        body += read;
    }
    let target = head.split(' ').nth(1).unwrap_or("/");
    Ok(target.split('?').next().unwrap_or("/").to_owned())
}

async fn authenticator(base: &str) -> Result<Authenticator, EntraError> {
    Authenticator::new(Cloud::custom(base)?, SignInOptions::default()).await
}

fn has_controls(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[tokio::test]
async fn an_endless_discovery_document_ends_with_the_size_error() -> TestResult {
    let base = authority(|_, _| Answer::Endless).await?;
    let started = Instant::now();
    let outcome = authenticator(&base).await;
    assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
    let error = outcome.err().ok_or("an endless document was accepted")?;
    let EntraError::ResponseTooLarge { limit, url, .. } = &error else {
        return Err(format!("not the size error: {error:?}").into());
    };
    assert_eq!(*limit, 1024 * 1024);
    assert_eq!(url, &format!("{base}{DISCOVERY}"));
    let text = error.to_string();
    assert!(text.contains("sign-in metadata document"), "{text}");
    assert!(text.contains("1 MiB"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_trickling_answer_ends_at_the_request_timeout() -> TestResult {
    let base = authority(|_, _| Answer::Trickle).await?;
    let mut options = SignInOptions::default();
    options.http.request_timeout = Duration::from_secs(2);
    let started = Instant::now();
    let outcome = Authenticator::new(Cloud::custom(&base)?, options).await;
    assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
    assert!(
        matches!(&outcome, Err(EntraError::Network { source, .. }) if source.is_timeout()),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_endless_token_answer_ends_with_the_size_error() -> TestResult {
    let base = authority(|base, path| match path {
        DISCOVERY => discovery(base),
        _ => Answer::Endless,
    })
    .await?;
    let auth = authenticator(&base).await?;
    let started = Instant::now();
    let outcome = auth.sign_in_with_device_code(|_| {}).await;
    assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
    assert!(
        matches!(&outcome, Err(EntraError::ResponseTooLarge { what, url, .. })
            if *what == "token answer" && url.ends_with(DEVICE_CODE)),
        "{outcome:?}"
    );
    Ok(())
}

/// The device code poll runs on `oauth2`, which keeps polling through failed requests; a poll
/// the client gives up on still ends the sign-in with its reason, not at the code's expiry.
#[tokio::test]
async fn an_endless_answer_to_a_device_code_poll_ends_the_sign_in() -> TestResult {
    let base = authority(|base, path| match path {
        DISCOVERY => discovery(base),
        DEVICE_CODE => json(
            200,
            &serde_json::json!({
                "device_code": "d",
                "user_code": "ABCD-EFGH",
                "verification_uri": format!("{base}/devicelogin"),
                "expires_in": 900,
                "interval": 1,
            }),
        ),
        _ => Answer::Endless,
    })
    .await?;
    let auth = authenticator(&base).await?;
    let started = Instant::now();
    let outcome = auth.sign_in_with_device_code(|_| {}).await;
    assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
    assert!(
        matches!(&outcome, Err(EntraError::ResponseTooLarge { what, url, .. })
            if *what == "token answer" && url.ends_with("/organizations/oauth2/v2.0/token")),
        "{outcome:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_ten_megabyte_error_text_becomes_a_short_clean_message() -> TestResult {
    let huge = format!(
        "AADSTS99999: \u{1b}[2J{}",
        "\u{1b}]0;owned\u{7}x".repeat(1_000_000)
    );
    assert!(huge.len() > 10_000_000);
    let base = authority(move |base, path| match path {
        DISCOVERY => discovery(base),
        _ => json(
            400,
            &serde_json::json!({"error": "invalid_request", "error_description": huge}),
        ),
    })
    .await?;
    let auth = authenticator(&base).await?;
    let started = Instant::now();
    let error = auth
        .sign_in_with_device_code(|_| {})
        .await
        .err()
        .ok_or("the device code sign-in passed")?;
    assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
    let text = error.to_string();
    assert!(text.chars().count() < 1000, "{} characters", text.len());
    assert!(!has_controls(&text), "{text:?}");
    // Microsoft's code and the start of its message, not the raw JSON around them.
    assert!(
        text.starts_with("Microsoft sign-in failed while trying to start a device code sign-in: AADSTS99999: xxxxx"),
        "{text}"
    );
    assert!(!text.contains("error_description"), "{text}");
    Ok(())
}

#[tokio::test]
async fn an_escape_laden_error_text_loses_its_control_characters() -> TestResult {
    let base = authority(|base, path| match path {
        DISCOVERY => discovery(base),
        _ => json(
            400,
            &serde_json::json!({
                "error": "invalid_client\u{1b}[2J",
                "error_description": "AADSTS99999: \u{1b}[2J\u{1b}[H\u{1b}]0;owned\u{7}The client is not allowed here.\r\n\u{9b}31mTrace ID: t\u{0}",
                "error_codes": [99999],
                "correlation_id": "c-1\u{1b}[8m",
            }),
        ),
    })
    .await?;
    let auth = authenticator(&base).await?;
    let error = auth
        .sign_in_with_device_code(|_| {})
        .await
        .err()
        .ok_or("the device code sign-in passed")?;
    let text = error.to_string();
    assert!(!has_controls(&text), "{text:?}");
    assert_eq!(
        text,
        "Microsoft sign-in failed while trying to start a device code sign-in: AADSTS99999: The client is not allowed here. (AADSTS99999, correlation ID c-1)"
    );

    // Not Microsoft's format at all, and full of escapes: still one clean sentence. A 502 is
    // retried, so a brief budget keeps the test from waiting out the default two minutes.
    let base = authority(|_, _| Answer::Body {
        status: 502,
        content_type: "text/html",
        body: b"\x1b[2J\x1b]0;pwned\x07<html>Bad gateway</html>\x1b[5m".to_vec(),
    })
    .await?;
    let brief = RetryPolicy {
        throttle_budget: Duration::from_millis(300),
        unreachable_budget: Duration::from_millis(300),
        throttle_base: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let error = Authenticator::with_policy(Cloud::custom(&base)?, SignInOptions::default(), brief)
        .await
        .err()
        .ok_or("discovery passed")?;
    let text = error.to_string();
    assert!(!has_controls(&text), "{text:?}");
    assert!(
        text.contains(
            "HTTP 502 with a text that is not Microsoft's error format: “<html>Bad gateway</html>”"
        ),
        "{text}"
    );
    assert!(text.contains("try again in a few minutes"), "{text}");
    Ok(())
}
