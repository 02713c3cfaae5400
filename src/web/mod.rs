//! The web dashboard for instructors and admins: server-rendered HTML (maud), charts drawn as
//! SVG on the server, no JavaScript, nothing fetched from elsewhere. Its pages call the same
//! services as the HTTP API, as the signed-in credential, with that credential's scopes.
//!
//! Pages: sign-in at `/`, the courses at `/dashboard/courses`, a course (charts, heatmap, risk
//! list) at `/dashboard/course?course=<IRI>`.

mod assets;
mod charts;
mod course;
mod courses;
mod layout;
mod respond;
mod session;
mod sign_in;

use actix_web::web;

/// The dashboard's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(sign_in::page)
        .service(sign_in::submit)
        .service(sign_in::sign_out)
        .service(courses::page)
        .service(course::page)
        .service(course::csv)
        .service(assets::stylesheet);
}
