//! Strict query-string parameters for the xAPI resources.
//!
//! xAPI parameter names are case-sensitive and each resource defines its own set; an unknown or
//! mis-cased parameter is a 400 naming it (Communication 3.2), as is a repeated one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::error::ApiError;
use crate::xapi::{XapiVersion, is_absolute_iri, parse_timestamp};

#[derive(Debug, Default, Clone)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    pub fn parse(query: &str) -> Result<QueryParams, ApiError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(ApiError::invalid(
                    name.to_string(),
                    "the parameter is given more than once",
                ));
            }
            pairs.push((name.into_owned(), value.into_owned()));
        }
        Ok(QueryParams { pairs })
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> QueryParams {
        QueryParams { pairs }
    }

    /// 400 for the first parameter not in `allowed` (exact case).
    pub fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(n, _)| !allowed.contains(&n.as_str()))
        {
            Some((name, _)) => Err(ApiError::invalid(
                name.clone(),
                format!(
                    "unknown parameter (parameter names are case-sensitive; this request accepts: {})",
                    allowed.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// The parameters named in `typed` as a typed struct (its fields are `Option<String>`s,
    /// checked by the service that takes it). The others are left to the handler, which has
    /// refused unknown ones first (`allow_only`).
    pub fn typed<T: serde::de::DeserializeOwned>(&self, typed: &[&str]) -> Result<T, ApiError> {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in self
            .pairs
            .iter()
            .filter(|(n, _)| typed.contains(&n.as_str()))
        {
            query.append_pair(name, value);
        }
        serde_urlencoded::from_str(&query.finish())
            .map_err(|e| ApiError::bad_request(format!("invalid parameters: {e}")))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.pairs.iter().map(|(n, _)| n.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::invalid(name, "this parameter is required"))
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid(name, "must be true or false")),
        }
    }

    pub fn uuid(&self, name: &str) -> Result<Option<Uuid>, ApiError> {
        self.get(name).map(|v| parse_uuid(name, v)).transpose()
    }

    pub fn iri(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.get(name) {
            Some(v) if !is_absolute_iri(v) => {
                Err(ApiError::invalid(name, "must be an absolute IRI"))
            }
            other => Ok(other),
        }
    }

    pub fn timestamp(
        &self,
        name: &str,
        version: XapiVersion,
    ) -> Result<Option<DateTime<Utc>>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => parse_timestamp(v, version)
                .map(|t| Some(t.with_timezone(&Utc)))
                .ok_or_else(|| ApiError::invalid(name, "must be an ISO 8601 timestamp")),
        }
    }

    /// A page size: `default` when absent; 0 or more than `max` is refused rather than
    /// quietly changed.
    pub fn page_size(&self, name: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| ApiError::invalid(name, format!("must be from 1 to {max}"))),
        }
    }

    pub fn non_negative(&self, name: &str) -> Result<Option<u64>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<u64>()
                    .map_err(|_| ApiError::invalid(name, "must be a non-negative integer"))
            })
            .transpose()
    }
}

/// The names of an operation's query parameters (see `documented_query!`). They are kept for
/// the life of the process: one short list per operation.
pub fn query_names(operation: utoipa::openapi::path::Operation) -> Vec<&'static str> {
    operation
        .parameters
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p {
            utoipa::openapi::RefOr::T(p) => Some(p),
            utoipa::openapi::RefOr::Ref(_) => None,
        })
        .filter(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
        .map(|p| &*Box::leak(p.name.into_boxed_str()))
        .collect()
}

/// UUIDs in the canonical 8-4-4-4-12 form only, any case.
pub fn parse_uuid(name: &str, value: &str) -> Result<Uuid, ApiError> {
    let canonical = value.len() == 36 && value.as_bytes().get(8) == Some(&b'-');
    match Uuid::parse_str(value) {
        Ok(id) if canonical => Ok(id),
        _ => Err(ApiError::invalid(name, "must be a UUID (8-4-4-4-12 hex)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operations_query_parameters_are_its_accepted_names() {
        use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
        let operation = OperationBuilder::new()
            .parameter(
                ParameterBuilder::new()
                    .name("course")
                    .parameter_in(ParameterIn::Query),
            )
            .parameter(
                ParameterBuilder::new()
                    .name("id")
                    .parameter_in(ParameterIn::Path),
            )
            .parameter(
                ParameterBuilder::new()
                    .name("X-Experience-API-Version")
                    .parameter_in(ParameterIn::Header),
            )
            .parameter(
                ParameterBuilder::new()
                    .name("format")
                    .parameter_in(ParameterIn::Query),
            )
            .build();
        assert_eq!(query_names(operation), ["course", "format"]);
    }

    #[test]
    fn names_are_case_sensitive_and_unknown_ones_are_named() {
        let params = QueryParams::parse("Limit=1").expect("parse");
        let Err(ApiError::Invalid { path, .. }) = params.allow_only(&["limit"]) else {
            panic!("Limit must be refused");
        };
        assert_eq!(path, "Limit");
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(QueryParams::parse("verb=a&verb=b").is_err());
    }

    #[test]
    fn raw_colons_and_slashes_are_accepted() {
        let params =
            QueryParams::parse("activityId=http://example.com/a&since=2012-06-01T19:09:13.245Z")
                .expect("parse");
        assert_eq!(params.get("activityId"), Some("http://example.com/a"));
        assert_eq!(params.get("since"), Some("2012-06-01T19:09:13.245Z"));
    }

    #[test]
    fn uuids_must_be_hyphenated() {
        assert!(parse_uuid("id", "6fbd600f-d17c-4c74-801a-2ec2e53231c7").is_ok());
        assert!(parse_uuid("id", "6FBD600F-D17C-4C74-801A-2EC2E53231C7").is_ok());
        assert!(parse_uuid("id", "6fbd600fd17c4c74801a2ec2e53231c7").is_err());
        assert!(parse_uuid("id", "wrong").is_err());
    }
}
