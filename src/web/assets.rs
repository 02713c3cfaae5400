//! The stylesheet, compiled into the binary (a page needs nothing from elsewhere).

use actix_web::http::header;
use actix_web::{HttpResponse, get};

pub const STYLESHEET_PATH: &str = "/dashboard/assets/app.css";

const STYLESHEET: &str = include_str!("app.css");

#[get("/dashboard/assets/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(STYLESHEET)
}
