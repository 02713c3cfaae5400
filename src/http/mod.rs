//! The HTTP layer: routing, extractors, middleware, handlers and the error mapping.

mod about;
mod activities;
mod admin;
mod agents;
mod alternate;
mod analytics;
pub mod auth;
mod authenticate;
mod body_deadline;
pub mod connection;
mod consistent;
mod cors;
mod documents;
mod erasure;
pub mod error;
mod health;
mod json_errors;
pub mod openapi;
pub mod params;
pub mod query;
mod request_log;
pub mod state;
mod statements;
pub mod version;

pub use alternate::alternate_syntax;
pub use authenticate::authenticate;
pub use body_deadline::body_deadline;
pub use consistent::consistent_through;
pub use cors::cors;
pub use json_errors::json_errors;
pub use request_log::request_log;

use utoipa_actix_web::service_config::ServiceConfig;

/// Every route of the server. The OpenAPI document is generated from this same function.
pub fn routes(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::health)
        .service(health::ready)
        .service(
            utoipa_actix_web::scope(version::XAPI_BASE)
                .service(about::about)
                .service(statements::put_statement)
                .service(statements::post_statements)
                .service(statements::get_statements)
                .service(documents::state::get_state)
                .service(documents::state::put_state)
                .service(documents::state::post_state)
                .service(documents::state::delete_state)
                .service(documents::activity_profile::get_activity_profile)
                .service(documents::activity_profile::put_activity_profile)
                .service(documents::activity_profile::post_activity_profile)
                .service(documents::activity_profile::delete_activity_profile)
                .service(documents::agent_profile::get_agent_profile)
                .service(documents::agent_profile::put_agent_profile)
                .service(documents::agent_profile::post_agent_profile)
                .service(documents::agent_profile::delete_agent_profile)
                .service(agents::get_agent)
                .service(activities::get_activity),
        )
        .service(
            utoipa_actix_web::scope("/analytics")
                .service(analytics::courses::list_courses)
                .service(analytics::courses::course_detail)
                .service(analytics::courses::course_weekly)
                .service(analytics::courses::course_heatmap)
                .service(analytics::course_settings::put_course_settings)
                .service(analytics::course_settings::get_course_settings)
                .service(analytics::learners::course_learners)
                .service(analytics::learners::learner_courses)
                .service(analytics::trail::learner_trail)
                .service(analytics::trail::learner_statements)
                .service(analytics::outcomes::upload_outcomes)
                .service(analytics::enrolments::upload_enrolments)
                .service(analytics::enrolments::course_enrolments)
                .service(analytics::models::list_models)
                // Before `/models/{id}`, which would take "history" for an id.
                .service(analytics::history::model_history)
                .service(analytics::models::train_model)
                .service(analytics::models::get_model)
                .service(analytics::models::evaluate_model)
                .service(analytics::models::activate_model)
                .service(analytics::status::analytics_status),
        )
        .service(
            utoipa_actix_web::scope("/admin")
                .service(admin::list_credentials)
                .service(admin::create_credential)
                .service(admin::revoke_credential)
                .service(erasure::erase),
        );
}
