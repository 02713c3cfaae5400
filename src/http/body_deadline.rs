//! A deadline on reading each request body, so that a slow sender cannot hold a connection
//! (and the memory of its half-read body) indefinitely.
//!
//! The body must arrive within `LRS_BODY_TIMEOUT_SECS`, extended by one second per
//! [`MIN_RATE`] bytes received: a steady upload of any size passes, a sender trickling a byte
//! every few seconds (a slow-body attack) is cut off once the base time is spent. (Apache's
//! `mod_reqtimeout` works the same way.) The request then gets 408 and its connection is
//! closed. The request head has its own limit (actix's client request timeout, 5 s).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

use super::error::{ApiError, ErrorBody};
use super::state::AppState;

/// Bytes per second a body must keep up, on average, once the base time is spent.
pub const MIN_RATE: u64 = 500;

pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        req.set_payload(payload);
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let base = req
        .app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(20), |state| state.body_timeout);
    let expired = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    req.set_payload(Payload::Stream {
        payload: Box::pin(Deadline {
            inner: payload,
            started,
            base,
            received: 0,
            timer: Box::pin(tokio::time::sleep_until(started + base)),
            expired: expired.clone(),
        }),
    });
    let response = next.call(req).await;
    if !expired.load(Ordering::SeqCst) {
        return response.map(ServiceResponse::map_into_left_body);
    }
    // Whatever the handler made of the cut-off body, the answer is 408, and the rest of the
    // body is not waited for.
    let response = response?;
    let error = ApiError::RequestTimeout(format!(
        "the request body did not arrive in time ({} s, plus 1 s per {MIN_RATE} bytes received)",
        base.as_secs()
    ));
    let body: ErrorBody = error.body();
    let timed_out = HttpResponse::RequestTimeout().force_close().json(body);
    Ok(response.into_response(timed_out).map_into_right_body())
}

struct Deadline {
    inner: Payload,
    started: Instant,
    base: Duration,
    received: u64,
    timer: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.expired.load(Ordering::SeqCst) {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.received += chunk.len() as u64;
                let allowance = this.base + Duration::from_secs(this.received / MIN_RATE);
                this.timer.as_mut().reset(this.started + allowance);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.expired.store(true, Ordering::SeqCst);
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body did not arrive in time",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}
