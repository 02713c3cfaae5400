//! The web dashboard for instructors and admins: server-rendered HTML (maud), charts drawn as
//! SVG on the server, no JavaScript, nothing fetched from elsewhere. Its pages call the same
//! services as the HTTP API, as the signed-in credential, with that credential's scopes.
//!
//! Pages: sign-in at `/`, the courses at `/dashboard/courses`, a course (charts, heatmap, risk
//! list) at `/dashboard/course?course=<IRI>`, a learner in a course (the drill-down) at
//! `/dashboard/learner?course=<IRI>&learner=<IFI key>`, the statement browser at
//! `/dashboard/statements`.

mod assets;
mod charts;
mod course;
mod courses;
mod layout;
mod learner;
mod respond;
mod session;
mod sign_in;
mod statements;

use actix_web::web;

/// A query parameter's value, encoded for a link.
fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A filter form sends its empty fields too: an empty field is no filter.
fn without_empty_fields(query: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(query.as_bytes()).filter(|(_, v)| !v.is_empty()))
        .finish()
}

/// The dashboard's routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(sign_in::page)
        .service(sign_in::submit)
        .service(sign_in::sign_out)
        .service(courses::page)
        .service(course::page)
        .service(course::csv)
        .service(learner::page)
        .service(statements::browser)
        .service(statements::statement)
        .service(assets::stylesheet);
}
