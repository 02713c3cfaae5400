//! A learner in a course (the drill-down): their risk with its reasons, their metrics, their
//! weekly and daily trail as charts, the statements behind them, and their other courses.

use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use serde::Deserialize;

use super::charts::{self, Bar};
use super::session::SignedIn;
use super::{encode, respond};
use crate::auth::Access;
use crate::error::ApiError;
use crate::http::params::Params;
use crate::http::state::AppState;
use crate::service::courses;
use crate::service::learners::{self, LearnerView};
use crate::service::trail::{self, Granularity, TrailDayView, TrailStatement};

/// Statements per page of the drill-down.
const STATEMENTS_PAGE: usize = 50;

/// A learner in a course, and where the statement list starts.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LearnerParams {
    /// the course IRI
    course: String,
    /// the learner's IFI key
    learner: String,
    /// where the statement list continues (its `next`)
    cursor: Option<String>,
}

#[get("/dashboard/learner")]
pub async fn page(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    let session = &signed_in.session;
    respond::page(session, render(&state, &req, &signed_in).await)
}

async fn render(
    state: &AppState,
    req: &HttpRequest,
    signed_in: &SignedIn,
) -> Result<(String, Markup), ApiError> {
    signed_in.session.principal.require(Access::AnalyticsRead)?;
    let Params(params) = Params::<LearnerParams>::from_query(req.query_string())?;
    let course = courses::find(&state.pool, &params.course).await?;
    let learner = learners::find(&state.pool, &params.learner).await?;
    let enrolments = learners::learner_courses(&state.pool, learner).await?;
    let view = enrolments
        .iter()
        .find(|v| v.course.as_deref() == Some(params.course.as_str()))
        .ok_or_else(|| ApiError::NotFound(format!("{} is not in this course", params.learner)))?;
    let weeks = trail::days(&state.pool, &course, learner, Granularity::Week).await?;
    let days = trail::days(&state.pool, &course, learner, Granularity::Day).await?;
    let (statements, next) = trail::statements(
        &state.pool,
        &course,
        learner,
        (None, None),
        params.cursor.as_deref(),
        STATEMENTS_PAGE,
    )
    .await?;
    let name = view.name.clone().unwrap_or_else(|| view.learner.clone());
    let course_link = format!("/dashboard/course?course={}", encode(&params.course));
    let markup = html! {
        p { a href=(course_link) { "← " (params.course) } }
        h1 { (name) }
        p.muted { (view.learner) }
        section aria-labelledby="risk" {
            h2 #risk { "Risk" }
            (risk(view))
        }
        section aria-labelledby="metrics" {
            h2 #metrics { "Activity in this course" }
            (metrics(view))
        }
        section aria-labelledby="trail" {
            h2 #trail { "Trail" }
            (trail_charts(&weeks, &days))
        }
        section aria-labelledby="statements" {
            h2 #statements { "Statements, oldest first" }
            (statement_list(&statements))
            @if let Some(next) = next {
                nav.pager aria-label="pages" {
                    a href={"/dashboard/learner?course=" (encode(&params.course)) "&learner=" (encode(&params.learner)) "&cursor=" (encode(&next))} { "More statements" }
                }
            }
        }
        @if enrolments.len() > 1 {
            section aria-labelledby="other" {
                h2 #other { "Other courses" }
                ul {
                    @for other in enrolments.iter().filter(|v| v.course.as_deref() != Some(params.course.as_str())) {
                        @if let Some(iri) = &other.course {
                            li { a href={"/dashboard/learner?course=" (encode(iri)) "&learner=" (encode(&other.learner))} { (iri) } }
                        }
                    }
                }
            }
        }
    };
    Ok((name, markup))
}

fn risk(view: &LearnerView) -> Markup {
    let reasons: Vec<&str> = [
        &view.factor_1_explanation,
        &view.factor_2_explanation,
        &view.factor_3_explanation,
    ]
    .into_iter()
    .filter_map(|e| e.as_deref())
    .collect();
    html! {
        @match (view.risk, &view.risk_band) {
            (Some(risk), Some(band)) => {
                p { span class={"band band-" (band)} { (format!("{:.0}%", risk * 100.0)) ", " (band) } " risk of an unsuccessful outcome, because:" }
                ul.reasons { @for reason in &reasons { li { (reason) } } }
            }
            _ => { p.muted { "No score: no model is active, or the learner has not been scored yet." } }
        }
        @if let Some(outcome) = &view.outcome { p { "Outcome: " strong { (outcome) } } }
    }
}

fn metrics(view: &LearnerView) -> Markup {
    html! {
        dl.metrics {
            dt { "Statements" } dd { (view.statements) }
            dt { "Active days" } dd { (view.active_days) }
            dt { "Sessions" } dd { (view.sessions) }
            dt { "Time on task" } dd { (format!("{:.1} h", view.time_on_task_hours)) }
            dt { "Coverage" } dd { (format!("{:.0}% of the course's activities", view.coverage * 100.0)) }
            dt { "Mean score" } dd { (view.mean_score.map_or("none".into(), |s| format!("{:.0}%", s * 100.0))) }
            dt { "Last activity" } dd { (view.last_activity.map_or("never".into(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())) }
        }
    }
}

fn trail_charts(weeks: &[TrailDayView], days: &[TrailDayView]) -> Markup {
    if days.is_empty() {
        return html! { p.muted { "No statements in this course." } };
    }
    // The trail lists active weeks and days only; the charts show the quiet ones too.
    let last_week = weeks
        .iter()
        .filter_map(|w| w.week)
        .max()
        .unwrap_or(1)
        .max(1);
    let weekly: Vec<Bar> = (1..=last_week)
        .map(|n| match weeks.iter().find(|w| w.week == Some(n)) {
            Some(w) => Bar {
                label: n.to_string(),
                value: f64::from(w.statements),
                description: format!(
                    "Week {n} (from {}): {} statements on {} days, {:.0} minutes on task",
                    w.day, w.statements, w.active_days, w.time_on_task_minutes
                ),
            },
            None => Bar {
                label: n.to_string(),
                value: 0.0,
                description: format!("Week {n}: no statement"),
            },
        })
        .collect();
    let (first, last) = (days[0].day, days[days.len() - 1].day);
    let daily: Vec<f64> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|d| {
            days.iter()
                .find(|t| t.day == d)
                .map_or(0.0, |t| f64::from(t.statements))
        })
        .collect();
    html! {
        div.chart { (charts::bars("The learner's statements per course week", &weekly, 28, 120)) }
        p.muted { "Statements per day, " (first) " to " (last) ":" }
        div.chart { (charts::sparkline("the learner's statements per day", &daily, 600, 40)) }
    }
}

fn short(iri: &str) -> &str {
    iri.trim_end_matches('/')
        .rsplit(['/', '#'])
        .next()
        .unwrap_or(iri)
}

fn statement_list(statements: &[TrailStatement]) -> Markup {
    if statements.is_empty() {
        return html! { p.muted { "None." } };
    }
    html! {
        div.table-wrap {
            table {
                thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Verb" } th scope="col" { "Activity" } th.num scope="col" { "Score" } } }
                tbody {
                    @for s in statements {
                        tr {
                            td { (s.timestamp.format("%Y-%m-%d %H:%M")) }
                            td { @if let Some(verb) = &s.verb { span title=(verb) { (short(verb)) } } }
                            td { (s.activity_name.as_deref().or(s.activity.as_deref()).unwrap_or("")) }
                            td.num { @if let Some(score) = s.score { (format!("{:.0}%", score * 100.0)) } }
                        }
                    }
                }
            }
        }
    }
}
