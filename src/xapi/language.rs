//! Choosing one entry of a language map for the `canonical` format (Communication 2.1.3,
//! "Language Filtering Requirements for Canonical Format Statements"): the Accept-Language
//! logic of RFC 2616 14.4 applied to each language map separately.

use serde_json::{Map, Value};

/// Returns the map reduced to its best entry for `preferences` (language ranges, most
/// preferred first; `*` matches anything; `;q=` suffixes are ignored because the order already
/// expresses preference). Falls back to the first entry. Empty maps stay empty.
pub(crate) fn best_entry(map: &Map<String, Value>, preferences: &[String]) -> Map<String, Value> {
    let key = choose(map, preferences).or_else(|| map.keys().next().cloned());
    let mut out = Map::new();
    if let Some(k) = key
        && let Some(v) = map.get(&k)
    {
        out.insert(k, v.clone());
    }
    out
}

fn choose(map: &Map<String, Value>, preferences: &[String]) -> Option<String> {
    let ranges: Vec<String> = preferences
        .iter()
        .map(|p| {
            p.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|p| !p.is_empty())
        .collect();
    // RFC 2616 14.4: a range matches a tag equal to it or starting with it followed by "-".
    for range in &ranges {
        if range == "*" {
            return map.keys().next().cloned();
        }
        let found = map.keys().find(|k| {
            let k = k.to_ascii_lowercase();
            k == *range || k.starts_with(&format!("{range}-"))
        });
        if let Some(k) = found {
            return Some(k.clone());
        }
    }
    // Second chance: the same primary language ("en-US" wanted, "en-GB" or "en" available).
    for range in &ranges {
        let primary = range.split('-').next().unwrap_or_default();
        if primary.is_empty() || primary == "*" {
            continue;
        }
        let found = map.keys().find(|k| {
            k.split('-')
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(primary))
        });
        if let Some(k) = found {
            return Some(k.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn prefs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn exact_and_prefix_matches_follow_preference_order() {
        let m = map(json!({"en-GB": "colour", "en-US": "color", "fr": "couleur"}));
        assert_eq!(
            best_entry(&m, &prefs(&["en-US"])),
            map(json!({"en-US": "color"}))
        );
        assert_eq!(
            best_entry(&m, &prefs(&["fr", "en-US"])),
            map(json!({"fr": "couleur"}))
        );
        assert_eq!(
            best_entry(&m, &prefs(&["en"])),
            map(json!({"en-GB": "colour"}))
        );
        assert_eq!(
            best_entry(&m, &prefs(&["EN-us;q=0.8"])),
            map(json!({"en-US": "color"}))
        );
    }

    #[test]
    fn falls_back_to_primary_language_then_first_entry() {
        let m = map(json!({"en": "color", "de": "Farbe"}));
        assert_eq!(
            best_entry(&m, &prefs(&["en-US"])),
            map(json!({"en": "color"}))
        );
        assert_eq!(best_entry(&m, &prefs(&["ja"])), map(json!({"en": "color"})));
        assert_eq!(best_entry(&m, &[]), map(json!({"en": "color"})));
        assert_eq!(best_entry(&m, &prefs(&["*"])), map(json!({"en": "color"})));
        assert_eq!(best_entry(&Map::new(), &prefs(&["en"])), Map::new());
    }
}
