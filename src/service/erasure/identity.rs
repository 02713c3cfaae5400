//! Which identifiers name the person: the IFI keys an erasure looks for.

use serde_json::Value;
use sha1::{Digest, Sha1};

use crate::xapi::ifi_key;

/// The IFI keys that name the person of this Agent: its own, and for an `mbox` the same
/// address in lower case and the `mbox_sha1sum` a client may have sent instead (of the
/// address as given, with the domain in lower case, and all in lower case). The case of an
/// address is ignored: mail systems ignore it, and erring the other way would leave data.
pub fn identifiers(agent: &Value) -> Option<Vec<String>> {
    let mut keys = vec![ifi_key(agent)?];
    if let Some(mbox) = agent.get("mbox").and_then(Value::as_str) {
        let lower = mbox.to_lowercase();
        push_unique(&mut keys, format!("mbox:{lower}"));
        for form in [mbox.to_owned(), crate::xapi::normalise_mbox(mbox), lower] {
            push_unique(&mut keys, sha1sum_key(&form));
        }
    }
    Some(keys)
}

pub(super) fn push_unique(keys: &mut Vec<String>, key: String) {
    if !keys.contains(&key) {
        keys.push(key);
    }
}

fn sha1sum_key(mbox: &str) -> String {
    format!(
        "mbox_sha1sum:{}",
        hex::encode(Sha1::digest(mbox.as_bytes()))
    )
}

/// The `mbox` keys among `known` (the addresses the store holds) that are the person's: the
/// same address in another case, or one whose SHA-1 is among the keys' `mbox_sha1sum`s. Each
/// comes with its own `mbox_sha1sum`.
pub(super) fn same_person(keys: &[String], known: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for key in known {
        let Some(mbox) = key.strip_prefix("mbox:") else {
            continue;
        };
        let lower = mbox.to_lowercase();
        let ours = keys.contains(&format!("mbox:{lower}"))
            || keys.contains(&sha1sum_key(mbox))
            || keys.contains(&sha1sum_key(&lower));
        if ours && !keys.contains(key) {
            push_unique(&mut found, key.clone());
            push_unique(&mut found, sha1sum_key(mbox));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_mbox_also_names_its_lower_case_and_sha1sum_forms() {
        let keys = identifiers(&json!({"mbox": "mailto:Ann@Example.org"})).unwrap();
        assert_eq!(keys[0], "mbox:mailto:Ann@example.org");
        assert_eq!(keys[1], "mbox:mailto:ann@example.org");
        // sha1("mailto:Ann@Example.org"), sha1("mailto:Ann@example.org"),
        // sha1("mailto:ann@example.org")
        let sums: Vec<String> = [
            "mailto:Ann@Example.org",
            "mailto:Ann@example.org",
            "mailto:ann@example.org",
        ]
        .iter()
        .map(|m| format!("mbox_sha1sum:{}", hex::encode(Sha1::digest(m.as_bytes()))))
        .collect();
        assert_eq!(keys[2..], sums[..]);
    }

    #[test]
    fn the_same_address_is_found_in_any_case_and_behind_its_sha1sum() {
        let known = [
            "mbox:mailto:ANN@example.org".to_owned(),
            "mbox:mailto:bob@example.org".to_owned(),
            "account:https://lms.example|ann".to_owned(),
        ];
        let by_address = identifiers(&json!({"mbox": "mailto:ann@example.org"})).unwrap();
        let by_sum = vec![sha1sum_key("mailto:ann@example.org")];
        for keys in [by_address, by_sum] {
            assert_eq!(
                same_person(&keys, &known),
                vec![
                    "mbox:mailto:ANN@example.org".to_owned(),
                    sha1sum_key("mailto:ANN@example.org")
                ]
            );
        }
    }
    #[test]
    fn an_account_names_only_itself() {
        let keys =
            identifiers(&json!({"account": {"homePage": "https://lms.example", "name": "42"}}))
                .unwrap();
        assert_eq!(keys, vec!["account:https://lms.example|42".to_owned()]);
    }
}
