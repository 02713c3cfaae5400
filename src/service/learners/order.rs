//! The order of a course's learner list and where a page ends: the parameters `sort`,
//! `order`, `limit` and `cursor`.
//!
//! A list is sorted here, in the LRS, when it is taken as of a cutoff, sorted by name, or
//! longer than `SQL_PAGE_MAX`; otherwise PostgreSQL sorts it (`page`). Both use the same
//! key, value for value, so a cursor from one continues in the other: a client may change
//! `limit` from one page to the next.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::{LearnerView, ListQuery};
use crate::error::ApiError;

/// Sort orders of the learner list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Risk,
    Name,
    LastActivity,
    Statements,
    ActiveDays,
    TimeOnTask,
    Coverage,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Risk => "risk",
            Sort::Name => "name",
            Sort::LastActivity => "last_activity",
            Sort::Statements => "statements",
            Sort::ActiveDays => "active_days",
            Sort::TimeOnTask => "time_on_task",
            Sort::Coverage => "coverage",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Some(match text {
            "risk" => Sort::Risk,
            "name" => Sort::Name,
            "last_activity" => Sort::LastActivity,
            "statements" => Sort::Statements,
            "active_days" => Sort::ActiveDays,
            "time_on_task" => Sort::TimeOnTask,
            "coverage" => Sort::Coverage,
            _ => return None,
        })
    }

    /// The name PostgreSQL knows this order by (`store::analytics::learner_page`); names are
    /// sorted only here, since `lower()` and `to_lowercase()` disagree outside ASCII.
    fn sql_name(self) -> Option<&'static str> {
        Some(match self {
            Sort::Risk => "risk",
            Sort::Name => return None,
            Sort::LastActivity => "last_activity",
            Sort::Statements => "statements",
            Sort::ActiveDays => "active_days",
            Sort::TimeOnTask => "time_on_task",
            Sort::Coverage => "coverage",
        })
    }

    /// The sort key of a row (text for names, a number otherwise; missing values sort as
    /// the smallest). Numbers are the unrounded values, and each is what
    /// `store::analytics::learner_page` computes in SQL for the same row: change both or
    /// neither.
    fn key(self, v: &LearnerView) -> (f64, String) {
        let values = &v.sort_values;
        match self {
            Sort::Risk => (values.risk.unwrap_or(-1.0), String::new()),
            Sort::Name => (0.0, v.name.clone().unwrap_or_default().to_lowercase()),
            Sort::LastActivity => (
                v.last_activity
                    .map_or(f64::MIN, |t| t.timestamp_micros() as f64),
                String::new(),
            ),
            Sort::Statements => (v.statements as f64, String::new()),
            Sort::ActiveDays => (v.active_days as f64, String::new()),
            Sort::TimeOnTask => (values.time_secs, String::new()),
            Sort::Coverage => (values.coverage, String::new()),
        }
    }
}

/// Where the previous page ended: its last row's sort key and learner, and the list it
/// belongs to (course, sort, direction), since a key means nothing in another order.
#[derive(Serialize, Deserialize)]
struct ListCursor {
    k: f64,
    t: String,
    l: String,
    c: i64,
    s: String,
    d: bool,
}

/// The longest page PostgreSQL sorts. Pages this long are most of a course, and PostgreSQL
/// sorted 10,001 whole rows by spilling them to disk (19.7 ms of execution against 5.8 ms to
/// read the course in any order: docs/BENCHMARKS.md, "`a935077`").
pub const SQL_PAGE_MAX: usize = 1000;

/// The longest page a client may ask for.
pub const MAX_LIMIT: usize = 10_000;

/// The order and page of a learner list.
pub struct ListOrder {
    course_id: i64,
    sort: Sort,
    descending: bool,
    after: Option<ListCursor>,
    limit: usize,
}

impl ListOrder {
    /// The order of a list of this course's learners.
    pub fn parse(params: &ListQuery, course_id: i64) -> Result<ListOrder, ApiError> {
        let sort = params.sort.unwrap_or(Sort::Risk);
        let descending = params.order.map_or(sort != Sort::Name, |d| d.0);
        let after = params
            .cursor
            .as_deref()
            .map(|cursor| {
                URL_SAFE_NO_PAD
                    .decode(cursor)
                    .ok()
                    .and_then(|raw| serde_json::from_slice::<ListCursor>(&raw).ok())
                    .ok_or_else(|| ApiError::invalid("cursor", "not a cursor of this list"))
            })
            .transpose()?;
        if let Some(cursor) = &after
            && (cursor.c != course_id || cursor.s != sort.as_str() || cursor.d != descending)
        {
            return Err(ApiError::invalid(
                "cursor",
                "belongs to another list: keep the course, sort and order of the first page",
            ));
        }
        let limit = params.limit.map_or(100, |l| l.0);
        Ok(ListOrder {
            course_id,
            sort,
            descending,
            after,
            limit,
        })
    }

    /// The page as PostgreSQL can take it, unless this list is sorted in the LRS.
    pub fn sql(&self) -> Option<SqlOrder<'_>> {
        if self.limit > SQL_PAGE_MAX {
            return None;
        }
        Some(SqlOrder {
            sort: self.sort.sql_name()?,
            descending: self.descending,
            after: self.after.as_ref().map(|c| (c.k, c.l.as_str())),
            limit: self.limit,
        })
    }

    /// This page's learners, in list order, and the cursor of the next page when there is
    /// one.
    pub fn page(&self, views: Vec<LearnerView>) -> LearnerPage {
        let (order, next) = self.positions(&views);
        LearnerPage { views, order, next }
    }

    /// The positions in `views` of this page's learners, in list order, and the next page's
    /// cursor.
    fn positions(&self, views: &[LearnerView]) -> (Vec<usize>, Option<String>) {
        let compare = |a: &(f64, String, &str), b: &(f64, String, &str)| {
            let ordering = a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1));
            let ordering = if self.descending {
                ordering.reverse()
            } else {
                ordering
            };
            ordering.then_with(|| a.2.cmp(b.2))
        };
        // Each view's key is computed once, and positions are sorted rather than the views (a
        // view is a few hundred bytes: moving 10,000 of them around cost more than comparing).
        let keys: Vec<(f64, String, &str)> = views
            .iter()
            .map(|v| {
                let (k, t) = self.sort.key(v);
                (k, t, v.learner.as_str())
            })
            .collect();
        let mut order: Vec<usize> = (0..views.len()).collect();
        if let Some(after) = &self.after {
            let after = (after.k, after.t.clone(), after.l.as_str());
            order.retain(|&i| compare(&keys[i], &after) == Ordering::Greater);
        }
        // Learners are unique in a course, so no two keys are equal and an unstable sort gives
        // the same order as a stable one.
        order.sort_unstable_by(|&a, &b| compare(&keys[a], &keys[b]));
        let next = (order.len() > self.limit).then(|| {
            let (k, t, l) = &keys[order[self.limit - 1]];
            self.cursor(*k, t, l)
        });
        order.truncate(self.limit);
        (order, next)
    }
}

/// A page of a learner list: the learners read, and the positions of the page's learners
/// among them, in list order. A view is a few hundred bytes, so the page points into the
/// learners rather than moving 10,000 of them into a new list.
pub struct LearnerPage {
    views: Vec<LearnerView>,
    order: Vec<usize>,
    /// The cursor of the next page.
    pub next: Option<String>,
}

impl LearnerPage {
    /// A page that is the whole of `views`, in their order.
    pub fn whole(views: Vec<LearnerView>, next: Option<String>) -> LearnerPage {
        let order = (0..views.len()).collect();
        LearnerPage { views, order, next }
    }

    /// The page's learners, in list order.
    pub fn rows(&self) -> Vec<&LearnerView> {
        self.order
            .iter()
            .filter_map(|&i| self.views.get(i))
            .collect()
    }
}

/// A list order for PostgreSQL: see `store::analytics::learner_page::PageQuery`.
pub struct SqlOrder<'a> {
    pub sort: &'static str,
    pub descending: bool,
    pub after: Option<(f64, &'a str)>,
    pub limit: usize,
}

impl ListOrder {
    /// The cursor of the page after a learner with this sort key (and name key, for names).
    pub fn cursor(&self, k: f64, t: &str, l: &str) -> String {
        URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&ListCursor {
                k,
                t: t.to_owned(),
                l: l.to_owned(),
                c: self.course_id,
                s: self.sort.as_str().to_owned(),
                d: self.descending,
            })
            .unwrap_or_default(),
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;
    use crate::service::learners::tests::{query, try_query};
    use crate::store::analytics::learners::LearnerListRow;

    /// A learner whose values repeat across learners (ties) and are sometimes missing.
    fn view(i: usize, now: DateTime<Utc>) -> LearnerView {
        let row = LearnerListRow {
            course_id: 1,
            learner_id: i as i64,
            ifi: format!("mbox:mailto:learner{i:02}@example.edu"),
            name: (!i.is_multiple_of(5))
                .then(|| format!("{} Learner", ["ann", "Bob", "cy", "Dee"][i % 4])),
            statements: (i % 7) as i32,
            active_days: (i % 3) as i32,
            sessions: 1,
            time_secs: (i % 4) as f64 * 1800.0,
            completions: 0,
            successes: 0,
            failures: 0,
            attempts: 0,
            score_sum: 0.0,
            distinct_activities: (i % 6) as i32,
            last_ts: (!i.is_multiple_of(6)).then(|| now - Duration::days((i % 9) as i64)),
            outcome: [None, Some("pass"), Some("fail")][i % 3].map(str::to_owned),
            risk_probability: (!i.is_multiple_of(4)).then(|| (i % 5) as f64 / 5.0),
            risk_band: (!i.is_multiple_of(4)).then(|| ["low", "medium", "high"][i % 3].to_owned()),
            ..LearnerListRow::default()
        };
        LearnerView::from_row(row, None, 5.0, now)
    }

    pub(crate) fn learners() -> Vec<LearnerView> {
        let now = Utc::now();
        (0..23).map(|i| view(i, now)).collect()
    }

    fn order(text: &str) -> Result<ListOrder, ApiError> {
        try_query(text).and_then(|q| ListOrder::parse(&q, 1))
    }

    /// The learners of the page, by IFI key.
    fn page(views: &[LearnerView], query: &str) -> (Vec<String>, Option<String>) {
        let page = order(query).expect("order").page(views.to_vec());
        let keys = page.rows().iter().map(|v| v.learner.clone()).collect();
        (keys, page.next)
    }

    #[test]
    fn pages_followed_by_their_cursors_list_every_learner_once_in_order() {
        let views = learners();
        for sort in [
            "risk",
            "name",
            "last_activity",
            "statements",
            "active_days",
            "time_on_task",
            "coverage",
        ] {
            for direction in ["", "&order=asc", "&order=desc"] {
                let query = format!("sort={sort}{direction}");
                let (whole, none) = page(&views, &format!("{query}&limit=100"));
                assert_eq!(whole.len(), views.len(), "{query}");
                assert_eq!(none, None, "{query}: one page holds them all");
                let mut walked = Vec::new();
                let mut cursor = String::new();
                loop {
                    let (keys, next) = page(&views, &format!("{query}&limit=4{cursor}"));
                    assert!(keys.len() <= 4, "{query}");
                    walked.extend(keys);
                    match next {
                        Some(next) => cursor = format!("&cursor={next}"),
                        None => break,
                    }
                }
                assert_eq!(walked, whole, "{query}: pages in order, none twice");
            }
        }
    }

    #[test]
    fn risk_sorts_highest_first_with_missing_risks_last_and_names_alphabetically() {
        let views = learners();
        let (keys, _) = page(&views, "limit=100");
        let risks: Vec<f64> = keys
            .iter()
            .map(|k| {
                let v = views.iter().find(|v| &v.learner == k).expect("listed");
                v.risk.unwrap_or(-1.0)
            })
            .collect();
        assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
        assert_eq!(risks.last(), Some(&-1.0), "missing risks come last");

        let (keys, _) = page(&views, "sort=name&limit=100");
        let names: Vec<String> = keys
            .iter()
            .map(|k| {
                let v = views.iter().find(|v| &v.learner == k).expect("listed");
                v.name.clone().unwrap_or_default().to_lowercase()
            })
            .collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
        assert_eq!(names.first().map(String::as_str), Some(""), "no name first");
    }

    #[test]
    fn bad_list_parameters_are_named_in_the_error() {
        let path = |result: Result<(), ApiError>| match result {
            Err(ApiError::Invalid { path, .. }) => path,
            other => panic!("expected an invalid parameter, got {other:?}"),
        };
        for (query, expected) in [
            ("sort=shoe_size", "sort"),
            ("order=sideways", "order"),
            ("cursor=not-a-cursor", "cursor"),
            ("limit=-1", "limit"),
            ("limit=0", "limit"),
            ("limit=10001", "limit"),
        ] {
            assert_eq!(path(order(query).map(drop)), expected, "{query}");
        }
    }

    #[test]
    fn a_cursor_continues_only_the_list_it_came_from() {
        let views = learners();
        let (_, next) = page(&views, "sort=statements&limit=4");
        let cursor = next.expect("a second page");
        assert!(order(&format!("sort=statements&limit=4&cursor={cursor}")).is_ok());
        for other in ["sort=risk", "sort=statements&order=asc", "sort=active_days"] {
            let query = format!("{other}&cursor={cursor}");
            assert!(
                matches!(order(&query), Err(ApiError::Invalid { ref path, .. }) if path == "cursor"),
                "{query}"
            );
        }
        let elsewhere = ListOrder::parse(&query(&format!("sort=statements&cursor={cursor}")), 2);
        assert!(elsewhere.is_err(), "another course");
    }
}
