//! The parameters of a course's learner list, each read into its type as it is deserialized:
//! a wrong value is refused with what is wrong, and the error names the parameter.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::order::{MAX_LIMIT, Sort};

/// A hundred years: beyond it, `inactive_days` is a mistake, not a question.
pub const MAX_INACTIVE_DAYS: f64 = 36_500.0;

/// The parameters of a course's learner list, as the OpenAPI document lists them.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// high, medium or low
    #[param(value_type = Option<String>)]
    pub band: Option<Band>,
    /// only learners at or above this risk (0..1)
    #[param(value_type = Option<f64>)]
    pub min_risk: Option<Probability>,
    /// only learners inactive for at least this many days
    #[param(value_type = Option<f64>)]
    pub inactive_days: Option<Days>,
    /// pass, fail, withdrawn or unknown
    #[param(value_type = Option<String>)]
    pub outcome: Option<OutcomeFilter>,
    /// only learners whose name or IFI key contains this text (ASCII letters in any case)
    #[param(value_type = Option<String>)]
    pub search: Option<Search>,
    /// risk (default), name, last_activity, statements, active_days, time_on_task, coverage
    #[param(value_type = Option<String>)]
    pub sort: Option<Sort>,
    /// desc (default) or asc
    #[param(value_type = Option<String>)]
    pub order: Option<Direction>,
    /// page size, default 100, at most 10000
    #[param(value_type = Option<u32>)]
    pub limit: Option<Limit>,
    /// the `next` of the previous page
    pub cursor: Option<String>,
    /// metrics and scores as of the end of this course week
    #[param(value_type = Option<u32>)]
    pub as_of_week: Option<WeekNumber>,
    #[rustfmt::skip]
    /// metrics and scores as of this day (YYYY-MM-DD or an instant, day resolution): statements of earlier days count
    #[param(value_type = Option<String>)]
    pub as_of: Option<AsOfDay>,
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    std::borrow::Cow::<str>::deserialize(d)
}

/// A risk band: `high`, `medium` or `low`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band(pub String);

impl<'de> Deserialize<'de> for Band {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Band, D::Error> {
        let band = text(d)?;
        match &*band {
            "high" | "medium" | "low" => Ok(Band(band.into_owned())),
            _ => Err(D::Error::custom("must be high, medium or low")),
        }
    }
}

/// A probability, 0 to 1 (NaN or 7 would silently list nobody, or everybody).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probability(pub f64);

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Probability, D::Error> {
        text(d)?
            .parse()
            .ok()
            .filter(|p: &f64| (0.0..=1.0).contains(p))
            .map(Probability)
            .ok_or_else(|| D::Error::custom("must be a number between 0 and 1"))
    }
}

/// A number of days, 0 to [`MAX_INACTIVE_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Days(pub f64);

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Days, D::Error> {
        text(d)?
            .parse()
            .ok()
            .filter(|days: &f64| (0.0..=MAX_INACTIVE_DAYS).contains(days))
            .map(Days)
            .ok_or_else(|| {
                D::Error::custom(format!(
                    "must be a number of days from 0 to {MAX_INACTIVE_DAYS}"
                ))
            })
    }
}

/// An outcome (`pass`, `fail`, `withdrawn`), or `unknown`: None, learners without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFilter(pub Option<String>);

impl<'de> Deserialize<'de> for OutcomeFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutcomeFilter, D::Error> {
        let outcome = text(d)?;
        match &*outcome {
            "unknown" => Ok(OutcomeFilter(None)),
            "pass" | "fail" | "withdrawn" => Ok(OutcomeFilter(Some(outcome.into_owned()))),
            _ => Err(D::Error::custom("must be pass, fail, withdrawn or unknown")),
        }
    }
}

/// Text to look for in names and IFI keys: 1 to 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search(pub String);

/// The longest search text.
const MAX_SEARCH: usize = 200;

impl<'de> Deserialize<'de> for Search {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Search, D::Error> {
        let text = text(d)?;
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_SEARCH {
            return Err(D::Error::custom(format!(
                "must be 1 to {MAX_SEARCH} characters"
            )));
        }
        Ok(Search(text.to_owned()))
    }
}

impl<'de> Deserialize<'de> for Sort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sort, D::Error> {
        Sort::parse(&text(d)?).ok_or_else(|| D::Error::custom("unknown sort order"))
    }
}

/// `desc` or `asc`: whether the list is descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Direction(pub bool);

impl<'de> Deserialize<'de> for Direction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Direction, D::Error> {
        match &*text(d)? {
            "desc" => Ok(Direction(true)),
            "asc" => Ok(Direction(false)),
            _ => Err(D::Error::custom("must be asc or desc")),
        }
    }
}

/// A page size, 1 to [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub usize);

impl<'de> Deserialize<'de> for Limit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Limit, D::Error> {
        text(d)?
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .map(Limit)
            .ok_or_else(|| D::Error::custom(format!("must be from 1 to {MAX_LIMIT}")))
    }
}

/// A course week number, 0 or more (its range is checked against the course).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekNumber(pub u64);

impl<'de> Deserialize<'de> for WeekNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<WeekNumber, D::Error> {
        text(d)?
            .parse()
            .map(WeekNumber)
            .map_err(|_| D::Error::custom("must be a non-negative integer"))
    }
}

/// A day, from `YYYY-MM-DD` or an RFC 3339 instant (its UTC day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOfDay(pub NaiveDate);

impl<'de> Deserialize<'de> for AsOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AsOfDay, D::Error> {
        let value = text(d)?;
        value
            .parse::<NaiveDate>()
            .ok()
            .or_else(|| {
                DateTime::parse_from_rfc3339(&value)
                    .ok()
                    .map(|t| t.with_timezone(&Utc).date_naive())
            })
            .map(AsOfDay)
            .ok_or_else(|| D::Error::custom("must be a date (YYYY-MM-DD) or an RFC 3339 instant"))
    }
}
