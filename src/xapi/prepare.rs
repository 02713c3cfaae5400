//! Turning a validated incoming statement into its stored form (Data 2.3.1 lists the only
//! properties the LRS may set or change: id, authority, stored, timestamp, version).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::error::ValidationError;
use super::syntax::parse_timestamp;
use super::validate::CONTEXT_ACTIVITY_KEYS;
use super::version::XapiVersion;

/// What the LRS knows when it stores a statement.
#[derive(Debug, Clone)]
pub struct PrepareContext {
    /// The `stored` instant, rendered as RFC 3339 with milliseconds and `Z`.
    pub stored: DateTime<Utc>,
    /// The authority derived from the request credentials; it replaces whatever was sent
    /// (Data 2.4.9: the LRS SHOULD overwrite the authority).
    pub authority: Value,
    /// The request's xAPI version.
    pub version: XapiVersion,
}

/// Renders an instant as the LRS writes `stored`: `2024-05-04T17:00:00.123Z`.
pub fn format_stored(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Sets `id` (a v4 UUID when absent, otherwise lowercased), `stored`, `timestamp` (= stored
/// when absent; converted to UTC under 2.0), `authority` and `version` (kept when sent, else
/// `1.0.0` / `2.0.0`); turns single context activities into one-element arrays (Data 2.4.6.2,
/// also inside a SubStatement); lowercases `context.registration`. Nothing else changes.
pub fn prepare_for_storage(stmt: Value, ctx: &PrepareContext) -> Result<Value, ValidationError> {
    let Value::Object(mut s) = stmt else {
        return Err(ValidationError::new(
            "statement",
            "a statement must be a JSON object",
        ));
    };
    let id = match s.get("id").and_then(Value::as_str) {
        Some(id) => id.to_ascii_lowercase(),
        None => uuid::Uuid::new_v4().hyphenated().to_string(),
    };
    s.shift_insert(0, "id".into(), Value::String(id));

    let stored = format_stored(ctx.stored);
    if !s.contains_key("timestamp") {
        s.insert("timestamp".into(), Value::String(stored.clone()));
    }
    s.insert("stored".into(), Value::String(stored));
    s.insert("authority".into(), ctx.authority.clone());
    if !s.contains_key("version") {
        let v = ctx.version.default_statement_version();
        s.insert("version".into(), Value::String(v.into()));
    }
    normalise_parts(&mut s, ctx.version);
    if let Some(Value::Object(sub)) = s.get_mut("object")
        && sub.get("objectType").and_then(Value::as_str) == Some("SubStatement")
    {
        normalise_parts(sub, ctx.version);
    }
    Ok(Value::Object(s))
}

/// The normalisations shared by a statement and its SubStatement.
fn normalise_parts(s: &mut Map<String, Value>, version: XapiVersion) {
    if version.is_v2()
        && let Some(Value::String(t)) = s.get_mut("timestamp")
        && let Some(utc) = to_utc_keeping_precision(t, version)
    {
        *t = utc;
    }
    let Some(Value::Object(context)) = s.get_mut("context") else {
        return;
    };
    if let Some(Value::String(r)) = context.get_mut("registration") {
        *r = r.to_ascii_lowercase();
    }
    if let Some(Value::Object(ca)) = context.get_mut("contextActivities") {
        for key in CONTEXT_ACTIVITY_KEYS {
            if let Some(v) = ca.get_mut(key)
                && v.is_object()
            {
                *v = Value::Array(vec![v.take()]);
            }
        }
    }
}

/// xAPI 2.0: a timestamp with a non-UTC offset is converted to UTC. The fraction keeps the
/// number of digits it was sent with (at most nanoseconds). `None` when already UTC.
fn to_utc_keeping_precision(t: &str, version: XapiVersion) -> Option<String> {
    let parsed = parse_timestamp(t, version)?;
    if parsed.offset().local_minus_utc() == 0 {
        return None;
    }
    let digits = fraction_digits(t).min(9);
    let utc = parsed.with_timezone(&Utc);
    let base = utc.format("%Y-%m-%dT%H:%M:%S").to_string();
    if digits == 0 {
        return Some(format!("{base}Z"));
    }
    let nanos = format!("{:09}", utc.timestamp_subsec_nanos());
    Some(format!("{base}.{}Z", &nanos[..digits]))
}

/// Number of digits after the seconds' decimal point in an RFC 3339 timestamp.
fn fraction_digits(t: &str) -> usize {
    let Some(time) = t.split(['T', 't']).nth(1) else {
        return 0;
    };
    match time.split_once('.') {
        Some((_, rest)) => rest.bytes().take_while(u8::is_ascii_digit).count(),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn ctx(version: XapiVersion) -> PrepareContext {
        PrepareContext {
            stored: Utc
                .with_ymd_and_hms(2024, 5, 4, 17, 0, 0)
                .single()
                .unwrap_or_default()
                + chrono::Duration::milliseconds(123),
            authority: json!({"objectType": "Agent", "account": {"homePage": "http://lrs.example", "name": "admin"}}),
            version,
        }
    }

    fn minimal() -> Value {
        json!({
            "actor": {"mbox": "mailto:a@b.c"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
            "object": {"id": "http://example.com/a"}
        })
    }

    #[test]
    fn fills_lrs_properties() {
        let out = prepare_for_storage(minimal(), &ctx(XapiVersion::V1_0(3))).unwrap_or_default();
        let id = out["id"].as_str().unwrap_or_default();
        assert!(uuid::Uuid::parse_str(id).is_ok());
        assert_eq!(out["stored"], "2024-05-04T17:00:00.123Z");
        assert_eq!(out["timestamp"], "2024-05-04T17:00:00.123Z");
        assert_eq!(out["version"], "1.0.0");
        assert_eq!(out["authority"]["account"]["name"], "admin");
        assert_eq!(out["actor"], minimal()["actor"]);
    }

    #[test]
    fn version_defaults_per_request_version_and_is_kept_when_sent() {
        let out = prepare_for_storage(minimal(), &ctx(XapiVersion::V2_0(0))).unwrap_or_default();
        assert_eq!(out["version"], "2.0.0");
        let mut s = minimal();
        s["version"] = json!("1.0.9");
        let out = prepare_for_storage(s, &ctx(XapiVersion::V2_0(0))).unwrap_or_default();
        assert_eq!(out["version"], "1.0.9");
    }

    #[test]
    fn overwrites_stored_and_authority_and_lowercases_ids() {
        let mut s = minimal();
        s["id"] = json!("AA97B177-9383-4934-8543-0F91A7A02836");
        s["stored"] = json!("2011-07-15T00:00:00Z");
        s["authority"] = json!({"mbox": "mailto:someone@else.com"});
        s["context"] = json!({"registration": "EC531277-B57B-4C15-8D91-D292C5B2B8F7"});
        let out = prepare_for_storage(s, &ctx(XapiVersion::V1_0(3))).unwrap_or_default();
        assert_eq!(out["id"], "aa97b177-9383-4934-8543-0f91a7a02836");
        assert_eq!(out["stored"], "2024-05-04T17:00:00.123Z");
        assert_eq!(out["authority"]["account"]["name"], "admin");
        assert_eq!(
            out["context"]["registration"],
            "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
        );
    }

    #[test]
    fn single_context_activities_become_arrays_also_in_substatements() {
        let mut s = minimal();
        s["context"] = json!({"contextActivities": {"parent": {"id": "http://x.com/p"}, "other": [{"id": "http://x.com/o"}]}});
        s["object"] = json!({"objectType": "SubStatement", "actor": {"mbox": "mailto:a@b.c"},
            "verb": {"id": "http://x.com/v"}, "object": {"id": "http://x.com/a"},
            "context": {"contextActivities": {"grouping": {"id": "http://x.com/g"}}}});
        let out = prepare_for_storage(s, &ctx(XapiVersion::V1_0(3))).unwrap_or_default();
        assert_eq!(
            out["context"]["contextActivities"]["parent"],
            json!([{"id": "http://x.com/p"}])
        );
        assert_eq!(
            out["context"]["contextActivities"]["other"],
            json!([{"id": "http://x.com/o"}])
        );
        assert_eq!(
            out["object"]["context"]["contextActivities"]["grouping"],
            json!([{"id": "http://x.com/g"}])
        );
    }

    #[test]
    fn v2_converts_offsets_to_utc_keeping_precision() {
        let mut s = minimal();
        s["timestamp"] = json!("2023-05-04T12:00:00-05:00");
        let out = prepare_for_storage(s.clone(), &ctx(XapiVersion::V2_0(0))).unwrap_or_default();
        assert_eq!(out["timestamp"], "2023-05-04T17:00:00Z");
        s["timestamp"] = json!("2023-05-04T12:00:00.1234+01:30");
        let out = prepare_for_storage(s.clone(), &ctx(XapiVersion::V2_0(0))).unwrap_or_default();
        assert_eq!(out["timestamp"], "2023-05-04T10:30:00.1234Z");
        s["timestamp"] = json!("2023-05-04T12:00:00.5+00:00");
        let out = prepare_for_storage(s.clone(), &ctx(XapiVersion::V2_0(0))).unwrap_or_default();
        assert_eq!(out["timestamp"], "2023-05-04T12:00:00.5+00:00");
        // 1.0.3 keeps the timestamp as sent.
        s["timestamp"] = json!("2023-05-04T12:00:00-05:00");
        let out = prepare_for_storage(s, &ctx(XapiVersion::V1_0(3))).unwrap_or_default();
        assert_eq!(out["timestamp"], "2023-05-04T12:00:00-05:00");
    }

    #[test]
    fn non_objects_are_errors() {
        assert!(prepare_for_storage(json!([1]), &ctx(XapiVersion::V1_0(3))).is_err());
    }
}
