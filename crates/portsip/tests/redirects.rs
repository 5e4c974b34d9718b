//! The client follows no redirect: a 3xx answer ends in `Error::Redirected` and nothing is sent
//! anywhere else. PortSIP's API does not redirect, so the emulator does not either; a stand-in
//! server plays the misconfigured PBX or proxy here.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use portsip::{Client, Error};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Seen = Arc<Mutex<Vec<String>>>;

/// TEST-NET-1 (RFC 5737): nothing answers there, over plain http.
const ELSEWHERE: &str = "http://192.0.2.1/api/login";

async fn redirect_everything(
    State(seen): State<Seen>,
    method: Method,
    uri: Uri,
) -> impl IntoResponse {
    seen.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(format!("{method} {uri}"));
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, ELSEWHERE)],
    )
}

#[tokio::test]
async fn a_login_redirected_to_plain_http_elsewhere_is_refused_and_the_password_stays_home()
-> TestResult {
    let seen = Seen::default();
    let app = axum::Router::new()
        .fallback(redirect_everything)
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    // Short, so a client that does follow fails fast on the unreachable address.
    let client = Client::builder(&format!("http://{address}"))
        .connect_timeout(Duration::from_secs(2))
        .build()?;

    let result = client
        .login("pbxadmin", "Never-in-clear-1!", Some("contoso.example"))
        .await;
    server.abort();

    let Err(
        error @ Error::Redirected {
            status: 307,
            location: Some(_),
            ..
        },
    ) = result
    else {
        return Err(format!("expected the redirect to be refused, got {result:?}").into());
    };
    let Error::Redirected {
        operation,
        location,
        suggested_url,
        ..
    } = &error
    else {
        return Err("unreachable".into());
    };
    assert_eq!(operation, "POST /login");
    assert_eq!(location.as_deref(), Some(ELSEWHERE));
    assert_eq!(suggested_url.as_deref(), Some("https://192.0.2.1/api"));
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "The PBX address redirected POST /login (HTTP 307) to {ELSEWHERE}; pbx365 does not \
             follow redirects"
        )),
        "{text}"
    );
    assert!(
        text.contains("enter its address with https:// instead: https://192.0.2.1/api."),
        "{text}"
    );
    assert!(!text.contains("Never-in-clear-1!"), "{text}");
    assert_eq!(
        *seen.lock().unwrap_or_else(PoisonError::into_inner),
        vec!["POST /api/login".to_owned()],
        "exactly one request, to the address entered"
    );
    Ok(())
}
