//! Statement responses: one statement, a StatementResult, or either as `multipart/mixed` with
//! the attachment data (Communication 2.1.3, `attachments=true`).

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use chrono::{DateTime, Utc};
use rand::Rng;

use crate::store::statements::AttachmentRow;

/// `{"statements": [...], "more": "..."}` from statements already serialised as JSON text.
pub fn statement_result(statements: &[String], more: &str) -> String {
    let mut body = String::with_capacity(statements.iter().map(String::len).sum::<usize>() + 64);
    body.push_str("{\"statements\":[");
    for (i, statement) in statements.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(statement);
    }
    body.push_str("],\"more\":");
    body.push_str(&serde_json::Value::String(more.to_owned()).to_string());
    body.push('}');
    body
}

/// An HTTP date (IMF-fixdate) for Last-Modified.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

pub fn json(body: String, last_modified: Option<DateTime<Utc>>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type("application/json");
    if let Some(t) = last_modified {
        response.insert_header((header::LAST_MODIFIED, http_date(t)));
    }
    response.body(body)
}

/// A `multipart/mixed` response: the JSON first, then one part per attachment. The boundary
/// is random hex, unquoted (clients split the header naively), and the body ends with the
/// closing delimiter and no trailing CRLF.
pub fn multipart(
    json: String,
    attachments: &[AttachmentRow],
    last_modified: Option<DateTime<Utc>>,
) -> HttpResponse {
    let boundary: String = {
        let bytes: [u8; 16] = rand::rng().random();
        hex::encode(bytes)
    };
    let mut body: Vec<u8> = Vec::with_capacity(
        json.len()
            + attachments
                .iter()
                .map(|a| a.content.len() + 200)
                .sum::<usize>()
            + 100,
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(json.as_bytes());
    for attachment in attachments {
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Type: {}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {}\r\n\r\n",
                attachment.content_type, attachment.sha2
            )
            .as_bytes(),
        );
        body.extend_from_slice(&attachment.content);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--").as_bytes());
    let mut response = HttpResponse::Ok();
    response.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}"))
            .unwrap_or(HeaderValue::from_static("multipart/mixed")),
    ));
    if let Some(t) = last_modified {
        response.insert_header((header::LAST_MODIFIED, http_date(t)));
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_result_always_has_more() {
        assert_eq!(
            statement_result(&["{\"id\":1}".into(), "{}".into()], ""),
            r#"{"statements":[{"id":1},{}],"more":""}"#
        );
    }

    #[test]
    fn http_dates_are_imf_fixdates() {
        let t = DateTime::parse_from_rfc3339("2024-11-22T10:54:03.871Z")
            .expect("date")
            .with_timezone(&Utc);
        assert_eq!(http_date(t), "Fri, 22 Nov 2024 10:54:03 GMT");
    }
}
