//! The query parameters the analytics endpoints share, each set documented and read by one
//! struct (`http::params`). A handler takes the sets it needs, e.g.
//! `Params<And<CourseQuery, FormatQuery>>`, and documents the same, `params(CourseQuery,
//! FormatQuery)`.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::params::{Iri, ListFormat};

/// A course, by its IRI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseQuery {
    /// the course IRI
    pub course: String,
}

/// A course to set up before (or after) its first statement (settings, a roster): its IRI
/// becomes the course's name, so it must be an absolute IRI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NewCourseQuery {
    /// the course IRI (absolute)
    #[param(value_type = String)]
    pub course: Iri,
}

/// A learner.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearnerQuery {
    /// IFI key, Agent JSON or e-mail address
    pub learner: String,
}

/// How a list is answered.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// json (default) or csv (also chosen by `Accept: text/csv`)
    #[param(value_type = Option<String>)]
    pub format: Option<ListFormat>,
}
