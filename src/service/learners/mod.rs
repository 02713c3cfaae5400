//! A course's learner list: its filters, its one order (in PostgreSQL or here, value for
//! value the same), its pages, and the list as of an earlier week; and one learner across
//! courses. The HTTP API and any other front end call [`course_learners`] and
//! [`learner_courses`].

mod as_of;
mod filter;
mod order;
mod page;
mod query;
mod view;

use chrono::Utc;
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
pub use query::ListQuery;
pub use view::{LearnerView, instant};

impl ListQuery {
    fn cutoff(&self) -> Result<Option<Cutoff>, ApiError> {
        let week = self.as_of_week.map(|w| w.0);
        Ok(match (week, self.as_of) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "as_of",
                    "give as_of_week or as_of, not both",
                ));
            }
            (Some(week), None) => Some(Cutoff::Week(cutoff_week("as_of_week", week, 0)?)),
            (None, Some(day)) => Some(Cutoff::Day(day.0)),
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
    let filter = Filter::new(query);
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

#[cfg(test)]
pub(crate) mod tests {
    use super::ListQuery;

    use crate::error::ApiError;

    /// A list query from a query string, as a client would send it; a wrong value is an
    /// error naming its parameter.
    pub fn try_query(text: &str) -> Result<ListQuery, ApiError> {
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(text.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map_err(|e| ApiError::invalid(e.path().to_string(), e.into_inner().to_string()))
    }

    /// A valid list query.
    pub fn query(text: &str) -> ListQuery {
        try_query(text).expect("a list query")
    }
}
