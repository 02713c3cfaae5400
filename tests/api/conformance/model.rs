//! The case-file format (documented in `conformance-tests/README.md`). Every struct refuses
//! unknown keys, so a misspelt expectation fails the load instead of silently checking nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The versions a case can run under.
pub const VERSIONS: [&str; 2] = ["1.0.3", "2.0.0"];

/// `Some(value)` even when the value is JSON `null` (serde would read `null` as `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    #[expect(
        dead_code,
        reason = "documentation for readers of the case files; the runner does not need it"
    )]
    pub description: String,
    pub templates: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[expect(
        dead_code,
        reason = "documentation for readers of the case files; the runner does not need it"
    )]
    pub description: String,
    /// Templates of this file, added to the shared ones.
    #[serde(default)]
    pub templates: Map<String, Value>,
    /// Versions for the cases that do not list their own.
    #[serde(default)]
    pub versions: Option<Vec<String>>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub requirement: String,
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "documentation for readers of the case files; the runner does not need it"
    )]
    pub description: Option<String>,
    #[serde(default)]
    pub versions: Option<Vec<String>>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub name: Option<String>,
    pub request: Request,
    pub expect: Expect,
    /// name -> `/json/pointer` (into the JSON body, or the first part of a multipart body),
    /// `header:Name`, or `now` (the runner's clock when the response arrived).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Milliseconds to wait before sending the request (at most `MAX_WAIT_MS`).
    #[serde(default)]
    pub wait_ms: Option<u64>,
}

/// The longest `wait_ms` a step may ask for: waits are for second-resolution headers only.
pub const MAX_WAIT_MS: u64 = 1500;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Appended to `path`, URL-encoded; non-string values are sent as JSON text.
    #[serde(default)]
    pub query: Option<Map<String, Value>>,
    /// Extra or replaced headers; `null` removes a default one.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Value>,
    #[serde(default)]
    pub body: Option<String>,
    /// Ordered `[name, value]` pairs sent as `application/x-www-form-urlencoded`.
    #[serde(default)]
    pub form: Option<Vec<(String, Value)>>,
    #[serde(default)]
    pub multipart: Option<MultipartBody>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultipartBody {
    #[serde(default)]
    pub boundary: Option<String>,
    /// Sent before the first delimiter.
    #[serde(default)]
    pub preamble: Option<String>,
    pub parts: Vec<PartBody>,
    /// Whether the closing `--boundary--` is written (default true).
    #[serde(default)]
    pub close: Option<bool>,
    /// Sent after the closing delimiter.
    #[serde(default)]
    pub epilogue: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartBody {
    /// Header lines, written in this order as `Name: value`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Value>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub jws: Option<Jws>,
    /// Write the part without the delimiter line before it (a malformed body).
    #[serde(default)]
    pub no_delimiter: bool,
}

/// A JWS Compact Serialization built by the runner: `{"alg": alg}` header (plus `extra_header`),
/// the payload as JSON text (or `raw_payload`), and `signature` (any text, base64url-encoded).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jws {
    pub alg: String,
    #[serde(default)]
    pub extra_header: Map<String, Value>,
    #[serde(default, deserialize_with = "present")]
    pub payload: Option<Value>,
    #[serde(default)]
    pub raw_payload: Option<String>,
    #[serde(default)]
    pub signature: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum StatusFact {
    One(u16),
    AnyOf(Vec<u16>),
}

impl std::fmt::Display for StatusFact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusFact::One(s) => write!(f, "{s}"),
            StatusFact::AnyOf(list) => write!(f, "one of {list:?}"),
        }
    }
}

impl StatusFact {
    pub fn accepts(&self, status: u16) -> bool {
        match self {
            StatusFact::One(s) => *s == status,
            StatusFact::AnyOf(list) => list.contains(&status),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub status: StatusFact,
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderFact>,
    #[serde(default)]
    pub json: Vec<JsonFact>,
    #[serde(default)]
    pub body: Option<BodyFact>,
    #[serde(default)]
    pub multipart: Option<MultipartFact>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HeaderFact {
    Equals(String),
    Matcher(HeaderMatcher),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderMatcher {
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub not_equals: Option<String>,
    /// A regular expression the value must match (anywhere, unless anchored with `^...$`).
    #[serde(default)]
    pub matches: Option<String>,
    #[serde(default)]
    pub starts_with: Option<String>,
    #[serde(default)]
    pub contains: Option<String>,
    #[serde(default)]
    pub not_contains: Option<String>,
    /// RFC 3339 timestamp.
    #[serde(default)]
    pub timestamp: bool,
    /// HTTP date (IMF-fixdate).
    #[serde(default)]
    pub http_date: bool,
    /// An HTTP date naming the same second as this RFC 3339 timestamp.
    #[serde(default)]
    pub same_second_as: Option<String>,
    /// An HTTP date strictly later than this HTTP date (e.g. a captured `Last-Modified`).
    #[serde(default)]
    pub http_date_after: Option<String>,
    /// `"` + the lowercase SHA-1 hex of the response body + `"` (an ETag computed as
    /// Communication 3.1 requires).
    #[serde(default)]
    pub etag_of_body: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFact {
    pub pointer: String,
    #[serde(default, deserialize_with = "present")]
    pub equals: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub not_equals: Option<Value>,
    /// `true`: the pointer resolves; `false`: it does not.
    #[serde(default)]
    pub exists: Option<bool>,
    /// Length of an array, object or string.
    #[serde(default)]
    pub length: Option<usize>,
    /// An array element equal to this, or a substring of a string.
    #[serde(default, deserialize_with = "present")]
    pub contains: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub not_contains: Option<Value>,
    /// The value includes this (objects: these keys with matching values, recursively).
    #[serde(default, deserialize_with = "present")]
    pub like: Option<Value>,
    /// An array element that is `like` this.
    #[serde(default, deserialize_with = "present")]
    pub contains_like: Option<Value>,
    /// No array element is `like` this.
    #[serde(default, deserialize_with = "present")]
    pub not_contains_like: Option<Value>,
    /// Every array element is `like` this.
    #[serde(default, deserialize_with = "present")]
    pub all_like: Option<Value>,
    /// The exact set of keys of an object.
    #[serde(default)]
    pub keys: Option<Vec<String>>,
    /// `string`, `number`, `boolean`, `array`, `object` or `null`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub starts_with: Option<String>,
    /// An RFC 3339 timestamp.
    #[serde(default)]
    pub timestamp: bool,
    /// An RFC 3339 timestamp naming the same instant as this one.
    #[serde(default)]
    pub same_instant: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyFact {
    #[serde(default)]
    pub empty: Option<bool>,
    /// The exact body (byte for byte, as UTF-8 text).
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub not_contains: Vec<String>,
    /// text -> exact number of occurrences in the body.
    #[serde(default)]
    pub occurrences: BTreeMap<String, usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultipartFact {
    /// Number of parts (the JSON part included).
    #[serde(default)]
    pub parts: Option<usize>,
    #[serde(default)]
    pub part: Vec<PartFact>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartFact {
    pub index: usize,
    #[serde(default)]
    pub headers: BTreeMap<String, HeaderFact>,
    #[serde(default)]
    pub body: Option<String>,
}
