//! Attachment metadata (Data 2.4.11).

use serde_json::Value;

use super::common::{Check, iri, language_map, optional_language_map, string};
use crate::xapi::error::Path;
use crate::xapi::syntax::{is_media_type, is_sha2_hex};

pub(super) fn attachments(list: &Value, path: &Path) -> Check {
    let items = list
        .as_array()
        .ok_or_else(|| path.err("must be an array"))?;
    for (i, a) in items.iter().enumerate() {
        attachment(a, &path.index(i))?;
    }
    Ok(())
}

fn attachment(a: &Value, path: &Path) -> Check {
    match a.get("usageType") {
        Some(u) => iri(u, &path.key("usageType"))?,
        None => return Err(path.err("an attachment needs a usageType")),
    }
    match a.get("display") {
        Some(d) => language_map(d, &path.key("display"))?,
        None => return Err(path.err("an attachment needs a display")),
    }
    optional_language_map(a, "description", path)?;
    if let Some(c) = a.get("contentType") {
        let p = path.key("contentType");
        let s = string(c, &p)?;
        if !is_media_type(s) {
            return Err(p.err(format!("{s:?} is not an Internet media type")));
        }
    }
    if let Some(h) = a.get("sha2") {
        let p = path.key("sha2");
        let s = string(h, &p)?;
        if !is_sha2_hex(s) {
            return Err(p.err(format!("{s:?} is not a hex-encoded SHA-2 digest")));
        }
    }
    if let Some(f) = a.get("fileUrl") {
        iri(f, &path.key("fileUrl"))?;
    }
    Ok(())
}
