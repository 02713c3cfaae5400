//! Reading a statements request body: `application/json`, or `multipart/mixed` with the
//! statements first and attachment data after (Data 2.4.11, "Requirements for Attachment
//! Statement Batches").

use bytes::Bytes;
use futures_util::stream;
use serde_json::Value;
use sha2::Digest;

use crate::http::error::ApiError;
use crate::service::statements::{AttachmentPart, Incoming};

/// The media type of a Content-Type header, lowercased, without parameters.
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .and_then(|ct| ct.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

pub async fn read(content_type: Option<&str>, body: Bytes) -> Result<Incoming, ApiError> {
    match media_type(content_type).as_str() {
        "application/json" => Ok(Incoming {
            statements: parse_json(&body)?,
            parts: Vec::new(),
        }),
        "multipart/mixed" => read_multipart(content_type.unwrap_or_default(), body).await,
        "" => Err(ApiError::bad_request(
            "a Content-Type header is required: application/json or multipart/mixed",
        )),
        other => Err(ApiError::bad_request(format!(
            "statements must be sent as application/json or multipart/mixed, not {other}"
        ))),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))
}

async fn read_multipart(content_type: &str, body: Bytes) -> Result<Incoming, ApiError> {
    let mime: mime::Mime = content_type
        .parse()
        .map_err(|_| ApiError::bad_request("the multipart Content-Type cannot be parsed"))?;
    let boundary = mime
        .get_param(mime::BOUNDARY)
        .map(|b| b.as_str().to_owned())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("a multipart/mixed Content-Type needs a boundary parameter")
        })?;
    let body_stream = stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(body_stream, boundary);
    let malformed =
        |e: multer::Error| ApiError::bad_request(format!("malformed multipart body: {e}"));

    let first = multipart
        .next_field()
        .await
        .map_err(malformed)?
        .ok_or_else(|| ApiError::bad_request("the multipart body has no parts"))?;
    let first_type = media_type(
        first
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
    );
    if first_type != "application/json" {
        return Err(ApiError::bad_request(
            "the first part of a multipart/mixed request must be the statements, as application/json",
        ));
    }
    let statements = parse_json(&first.bytes().await.map_err(malformed)?)?;

    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let header = |name: &str| {
            field
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
        };
        let content_type =
            header("content-type").unwrap_or_else(|| "application/octet-stream".into());
        if media_type(Some(&content_type)) == "application/json"
            && header("x-experience-api-hash").is_none()
        {
            return Err(ApiError::bad_request(
                "only the first part may hold statements; attachment parts need X-Experience-API-Hash",
            ));
        }
        if let Some(encoding) = header("content-transfer-encoding")
            && !encoding.eq_ignore_ascii_case("binary")
        {
            return Err(ApiError::bad_request(format!(
                "attachment parts must use Content-Transfer-Encoding: binary, not {encoding}"
            )));
        }
        let sha2 = header("x-experience-api-hash")
            .ok_or_else(|| {
                ApiError::bad_request("every attachment part needs an X-Experience-API-Hash header")
            })?
            .to_ascii_lowercase();
        let content = field.bytes().await.map_err(malformed)?;
        if !hash_matches(&sha2, &content) {
            return Err(ApiError::bad_request(format!(
                "the content of the attachment part with X-Experience-API-Hash {sha2} does not have that hash"
            )));
        }
        parts.push(AttachmentPart {
            sha2,
            content_type,
            content,
        });
    }
    Ok(Incoming { statements, parts })
}

/// Checks content against a SHA-2 hex digest, choosing the function by the digest's length.
fn hash_matches(sha2: &str, content: &[u8]) -> bool {
    let actual = match sha2.len() {
        56 => hex::encode(sha2::Sha224::digest(content)),
        64 => hex::encode(sha2::Sha256::digest(content)),
        96 => hex::encode(sha2::Sha384::digest(content)),
        128 => hex::encode(sha2::Sha512::digest(content)),
        _ => return false,
    };
    actual == sha2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multipart(body: &str) -> (String, Bytes) {
        (
            "multipart/mixed; boundary=abc".to_owned(),
            Bytes::from(body.replace('\n', "\r\n")),
        )
    }

    #[actix_web::test]
    async fn a_statement_and_its_attachment_are_split() {
        let data = "here is a simple attachment";
        let sha = hex::encode(sha2::Sha256::digest(data));
        let (ct, body) = multipart(&format!(
            "--abc\nContent-Type: application/json\n\n{{\"a\":1}}\n--abc\nContent-Type: text/plain\nContent-Transfer-Encoding: binary\nX-Experience-API-Hash: {sha}\n\n{data}\n--abc--"
        ));
        let incoming = read(Some(&ct), body)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incoming.statements["a"], 1);
        assert_eq!(incoming.parts.len(), 1);
        assert_eq!(incoming.parts[0].content, data.as_bytes());
    }

    #[actix_web::test]
    async fn a_preamble_and_headers_without_spaces_are_accepted() {
        let data = "sig";
        let sha = hex::encode(sha2::Sha256::digest(data));
        let (ct, body) = multipart(&format!(
            "\n--abc\nContent-Type:application/json\n\n{{\"a\":1}}\n--abc\nContent-Type:application/octet-stream\nContent-Transfer-Encoding:binary\nX-Experience-API-Hash:{sha}\n\n{data}\n--abc--"
        ));
        let incoming = read(Some(&ct), body)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(incoming.parts.len(), 1);
    }

    #[actix_web::test]
    async fn malformed_bodies_are_400() {
        let cases = [
            // first part not JSON
            "--abc\nContent-Type: text/plain\n\nhello\n--abc--",
            // attachment without hash
            "--abc\nContent-Type: application/json\n\n{}\n--abc\nContent-Type: text/plain\n\nx\n--abc--",
            // base64 transfer encoding
            "--abc\nContent-Type: application/json\n\n{}\n--abc\nContent-Transfer-Encoding: base64\nX-Experience-API-Hash: 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\n\nx\n--abc--",
            // hash that does not match the content
            "--abc\nContent-Type: application/json\n\n{}\n--abc\nX-Experience-API-Hash: 0000000000000000000000000000000000000000000000000000000000000000\n\nx\n--abc--",
        ];
        for case in cases {
            let (ct, body) = multipart(case);
            assert!(
                matches!(read(Some(&ct), body).await, Err(ApiError::BadRequest(_))),
                "{case}"
            );
        }
        let (_, body) = multipart("--abc\nContent-Type: application/json\n\n{}\n--abc--");
        assert!(
            read(Some("multipart/mixed;"), body.clone()).await.is_err(),
            "no boundary"
        );
        assert!(
            read(Some("multipart/form-data; boundary=abc"), body)
                .await
                .is_err()
        );
    }
}
