//! Which learners a course's learner list shows: the parameters `band`, `min_risk`,
//! `inactive_days` and `outcome`.

use chrono::{DateTime, Duration, Utc};

use super::{LearnerView, ListQuery};
/// The filters of a learner list; a learner is listed when it passes all of them.
#[derive(Default)]
pub struct Filter {
    band: Option<String>,
    min_risk: Option<f64>,
    inactive_days: Option<f64>,
    /// `Some(None)`: learners without a known outcome.
    outcome: Option<Option<String>>,
    /// Text the name or IFI key must contain, ASCII letters lowered.
    search: Option<String>,
}

impl Filter {
    pub fn new(params: &ListQuery) -> Filter {
        Filter {
            band: params.band.as_ref().map(|b| b.0.clone()),
            min_risk: params.min_risk.map(|p| p.0),
            inactive_days: params.inactive_days.map(|d| d.0),
            outcome: params.outcome.as_ref().map(|o| o.0.clone()),
            search: params.search.as_ref().map(|s| s.0.to_ascii_lowercase()),
        }
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
            && self.search.as_ref().is_none_or(|text| {
                format!("{} {}", v.name.as_deref().unwrap_or(""), v.learner)
                    .to_ascii_lowercase()
                    .contains(text.as_str())
            })
    }
}

/// A filter as PostgreSQL applies it before sorting (`store::analytics::learner_page`). It
/// keeps every learner that `Filter::keeps` keeps, and may keep a few more near a boundary:
/// the response rounds risk to 4 digits and inactivity to a tenth of a day, and the exact
/// test on those rounded values stays in `keeps`.
pub struct SqlFilter<'a> {
    pub band: Option<&'a str>,
    /// An outcome, or `unknown`.
    pub outcome: Option<&'a str>,
    pub min_risk: Option<f64>,
    pub inactive_since: Option<DateTime<Utc>>,
    pub search: Option<&'a str>,
}

impl Filter {
    /// The filter for PostgreSQL, for a list taken at `now`.
    pub fn sql(&self, now: DateTime<Utc>) -> SqlFilter<'_> {
        SqlFilter {
            band: self.band.as_deref(),
            outcome: self
                .outcome
                .as_ref()
                .map(|o| o.as_deref().unwrap_or("unknown")),
            // round(p, 4) >= min holds only if p >= min - 0.00005.
            min_risk: self.min_risk.map(|min| min - 0.0001),
            // The rounded days since the last activity reach `days` only if the unrounded
            // ones reach `days - 0.05` (`parse` bounds `days`, so the product is in range).
            inactive_since: self.inactive_days.and_then(|days| {
                let millis = (days - 0.1) * 86_400_000.0;
                now.checked_sub_signed(Duration::milliseconds(millis as i64))
            }),
            // The same text test as `keeps`, so exact.
            search: self.search.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use crate::service::learners::order::tests::learners;
    use crate::service::learners::tests::try_query;

    fn filter(text: &str) -> Result<Filter, ApiError> {
        try_query(text).map(|q| Filter::new(&q))
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
    fn the_sql_form_of_a_filter_never_drops_a_learner_the_exact_filter_keeps() {
        let views = learners();
        let now = Utc::now();
        for query in [
            "min_risk=0.4",
            "min_risk=0.6",
            "inactive_days=2",
            "inactive_days=5",
            "band=high",
            "outcome=unknown",
            "outcome=pass",
        ] {
            let exact = filter(query).expect("filter");
            let sql = exact.sql(now);
            for v in views.iter().filter(|v| exact.keeps(v)) {
                assert!(
                    sql.band.is_none_or(|b| v.risk_band.as_deref() == Some(b)),
                    "{query}"
                );
                assert!(
                    sql.outcome.is_none_or(|o| {
                        v.outcome.as_deref() == Some(o) || (o == "unknown" && v.outcome.is_none())
                    }),
                    "{query}"
                );
                assert!(
                    sql.min_risk
                        .is_none_or(|min| v.sort_values.risk.is_some_and(|r| r >= min)),
                    "{query}"
                );
                assert!(
                    sql.inactive_since
                        .is_none_or(|t| v.last_activity.is_none_or(|last| last <= t)),
                    "{query}"
                );
            }
        }
        let min_risk = filter("min_risk=0.6").expect("filter");
        assert!(
            min_risk
                .sql(now)
                .min_risk
                .is_some_and(|m| m < 0.6 && m > 0.599)
        );
        let century = filter("inactive_days=36500").expect("filter");
        assert!(century.sql(now).inactive_since.is_some_and(|t| t < now));
    }

    #[test]
    fn bad_filter_parameters_are_named_in_the_error() {
        let path = |result: Result<Filter, ApiError>| match result {
            Err(ApiError::Invalid { path, .. }) => path,
            Err(other) => panic!("expected an invalid parameter, got {other:?}"),
            Ok(_) => panic!("expected an invalid parameter"),
        };
        for (query, expected) in [
            ("band=severe", "band"),
            ("min_risk=high", "min_risk"),
            ("min_risk=NaN", "min_risk"),
            ("min_risk=1.5", "min_risk"),
            ("min_risk=-0.1", "min_risk"),
            ("inactive_days=a%20week", "inactive_days"),
            ("inactive_days=NaN", "inactive_days"),
            ("inactive_days=-1", "inactive_days"),
            ("inactive_days=1e300", "inactive_days"),
            ("outcome=maybe", "outcome"),
        ] {
            assert_eq!(path(filter(query)), expected, "{query}");
        }
    }
}
