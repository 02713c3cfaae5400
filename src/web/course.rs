//! The course page: weekly activity, the activity × week heatmap, and the risk list (sorted,
//! filtered and paged as the API's learner list, with each learner's three reasons), and the
//! list as CSV, exactly as shown.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::charts::{self, Bar};
use super::session::SignedIn;
use super::{encode, respond, without_empty_fields};
use crate::auth::Access;
use crate::error::ApiError;
use crate::http::params::{And, Params};
use crate::http::state::AppState;
use crate::service::courses::{self, HeatCell, WeekView};
use crate::service::learners::{self, LearnerView, ListQuery};
use crate::service::models as service_models;
use crate::store::analytics::metrics::CourseDates;

/// Activities shown in the heatmap, the most accessed first.
const HEATMAP_ROWS: usize = 25;

/// The course a page is about.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CourseParam {
    /// the course IRI
    course: String,
}

/// The course and the list's parameters of a request.
fn read(req: &HttpRequest) -> Result<(String, ListQuery, String), ApiError> {
    let query = without_empty_fields(req.query_string());
    let Params(And(course, list)) = Params::<And<CourseParam, ListQuery>>::from_query(&query)?;
    Ok((course.course, list, query))
}

#[get("/dashboard/course")]
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
    let (iri, list, query) = read(req)?;
    let course = courses::find(&state.pool, &iri).await?;
    let detail = courses::detail(&state.pool, course.id).await?;
    let weeks = courses::weekly(&state.pool, &course).await?;
    let cells = courses::heatmap(&state.pool, &course).await?;
    let listed = learners::course_learners(&state.pool, &course, &list).await?;
    let model = model_section(state).await?;
    let title = detail.course.title.clone().unwrap_or_else(|| iri.clone());
    let markup = html! {
        h1 { (title) }
        p.muted {
            (iri)
            @if let Some(start) = detail.course.start_date { " · from " (start) }
            @if let Some(end) = detail.course.end_date { " to " (end) }
            @if let Some(week) = detail.course.current_week { " · week " (week) }
            " · " (detail.course.learners) " learners, " (detail.course.high_risk) " at high risk"
        }
        section aria-labelledby="weekly" {
            h2 #weekly { "Weekly activity" }
            (weekly_chart(&weeks))
        }
        section aria-labelledby="heatmap" {
            h2 #heatmap { "Resource accesses by week" }
            (heatmap(&cells, &weeks))
        }
        section aria-labelledby="model" {
            h2 #model { "The risk model" }
            (model)
        }
        section aria-labelledby="risk" {
            h2 #risk { "Learners by risk" }
            (filters(&iri, &list))
            (risk_table(&iri, &listed.rows()))
            nav.pager aria-label="pages" {
                a href={"/dashboard/course.csv?" (query)} { "Download this page as CSV" }
                @if let Some(next) = &listed.next {
                    a href={"/dashboard/course?" (with_cursor(&query, next))} { "Next learners" }
                }
            }
        }
    };
    Ok((title, markup))
}

/// The model that scores live courses, and its latest evaluation.
async fn model_section(state: &AppState) -> Result<Markup, ApiError> {
    let models = service_models::list(&state.pool).await?;
    let Some(active) = models.iter().find(|m| m.active) else {
        return Ok(html! {
            p { "No model is active, so no learner has a risk score. An admin trains one on courses with known outcomes (" code { "POST /analytics/models" } ")." }
        });
    };
    let detail = service_models::detail(&state.pool, active.id).await?;
    let figure = |metrics: &Value, name: &str| {
        metrics[name]
            .as_f64()
            .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"))
    };
    let training = &detail.training["summary"];
    Ok(html! {
        p {
            "Model " strong { "#" (detail.id) } " (" (detail.algorithm.replace('_', " ")) "), trained "
            (detail.created.format("%Y-%m-%d")) " by " (detail.trained_by) " on "
            (detail.training_courses.len()) " course(s), on what was known at the end of week "
            (detail.cutoff_week) "; high risk from " (format!("{:.0}%", detail.threshold * 100.0)) "."
        }
        @if let Some(evaluation) = detail.evaluations.first() {
            p {
                "Latest evaluation (" (evaluation.created.format("%Y-%m-%d")) ", "
                (evaluation.metrics["rows"].as_u64().unwrap_or(0)) " learners of "
                (evaluation.courses.len()) " other course(s)): ROC AUC " (figure(&evaluation.metrics, "roc_auc"))
                ", precision " (figure(&evaluation.metrics, "precision"))
                ", recall " (figure(&evaluation.metrics, "recall")) " at the threshold."
            }
        } @else {
            p.muted {
                "Not evaluated on other courses yet. ROC AUC on its own training learners (optimistic): "
                (figure(training, "auc_train")) "."
            }
        }
    })
}

fn with_cursor(query: &str, cursor: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(query.as_bytes()).filter(|(n, _)| n != "cursor"))
        .append_pair("cursor", cursor)
        .finish()
}

fn weekly_chart(weeks: &[WeekView]) -> Markup {
    if weeks.is_empty() {
        return html! { p.muted { "No activity yet." } };
    }
    let bars: Vec<Bar> = weeks
        .iter()
        .map(|w| Bar {
            label: w.week.to_string(),
            value: w.statements as f64,
            description: format!(
                "Week {} (from {}): {} statements, {} active learners, {:.1} hours on task",
                w.week, w.week_start, w.statements, w.active_learners, w.time_on_task_hours
            ),
        })
        .collect();
    html! {
        div.chart { (charts::bars("Statements per course week", &bars, 28, 140)) }
        p.muted { "Bars: statements per course week; focus or hover a bar for its active learners and time on task." }
    }
}

fn heatmap(cells: &[HeatCell], weeks: &[WeekView]) -> Markup {
    if cells.is_empty() {
        return html! { p.muted { "No resource accesses yet." } };
    }
    let mut totals: Vec<(String, String, i64)> = Vec::new();
    for cell in cells {
        match totals.iter_mut().find(|t| t.0 == cell.activity) {
            Some(total) => total.2 += cell.accesses,
            None => totals.push((
                cell.activity.clone(),
                cell.activity_name
                    .clone()
                    .unwrap_or_else(|| cell.activity.clone()),
                cell.accesses,
            )),
        }
    }
    totals.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    totals.truncate(HEATMAP_ROWS);
    let last_week = weeks.iter().map(|w| w.week).max().unwrap_or(1).max(1);
    let columns: Vec<String> = (1..=last_week).map(|w| format!("W{w}")).collect();
    let names: Vec<String> = totals.iter().map(|t| t.1.clone()).collect();
    let value = |r: usize, c: usize| {
        cells
            .iter()
            .find(|cell| cell.activity == totals[r].0 && cell.week == c as i32 + 1)
            .map_or(0, |cell| cell.accesses)
    };
    html! {
        div.chart { (charts::heatmap("Accesses per activity and course week", &names, &columns, value)) }
        p.muted { "The " (names.len()) " most accessed activities; yellow is few accesses, darker more, the darkest the most." }
    }
}

fn filters(course: &str, list: &ListQuery) -> Markup {
    let band = list.band.as_ref().map(|b| b.0.as_str()).unwrap_or("");
    html! {
        form.filters method="get" action="/dashboard/course" {
            input type="hidden" name="course" value=(course);
            label { "Band "
                select name="band" {
                    @for (value, text) in [("", "any"), ("high", "high"), ("medium", "medium"), ("low", "low")] {
                        option value=(value) selected[band == value] { (text) }
                    }
                }
            }
            label { "Name or identifier " input type="search" name="search"
                value=[list.search.as_ref().map(|s| s.0.as_str())]; }
            label { "Risk at least " input type="number" name="min_risk" min="0" max="1" step="0.05"
                value=[list.min_risk.map(|p| p.0)]; }
            label { "Inactive days at least " input type="number" name="inactive_days" min="0" step="1"
                value=[list.inactive_days.map(|d| d.0)]; }
            label { "As of week " input type="number" name="as_of_week" min="0" step="1"
                value=[list.as_of_week.map(|w| w.0)]; }
            label { "Sort "
                select name="sort" {
                    @for value in ["risk", "name", "last_activity", "statements", "active_days", "time_on_task", "coverage"] {
                        option value=(value) selected[list.sort.map(|s| s.as_str()) == Some(value)] { (value.replace('_', " ")) }
                    }
                }
            }
            button type="submit" { "Apply" }
        }
    }
}

fn percent(risk: Option<f64>) -> String {
    risk.map_or_else(String::new, |r| format!("{:.0}%", r * 100.0))
}

fn reasons(v: &LearnerView) -> Vec<&str> {
    [
        &v.factor_1_explanation,
        &v.factor_2_explanation,
        &v.factor_3_explanation,
    ]
    .into_iter()
    .filter_map(|e| e.as_deref())
    .collect()
}

fn risk_table(course: &str, rows: &[&LearnerView]) -> Markup {
    if rows.is_empty() {
        return html! { p { "No learner matches." } };
    }
    html! {
        div.table-wrap {
            table {
                thead {
                    tr {
                        th scope="col" { "Learner" }
                        th.num scope="col" { "Risk" }
                        th scope="col" { "Band" }
                        th scope="col" { "Why" }
                        th.num.optional scope="col" { "Days inactive" }
                        th.num.optional scope="col" { "Statements" }
                        th.optional scope="col" { "Outcome" }
                    }
                }
                tbody {
                    @for v in rows {
                        tr {
                            td {
                                a href={"/dashboard/learner?course=" (encode(course)) "&learner=" (encode(&v.learner))} {
                                    (v.name.as_deref().unwrap_or(&v.learner))
                                }
                                span.iri { (v.learner) }
                            }
                            td.num { (percent(v.risk)) }
                            td { @if let Some(band) = &v.risk_band { span class={"band band-" (band)} { (band) } } }
                            td { ul.reasons { @for reason in reasons(v) { li { (reason) } } } }
                            td.num.optional { @if let Some(days) = v.days_since_last_activity { (format!("{days:.1}")) } }
                            td.num.optional { (v.statements) }
                            td.optional { (v.outcome.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// The risk list as CSV, exactly the rows and columns the page shows.
#[get("/dashboard/course.csv")]
pub async fn csv(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> HttpResponse {
    match csv_body(&state, &req, &signed_in).await {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"learners.csv\"",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(body),
        Err(e) => respond::error(&e, Some(&signed_in.session)),
    }
}

async fn csv_body(
    state: &AppState,
    req: &HttpRequest,
    signed_in: &SignedIn,
) -> Result<Vec<u8>, ApiError> {
    signed_in.session.principal.require(Access::AnalyticsRead)?;
    let (iri, list, _) = read(req)?;
    let course: CourseDates = courses::find(&state.pool, &iri).await?;
    let listed = learners::course_learners(&state.pool, &course, &list).await?;
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let header = [
        "learner",
        "name",
        "risk",
        "band",
        "reason_1",
        "reason_2",
        "reason_3",
        "days_inactive",
        "statements",
        "outcome",
    ];
    writer.write_record(header).map_err(ApiError::internal)?;
    for v in listed.rows() {
        let reasons = reasons(v);
        let record = [
            v.learner.clone(),
            v.name.clone().unwrap_or_default(),
            percent(v.risk),
            v.risk_band.clone().unwrap_or_default(),
            reasons.first().map(|r| r.to_string()).unwrap_or_default(),
            reasons.get(1).map(|r| r.to_string()).unwrap_or_default(),
            reasons.get(2).map(|r| r.to_string()).unwrap_or_default(),
            v.days_since_last_activity
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
            v.statements.to_string(),
            v.outcome.clone().unwrap_or_default(),
        ];
        writer.write_record(record).map_err(ApiError::internal)?;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}
