//! The `more` token: an opaque, URL-safe encoding of the query and the position after the last
//! statement of the page (keyset pagination). It carries everything needed for the next page,
//! so the next request needs no other parameter; the credential's read restriction is not in it
//! but re-derived from the credential of each request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::store::statements::Cursor;
use crate::xapi::Format;

/// Statements per page when the client sets no limit.
pub const DEFAULT_PAGE: i64 = 100;
/// The most statements one page holds (`limit=0` asks for this many).
pub const MAX_PAGE: i64 = 1000;

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

    /// The token is not signed: it only says where a query stands, and the request's own
    /// credential still decides what it may read. What this LRS never issues is refused, so
    /// that an edited token cannot ask for more than a page or reach the database with a
    /// value that fails there.
    pub fn decode(text: &str) -> Result<MoreToken, ApiError> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|raw| serde_json::from_slice::<MoreToken>(&raw).ok())
            .filter(|token| {
                (1..=MAX_PAGE).contains(&token.page_size) && Format::parse(&token.format).is_some()
            })
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

    #[test]
    fn edited_page_sizes_and_formats_are_refused() {
        let token = |page_size: i64, format: &str| MoreToken {
            terms: vec![],
            since: None,
            until: None,
            ascending: false,
            page_size,
            format: format.into(),
            attachments: false,
            cursor: None,
        };
        assert!(MoreToken::decode(&token(MAX_PAGE, "canonical").encode()).is_ok());
        for (page_size, format) in [
            (0, "ids"),
            (-5, "ids"),
            (MAX_PAGE + 1, "ids"),
            (i64::MAX, "ids"),
            (10, "everything"),
        ] {
            assert!(
                MoreToken::decode(&token(page_size, format).encode()).is_err(),
                "{page_size} {format}"
            );
        }
    }
}
