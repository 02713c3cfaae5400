//! The `more` token: an opaque, URL-safe encoding of the query and the position after the last
//! statement of the page (keyset pagination). It carries everything needed for the next page,
//! so the next request needs no other parameter; the credential's read restriction is not in it
//! but re-derived from the credential of each request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::error::ApiError;
use crate::store::statements::Cursor;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoreToken {
    #[serde(rename = "t")]
    pub terms: Vec<i64>,
    #[serde(rename = "s", skip_serializing_if = "Option::is_none", default)]
    pub since: Option<DateTime<Utc>>,
    #[serde(rename = "u", skip_serializing_if = "Option::is_none", default)]
    pub until: Option<DateTime<Utc>>,
    #[serde(rename = "a")]
    pub ascending: bool,
    #[serde(rename = "l")]
    pub page_size: i64,
    #[serde(rename = "f")]
    pub format: String,
    #[serde(rename = "x")]
    pub attachments: bool,
    /// The last statement of the previous page; None on the first page.
    #[serde(rename = "c", skip_serializing_if = "Option::is_none", default)]
    pub cursor: Option<Cursor>,
}

impl MoreToken {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(text: &str) -> Result<MoreToken, ApiError> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or_else(|| ApiError::invalid("more", "not a more token issued by this LRS"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let token = MoreToken {
            terms: vec![1, -2],
            since: None,
            until: Some(Utc::now()),
            ascending: true,
            page_size: 10,
            format: "ids".into(),
            attachments: false,
            cursor: Some(Cursor {
                stored: Utc::now(),
                seq: 42,
            }),
        };
        let text = token.encode();
        assert!(
            text.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(MoreToken::decode(&text).expect("decode"), token);
        assert!(MoreToken::decode("not-a-token").is_err());
    }
}
