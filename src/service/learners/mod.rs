//! A course's learner list: its filters, its one order (in PostgreSQL or here, value for
//! value the same), its pages, and the list as of an earlier week; and one learner across
//! courses. The HTTP API and any other front end call [`course_learners`] and
//! [`learner_courses`].

mod as_of;
mod filter;
mod order;
mod page;
mod view;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;

use crate::error::ApiError;
use crate::service::analytics::training::cutoff_week;
use crate::store::analytics::learners as learner_rows;
use crate::store::analytics::metrics::{self, CourseDates};

use as_of::{Cutoff, as_of};
use filter::Filter;
pub use order::LearnerPage;
use order::ListOrder;
use page::sql_page;
pub use view::{LearnerView, instant};

/// The parameters of a course's learner list, as a client gives them: each is checked, and
/// named in the error when it is wrong, by [`course_learners`].
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// high, medium or low
    pub band: Option<String>,
    /// only learners at or above this risk (0..1)
    #[param(value_type = Option<f64>)]
    pub min_risk: Option<String>,
    /// only learners inactive for at least this many days
    #[param(value_type = Option<f64>)]
    pub inactive_days: Option<String>,
    /// pass, fail, withdrawn or unknown
    pub outcome: Option<String>,
    /// risk (default), name, last_activity, statements, active_days, time_on_task, coverage
    pub sort: Option<String>,
    /// desc (default) or asc
    pub order: Option<String>,
    /// page size, default 100, at most 10000
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// the `next` of the previous page
    pub cursor: Option<String>,
    /// metrics and scores as of the end of this course week
    #[param(value_type = Option<u32>)]
    pub as_of_week: Option<String>,
    #[rustfmt::skip]
    /// metrics and scores as of this day (YYYY-MM-DD or an instant, day resolution): statements of earlier days count
    pub as_of: Option<String>,
}

impl ListQuery {
    fn cutoff(&self) -> Result<Option<Cutoff>, ApiError> {
        let week = self
            .as_of_week
            .as_deref()
            .map(|w| {
                w.parse::<u64>()
                    .map_err(|_| ApiError::invalid("as_of_week", "must be a non-negative integer"))
            })
            .transpose()?;
        Ok(match (week, self.as_of.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "as_of",
                    "give as_of_week or as_of, not both",
                ));
            }
            (Some(week), None) => Some(Cutoff::Week(cutoff_week("as_of_week", week, 0)?)),
            (None, Some(text)) => Some(Cutoff::Day(parse_day(text)?)),
            (None, None) => None,
        })
    }
}

/// The learner a request names (an IFI key, an Agent as JSON or an e-mail address); 404 when
/// the analytics have never seen them.
pub async fn find(pool: &PgPool, learner: &str) -> Result<i64, ApiError> {
    let (ifi, _) = crate::service::roster::learner_key(learner)?;
    crate::store::analytics::reports::learner_id(pool, &ifi)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no learner {ifi}")))
}

/// A page of a course's learners (metrics and risk), filtered and sorted, and the cursor of
/// the next page.
///
/// With a cutoff (`as_of_week`, `as_of`), metrics (and the active model's scores) use only
/// statements before it: what an instructor could have known then. The current list is paged
/// by PostgreSQL when it can be; a list as of a cutoff, by name or longer than a page
/// PostgreSQL sorts is sorted here, by the same key.
pub async fn course_learners(
    pool: &PgPool,
    course: &CourseDates,
    query: &ListQuery,
) -> Result<LearnerPage, ApiError> {
    let cutoff = query.cutoff()?;
    let filter = Filter::parse(query)?;
    let order = ListOrder::parse(query, course.id)?;
    let mut views: Vec<LearnerView> = match cutoff {
        None => {
            let now = Utc::now();
            let activities = metrics::course_activities(pool, course.id).await?;
            if let Some((views, next)) =
                sql_page(pool, course.id, activities, &filter, &order, now).await?
            {
                return Ok(LearnerPage::whole(views, next));
            }
            learner_rows::course_learners(pool, course.id)
                .await?
                .into_iter()
                .map(|row| LearnerView::from_row(row, None, activities, now))
                .collect()
        }
        Some(cutoff) => as_of(pool, course, cutoff).await?,
    };
    views.retain(|v| filter.keeps(v));
    Ok(order.page(views))
}

/// One learner (by learner id) in every course they are in.
pub async fn learner_courses(pool: &PgPool, learner: i64) -> Result<Vec<LearnerView>, ApiError> {
    let now = Utc::now();
    let mut views = Vec::new();
    for row in learner_rows::learner_courses(pool, learner).await? {
        let Some(course) = metrics::course_by_id(pool, row.course_id).await? else {
            continue;
        };
        let activities = metrics::course_activities(pool, course.id).await?;
        views.push(LearnerView::from_row(
            row,
            Some(course.iri),
            activities,
            now,
        ));
    }
    Ok(views)
}

/// A day, from `YYYY-MM-DD` or an RFC 3339 instant (its UTC day).
fn parse_day(text: &str) -> Result<chrono::NaiveDate, ApiError> {
    text.parse::<chrono::NaiveDate>()
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&Utc).date_naive())
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "as_of",
                "must be a date (YYYY-MM-DD) or an RFC 3339 instant",
            )
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::ListQuery;

    /// A list query from a query string, as a client would send it.
    pub fn query(text: &str) -> ListQuery {
        serde_urlencoded::from_str(text).expect("a list query")
    }
}
