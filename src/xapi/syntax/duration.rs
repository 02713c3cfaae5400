//! ISO 8601 durations (Data 4.6): the `PnYnMnDTnHnMnS` / `PnW` format of ISO 8601:2004 4.4.3.2.
//! The alternative format (`P0003-01-29T04:35:59`) MUST NOT be used, and weeks do not combine
//! with other units (`P4W1D` is invalid).

/// One designator of a duration with its value.
struct Component {
    designator: u8,
    in_time: bool,
    value: f64,
    fractional: bool,
}

fn components(s: &str) -> Option<Vec<Component>> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None, // "PT" or "P1DT" with nothing after T
        None => (rest, None),
    };
    let mut out = Vec::new();
    read_part(date, b"YMWD", false, &mut out)?;
    let date_count = out.len();
    if let Some(t) = time {
        read_part(t, b"HMS", true, &mut out)?;
        if out.len() == date_count {
            return None;
        }
    }
    if out.is_empty() {
        return None;
    }
    let has_week = out.iter().any(|c| c.designator == b'W');
    if has_week && out.len() > 1 {
        return None;
    }
    // Only the lowest-order component may carry a decimal fraction.
    if out[..out.len() - 1].iter().any(|c| c.fractional) {
        return None;
    }
    Some(out)
}

/// Reads `<number><designator>` pairs whose designators appear in `order`, in that order.
fn read_part(part: &str, order: &[u8], in_time: bool, out: &mut Vec<Component>) -> Option<()> {
    let bytes = part.as_bytes();
    let mut pos = 0;
    let mut next_allowed = 0;
    while pos < bytes.len() {
        let start = pos;
        while pos < bytes.len()
            && (bytes[pos].is_ascii_digit() || matches!(bytes[pos], b'.' | b','))
        {
            pos += 1;
        }
        let number = part.get(start..pos)?.replace(',', ".");
        let designator = *bytes.get(pos)?;
        pos += 1;
        let slot = order
            .get(next_allowed..)?
            .iter()
            .position(|d| *d == designator)?;
        next_allowed += slot + 1;
        let valid_number = !number.is_empty()
            && number.matches('.').count() <= 1
            && !number.starts_with('.')
            && !number.ends_with('.');
        if !valid_number {
            return None;
        }
        out.push(Component {
            designator,
            in_time,
            value: number.parse().ok()?,
            fractional: number.contains('.'),
        });
    }
    Some(())
}

/// Parses a duration to seconds. Years count 365 days and months 30 days: durations with
/// those units are approximate by nature (Data 2.3.1 keeps them as strings for comparison).
pub fn parse_duration(s: &str) -> Option<f64> {
    let total = components(s)?
        .iter()
        .map(|c| {
            let factor = match (c.designator, c.in_time) {
                (b'Y', _) => 365.0 * 86_400.0,
                (b'M', false) => 30.0 * 86_400.0,
                (b'W', _) => 7.0 * 86_400.0,
                (b'D', _) => 86_400.0,
                (b'H', _) => 3_600.0,
                (b'M', true) => 60.0,
                _ => 1.0,
            };
            c.value * factor
        })
        .sum();
    Some(total)
}

/// The form of a duration used when comparing statements: Data 4.6 says precision beyond
/// 0.01 s is ignored, so the seconds fraction is truncated to two digits (trailing zeros
/// dropped). Other components are compared as written (Data 2.3.1). Invalid input is
/// returned unchanged.
pub fn duration_for_comparison(s: &str) -> String {
    if components(s).is_none() {
        return s.to_owned();
    }
    let Some(body) = s.strip_suffix('S') else {
        return s.to_owned();
    };
    let digits_start = body
        .rfind(|c: char| c.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let (head, seconds) = body.split_at(digits_start);
    let seconds = seconds.replace(',', ".");
    let seconds = match seconds.split_once('.') {
        Some((whole, frac)) => {
            let kept: String = frac.chars().take(2).collect();
            let kept = kept.trim_end_matches('0');
            if kept.is_empty() {
                whole.to_owned()
            } else {
                format!("{whole}.{kept}")
            }
        }
        None => seconds,
    };
    format!("{head}{seconds}S")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_durations() {
        assert_eq!(parse_duration("PT4H35M59.14S"), Some(16_559.14));
        assert_eq!(parse_duration("PT16559.14S"), Some(16_559.14));
        assert_eq!(parse_duration("PT1H0M0.1S"), Some(3_600.1));
        assert_eq!(parse_duration("P4W"), Some(28.0 * 86_400.0));
        assert_eq!(parse_duration("P3Y"), Some(3.0 * 365.0 * 86_400.0));
        assert_eq!(parse_duration("PT1M"), Some(60.0));
        assert_eq!(parse_duration("P1M"), Some(30.0 * 86_400.0));
        assert_eq!(parse_duration("P1DT12H36M0.12567S"), Some(131_760.125_67));
        assert!(parse_duration("P3Y1M29DT4H35M59.14S").is_some());
        assert_eq!(parse_duration("PT0,5S"), Some(0.5));
        assert_eq!(parse_duration("P0D"), Some(0.0));
    }

    #[test]
    fn invalid_durations() {
        for bad in [
            "",
            "P",
            "PT",
            "P1DT",
            "PA1H0M0S",
            "should fail",
            "P4W1D",
            "P1D4W",
            "PT1S1M",
            "P1.5DT1H",
            "PT1..5S",
            "PT.5S",
            "PT5.S",
            "P0003-01-29T04:35:59",
            "1H",
            "PT1H ",
            "P1Y2Y",
            "PT-1S",
            "pt1s",
        ] {
            assert!(parse_duration(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn comparison_form_truncates_seconds_to_hundredths() {
        assert_eq!(
            duration_for_comparison("P1DT12H36M0.1237S"),
            "P1DT12H36M0.12S"
        );
        assert_eq!(
            duration_for_comparison("P1DT12H36M0.12S"),
            "P1DT12H36M0.12S"
        );
        assert_eq!(duration_for_comparison("PT1.10S"), "PT1.1S");
        assert_eq!(duration_for_comparison("PT1.001S"), "PT1S");
        assert_eq!(duration_for_comparison("P3Y"), "P3Y");
        assert_eq!(duration_for_comparison("junk"), "junk");
    }
}
