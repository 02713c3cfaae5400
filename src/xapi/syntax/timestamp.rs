//! Timestamps (Data 4.5, 2.4.7, 2.4.8).
//!
//! * 1.0.x: "formatted according to ISO 8601" in the extended or basic format (conformance
//!   requirement XAPI-00123), e.g. `2015-11-18T12:17:00+00:00` or `20151118T121700Z`; seconds
//!   and the zone are optional (a missing zone is read as UTC).
//! * 2.0.x: RFC 3339 (`YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`); a missing zone is read as UTC.
//!
//! Both reject the "unknown local offset" forms `-00`, `-0000` and `-00:00`, which the
//! conformance suite expects to fail for either version.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};

use crate::xapi::XapiVersion;

/// Parses a statement timestamp under the rules of `version`.
pub fn parse_timestamp(s: &str, version: XapiVersion) -> Option<DateTime<FixedOffset>> {
    parse(s, !version.is_v2())
}

/// Parses a timestamp already accepted under either version (stored statements).
pub(crate) fn parse_any_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    parse(s, true)
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.s.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    /// A decimal fraction after `.` (or `,` in ISO 8601), as nanoseconds; digits past the
    /// ninth are dropped (Data 4.5 allows truncation below milliseconds).
    fn fraction(&mut self, allow_comma: bool) -> Option<Option<u32>> {
        if !(self.eat(b'.') || (allow_comma && self.eat(b','))) {
            return Some(None);
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let frac = &self.s[start..self.pos];
        if frac.is_empty() {
            return None;
        }
        let nanos = (0..9).fold(0u32, |acc, i| {
            acc * 10 + frac.get(i).map_or(0, |d| u32::from(d - b'0'))
        });
        Some(Some(nanos))
    }

    fn done(&self) -> bool {
        self.pos == self.s.len()
    }
}

fn parse(s: &str, iso_8601: bool) -> Option<DateTime<FixedOffset>> {
    let mut c = Cursor {
        s: s.as_bytes(),
        pos: 0,
    };
    let year = c.digits(4)?;
    let extended = c.eat(b'-');
    if !extended && !iso_8601 {
        return None;
    }
    let month = c.digits(2)?;
    if extended && !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(c.eat(b'T') || c.eat(b't')) {
        return None;
    }
    let hour = c.digits(2)?;
    if extended && !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    // Seconds are optional in ISO 8601 ("hh:mm"), required by RFC 3339.
    let has_seconds = if extended {
        c.eat(b':')
    } else {
        c.peek().is_some_and(|b| b.is_ascii_digit())
    };
    let (second, nanos) = if has_seconds {
        (c.digits(2)?, c.fraction(iso_8601)?.unwrap_or(0))
    } else if iso_8601 {
        (0, 0)
    } else {
        return None;
    };
    let offset_seconds = offset(&mut c, iso_8601)?;
    if !c.done() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    let tz = FixedOffset::east_opt(offset_seconds)?;
    tz.from_local_datetime(&date.and_time(time)).single()
}

/// The zone designator, in seconds east of UTC; `0` when absent.
fn offset(c: &mut Cursor<'_>, iso_8601: bool) -> Option<i32> {
    if c.done() {
        return Some(0);
    }
    if c.eat(b'Z') || c.eat(b'z') {
        return Some(0);
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let hours = c.digits(2)?;
    let minutes = if c.eat(b':') {
        c.digits(2)?
    } else if c.done() {
        if !iso_8601 {
            return None; // RFC 3339 needs "hh:mm"
        }
        0
    } else if iso_8601 {
        c.digits(2)?
    } else {
        return None;
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    if sign < 0 && hours == 0 && minutes == 0 {
        return None; // "-00:00": unknown local offset, rejected by the conformance suite
    }
    Some(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: XapiVersion = XapiVersion::V1_0(3);
    const V2: XapiVersion = XapiVersion::V2_0(0);

    #[test]
    fn rfc3339_is_accepted_by_both() {
        for s in [
            "2015-11-18T12:17:00+00:00",
            "2013-05-18T05:32:34.804+00:00",
            "2031-11-22T10:56:12.982Z",
            "2023-05-04T12:00:00-05:00",
            "2008-09-15T15:53:00.601+00:00",
            "2008-09-15t15:53:00.123456789z",
            "2024-02-29T23:59:59.1234567891Z",
        ] {
            assert!(parse_timestamp(s, V1).is_some(), "v1 {s}");
            assert!(parse_timestamp(s, V2).is_some(), "v2 {s}");
        }
    }

    #[test]
    fn negative_zero_offsets_are_rejected() {
        for s in [
            "2008-09-15T15:53:00.601-00",
            "2008-09-15T15:53:00.601-0000",
            "2008-09-15T15:53:00.601-00:00",
        ] {
            assert!(parse_timestamp(s, V1).is_none(), "v1 {s}");
            assert!(parse_timestamp(s, V2).is_none(), "v2 {s}");
        }
    }

    #[test]
    fn iso_8601_forms_only_under_1_0() {
        for s in [
            "20151118T121700Z",
            "2015-11-18T12:17Z",
            "2015-11-18T12:17:00+0100",
            "2015-11-18T12:17:00+01",
            "2015-11-18T12:17:00,5Z",
        ] {
            assert!(parse_timestamp(s, V1).is_some(), "v1 {s}");
            assert!(parse_timestamp(s, V2).is_none(), "v2 {s}");
        }
    }

    #[test]
    fn missing_zone_reads_as_utc() {
        let t = parse_timestamp("2015-11-18T12:17:00", V2).map(|t| t.offset().local_minus_utc());
        assert_eq!(t, Some(0));
    }

    #[test]
    fn garbage_is_rejected() {
        for s in [
            "should fail",
            "01/011/2015",
            "",
            "2015-13-01T00:00:00Z",
            "2015-02-30T00:00:00Z",
            "2015-11-18",
            "2015-11-18T25:00:00Z",
            "2015-11-18T12:17:00+24:00",
            "2015-11-18T12:17:00.Z",
            "2015-11-18T12:17:00Zjunk",
            "2015-11-18 12:17:00Z",
        ] {
            assert!(parse_timestamp(s, V1).is_none(), "v1 {s}");
            assert!(parse_timestamp(s, V2).is_none(), "v2 {s}");
        }
    }

    #[test]
    fn instants_are_right() {
        let a = parse_timestamp("2023-05-04T12:00:00-05:00", V2);
        let b = parse_timestamp("2023-05-04T17:00:00.000Z", V2);
        assert!(a.is_some());
        assert_eq!(a, b);
    }
}
