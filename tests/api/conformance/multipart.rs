//! Reading a `multipart/mixed` response strictly, as fragile clients (the conformance suite's
//! parser among them) need it.

use super::check::Received;

/// One part of a multipart response.
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Parses a `multipart/mixed` response strictly: `Content-Type: multipart/mixed; boundary=X`
/// with the boundary first and unquoted, the body opening with `--X\r\n`, parts separated by
/// `\r\n--X\r\n` and the body ending with `\r\n--X--` and nothing after it.
pub fn multipart(received: &Received) -> Result<Vec<Part>, String> {
    let content_type = received
        .header("content-type")
        .ok_or("no Content-Type header")?;
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .ok_or_else(|| {
            format!("Content-Type {content_type:?} is not `multipart/mixed; boundary=...`")
        })?;
    let boundary = boundary.split(';').next().unwrap_or_default();
    if boundary.is_empty() || boundary.contains('"') {
        return Err(format!(
            "the boundary must be an unquoted token, got {boundary:?}"
        ));
    }
    let body = &received.body;
    let open = format!("--{boundary}\r\n");
    let close = format!("\r\n--{boundary}--");
    if !body.starts_with(open.as_bytes()) {
        return Err(format!("the body does not start with {open:?}"));
    }
    if !body.ends_with(close.as_bytes()) {
        let tail = String::from_utf8_lossy(&body[body.len().saturating_sub(60)..]).into_owned();
        return Err(format!(
            "the body does not end with {close:?} (and nothing after it); it ends with {tail:?}"
        ));
    }
    let inner = &body[open.len()..body.len() - close.len()];
    let separator = format!("\r\n--{boundary}\r\n");
    let mut parts = Vec::new();
    for chunk in split_bytes(inner, separator.as_bytes()) {
        let blank =
            find(chunk, b"\r\n\r\n").ok_or("a part without a blank line after its headers")?;
        let head = String::from_utf8_lossy(&chunk[..blank]).into_owned();
        let headers = head
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (n, v) = line.split_once(':').unwrap_or((line, ""));
                (n.trim().to_ascii_lowercase(), v.trim().to_owned())
            })
            .collect();
        parts.push(Part {
            headers,
            body: chunk[blank + 4..].to_vec(),
        });
    }
    Ok(parts)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = find(data, separator) {
        out.push(&data[..i]);
        data = &data[i + separator.len()..];
    }
    out.push(data);
    out
}
