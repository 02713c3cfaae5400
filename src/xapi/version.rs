//! xAPI versions: the `X-Experience-API-Version` header and the statement `version` property.
//!
//! xAPI 1.0.3 Communication 3.3: an LRS accepts any `1.0.x` (and `1.0`) request and answers with
//! the latest patch it implements; xAPI 2.0.0 adds `2.0.0`.

use std::fmt;

/// The xAPI versions accepted on `X-Experience-API-Version`, as listed by `GET /about`.
pub const SUPPORTED_VERSIONS: &[&str] = &["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"];

/// The version a request was made under; rules that differ between 1.0.x and 2.0.x key on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum XapiVersion {
    /// `1.0.<patch>`; `1.0` alone counts as patch 0 (Communication 3.3).
    V1_0(u8),
    /// `2.0.<patch>`; `2.0` alone counts as patch 0.
    V2_0(u8),
}

impl XapiVersion {
    /// Parses a version header value: `1.0`, `1.0.<n>`, `2.0` or `2.0.<n>` with a decimal `n`.
    /// Everything else (`0.9`, `1.1.0`, `1.0.x`, surrounding garbage) is rejected.
    pub fn parse_header(s: &str) -> Option<XapiVersion> {
        let s = s.trim();
        let (major_minor, patch) = match s.get(..4) {
            Some(prefix @ ("1.0." | "2.0.")) => (&prefix[..3], Some(&s[4..])),
            _ => (s, None),
        };
        let patch = match patch {
            None => 0,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                // Patch numbers beyond u8 are still "1.0.x" per the spec; saturate.
                p.parse::<u8>().unwrap_or(u8::MAX)
            }
            Some(_) => return None,
        };
        match major_minor {
            "1.0" => Some(XapiVersion::V1_0(patch)),
            "2.0" => Some(XapiVersion::V2_0(patch)),
            _ => None,
        }
    }

    /// True for 2.0.x requests.
    pub fn is_v2(self) -> bool {
        matches!(self, XapiVersion::V2_0(_))
    }

    /// The version the LRS echoes in responses: the latest patch it implements of that line.
    pub fn as_str(self) -> &'static str {
        match self {
            XapiVersion::V1_0(_) => "1.0.3",
            XapiVersion::V2_0(_) => "2.0.0",
        }
    }

    /// The statement `version` the LRS stores when a statement arrives without one
    /// (Data 2.4.10: `1.0.0` for every 1.0.x; 2.0 statements keep `2.0.0`).
    pub fn default_statement_version(self) -> &'static str {
        match self {
            XapiVersion::V1_0(_) => "1.0.0",
            XapiVersion::V2_0(_) => "2.0.0",
        }
    }

    /// Whether a statement's own `version` property is acceptable under this request version.
    /// xAPI 1.0.3 Data 2.4.10: accept anything starting with `1.0.`, reject the rest; the ADL
    /// suite (XAPI-00101) also requires a bare `1.0` to be accepted. Under 2.0 both 1.0.x and
    /// 2.0.x statements are accepted. Unlike a header value, the property is stored as sent, so
    /// surrounding whitespace is not trimmed but refused: `"1.0.3 "` is not a version.
    pub fn accepts_statement_version(self, v: &str) -> bool {
        if v.trim() != v {
            return false;
        }
        match XapiVersion::parse_header(v) {
            Some(XapiVersion::V1_0(_)) => true,
            Some(XapiVersion::V2_0(_)) => self.is_v2(),
            None => false,
        }
    }
}

impl fmt::Display for XapiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_1_0_family() {
        assert_eq!(XapiVersion::parse_header("1.0"), Some(XapiVersion::V1_0(0)));
        assert_eq!(
            XapiVersion::parse_header("1.0.0"),
            Some(XapiVersion::V1_0(0))
        );
        assert_eq!(
            XapiVersion::parse_header("1.0.3"),
            Some(XapiVersion::V1_0(3))
        );
        assert_eq!(
            XapiVersion::parse_header("1.0.9"),
            Some(XapiVersion::V1_0(9))
        );
        assert_eq!(
            XapiVersion::parse_header("1.0.300"),
            Some(XapiVersion::V1_0(255))
        );
    }

    #[test]
    fn parses_2_0_family() {
        assert_eq!(XapiVersion::parse_header("2.0"), Some(XapiVersion::V2_0(0)));
        assert_eq!(
            XapiVersion::parse_header("2.0.0"),
            Some(XapiVersion::V2_0(0))
        );
        assert_eq!(
            XapiVersion::parse_header("2.0.1"),
            Some(XapiVersion::V2_0(1))
        );
    }

    #[test]
    fn rejects_others() {
        for bad in [
            "", "1", "0.9", "0.95", "1.1.0", "1.0.", "1.0.x", "1.0.3a", "2.1.0", "3.0.0", "1.0.-1",
            "v1.0.3", "1.0.0.0",
        ] {
            assert_eq!(XapiVersion::parse_header(bad), None, "{bad}");
        }
    }

    #[test]
    fn echoes_latest_patch() {
        assert_eq!(XapiVersion::V1_0(0).as_str(), "1.0.3");
        assert_eq!(XapiVersion::V1_0(9).as_str(), "1.0.3");
        assert_eq!(XapiVersion::V2_0(0).as_str(), "2.0.0");
        assert!(XapiVersion::V2_0(0).is_v2());
        assert!(!XapiVersion::V1_0(3).is_v2());
    }

    #[test]
    fn every_supported_version_parses() {
        for v in SUPPORTED_VERSIONS {
            assert!(XapiVersion::parse_header(v).is_some(), "{v}");
        }
    }

    #[test]
    fn statement_versions_per_request_version() {
        let v1 = XapiVersion::V1_0(3);
        let v2 = XapiVersion::V2_0(0);
        assert!(v1.accepts_statement_version("1.0.0"));
        assert!(v1.accepts_statement_version("1.0"));
        assert!(v1.accepts_statement_version("1.0.9"));
        assert!(!v1.accepts_statement_version("2.0.0"));
        assert!(!v1.accepts_statement_version("1.1.0"));
        assert!(!v1.accepts_statement_version("0.9.9"));
        assert!(v2.accepts_statement_version("2.0.0"));
        assert!(v2.accepts_statement_version("1.0.3"));
        assert!(!v2.accepts_statement_version("should fail"));
    }
}
