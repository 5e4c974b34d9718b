//! Reading an answer's body chunk by chunk up to a limit, so a server streaming without end
//! (or announcing gigabytes) costs at most the limit in memory.

/// A body read up to a limit.
#[derive(Debug)]
pub(crate) struct Capped {
    /// What was read: the whole body, or its first `limit` bytes.
    pub(crate) bytes: Vec<u8>,
    /// Whether the body went on beyond the limit (the rest was not read).
    pub(crate) cut: bool,
}

/// Reads `response`'s body, stopping at `limit` bytes. A `Content-Length` above the limit
/// stops it before reading anything when `head_will_do` is false; with `head_will_do` (error
/// answers, whose start is all that is quoted) the first `limit` bytes are read regardless.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: u64,
    head_will_do: bool,
) -> Result<Capped, reqwest::Error> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let announced = response
        .content_length()
        .and_then(|length| usize::try_from(length).ok());
    if !head_will_do && announced.is_some_and(|length| length > limit) {
        return Ok(Capped {
            bytes: Vec::new(),
            cut: true,
        });
    }
    // The announced length is only a hint: never reserve more than the limit on its word.
    let mut bytes = Vec::with_capacity(announced.unwrap_or(0).min(limit));
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(bytes.len());
        if chunk.len() > room {
            bytes.extend_from_slice(chunk.get(..room).unwrap_or_default());
            // Dropping the response here closes the connection instead of draining the rest.
            return Ok(Capped { bytes, cut: true });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Capped { bytes, cut: false })
}
