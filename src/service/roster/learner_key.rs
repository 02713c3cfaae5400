//! How a learner is named in a request (a query parameter, a row of an upload): an IFI key
//! (`mbox:mailto:ann@example.edu`, `account:https://lms.example.edu|s123`), an Agent as JSON,
//! or an e-mail address.

use serde_json::{Value, json};

use crate::analytics::classify::MAX_LEARNER_KEY_BYTES;
use crate::error::ApiError;
use crate::xapi::{XapiVersion, ifi_key, validate_agent};

/// A learner's IFI key from a query parameter or an uploaded row.
pub fn learner_key(text: &str) -> Result<(String, Value), ApiError> {
    let text = text.trim();
    let agent = if text.starts_with('{') {
        serde_json::from_str(text)
            .map_err(|e| ApiError::invalid("learner", format!("is not valid JSON: {e}")))?
    } else if let Some(rest) = text.strip_prefix("account:") {
        // At the first `|`: an IRI (the homePage) cannot hold one, an account name can.
        let (home, name) = rest.split_once('|').ok_or_else(|| {
            ApiError::invalid("learner", "an account key is account:<homePage>|<name>")
        })?;
        json!({"objectType": "Agent", "account": {"homePage": home, "name": name}})
    } else if let Some(mbox) = text.strip_prefix("mbox:") {
        json!({"objectType": "Agent", "mbox": mbox})
    } else if let Some(sum) = text.strip_prefix("mbox_sha1sum:") {
        json!({"objectType": "Agent", "mbox_sha1sum": sum})
    } else if let Some(openid) = text.strip_prefix("openid:") {
        json!({"objectType": "Agent", "openid": openid})
    } else if text.starts_with("mailto:") {
        json!({"objectType": "Agent", "mbox": text})
    } else if text.contains('@') && !text.contains(' ') {
        json!({"objectType": "Agent", "mbox": format!("mailto:{text}")})
    } else {
        return Err(ApiError::invalid(
            "learner",
            "give an IFI key (mbox:mailto:..., account:<homePage>|<name>, openid:..., mbox_sha1sum:...), an Agent as JSON, or an e-mail address",
        ));
    };
    // Every form is held to the rules of an Agent in a statement (a well-formed mailto IRI,
    // 40 hex digits, an absolute openid and homePage...): a malformed key would otherwise
    // enrol a learner no statement can ever name.
    validate_agent(&agent, XapiVersion::V2_0(0))
        .map_err(|e| ApiError::invalid("learner", format!("{}: {}", e.path, e.message)))?;
    if agent.get("objectType").and_then(Value::as_str) == Some("Group") {
        return Err(ApiError::invalid(
            "learner",
            "a learner is an Agent, not a Group",
        ));
    }
    let ifi = ifi_key(&agent)
        .ok_or_else(|| ApiError::invalid("learner", "does not identify an Agent"))?;
    if ifi.len() > MAX_LEARNER_KEY_BYTES {
        return Err(ApiError::invalid(
            "learner",
            format!(
                "identifiers longer than {MAX_LEARNER_KEY_BYTES} bytes are not tracked by the analytics"
            ),
        ));
    }
    Ok((ifi, agent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_key_is_its_own_learner_even_with_a_bar_in_the_name() {
        let agent = json!({"account": {"homePage": "https://lms.example.edu", "name": "A|7"}});
        let key = ifi_key(&agent).expect("an account");
        let (parsed, _) = learner_key(&key).expect("the list's key");
        assert_eq!(parsed, key);
    }

    #[test]
    fn learners_can_be_named_several_ways() {
        let by_key = learner_key("mbox:mailto:ann@example.edu").expect("key").0;
        let by_email = learner_key("ann@example.edu").expect("email").0;
        let by_json = learner_key(r#"{"mbox": "mailto:ann@example.edu"}"#)
            .expect("json")
            .0;
        assert_eq!(by_key, by_email);
        assert_eq!(by_key, by_json);
        let account = learner_key("account:https://lms.example.edu|s1")
            .expect("account")
            .0;
        assert!(account.starts_with("account:"), "{account}");
        assert!(learner_key("not a learner").is_err());
        for malformed in [
            "mbox:mailto:",
            "mbox_sha1sum:zz",
            "openid:notauri",
            "account:|",
            r#"{"objectType": "Group", "mbox": "mailto:group@example.edu"}"#,
        ] {
            assert!(learner_key(malformed).is_err(), "{malformed}");
        }
    }
}
