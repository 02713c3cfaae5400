//! The TCP connection the HTTP server reads and writes: it gives the few answers that actix-http
//! writes by itself the JSON error body that every other error has.
//!
//! actix-http answers three failures before any of our code runs, with a status and an empty
//! body (`h1/dispatcher.rs` in actix-http 3.20, which offers no hook for them):
//! - 400 when a request cannot be parsed as HTTP/1.1, which includes a request line whose URI
//!   is over 65,534 bytes (the `http` crate's limit), e.g. a pasted 100 KB `more` link;
//! - 431 when a request head is over 128 KiB;
//! - 408 when a request head does not arrive within the client request timeout.
//!
//! Those answers are the only responses the server writes with `content-length: 0` and one of
//! these statuses: every response of the application carries a JSON body (`ApiError`). So the
//! connection recognises them in what is written and writes the same head with a JSON body
//! instead. It is strict about it, because response bytes are never to be added to what the
//! application sends:
//! - the answer must be the whole of one write: a response head alone, nothing before or after
//!   it (so an error that follows another response in the same write, which only a pipelining
//!   client can cause, keeps its empty body);
//! - a 408 is only ever the first answer on its connection (actix-http sends it only while it
//!   waits for the first request), so one is recognised only when nothing was written before;
//! - after the rewrite the connection is finished, as actix-http finishes it after each of
//!   these answers: nothing more is read or written. Even a body crafted to look like one of these
//!   answers, and split by chance at exactly its start, can only spoil its own connection.

use bytes::{BufMut, Bytes, BytesMut};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::http::error::ErrorBody;

/// A TCP stream whose actix-http error answers get a JSON body.
pub struct Connection {
    stream: TcpStream,
    /// A rewritten answer not yet fully written, and how much of it was.
    pending: Option<(Bytes, usize)>,
    /// Whether anything was written yet.
    written: bool,
    /// Whether an answer was rewritten: the connection's last.
    finished: bool,
}

impl Connection {
    pub fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            pending: None,
            written: false,
            finished: false,
        }
    }

    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.finished {
            // End of stream.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if self.finished {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if let Some(answer) = with_json_body(buf, self.written) {
            // The whole of `buf` is taken now; its replacement is written here and, when the
            // socket is full, by the flush that the dispatcher always does next.
            self.pending = Some((answer, 0));
            self.finished = true;
            if let Poll::Ready(Err(error)) = self.poll_pending(cx) {
                return Poll::Ready(Err(error));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        let n = ready!(Pin::new(&mut self.stream).poll_write(cx, buf))?;
        self.written |= n > 0;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// How actix-http's encoder writes an empty body's length, right after the status line.
const EMPTY_LENGTH: &[u8] = b"\r\ncontent-length: 0\r\n";

/// When `written` is exactly one of actix-http's own error answers (a response head with an
/// empty body and status 400, 408 or 431), the same answer with a JSON error body.
/// `after_others`: whether something was written on the connection before.
fn with_json_body(written: &[u8], after_others: bool) -> Option<Bytes> {
    let status_line = written.strip_prefix(b"HTTP/1.1 ")?;
    let (code, message) = match status_line.get(..3)? {
        b"400" => (
            "bad_request",
            "the request is not valid HTTP/1.1, or its request line is longer than 65,534 bytes",
        ),
        b"408" if !after_others => ("request_timeout", "the request head did not arrive in time"),
        b"431" => (
            "request_header_fields_too_large",
            "the request head (request line and headers) is larger than 128 KiB",
        ),
        _ => return None,
    };
    // Only a single head, ending where the written bytes end, with nothing after it.
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if head_end != written.len() {
        return None;
    }
    let length_at = written
        .windows(EMPTY_LENGTH.len())
        .position(|w| w == EMPTY_LENGTH)?;
    let status = std::str::from_utf8(&status_line[..3]).ok()?.parse().ok()?;
    let body = serde_json::to_vec(&ErrorBody {
        status,
        code,
        message: message.into(),
        property: None,
    })
    .ok()?;
    let mut answer = BytesMut::with_capacity(written.len() + body.len() + 48);
    answer.put_slice(&written[..length_at]);
    answer.put_slice(
        format!(
            "\r\ncontent-length: {}\r\ncontent-type: application/json\r\n",
            body.len()
        )
        .as_bytes(),
    );
    answer.put_slice(&written[length_at + EMPTY_LENGTH.len()..]);
    answer.put_slice(&body);
    Some(answer.freeze())
}

#[cfg(test)]
mod tests {
    use super::with_json_body;

    #[test]
    fn actix_http_error_answers_get_a_json_body() {
        let written = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\nconnection: close\r\ndate: Mon, 07 Dec 2026 22:00:00 GMT\r\n\r\n";
        let answer = with_json_body(written, true).expect("rewritten");
        let text = std::str::from_utf8(&answer).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("\r\ncontent-type: application/json\r\n"));
        assert!(head.contains(&format!("\r\ncontent-length: {}\r\n", body.len())));
        assert!(head.ends_with("connection: close\r\ndate: Mon, 07 Dec 2026 22:00:00 GMT"));
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["status"], 431);
        assert_eq!(body["code"], "request_header_fields_too_large");
    }

    #[test]
    fn application_responses_are_left_alone() {
        // A body follows the head, another status, or a length other than 0.
        for written in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 17\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n",
            b"HTTP/1.1 4",
        ] {
            assert!(with_json_body(written, false).is_none(), "{written:?}");
        }
        // A 408 is only the first answer on a connection.
        let timeout = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n\r\n";
        assert!(with_json_body(timeout, false).is_some());
        assert!(with_json_body(timeout, true).is_none());
    }
}
