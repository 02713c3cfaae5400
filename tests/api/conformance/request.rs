//! Turning a step's request into HTTP: query, default headers, JSON, raw, form and multipart
//! bodies (with runner-built JWS parts).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Map, Value};
use sha2::Digest as _;

use super::expand::{Vars, templates};
use super::model::{Jws, MultipartBody, PartBody, Request};

const DEFAULT_BOUNDARY: &str = "xapi-conformance-0123456789";

/// A request ready to send.
pub struct Built {
    pub method: Method,
    pub path: String,
    /// Lowercased names; the order they are sent in.
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Built {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn query_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn build(
    request: &Request,
    library: &Map<String, Value>,
    vars: &mut Vars,
) -> Result<Built, String> {
    let method = Method::from_bytes(request.method.as_bytes())
        .map_err(|_| format!("bad method {:?}", request.method))?;
    let mut path = vars.text(&request.path)?;
    if let Some(query) = &request.query {
        let query = vars.json(&templates(&Value::Object(query.clone()), library)?)?;
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in query.as_object().into_iter().flatten() {
            serializer.append_pair(name, &query_value(value));
        }
        let encoded = serializer.finish();
        if !encoded.is_empty() {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&encoded);
        }
    }

    let bodies = [
        request.json.is_some(),
        request.body.is_some(),
        request.form.is_some(),
        request.multipart.is_some(),
    ];
    if bodies.iter().filter(|b| **b).count() > 1 {
        return Err("a request has at most one of json, body, form and multipart".into());
    }
    let mut headers: Vec<(String, String)> = vec![
        ("authorization".into(), vars.basic_auth.clone()),
        ("x-experience-api-version".into(), vars.version.clone()),
    ];
    let mut body = None;
    if let Some(json) = &request.json {
        let json = vars.json(&templates(json, library)?)?;
        headers.push(("content-type".into(), "application/json".into()));
        body = Some(json.to_string().into_bytes());
    }
    if let Some(raw) = &request.body {
        body = Some(vars.text(raw)?.into_bytes());
    }
    if let Some(form) = &request.form {
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in form {
            let value = vars.json(&templates(value, library)?)?;
            serializer.append_pair(&vars.text(name)?, &query_value(&value));
        }
        headers.push((
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        body = Some(serializer.finish().into_bytes());
    }
    if let Some(multipart) = &request.multipart {
        let (content_type, bytes) = build_multipart(multipart, library, vars)?;
        headers.push(("content-type".into(), content_type));
        body = Some(bytes);
    }
    for (name, value) in &request.headers {
        let name = name.to_ascii_lowercase();
        headers.retain(|(n, _)| *n != name);
        if let Some(value) = value {
            headers.push((name, vars.text(value)?));
        }
    }
    Ok(Built {
        method,
        path,
        headers,
        body,
    })
}

fn jws_text(jws: &Jws, library: &Map<String, Value>, vars: &mut Vars) -> Result<String, String> {
    let mut header = Map::new();
    header.insert("alg".into(), Value::String(jws.alg.clone()));
    for (k, v) in &jws.extra_header {
        header.insert(k.clone(), v.clone());
    }
    let payload = match (&jws.payload, &jws.raw_payload) {
        (Some(p), None) => vars.json(&templates(p, library)?)?.to_string(),
        (None, Some(raw)) => vars.text(raw)?,
        _ => return Err("a jws has exactly one of payload and raw_payload".into()),
    };
    let signature = jws
        .signature
        .clone()
        .unwrap_or_else(|| "not a real signature".into());
    Ok(format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(Value::Object(header).to_string()),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// The content of every non-JSON part comes first, so that JSON parts and headers can refer to
/// `{{part:N:sha256}}` and `{{part:N:length}}`.
fn build_multipart(
    multipart: &MultipartBody,
    library: &Map<String, Value>,
    vars: &mut Vars,
) -> Result<(String, Vec<u8>), String> {
    let boundary = match &multipart.boundary {
        Some(b) => vars.text(b)?,
        None => DEFAULT_BOUNDARY.to_owned(),
    };
    vars.parts.clear();
    let mut contents: Vec<Option<Vec<u8>>> = Vec::new();
    for (i, part) in multipart.parts.iter().enumerate() {
        let content = match part {
            PartBody {
                body: Some(raw),
                json: None,
                jws: None,
                ..
            } => Some(vars.text(raw)?.into_bytes()),
            PartBody {
                jws: Some(jws),
                json: None,
                body: None,
                ..
            } => Some(jws_text(jws, library, vars)?.into_bytes()),
            PartBody {
                json: Some(_),
                body: None,
                jws: None,
                ..
            } => None,
            _ => return Err(format!("part {i} needs exactly one of json, body and jws")),
        };
        if let Some(bytes) = &content {
            vars.parts.insert(
                format!("part:{i}:sha256"),
                Value::String(hex::encode(sha2::Sha256::digest(bytes))),
            );
            vars.parts
                .insert(format!("part:{i}:length"), Value::from(bytes.len()));
        }
        contents.push(content);
    }
    let mut out: Vec<u8> = Vec::new();
    if let Some(preamble) = &multipart.preamble {
        out.extend_from_slice(vars.text(preamble)?.as_bytes());
    }
    for (i, (part, content)) in multipart.parts.iter().zip(contents).enumerate() {
        if !part.no_delimiter {
            if i > 0 {
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        }
        for (name, value) in &part.headers {
            out.extend_from_slice(format!("{name}: {}\r\n", vars.text(value)?).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        let content = match (content, &part.json) {
            (Some(bytes), _) => bytes,
            (None, Some(json)) => vars
                .json(&templates(json, library)?)?
                .to_string()
                .into_bytes(),
            (None, None) => Vec::new(),
        };
        out.extend_from_slice(&content);
    }
    if multipart.close.unwrap_or(true) {
        out.extend_from_slice(format!("\r\n--{boundary}--").as_bytes());
    }
    if let Some(epilogue) = &multipart.epilogue {
        out.extend_from_slice(vars.text(epilogue)?.as_bytes());
    }
    vars.parts.clear();
    Ok((format!("multipart/mixed; boundary={boundary}"), out))
}
