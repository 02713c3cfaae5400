//! A page of a course's current learner list taken from PostgreSQL in list order, so that a
//! page costs its own rows rather than the whole course.
//!
//! PostgreSQL filters (a superset: see `SqlFilter`), sorts and cuts; the LRS applies the exact
//! filter to what comes back and, when that leaves the page short, asks for the rows after
//! the last one it read.

use chrono::{DateTime, Utc};

use sqlx::PgPool;

use super::LearnerView;
use super::filter::Filter;
use super::order::ListOrder;
use crate::error::ApiError;
use crate::store::analytics::learner_page::{PageQuery, course_learners_page};

/// The page and the next page's cursor, or `None` when this list is sorted in the LRS.
pub(super) async fn sql_page(
    pool: &PgPool,
    course_id: i64,
    activities: f64,
    filter: &Filter,
    order: &ListOrder,
    now: DateTime<Utc>,
) -> Result<Option<(Vec<LearnerView>, Option<String>)>, ApiError> {
    let list = order;
    let Some(order) = order.sql() else {
        return Ok(None);
    };
    let sql_filter = filter.sql(now);
    let mut kept: Vec<(f64, LearnerView)> = Vec::with_capacity(order.limit + 1);
    let mut after: Option<(f64, String)> = order.after.map(|(k, l)| (k, l.to_owned()));
    // One row more than the page tells whether there is a next page.
    let mut chunk = order.limit + 1;
    loop {
        let query = PageQuery {
            course_id,
            sort: order.sort,
            descending: order.descending,
            after: after.as_ref().map(|(k, l)| (*k, l.as_str())),
            activities,
            band: sql_filter.band,
            outcome: sql_filter.outcome,
            min_risk: sql_filter.min_risk,
            inactive_since: sql_filter.inactive_since,
            search: sql_filter.search,
            limit: chunk as i64,
        };
        let rows = course_learners_page(pool, &query).await?;
        let fetched = rows.len();
        for row in rows {
            // Always set by the page queries; -1 would only misplace a cursor, never a row.
            let key = row.sort_key.unwrap_or(-1.0);
            let view = LearnerView::from_row(row, None, activities, now);
            after = Some((key, view.learner.clone()));
            if filter.keeps(&view) {
                kept.push((key, view));
                if kept.len() > order.limit {
                    break;
                }
            }
        }
        if kept.len() > order.limit || fetched < chunk {
            break;
        }
        // Learners the exact filter dropped near a rounding boundary: rare, so the next
        // read is a larger one rather than another of the same size.
        chunk = (chunk * 4).min(10_000);
    }
    let next = (kept.len() > order.limit).then(|| {
        let (key, view) = &kept[order.limit - 1];
        list.cursor(*key, "", &view.learner)
    });
    kept.truncate(order.limit);
    Ok(Some((kept.into_iter().map(|(_, v)| v).collect(), next)))
}
