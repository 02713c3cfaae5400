//! Format checks shared by every part of a statement: IRIs, UUIDs, language maps, extensions.

use serde_json::Value;

use crate::xapi::error::{Path, ValidationError};
use crate::xapi::syntax::{is_absolute_iri, is_language_tag, is_uuid};

pub(super) type Check = Result<(), ValidationError>;

pub(super) fn string<'a>(v: &'a Value, path: &Path) -> Result<&'a str, ValidationError> {
    v.as_str().ok_or_else(|| path.err("must be a string"))
}

/// Data 2.2: IRIs and IRLs MUST have a scheme (best-effort validation beyond that, Data 4.3).
pub(super) fn iri(v: &Value, path: &Path) -> Check {
    let s = string(v, path)?;
    if is_absolute_iri(s) {
        Ok(())
    } else {
        Err(path.err(format!(
            "{s:?} is not an absolute IRI (a scheme such as http: is required)"
        )))
    }
}

pub(super) fn optional_iri(obj: &Value, key: &str, path: &Path) -> Check {
    match obj.get(key) {
        Some(v) => iri(v, &path.key(key)),
        None => Ok(()),
    }
}

/// Data 4.4: UUIDs in the standard 8-4-4-4-12 string form.
pub(super) fn uuid(v: &Value, path: &Path) -> Check {
    let s = string(v, path)?;
    if is_uuid(s) {
        Ok(())
    } else {
        Err(path.err(format!("{s:?} is not a UUID in 8-4-4-4-12 hex form")))
    }
}

/// Data 4.2: language map keys are RFC 5646 tags and values are strings.
pub(super) fn language_map(v: &Value, path: &Path) -> Check {
    let map = v
        .as_object()
        .ok_or_else(|| path.err("must be a language map object"))?;
    for (tag, text) in map {
        if !is_language_tag(tag) {
            return Err(path.err(format!("{tag:?} is not an RFC 5646 language tag")));
        }
        string(text, &path.key(tag))?;
    }
    Ok(())
}

pub(super) fn optional_language_map(obj: &Value, key: &str, path: &Path) -> Check {
    match obj.get(key) {
        Some(v) => language_map(v, &path.key(key)),
        None => Ok(()),
    }
}

/// Data 4.1: extension keys MUST be IRIs; values are anything (including `null`) and MUST NOT
/// be a reason to reject a statement.
pub(super) fn extensions(obj: &Value, path: &Path) -> Check {
    let Some(ext) = obj.get("extensions") else {
        return Ok(());
    };
    let path = path.key("extensions");
    let map = ext
        .as_object()
        .ok_or_else(|| path.err("must be an object"))?;
    for key in map.keys() {
        if !is_absolute_iri(key) {
            return Err(path.err(format!("extension key {key:?} is not an absolute IRI")));
        }
    }
    Ok(())
}
