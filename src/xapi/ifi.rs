//! Inverse Functional Identifier keys and the `agent` request parameter (Data 2.4.2.3,
//! Communication 2.1.3 and 2.3-2.6).
//!
//! An IFI key is a stable string for "the same Agent or Identified Group":
//! `mbox:mailto:a@example.com`, `mbox_sha1sum:<hex>`, `openid:<uri>`, `account:<homePage>|<name>`.
//!
//! Decisions:
//! * `objectType` is not part of the key. The `agent` filter of the Statement resource matches
//!   "Agents or Identified Groups ... when the same Inverse Functional Identifier is used"
//!   (Communication 2.1.3), and the spec only says an Agent SHOULD NOT share an IFI with a Group.
//! * The e-mail domain is lowercased (Data 2.4.2.3: domains are case-insensitive) and the
//!   SHA-1 hex is lowercased; everything else is kept as sent (IRIs are case-sensitive).
//! * A `|` inside an account homePage is percent-encoded so `homePage|name` is unambiguous.

use serde_json::Value;

use super::error::ValidationError;
use super::validate::validate_agent;
use super::version::XapiVersion;

/// The IFI key of an Agent or Identified Group; `None` for an Anonymous Group (or a value
/// without a usable IFI).
pub fn ifi_key(agent: &Value) -> Option<String> {
    if let Some(mbox) = agent.get("mbox").and_then(Value::as_str) {
        return Some(format!("mbox:{}", normalise_mbox(mbox)));
    }
    if let Some(sum) = agent.get("mbox_sha1sum").and_then(Value::as_str) {
        return Some(format!("mbox_sha1sum:{}", sum.to_ascii_lowercase()));
    }
    if let Some(openid) = agent.get("openid").and_then(Value::as_str) {
        return Some(format!("openid:{openid}"));
    }
    let account = agent.get("account")?;
    let home = account.get("homePage").and_then(Value::as_str)?;
    let name = account.get("name").and_then(Value::as_str)?;
    Some(format!("account:{}|{name}", home.replace('|', "%7C")))
}

/// `mailto:Local@Example.COM` becomes `mailto:Local@example.com`.
pub(crate) fn normalise_mbox(mbox: &str) -> String {
    match mbox.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => mbox.to_owned(),
    }
}

/// Parses the JSON text of an `agent` parameter: an Agent or an Identified Group, validated
/// like the same object inside a statement (Data 2.2: "The LRS MUST validate parameter values
/// to the same standards required for values of the same types in Statements").
pub fn parse_agent_param(text: &str, version: XapiVersion) -> Result<Value, ValidationError> {
    let agent: Value = serde_json::from_str(text)
        .map_err(|e| ValidationError::new("agent", format!("is not valid JSON: {e}")))?;
    validate_agent(&agent, version)?;
    if ifi_key(&agent).is_none() {
        return Err(ValidationError::new(
            "agent",
            "must identify an Agent or Identified Group by an inverse functional identifier (mbox, mbox_sha1sum, openid or account)",
        ));
    }
    Ok(agent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const V1: XapiVersion = XapiVersion::V1_0(3);

    #[test]
    fn keys_for_each_ifi() {
        assert_eq!(
            ifi_key(&json!({"mbox": "mailto:Bob@Example.COM"})).as_deref(),
            Some("mbox:mailto:Bob@example.com")
        );
        assert_eq!(
            ifi_key(&json!({"mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"}))
                .as_deref(),
            Some("mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975")
        );
        assert_eq!(
            ifi_key(&json!({"openid": "http://openid.example.org/12345"})).as_deref(),
            Some("openid:http://openid.example.org/12345")
        );
        assert_eq!(
            ifi_key(&json!({"account": {"homePage": "http://a.com/x|y", "name": "n|1"}}))
                .as_deref(),
            Some("account:http://a.com/x%7Cy|n|1")
        );
    }

    #[test]
    fn object_type_does_not_change_the_key() {
        let agent = json!({"objectType": "Agent", "mbox": "mailto:a@b.c"});
        let group = json!({"objectType": "Group", "mbox": "mailto:a@b.c"});
        assert_eq!(ifi_key(&agent), ifi_key(&group));
    }

    #[test]
    fn anonymous_groups_have_no_key() {
        let g = json!({"objectType": "Group", "member": [{"mbox": "mailto:a@b.c"}]});
        assert_eq!(ifi_key(&g), None);
        assert_eq!(ifi_key(&json!({"account": {"name": "x"}})), None);
        assert_eq!(ifi_key(&json!("mailto:a@b.c")), None);
    }

    #[test]
    fn agent_param_accepts_agents_and_identified_groups() {
        assert!(parse_agent_param(r#"{"mbox":"mailto:a@b.c"}"#, V1).is_ok());
        assert!(
            parse_agent_param(
                r#"{"objectType":"Agent","account":{"homePage":"http://x.com","name":"1"}}"#,
                V1
            )
            .is_ok()
        );
        assert!(
            parse_agent_param(r#"{"objectType":"Group","openid":"http://x.com/g"}"#, V1).is_ok()
        );
    }

    #[test]
    fn agent_param_errors_name_the_problem() {
        let err = |t: &str| {
            parse_agent_param(t, V1)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("not json").contains("not valid JSON"));
        assert!(err(r#"{"name":"x"}"#).contains("found none"));
        assert!(err(r#"{"mbox":"mailto:a@b.c","openid":"http://x"}"#).contains("mbox, openid"));
        assert!(err(r#"{"mbox":"a@b.c"}"#).contains("agent.mbox"));
        assert!(err(r#"{"mbox":"mailto:a@b.c","foo":1}"#).contains("foo"));
        assert!(
            err(r#"{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}"#)
                .contains("inverse functional identifier")
        );
        assert!(err("[1]").contains("agent"));
    }
}
