//! Which learners a course's learner list shows, in which order, and where a page ends: the
//! query parameters `band`, `min_risk`, `inactive_days`, `outcome`, `sort`, `order`, `limit`
//! and `cursor`.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::learners::LearnerView;
use crate::http::error::ApiError;
use crate::http::query::QueryParams;

/// The filters of a learner list; a learner is listed when it passes all of them.
#[derive(Default)]
pub(super) struct Filter {
    band: Option<String>,
    min_risk: Option<f64>,
    inactive_days: Option<f64>,
    /// `Some(None)`: learners without a known outcome.
    outcome: Option<Option<String>>,
}

impl Filter {
    pub fn parse(params: &QueryParams) -> Result<Filter, ApiError> {
        let mut filter = Filter::default();
        if let Some(band) = params.get("band") {
            if !["high", "medium", "low"].contains(&band) {
                return Err(ApiError::invalid("band", "must be high, medium or low"));
            }
            filter.band = Some(band.to_owned());
        }
        if let Some(min) = params.get("min_risk") {
            filter.min_risk =
                Some(min.parse().map_err(|_| {
                    ApiError::invalid("min_risk", "must be a number between 0 and 1")
                })?);
        }
        if let Some(days) = params.get("inactive_days") {
            filter.inactive_days = Some(
                days.parse()
                    .map_err(|_| ApiError::invalid("inactive_days", "must be a number of days"))?,
            );
        }
        filter.outcome = match params.get("outcome") {
            None => None,
            Some("unknown") => Some(None),
            Some(outcome @ ("pass" | "fail" | "withdrawn")) => Some(Some(outcome.to_owned())),
            Some(_) => {
                return Err(ApiError::invalid(
                    "outcome",
                    "must be pass, fail, withdrawn or unknown",
                ));
            }
        };
        Ok(filter)
    }

    /// Whether the learner is listed.
    pub fn keeps(&self, v: &LearnerView) -> bool {
        self.band
            .as_ref()
            .is_none_or(|band| v.risk_band.as_ref() == Some(band))
            && self
                .min_risk
                .is_none_or(|min| v.risk.is_some_and(|r| r >= min))
            && self
                .inactive_days
                .is_none_or(|days| v.days_since_last_activity.is_none_or(|d| d >= days))
            && self
                .outcome
                .as_ref()
                .is_none_or(|outcome| &v.outcome == outcome)
    }
}

/// Sort orders of the learner list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Risk,
    Name,
    LastActivity,
    Statements,
    ActiveDays,
    TimeOnTask,
    Coverage,
}

impl Sort {
    fn parse(text: &str) -> Option<Sort> {
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

    /// The sort key of a row (text for names, a number otherwise; missing values sort as
    /// the smallest).
    fn key(self, v: &LearnerView) -> (f64, String) {
        match self {
            Sort::Risk => (v.risk.unwrap_or(-1.0), String::new()),
            Sort::Name => (0.0, v.name.clone().unwrap_or_default().to_lowercase()),
            Sort::LastActivity => (
                v.last_activity
                    .map_or(f64::MIN, |t| t.timestamp_millis() as f64),
                String::new(),
            ),
            Sort::Statements => (v.statements as f64, String::new()),
            Sort::ActiveDays => (v.active_days as f64, String::new()),
            Sort::TimeOnTask => (v.time_on_task_hours, String::new()),
            Sort::Coverage => (v.coverage, String::new()),
        }
    }
}

/// Where the previous page ended: its last row's sort key and learner.
#[derive(Serialize, Deserialize)]
struct ListCursor {
    k: f64,
    t: String,
    l: String,
}

/// The order and page of a learner list.
pub(super) struct ListOrder {
    sort: Sort,
    descending: bool,
    after: Option<ListCursor>,
    limit: usize,
}

impl ListOrder {
    pub fn parse(params: &QueryParams) -> Result<ListOrder, ApiError> {
        let sort = match params.get("sort") {
            None => Sort::Risk,
            Some(s) => {
                Sort::parse(s).ok_or_else(|| ApiError::invalid("sort", "unknown sort order"))?
            }
        };
        let descending = match params.get("order") {
            None => sort != Sort::Name,
            Some("desc") => true,
            Some("asc") => false,
            Some(_) => return Err(ApiError::invalid("order", "must be asc or desc")),
        };
        let after = params
            .get("cursor")
            .map(|cursor| {
                URL_SAFE_NO_PAD
                    .decode(cursor)
                    .ok()
                    .and_then(|raw| serde_json::from_slice(&raw).ok())
                    .ok_or_else(|| ApiError::invalid("cursor", "not a cursor of this list"))
            })
            .transpose()?;
        let limit = params
            .non_negative("limit")?
            .unwrap_or(100)
            .clamp(1, 10_000) as usize;
        Ok(ListOrder {
            sort,
            descending,
            after,
            limit,
        })
    }

    /// This page's learners, in list order, and the cursor of the next page when there is
    /// one.
    pub fn page<'a>(&self, views: &'a [LearnerView]) -> (Vec<&'a LearnerView>, Option<String>) {
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
            URL_SAFE_NO_PAD.encode(
                serde_json::to_vec(&ListCursor {
                    k: *k,
                    t: t.clone(),
                    l: (*l).to_owned(),
                })
                .unwrap_or_default(),
            )
        });
        order.truncate(self.limit);
        (order.into_iter().map(|i| &views[i]).collect(), next)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;
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

    fn learners() -> Vec<LearnerView> {
        let now = Utc::now();
        (0..23).map(|i| view(i, now)).collect()
    }

    fn order(query: &str) -> Result<ListOrder, ApiError> {
        ListOrder::parse(&QueryParams::parse(query).expect("query"))
    }

    fn filter(query: &str) -> Result<Filter, ApiError> {
        Filter::parse(&QueryParams::parse(query).expect("query"))
    }

    /// The learners of the page, by IFI key.
    fn page(views: &[LearnerView], query: &str) -> (Vec<String>, Option<String>) {
        let (page, next) = order(query).expect("order").page(views);
        let keys = page.iter().map(|v| v.learner.clone()).collect();
        (keys, next)
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
    fn filters_keep_only_the_learners_that_match_all_of_them() {
        let views = learners();
        let kept = |query: &str| -> Vec<usize> {
            let filter = filter(query).expect("filter");
            (0..views.len())
                .filter(|&i| filter.keeps(&views[i]))
                .collect()
        };
        assert_eq!(kept("").len(), views.len());
        let high = kept("band=high");
        assert!(!high.is_empty());
        assert!(
            high.iter()
                .all(|&i| views[i].risk_band.as_deref() == Some("high"))
        );
        let risky = kept("min_risk=0.6");
        assert!(!risky.is_empty());
        assert!(
            risky
                .iter()
                .all(|&i| views[i].risk.is_some_and(|r| r >= 0.6))
        );
        let unknown = kept("outcome=unknown");
        assert!(!unknown.is_empty());
        assert!(unknown.iter().all(|&i| views[i].outcome.is_none()));
        let passed = kept("outcome=pass&band=medium");
        assert!(!passed.is_empty());
        assert!(passed.iter().all(|&i| {
            views[i].outcome.as_deref() == Some("pass")
                && views[i].risk_band.as_deref() == Some("medium")
        }));
        // Learners with no activity at all count as inactive however long is asked.
        let inactive = kept("inactive_days=5");
        assert!(
            inactive
                .iter()
                .all(|&i| { views[i].days_since_last_activity.is_none_or(|d| d >= 5.0) })
        );
        assert!(inactive.iter().any(|&i| views[i].last_activity.is_none()));
        assert!(inactive.len() < views.len());
    }

    #[test]
    fn bad_list_parameters_are_named_in_the_error() {
        let path = |result: Result<(), ApiError>| match result {
            Err(ApiError::Invalid { path, .. }) => path,
            other => panic!("expected an invalid parameter, got {other:?}"),
        };
        for (query, expected) in [
            ("band=severe", "band"),
            ("min_risk=high", "min_risk"),
            ("inactive_days=a%20week", "inactive_days"),
            ("outcome=maybe", "outcome"),
        ] {
            assert_eq!(path(filter(query).map(drop)), expected, "{query}");
        }
        for (query, expected) in [
            ("sort=shoe_size", "sort"),
            ("order=sideways", "order"),
            ("cursor=not-a-cursor", "cursor"),
            ("limit=-1", "limit"),
        ] {
            assert_eq!(path(order(query).map(drop)), expected, "{query}");
        }
    }
}
