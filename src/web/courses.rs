//! The courses page: every course with its dates, learners, activity and at-risk count, and a
//! sparkline of its weekly activity.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::SignedIn;
use super::{charts, encode, respond};
use crate::auth::Access;
use crate::error::ApiError;
use crate::http::params::Params;
use crate::http::state::AppState;
use crate::service::courses::{self, CourseView};

/// Courses per page.
const PAGE: usize = 50;

/// A page of the course list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoursesPage {
    /// where the page starts (the link of the previous page)
    cursor: Option<String>,
}

#[get("/dashboard/courses")]
pub async fn page(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let session = &signed_in.session;
    let page = render(&state, &req, &signed_in).await;
    respond::page(session, page.map(|markup| ("Courses".to_owned(), markup)))
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    signed_in: &SignedIn,
) -> Result<Markup, ApiError> {
    signed_in.session.principal.require(Access::AnalyticsRead)?;
    let Params(query) = Params::<CoursesPage>::from_query(req.query_string())?;
    let (views, next) = courses::list(&state.pool, query.cursor.as_deref(), PAGE).await?;
    let mut rows = Vec::with_capacity(views.len());
    for view in &views {
        let dates = courses::find(&state.pool, &view.course).await?;
        let weeks = courses::weekly(&state.pool, &dates).await?;
        let series: Vec<f64> = weeks.iter().map(|w| w.statements as f64).collect();
        rows.push(row(view, &series));
    }
    Ok(html! {
        h1 { "Courses" }
        @if views.is_empty() {
            p { "No course yet: courses appear here when statements name them." }
        } @else {
            p.muted #courses-note { "Courses the LRS has seen, with the last 7 days' activity and the learners the active model rates at high risk." }
            div.table-wrap {
                table aria-describedby="courses-note" {
                    thead {
                        tr {
                            th scope="col" { "Course" }
                            th.optional scope="col" { "Dates" }
                            th.num scope="col" { "Week" }
                            th.num scope="col" { "Learners" }
                            th.num scope="col" { "Active (7 days)" }
                            th.num scope="col" { "At risk" }
                            th.optional scope="col" { "Weekly statements" }
                        }
                    }
                    tbody { @for row in &rows { (row) } }
                }
            }
        }
        @if let Some(next) = next {
            nav.pager aria-label="pages" {
                a href={"/dashboard/courses?cursor=" (next)} { "Next courses" }
            }
        }
    })
}

fn row(view: &CourseView, weekly: &[f64]) -> Markup {
    let title = view.title.as_deref().unwrap_or(&view.course);
    html! {
        tr {
            td {
                a href={"/dashboard/course?course=" (encode(&view.course))} { (title) }
                @if view.title.is_some() { span.iri { (view.course) } }
            }
            td.optional {
                @match (view.start_date, view.end_date) {
                    (Some(start), Some(end)) => { (start) " to " (end) }
                    (Some(start), None) => { "from " (start) }
                    _ => { span.muted { "no date yet" } }
                }
            }
            td.num { @if let Some(week) = view.current_week { (week) } }
            td.num { (view.learners) }
            td.num { (view.active_last_7_days) }
            td.num { @if view.high_risk > 0 { span.risk-high { (view.high_risk) } } @else { "0" } }
            td.optional { (charts::sparkline("statements per course week", weekly, 120, 24)) }
        }
    }
}
