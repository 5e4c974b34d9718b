//! The updater plugin on Tauri's mock runtime against a loopback HTTPS server (certificate from
//! the emulators' CA) that serves a manifest and a package signed with a minisign key made for
//! the test, as `tauri signer sign` signs a release.

use std::collections::HashMap;
use std::error::Error;
use std::io::Cursor;
use std::sync::{Arc, Mutex as StdMutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use pbx365::updates::{UpdateFailure, UpdateStatus};
use serde_json::json;
use tauri::test::{MockRuntime, mock_builder, mock_context, noop_assets};
use tauri_plugin_updater::UpdaterExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

use super::{check, download_and_install, updater};

type TestResult = Result<(), Box<dyn Error>>;

/// The mock app's version (`tauri::test::mock_context`).
const CURRENT: &str = "0.1.0";
/// The manifest's platform key, set on the updater so the test is the same on every OS.
const TARGET: &str = "pbx365-test";
const PACKAGE: &[u8] = b"pbx365 0.2.0 package bytes: any content, the signature is what counts";

struct SigningKey {
    public: minisign::PublicKey,
    secret: minisign::SecretKey,
}

impl SigningKey {
    fn generate() -> Result<Self, Box<dyn Error>> {
        let pair = minisign::KeyPair::generate_unencrypted_keypair()?;
        Ok(Self {
            public: pair.pk,
            secret: pair.sk,
        })
    }

    /// As in `tauri.conf.json`: base64 of the minisign public key file.
    fn tauri_pubkey(&self) -> Result<String, Box<dyn Error>> {
        Ok(BASE64.encode(self.public.to_box()?.to_string()))
    }

    /// As in a manifest: base64 of the `.sig` file, the signed version in the trusted comment.
    fn sign(&self, bytes: &[u8], version: &str) -> Result<String, Box<dyn Error>> {
        let trusted = format!("timestamp:1765000000\tfile:pbx365-setup.deb\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.public),
            &self.secret,
            Cursor::new(bytes),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )?;
        Ok(BASE64.encode(signature.into_string()))
    }
}

/// Paths and their bodies (filled in after the server started: they name its port); every
/// request is recorded.
#[derive(Default)]
struct Site {
    files: StdMutex<HashMap<String, Vec<u8>>>,
    requested: StdMutex<Vec<String>>,
}

struct Server {
    base: Url,
    ca_pem: String,
    site: Arc<Site>,
}

impl Server {
    async fn start() -> Result<Self, Box<dyn Error>> {
        let ca = sim::tls::SimCa::generate()?;
        let acceptor = tokio_rustls::TlsAcceptor::from(ca.server_config()?);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base = Url::parse(&format!(
            "https://127.0.0.1:{}/",
            listener.local_addr()?.port()
        ))?;
        let site = Arc::new(Site::default());
        let serving = site.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let site = serving.clone();
                tokio::spawn(async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        let _ = answer(stream, &site).await;
                    }
                });
            }
        });
        Ok(Self {
            base,
            ca_pem: ca.ca_pem().to_owned(),
            site,
        })
    }

    fn url(&self, path: &str) -> Result<Url, url::ParseError> {
        self.base.join(path)
    }

    fn put(&self, path: &str, body: Vec<u8>) {
        if let Ok(mut files) = self.site.files.lock() {
            files.insert(path.to_owned(), body);
        }
    }

    fn requested(&self) -> Vec<String> {
        self.site
            .requested
            .lock()
            .map(|paths| paths.clone())
            .unwrap_or_default()
    }
}

/// One HTTP/1.1 GET, answered and closed.
async fn answer(
    mut stream: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    site: &Site,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        if stream.read(&mut byte).await? == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
    if let Ok(mut requested) = site.requested.lock() {
        requested.push(path.clone());
    }
    let body = site
        .files
        .lock()
        .ok()
        .and_then(|files| files.get(&path).cloned());
    let response = match body {
        Some(body) => {
            let mut response = format!(
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend_from_slice(&body);
            response
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec()
        }
    };
    stream.write_all(&response).await?;
    stream.shutdown().await
}

fn manifest(version: &str, package: &Url, signature: &str) -> Vec<u8> {
    json!({
        "version": version,
        "notes": format!("pbx365 {version}: renews certificates a week earlier."),
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": { TARGET: { "url": package.as_str(), "signature": signature } }
    })
    .to_string()
    .into_bytes()
}

/// A mock app with the updater plugin trusting `pubkey`.
fn app(pubkey: &str) -> Result<tauri::App<MockRuntime>, Box<dyn Error>> {
    let mut context = mock_context(noop_assets());
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), json!({ "pubkey": pubkey }));
    Ok(mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)?)
}

/// The app's updater for `endpoint`, trusting only the test CA (the plugin's own client).
fn loopback_updater(
    app: &tauri::App<MockRuntime>,
    endpoint: &Url,
    ca_pem: &str,
) -> Result<tauri_plugin_updater::Updater, Box<dyn Error>> {
    let mut roots = rustls::RootCertStore::empty();
    for certificate in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
        roots.add(certificate?)?;
    }
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let builder = app
        .updater_builder()
        .target(TARGET)
        .configure_client(move |client| client.tls_backend_preconfigured(tls.clone()));
    Ok(updater(builder, endpoint)?)
}

/// What `install` was handed, if anything.
#[derive(Default)]
struct Installs(StdMutex<Vec<Vec<u8>>>);

impl Installs {
    fn record(&self, bytes: &[u8]) -> Result<(), UpdateFailure> {
        if let Ok(mut installed) = self.0.lock() {
            installed.push(bytes.to_vec());
        }
        Ok(())
    }

    fn all(&self) -> Vec<Vec<u8>> {
        self.0.lock().map(|all| all.clone()).unwrap_or_default()
    }
}

/// What a check and an install came to, and which paths the server was asked for.
struct Outcome {
    status: UpdateStatus,
    installed: Option<Result<(), UpdateFailure>>,
    requested: Vec<String>,
}

/// Serves `version`'s manifest whose package carries `signature`, checks as the app does,
/// and installs (into `installs`) only what verified.
async fn check_and_install(
    key: &SigningKey,
    version: &str,
    signature: impl FnOnce(&[u8]) -> Result<String, Box<dyn Error>>,
    installs: &Installs,
) -> Result<Outcome, Box<dyn Error>> {
    let server = Server::start().await?;
    let package = server.url("pbx365-setup.deb")?;
    server.put("/pbx365-setup.deb", PACKAGE.to_vec());
    server.put(
        "/latest.json",
        manifest(version, &package, &signature(PACKAGE)?),
    );
    let endpoint = server.url("latest.json")?;

    let app = app(&key.tauri_pubkey()?)?;
    let updater = loopback_updater(&app, &endpoint, &server.ca_pem)?;
    let (status, update) = check(&updater, &endpoint, CURRENT).await?;
    let installed = match update {
        Some(update) => Some(
            download_and_install(&update, |_, bytes| installs.record(bytes))
                .await
                .map(|_| ()),
        ),
        None => None,
    };
    Ok(Outcome {
        status,
        installed,
        requested: server.requested(),
    })
}

#[tokio::test]
async fn a_newer_release_signed_with_the_release_key_is_found_downloaded_and_verified() -> TestResult
{
    let key = SigningKey::generate()?;
    let installs = Installs::default();
    let outcome =
        check_and_install(&key, "0.2.0", |bytes| key.sign(bytes, "0.2.0"), &installs).await?;

    assert_eq!(
        outcome.status,
        UpdateStatus::Available {
            current: CURRENT.into(),
            version: "0.2.0".into(),
            notes: Some("pbx365 0.2.0: renews certificates a week earlier.".into()),
            date: Some("2026-12-01T09:00:00Z".into()),
        }
    );
    assert!(
        matches!(outcome.installed, Some(Ok(()))),
        "{:?}",
        outcome.installed
    );
    assert_eq!(
        installs.all(),
        vec![PACKAGE.to_vec()],
        "the verified bytes are installed"
    );
    assert_eq!(outcome.requested, ["/latest.json", "/pbx365-setup.deb"]);
    Ok(())
}

#[tokio::test]
async fn a_package_signed_with_another_key_is_refused_and_nothing_is_installed() -> TestResult {
    let release_key = SigningKey::generate()?;
    let other_key = SigningKey::generate()?;
    let installs = Installs::default();
    let outcome = check_and_install(
        &release_key,
        "0.2.0",
        |bytes| other_key.sign(bytes, "0.2.0"),
        &installs,
    )
    .await?;

    assert!(matches!(outcome.status, UpdateStatus::Available { .. }));
    let Some(Err(failure @ UpdateFailure::SignatureInvalid { .. })) = outcome.installed else {
        return Err(format!("expected a refused signature, got {:?}", outcome.installed).into());
    };
    let text = failure.to_string();
    assert!(
        text.contains("not signed by the pbx365 release key"),
        "{text}"
    );
    assert!(text.contains("nothing was installed"), "{text}");
    assert!(installs.all().is_empty(), "nothing may reach the installer");
    assert_eq!(outcome.requested, ["/latest.json", "/pbx365-setup.deb"]);
    Ok(())
}

#[tokio::test]
async fn a_signature_of_other_bytes_or_for_another_version_is_refused() -> TestResult {
    let key = SigningKey::generate()?;
    let installs = Installs::default();
    let tampered = check_and_install(
        &key,
        "0.2.0",
        |_| key.sign(b"the package the release key really signed", "0.2.0"),
        &installs,
    )
    .await?;
    assert!(
        matches!(
            tampered.installed,
            Some(Err(UpdateFailure::SignatureInvalid { .. }))
        ),
        "{:?}",
        tampered.installed
    );
    // An old, genuinely signed package offered as a newer version.
    let replayed =
        check_and_install(&key, "0.3.0", |bytes| key.sign(bytes, "0.2.0"), &installs).await?;
    assert!(
        matches!(
            replayed.installed,
            Some(Err(UpdateFailure::SignatureInvalid { .. }))
        ),
        "{:?}",
        replayed.installed
    );
    assert!(installs.all().is_empty());
    Ok(())
}

#[tokio::test]
async fn a_manifest_for_an_older_version_is_up_to_date_and_downloads_nothing() -> TestResult {
    let key = SigningKey::generate()?;
    let installs = Installs::default();
    let outcome =
        check_and_install(&key, "0.0.9", |bytes| key.sign(bytes, "0.0.9"), &installs).await?;

    assert_eq!(
        outcome.status,
        UpdateStatus::UpToDate {
            current: CURRENT.into()
        }
    );
    assert!(outcome.installed.is_none());
    assert_eq!(
        outcome.requested,
        ["/latest.json"],
        "no package is downloaded"
    );
    assert_eq!(outcome.status.to_string(), "pbx365 0.1.0 is up to date.");
    Ok(())
}

#[tokio::test]
async fn an_unreachable_server_is_named_with_what_to_do() -> TestResult {
    let key = SigningKey::generate()?;
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0").await?.local_addr()?.port();
    let endpoint = Url::parse(&format!("https://127.0.0.1:{port}/latest.json"))?;
    let app = app(&key.tauri_pubkey()?)?;
    let ca = sim::tls::SimCa::generate()?;
    let updater = loopback_updater(&app, &endpoint, ca.ca_pem())?;

    let checked = check(&updater, &endpoint, CURRENT)
        .await
        .map(|(status, _)| status);
    let Err(failure @ UpdateFailure::Unreachable { .. }) = checked else {
        return Err(format!("expected an unreachable server, got {checked:?}").into());
    };
    let text = failure.to_string();
    assert!(text.contains(endpoint.as_str()), "{text}");
    assert!(text.contains("could not be reached"), "{text}");
    assert!(
        text.to_lowercase().contains("connect"),
        "the cause is said: {text}"
    );
    Ok(())
}

#[tokio::test]
async fn a_server_that_answers_without_a_manifest_is_a_bad_manifest() -> TestResult {
    let key = SigningKey::generate()?;
    let server = Server::start().await?;
    server.put("/latest.json", b"<html>maintenance</html>".to_vec());
    let endpoint = server.url("latest.json")?;
    let app = app(&key.tauri_pubkey()?)?;
    let updater = loopback_updater(&app, &endpoint, &server.ca_pem)?;
    assert!(matches!(
        check(&updater, &endpoint, CURRENT).await,
        Err(UpdateFailure::BadManifest { .. })
    ));
    Ok(())
}
