//! The client's request log, alone in its own test process: `tracing` caches per call site
//! whether anyone listens, and a test running at the same time on another thread without a
//! subscriber can make the call sites of this one look unheard.

mod common;

use common::{TestResult, builder_for, sim_with_users};

/// Collects everything a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogBuffer {
    fn text(&self) -> String {
        let bytes = self.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.extend_from_slice(data);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_are_logged_with_method_path_status_and_duration_but_no_secret() -> TestResult {
    let sim = sim_with_users(3).await?;
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let admin = &sim.tenant.admin;
    let client = builder_for(&sim).build()?;
    let _ = client
        .login(&admin.username, "Wrong-Pa55word!", admin.domain.as_deref())
        .await;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    sim.pbx.expire_access_tokens();
    client.tenant().await?;

    let text = logs.text();
    assert!(text.contains("pbx_request"), "{text}");
    assert!(
        text.contains("method=POST") && text.contains("path=/login"),
        "{text}"
    );
    assert!(
        text.contains("status=401") && text.contains("duration_ms="),
        "{text}"
    );
    assert!(text.contains("path=/auth/refresh_token"), "{text}");
    let mut secrets = vec![admin.password.clone(), "Wrong-Pa55word!".to_owned()];
    for exchange in sim.pbx_recorder.exchanges() {
        for key in ["access_token", "refresh_token"] {
            if let Some(token) = exchange
                .response_json
                .as_ref()
                .and_then(|body| body.get(key)?.as_str())
            {
                secrets.push(token.to_owned());
            }
        }
    }
    assert!(secrets.len() >= 5, "tokens were issued: {}", secrets.len());
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret was logged:\n{text}"
        );
    }
    Ok(())
}
