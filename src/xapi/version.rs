//! TEMPORARY stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XapiVersion {
    V1_0(u8),
    V2_0(u8),
}
pub const SUPPORTED_VERSIONS: &[&str] = &["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"];
impl XapiVersion {
    pub fn parse_header(s: &str) -> Option<XapiVersion> {
        let mut parts = s.trim().split('.');
        let major: u8 = parts.next()?.parse().ok()?;
        let minor: u8 = parts.next()?.parse().ok()?;
        let patch: u8 = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        match (major, minor) {
            (1, 0) => Some(XapiVersion::V1_0(patch)),
            (2, 0) => Some(XapiVersion::V2_0(patch)),
            _ => None,
        }
    }
    pub fn is_v2(self) -> bool {
        matches!(self, XapiVersion::V2_0(_))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            XapiVersion::V1_0(_) => "1.0.3",
            XapiVersion::V2_0(_) => "2.0.0",
        }
    }
}
