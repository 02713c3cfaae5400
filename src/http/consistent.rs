//! `X-Experience-API-Consistent-Through` on every Statement Resource response, errors included
//! (Communication 2.1.3): clients poll with it to know when their writes are visible.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::state::AppState;

pub const CONSISTENT_THROUGH: HeaderName =
    HeaderName::from_static("x-experience-api-consistent-through");

pub async fn consistent_through(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let clock = req
        .path()
        .starts_with("/xapi/statements")
        .then(|| {
            req.app_data::<web::Data<AppState>>()
                .map(|s| s.ingest.clock.clone())
        })
        .flatten();
    let mut response = next.call(req).await?;
    if let Some(clock) = clock {
        let value = crate::xapi::format_stored(clock.consistent_through());
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(CONSISTENT_THROUGH, value);
        }
    }
    Ok(response)
}
