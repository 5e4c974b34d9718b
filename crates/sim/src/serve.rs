//! Serving a router on an already-bound listener, over HTTP or HTTPS, with the fault switches
//! applied in front of it (a dropped connection must be dropped at the connection level, both
//! before a request is handled and after it was, in place of its reply).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::faults::{Faults, Verdict};

/// The error that makes hyper close a connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by the emulator's fault switch")]
struct DroppedByFault;

/// A running server; dropping it stops the server too.
#[derive(Debug)]
pub(crate) struct Server {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Stops accepting, closes every open connection and waits for the server task.
    pub(crate) async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "emulator server task ended abnormally");
        }
    }
}

/// Serves `router` on `listener` (TLS when `tls` is given) until shut down.
pub(crate) fn spawn(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    faults: Arc<Faults>,
) -> Server {
    let (stop, mut stopped) = watch::channel(false);
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                accepted = listener.accept() => {
                    let stream = match accepted {
                        Ok((stream, _)) => stream,
                        Err(error) => {
                            tracing::warn!(%error, "emulator could not accept a connection");
                            continue;
                        }
                    };
                    let router = router.clone();
                    let faults = Arc::clone(&faults);
                    let acceptor = acceptor.clone();
                    connections.spawn(async move {
                        match acceptor {
                            Some(acceptor) => match acceptor.accept(stream).await {
                                Ok(stream) => serve_connection(stream, router, faults).await,
                                Err(error) => tracing::debug!(%error, "TLS handshake with the emulator failed"),
                            },
                            None => serve_connection(stream, router, faults).await,
                        }
                    });
                }
            }
        }
        connections.shutdown().await;
    });
    Server { stop, task }
}

async fn serve_connection<I>(io: I, router: Router, faults: Arc<Faults>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let router = router.clone();
        let faults = Arc::clone(&faults);
        async move { handle(request.map(Body::new), router, &faults).await }
    });
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    if let Err(error) = builder.serve_connection(TokioIo::new(io), service).await {
        tracing::debug!(%error, "emulator connection ended");
    }
}

async fn handle(
    request: Request,
    router: Router,
    faults: &Faults,
) -> Result<Response, DroppedByFault> {
    let latency = faults.latency_for(request.uri().path());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let verdict = faults.decide_for(
        request.method().as_str(),
        request.uri().path(),
        request.headers(),
    );
    match verdict {
        Verdict::Drop => Err(DroppedByFault),
        Verdict::Respond(response) => Ok(response),
        Verdict::Pass => Ok(route(request, router).await),
        Verdict::DropReply => {
            let method = request.method().clone();
            let path = request.uri().path().to_owned();
            let response = route(request, router).await;
            let status = response.status();
            // Reading the whole body runs any work a streamed body would still do, so the
            // request has had every effect it would have had before the reply is lost.
            if let Err(error) = axum::body::to_bytes(response.into_body(), usize::MAX).await {
                tracing::debug!(%error, "the body of a reply to be dropped failed");
            }
            tracing::info!(%method, %path, %status, "request applied, its reply dropped by the fault switch");
            Err(DroppedByFault)
        }
    }
}

async fn route(request: Request, router: Router) -> Response {
    let response: Result<Response, Infallible> = router.oneshot(request).await;
    response.unwrap_or_else(|never| match never {})
}
