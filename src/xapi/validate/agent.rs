//! Agents, Groups and their Inverse Functional Identifiers (Data 2.4.2, 2.4.9).

use serde_json::Value;

use super::common::{Check, iri, string};
use crate::xapi::error::Path;
use crate::xapi::syntax::{is_absolute_iri, is_mbox, is_sha1_hex};

/// The four Inverse Functional Identifier properties (Data 2.4.2.3).
pub(crate) const IFI_PROPERTIES: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

pub(crate) fn is_group(v: &Value) -> bool {
    v.get("objectType").and_then(Value::as_str) == Some("Group")
}

fn present_ifis(v: &Value) -> Vec<&'static str> {
    IFI_PROPERTIES
        .into_iter()
        .filter(|k| v.get(*k).is_some())
        .collect()
}

/// An Agent or a Group, told apart by `objectType` (actor, instructor, object).
pub(crate) fn actor(v: &Value, path: &Path) -> Check {
    if is_group(v) {
        group(v, path)
    } else {
        agent(v, path)
    }
}

/// Data 2.4.2.1: an Agent has exactly one IFI.
pub(crate) fn agent(v: &Value, path: &Path) -> Check {
    match present_ifis(v).as_slice() {
        [] => Err(path.err(
            "an Agent needs exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account); found none",
        )),
        [_] => ifi_formats(v, path),
        many => Err(path.err(format!(
            "an Agent needs exactly one inverse functional identifier; found {}",
            many.join(", ")
        ))),
    }
}

/// Data 2.4.2.2: an Identified Group has exactly one IFI, an Anonymous Group none and a
/// `member` list; members are Agents, never Groups.
pub(crate) fn group(v: &Value, path: &Path) -> Check {
    match present_ifis(v).as_slice() {
        [] if v.get("member").is_none() => {
            return Err(path.err(
                "an Anonymous Group (no inverse functional identifier) must list its members in \"member\"",
            ));
        }
        [] | [_] => ifi_formats(v, path)?,
        many => {
            return Err(path.err(format!(
                "an Identified Group needs exactly one inverse functional identifier; found {}",
                many.join(", ")
            )));
        }
    }
    members(v, path)
}

fn members(v: &Value, path: &Path) -> Check {
    let Some(list) = v.get("member") else {
        return Ok(());
    };
    let path = path.key("member");
    let list = list
        .as_array()
        .ok_or_else(|| path.err("must be an array of Agents"))?;
    for (i, m) in list.iter().enumerate() {
        let p = path.index(i);
        if is_group(m) {
            return Err(p.err("a Group cannot contain Groups; members must be Agents"));
        }
        agent(m, &p)?;
    }
    Ok(())
}

/// Data 2.4.9: authority is an Agent, or (3-legged OAuth) an Anonymous Group of exactly two
/// Agents, the application and the user.
pub(crate) fn authority(v: &Value, path: &Path) -> Check {
    if !is_group(v) {
        return agent(v, path);
    }
    if let Some(ifi) = present_ifis(v).first() {
        return Err(path.err(format!(
            "an authority Group must be an anonymous OAuth pairing of two Agents, not an Identified Group (found {ifi})"
        )));
    }
    let count = v
        .get("member")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count != 2 {
        return Err(path.err(format!(
            "an authority Group must have exactly two members (OAuth application and user); found {count}"
        )));
    }
    group(v, path)
}

/// Formats of whichever IFIs are present (Data 2.4.2.3, 2.4.2.4).
fn ifi_formats(v: &Value, path: &Path) -> Check {
    if let Some(m) = v.get("mbox") {
        let p = path.key("mbox");
        let s = string(m, &p)?;
        if !is_mbox(s) {
            return Err(p.err(format!(
                "{s:?} is not a mailto IRI of the form mailto:name@domain"
            )));
        }
    }
    if let Some(h) = v.get("mbox_sha1sum") {
        let p = path.key("mbox_sha1sum");
        let s = string(h, &p)?;
        if !is_sha1_hex(s) {
            return Err(p.err(format!("{s:?} is not a hex-encoded SHA-1 (40 hex digits)")));
        }
    }
    if let Some(o) = v.get("openid") {
        let p = path.key("openid");
        let s = string(o, &p)?;
        if !is_absolute_iri(s) {
            return Err(p.err(format!("{s:?} is not an absolute URI")));
        }
    }
    if let Some(a) = v.get("account") {
        let p = path.key("account");
        match a.get("homePage") {
            Some(h) => iri(h, &p.key("homePage"))?,
            None => return Err(p.err("an account needs a homePage")),
        }
        match a.get("name") {
            Some(n) => {
                string(n, &p.key("name"))?;
            }
            None => return Err(p.err("an account needs a name")),
        }
    }
    Ok(())
}
