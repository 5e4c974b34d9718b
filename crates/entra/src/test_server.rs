//! A tiny HTTP server on loopback that answers as a broken or hostile server would, for tests.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// What the server answers.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// This status, then a body that never ends (chunked), starting like JSON.
    Endless { status: u16 },
    /// This status and `Content-Length`, then a body that never ends.
    Declared { status: u16, length: u64 },
    /// This status and exactly this body.
    Fixed { status: u16, body: Vec<u8> },
}

type ReplyFn = dyn Fn(&str) -> Reply + Send + Sync;

/// A loopback port where nothing listens now.
pub(crate) fn closed_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

/// Serves every request with `reply(path)` until the test ends; returns `http://127.0.0.1:PORT`.
pub(crate) async fn serve(
    reply: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> std::io::Result<String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let base = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    tokio::spawn(serve_on(listener, Arc::new(reply)));
    Ok(base)
}

/// Like [`serve`], but after answering one request the server stops listening — connections
/// are refused, as while a server restarts — for `down_for`, then serves again on the same
/// port. The receiver hears when it has stopped.
pub(crate) async fn serve_restarting(
    down_for: Duration,
    reply: impl Fn(&str) -> Reply + Send + Sync + 'static,
) -> std::io::Result<(String, oneshot::Receiver<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let address = listener.local_addr()?;
    let reply: Arc<ReplyFn> = Arc::new(reply);
    let (stopped, down) = oneshot::channel();
    tokio::spawn(async move {
        if let Ok((stream, _)) = listener.accept().await {
            let _ = answer(stream, reply.as_ref()).await;
        }
        drop(listener);
        let _ = stopped.send(());
        tokio::time::sleep(down_for).await;
        // Tokio sets SO_REUSEADDR, so the port can be taken again at once.
        if let Ok(listener) = TcpListener::bind(address).await {
            serve_on(listener, reply).await;
        }
    });
    Ok((format!("http://{address}"), down))
}

async fn serve_on(listener: TcpListener, reply: Arc<ReplyFn>) {
    while let Ok((stream, _)) = listener.accept().await {
        let reply = Arc::clone(&reply);
        tokio::spawn(async move {
            // The client hanging up is how most of these exchanges end.
            let _ = answer(stream, reply.as_ref()).await;
        });
    }
}

async fn answer(mut stream: TcpStream, reply: &ReplyFn) -> std::io::Result<()> {
    let path = read_request(&mut stream).await?;
    let head = |status: u16, framing: &str| {
        format!("HTTP/1.1 {status} Test\r\nContent-Type: application/json\r\n{framing}\r\n")
    };
    let filler = vec![b'x'; 16 * 1024];
    match reply(&path) {
        Reply::Fixed { status, body } => {
            let framing = format!("Content-Length: {}\r\nConnection: close\r\n", body.len());
            stream.write_all(head(status, &framing).as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await
        }
        Reply::Declared { status, length } => {
            let framing = format!("Content-Length: {length}\r\n");
            stream.write_all(head(status, &framing).as_bytes()).await?;
            stream.write_all(b"{\"value\":[\"").await?;
            loop {
                stream.write_all(&filler).await?;
            }
        }
        Reply::Endless { status } => {
            stream
                .write_all(head(status, "Transfer-Encoding: chunked\r\n").as_bytes())
                .await?;
            stream.write_all(b"b\r\n{\"value\":[\"\r\n").await?;
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
}

/// Reads the request head and its body (so closing never resets the connection under the
/// client's feet); returns the path without the query.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body_read = data.len() - end;
    while body_read < length {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        body_read += read;
    }
    let target = head.split(' ').nth(1).unwrap_or("/");
    Ok(target.split('?').next().unwrap_or("/").to_owned())
}
