//! Strict query-string parameters for the xAPI resources.
//!
//! xAPI parameter names are case-sensitive and each resource defines its own set; an unknown or
//! mis-cased parameter is a 400 naming it (Communication 3.2), as is a repeated one.

use uuid::Uuid;

use super::error::ApiError;

/// The names of a query string, checked (see `http::params`, which reads the values).
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
        assert!(params.allow_only(&["activityId", "since"]).is_ok());
    }

    #[test]
    fn uuids_must_be_hyphenated() {
        assert!(parse_uuid("id", "6fbd600f-d17c-4c74-801a-2ec2e53231c7").is_ok());
        assert!(parse_uuid("id", "6FBD600F-D17C-4C74-801A-2EC2E53231C7").is_ok());
        assert!(parse_uuid("id", "6fbd600fd17c4c74801a2ec2e53231c7").is_err());
        assert!(parse_uuid("id", "wrong").is_err());
    }
}
