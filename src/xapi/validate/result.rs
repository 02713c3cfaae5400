//! The Result object and its Score (Data 2.4.5).

use serde_json::Value;

use super::common::{Check, extensions, string};
use crate::xapi::error::Path;
use crate::xapi::syntax::parse_duration;

pub(super) fn result(r: &Value, path: &Path) -> Check {
    if let Some(s) = r.get("score") {
        score(s, &path.key("score"))?;
    }
    if let Some(d) = r.get("duration") {
        let p = path.key("duration");
        let s = string(d, &p)?;
        if parse_duration(s).is_none() {
            return Err(p.err(format!(
                "{s:?} is not an ISO 8601 duration such as PT1H30M5.5S"
            )));
        }
    }
    extensions(r, path)
}

/// Data 2.4.5.1: `scaled` in [-1, 1]; `min` <= `max`; `raw` between them when they are given.
fn score(s: &Value, path: &Path) -> Check {
    let num = |k: &str| s.get(k).and_then(Value::as_f64);
    if let Some(scaled) = num("scaled")
        && !(-1.0..=1.0).contains(&scaled)
    {
        return Err(path
            .key("scaled")
            .err(format!("{scaled} is outside [-1, 1]")));
    }
    let (min, max, raw) = (num("min"), num("max"), num("raw"));
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(path
            .key("min")
            .err(format!("min {min} is greater than max {max}")));
    }
    if let (Some(raw), Some(min)) = (raw, min)
        && raw < min
    {
        return Err(path
            .key("raw")
            .err(format!("raw {raw} is less than min {min}")));
    }
    if let (Some(raw), Some(max)) = (raw, max)
        && raw > max
    {
        return Err(path
            .key("raw")
            .err(format!("raw {raw} is greater than max {max}")));
    }
    Ok(())
}
