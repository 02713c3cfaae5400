//! Typed query parameters: one struct per set of parameters both documents them (utoipa's
//! `IntoParams`, which the OpenAPI document lists) and reads them (serde), so that the
//! parameters a handler accepts are exactly the ones it documents.
//!
//! [`Params`] refuses a repeated parameter, then one its struct does not name (names are
//! case-sensitive, Communication 3.2), then reads the values; an error names the parameter.
//! The value types here check a value as it is read and say what is wrong with it.

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::{LazyLock, RwLock};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;
use uuid::Uuid;

use super::error::ApiError;
use super::query::{QueryParams, parse_uuid};
use crate::xapi::{XapiVersion, is_absolute_iri, parse_timestamp};

/// A set of query parameters: a struct deriving `Deserialize` and `IntoParams`, or two such
/// sets together ([`And`]).
pub trait QuerySet: Sized + 'static {
    /// The parameter names, as the OpenAPI document lists them.
    fn names() -> Vec<&'static str>;
    /// The values, from a query string whose names were checked.
    fn read(query: &str) -> Result<Self, ApiError>;
}

impl<T: DeserializeOwned + IntoParams + 'static> QuerySet for T {
    fn names() -> Vec<&'static str> {
        T::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|p| &*Box::leak(p.name.into_boxed_str()))
            .collect()
    }

    fn read(query: &str) -> Result<Self, ApiError> {
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs).map_err(|e| {
            let name = e.path().to_string();
            let message = e.into_inner().to_string();
            match message.strip_prefix("missing field `") {
                Some(rest) => {
                    ApiError::invalid(rest.trim_end_matches('`'), "this parameter is required")
                }
                None => ApiError::invalid(name, message),
            }
        })
    }
}

/// Two sets of parameters in one request (`params(A, B)` in the handler's documentation).
pub struct And<A, B>(pub A, pub B);

impl<A: QuerySet, B: QuerySet> QuerySet for And<A, B> {
    fn names() -> Vec<&'static str> {
        let mut names = A::names();
        names.extend(B::names());
        names
    }

    fn read(query: &str) -> Result<Self, ApiError> {
        Ok(And(A::read(query)?, B::read(query)?))
    }
}

/// The names of a set, worked out once per process.
fn names_of<T: QuerySet>() -> &'static [&'static str] {
    static NAMES: LazyLock<RwLock<HashMap<TypeId, &'static [&'static str]>>> =
        LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(names) = NAMES.read().ok().and_then(|n| n.get(&id).copied()) {
        return names;
    }
    let names: &'static [&'static str] = Vec::leak(T::names());
    if let Ok(mut cache) = NAMES.write() {
        cache.insert(id, names);
    }
    names
}

/// The query parameters of a request, read into `T`.
pub struct Params<T>(pub T);

impl<T: QuerySet> Params<T> {
    pub fn from_query(query: &str) -> Result<Params<T>, ApiError> {
        let params = QueryParams::parse(query)?;
        params.allow_only(names_of::<T>())?;
        T::read(query).map(Params)
    }
}

impl<T: QuerySet> FromRequest for Params<T> {
    type Error = ApiError;
    type Future = Ready<Result<Params<T>, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Params::from_query(req.query_string()))
    }
}

/// For an operation without query parameters: any parameter is refused.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoParams {}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    Cow::<str>::deserialize(d)
}

/// `true` or `false`, nothing else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        match &*text(d)? {
            "true" => Ok(Flag(true)),
            "false" => Ok(Flag(false)),
            _ => Err(D::Error::custom("must be true or false")),
        }
    }
}

/// A UUID in the canonical 8-4-4-4-12 form, any case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CanonicalUuid(pub Uuid);

impl<'de> Deserialize<'de> for CanonicalUuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CanonicalUuid, D::Error> {
        parse_uuid("", &text(d)?)
            .map(CanonicalUuid)
            .map_err(|_| D::Error::custom("must be a UUID (8-4-4-4-12 hex)"))
    }
}

/// An absolute IRI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iri(pub String);

impl<'de> Deserialize<'de> for Iri {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Iri, D::Error> {
        let value = text(d)?;
        if is_absolute_iri(&value) {
            Ok(Iri(value.into_owned()))
        } else {
            Err(D::Error::custom("must be an absolute IRI"))
        }
    }
}

/// A count: 0 or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        text(d)?
            .parse()
            .map(Count)
            .map_err(|_| D::Error::custom("must be a non-negative integer"))
    }
}

/// A page size from 1 to `MAX`, `DEFAULT` when absent: 0 or more than `MAX` is refused rather
/// than quietly changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize<const DEFAULT: usize, const MAX: usize>(pub usize);

impl<const DEFAULT: usize, const MAX: usize> Default for PageSize<DEFAULT, MAX> {
    fn default() -> Self {
        PageSize(DEFAULT)
    }
}

impl<'de, const DEFAULT: usize, const MAX: usize> Deserialize<'de> for PageSize<DEFAULT, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        text(d)?
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX).contains(n))
            .map(PageSize)
            .ok_or_else(|| D::Error::custom(format!("must be from 1 to {MAX}")))
    }
}

/// One UTC day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        text(d)?
            .parse()
            .map(Day)
            .map_err(|_| D::Error::custom("must be a date (YYYY-MM-DD)"))
    }
}

/// An ISO 8601 instant. Which forms are allowed depends on the xAPI version of the request
/// (2.0.0 is stricter), which is known only with the request: read it with [`Timestamp::at`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    at: DateTime<Utc>,
    /// Whether it is also a timestamp under 2.0.0's rules.
    strict: bool,
}

impl Timestamp {
    /// The instant, when the request's version allows its form; `name` is the parameter's.
    pub fn at(self, name: &str, version: XapiVersion) -> Result<DateTime<Utc>, ApiError> {
        if version.is_v2() && !self.strict {
            return Err(ApiError::invalid(name, TIMESTAMP_EXPECTED));
        }
        Ok(self.at)
    }
}

const TIMESTAMP_EXPECTED: &str = "must be an ISO 8601 timestamp";

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let value = text(d)?;
        let at = parse_timestamp(&value, XapiVersion::V1_0(3))
            .ok_or_else(|| D::Error::custom(TIMESTAMP_EXPECTED))?;
        Ok(Timestamp {
            at: at.with_timezone(&Utc),
            strict: parse_timestamp(&value, XapiVersion::V2_0(0)).is_some(),
        })
    }
}

/// `json` or `csv`, for the analytics lists; absent, the `Accept` header decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Json,
    Csv,
}

impl<'de> Deserialize<'de> for ListFormat {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ListFormat, D::Error> {
        match &*text(d)? {
            "json" => Ok(ListFormat::Json),
            "csv" => Ok(ListFormat::Csv),
            _ => Err(D::Error::custom("must be json or csv")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Sample {
        #[param(value_type = String)]
        course: Iri,
        #[serde(default)]
        #[param(value_type = Option<bool>)]
        ascending: Flag,
        #[param(value_type = Option<Uuid>)]
        registration: Option<CanonicalUuid>,
        #[serde(default)]
        #[param(value_type = Option<u32>)]
        limit: PageSize<100, 1000>,
    }

    #[derive(Debug, Deserialize, IntoParams)]
    #[into_params(parameter_in = Query)]
    struct Other {
        #[param(value_type = Option<String>)]
        format: Option<ListFormat>,
    }

    fn error(query: &str) -> (String, String) {
        match Params::<Sample>::from_query(query) {
            Err(ApiError::Invalid { path, message }) => (path, message),
            Err(e) => panic!("{e:?}"),
            Ok(p) => panic!("accepted {:?}", p.0),
        }
    }

    #[test]
    fn values_are_read_into_their_types() {
        let Params(sample) = Params::<Sample>::from_query(
            "course=http://x.org/c&ascending=true&registration=6a7f2c1e-0b5d-4e8a-9c3f-2d1b0a9e8f7c",
        )
        .expect("valid");
        assert_eq!(sample.course.0, "http://x.org/c");
        assert!(sample.ascending.0);
        assert!(sample.registration.is_some());
        assert_eq!(sample.limit.0, 100, "the default");
    }

    #[test]
    fn an_error_names_the_parameter_and_what_is_wrong() {
        assert_eq!(
            error("course=x"),
            ("course".into(), "must be an absolute IRI".into())
        );
        assert_eq!(
            error("course=http://x.org/c&ascending=1"),
            ("ascending".into(), "must be true or false".into())
        );
        assert_eq!(
            error("course=http://x.org/c&limit=0"),
            ("limit".into(), "must be from 1 to 1000".into())
        );
        assert_eq!(
            error("course=http://x.org/c&registration=abc"),
            (
                "registration".into(),
                "must be a UUID (8-4-4-4-12 hex)".into()
            )
        );
        assert_eq!(
            error("ascending=true"),
            ("course".into(), "this parameter is required".into())
        );
        assert_eq!(error("course=http://x.org/c&Limit=5").0, "Limit");
        assert_eq!(
            error("course=http://x.org/c&course=http://x.org/d").1,
            "the parameter is given more than once"
        );
    }

    #[test]
    fn two_sets_accept_each_others_names() {
        let Params(And(sample, other)) =
            Params::<And<Sample, Other>>::from_query("course=http://x.org/c&format=csv")
                .expect("valid");
        assert_eq!(sample.course.0, "http://x.org/c");
        assert_eq!(other.format, Some(ListFormat::Csv));
        assert!(Params::<Sample>::from_query("course=http://x.org/c&format=csv").is_err());
    }
}
