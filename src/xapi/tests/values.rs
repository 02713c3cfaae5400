//! Property-level rules: id, result and score, durations, timestamps, stored, version,
//! attachments, and the formatting requirements of Data 2.2 (nulls, types, key case).

use serde_json::{Value, json};

use super::{V1, V2, accepted_by, bad, base, ok, rejected_by, set, substatement, unset};

fn sub(path: &str, value: Value) -> Value {
    set(base(), "object", set(substatement(), path, value))
}

#[test]
fn id_is_a_uuid_string() {
    ok(&set(
        base(),
        "id",
        json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"),
    ));
    ok(&set(
        base(),
        "id",
        json!("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"),
    ));
    for wrong in [
        json!("AA97B177-9383-4934-8543-0F91A7A028368"),
        json!("MA97B177-9383-4934-8543-0F91A7A02836"),
        json!("fd41c918b88b4b20a0a5a4c32391aaa0"),
        json!(""),
        json!(12345),
        json!({"key": "x"}),
        json!(null),
    ] {
        bad(&set(base(), "id", wrong), "statement.id");
    }
}

#[test]
fn result_types_are_strict() {
    for (key, value) in [
        ("success", json!("true")),
        ("success", json!("false")),
        ("completion", json!("true")),
        ("completion", json!(1)),
        ("completion", json!({"a": 1})),
        ("response", json!(12345)),
        ("extensions", json!(12345)),
        ("extensions", json!("x")),
        ("score", json!(12345)),
        ("score", json!("x")),
    ] {
        bad(
            &set(base(), &format!("result.{key}"), value.clone()),
            &format!("statement.result.{key}"),
        );
        bad(
            &sub(&format!("result.{key}"), value),
            &format!("statement.object.result.{key}"),
        );
    }
    ok(&set(
        base(),
        "result",
        json!({"success": true, "completion": false, "response": "We agreed.",
        "duration": "PT1H0M0S", "extensions": {"http://example.com/ex": {"a": null}}}),
    ));
    bad(
        &set(base(), "result", json!({"grade": "A"})),
        "statement.result",
    );
}

#[test]
fn score_ranges() {
    let score = |s: Value| set(base(), "result.score", s);
    ok(&score(
        json!({"scaled": 0.95, "raw": 95, "min": 0, "max": 100}),
    ));
    ok(&score(json!({"scaled": 1.0})));
    ok(&score(json!({"scaled": -1.0})));
    ok(&score(
        json!({"raw": 0.6767676, "min": 0.6, "max": 100.6767676}),
    ));
    ok(&score(json!({"min": 5, "max": 5, "raw": 5})));
    bad(
        &score(json!({"scaled": 1.01})),
        "statement.result.score.scaled",
    );
    bad(
        &score(json!({"scaled": -1.00001})),
        "statement.result.score.scaled",
    );
    bad(
        &score(json!({"raw": 101, "max": 100})),
        "statement.result.score.raw",
    );
    bad(
        &score(json!({"raw": -1, "min": 0})),
        "statement.result.score.raw",
    );
    bad(
        &score(json!({"min": 0.6767676, "max": 0.6767355})),
        "statement.result.score.min",
    );
    bad(
        &score(json!({"scaled": "0.5"})),
        "statement.result.score.scaled",
    );
    bad(
        &score(json!({"scaled": 0.5, "percent": 50})),
        "statement.result.score",
    );
}

#[test]
fn durations_are_iso_8601() {
    for valid in [
        "PT1H0M0.1S",
        "PT4H35M59.14S",
        "PT16559.14S",
        "P3Y1M29DT4H35M59.14S",
        "P3Y",
        "P4W",
        "P1DT12H36M0.12567S",
    ] {
        ok(&set(base(), "result.duration", json!(valid)));
        ok(&sub("result.duration", json!(valid)));
    }
    for invalid in [
        json!("PA1H0M0S"),
        json!("should fail"),
        json!("P4W1D"),
        json!(12345),
        json!({"key": "invalid"}),
    ] {
        bad(
            &set(base(), "result.duration", invalid.clone()),
            "statement.result.duration",
        );
        bad(
            &sub("result.duration", invalid),
            "statement.object.result.duration",
        );
    }
}

#[test]
fn timestamps_per_version() {
    for both in [
        "2013-05-18T05:32:34.804+00:00",
        "2031-11-22T10:56:12.982Z",
        "2023-05-04T12:00:00-05:00",
    ] {
        ok(&set(base(), "timestamp", json!(both)));
        ok(&sub("timestamp", json!(both)));
    }
    for never in [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
    ] {
        bad(
            &set(base(), "timestamp", json!(never)),
            "statement.timestamp",
        );
        bad(
            &sub("timestamp", json!(never)),
            "statement.object.timestamp",
        );
    }
    // ISO 8601 basic format: allowed by 1.0.3, not RFC 3339.
    let basic = set(base(), "timestamp", json!("20130518T053234Z"));
    accepted_by(&basic, V1);
    rejected_by(&basic, V2, "statement.timestamp");
    bad(
        &set(base(), "timestamp", json!(1368855154)),
        "statement.timestamp",
    );
}

#[test]
fn stored_is_accepted_when_well_formed() {
    ok(&set(base(), "stored", json!("2011-07-15T00:00:00.000Z")));
    bad(
        &set(base(), "stored", json!("yesterday")),
        "statement.stored",
    );
}

#[test]
fn statement_version_per_request_version() {
    for v in ["1.0", "1.0.0", "1.0.3", "1.0.9"] {
        ok(&set(base(), "version", json!(v)));
    }
    // Whitespace is not trimmed from the stored property: a padded version is refused.
    for v in [
        "should fail",
        "0.9.9",
        "1.1.0",
        "2.1.0",
        "",
        "1.0.3 ",
        " 1.0.3",
        "1.0.3\t",
        "\t1.0",
        "1.0.3\n",
    ] {
        bad(&set(base(), "version", json!(v)), "statement.version");
    }
    let v2 = set(base(), "version", json!("2.0.0"));
    accepted_by(&v2, V2);
    rejected_by(&v2, V1, "statement.version");
    bad(&set(base(), "version", json!(1.0)), "statement.version");
}

fn attachment() -> Value {
    json!({"usageType": "http://example.com/attachment-usage/test", "display": {"en-US": "A test attachment"},
           "description": {"en-US": "A test attachment (description)"}, "contentType": "text/plain; charset=ascii",
           "length": 27, "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
           "fileUrl": "http://over.there.com/file.txt"})
}

#[test]
fn attachments_are_checked() {
    ok(&set(base(), "attachments", json!([attachment()])));
    ok(&set(
        base(),
        "attachments",
        json!([unset(attachment(), "fileUrl")]),
    ));
    bad(
        &set(base(), "attachments", attachment()),
        "statement.attachments",
    );
    bad(
        &set(base(), "attachments", json!([12345])),
        "statement.attachments[0]",
    );
    bad(
        &set(base(), "attachments", json!(["should fail"])),
        "statement.attachments[0]",
    );
    for (key, value) in [
        ("usageType", json!("should fail")),
        ("contentType", json!(12345)),
        ("contentType", json!("text")),
        ("length", json!("27")),
        ("length", json!(2.5)),
        ("length", json!(-1)),
        ("sha2", json!(12345)),
        ("sha2", json!("should fail")),
        ("fileUrl", json!("should fail")),
        ("fileUrl", json!("over.there.com/file.txt")),
        ("display", json!(12345)),
        ("display", json!("x")),
        ("display", json!({"a12345678": "x"})),
        ("description", json!("x")),
        ("description", json!({"es-MX-invalid!": "x"})),
    ] {
        let a = set(attachment(), key, value);
        bad(
            &set(base(), "attachments", json!([a])),
            "statement.attachments[0]",
        );
    }
    for required in ["usageType", "display", "contentType", "length", "sha2"] {
        bad(
            &set(
                base(),
                "attachments",
                json!([unset(attachment(), required)]),
            ),
            "statement.attachments[0]",
        );
    }
    let a = set(attachment(), "display", json!({"es": "x"}));
    ok(&set(
        base(),
        "attachments",
        json!([set(a, "description", json!({"es-MX": "y"}))]),
    ));
}

#[test]
fn nulls_are_rejected_outside_extensions() {
    bad(&set(base(), "actor", json!(null)), "statement.actor");
    bad(&set(base(), "verb", json!(null)), "statement.verb");
    bad(&set(base(), "object", json!(null)), "statement.object");
    bad(&set(base(), "result", json!(null)), "statement.result");
    bad(
        &set(base(), "verb.display", json!({"en-US": null})),
        "statement.verb.display",
    );
    bad(
        &set(base(), "actor.name", json!(null)),
        "statement.actor.name",
    );
    ok(&set(
        base(),
        "result.extensions",
        json!({"http://example.com/null": null}),
    ));
    ok(&set(
        base(),
        "object.definition.extensions",
        json!({"http://example.com/null": null}),
    ));
}

#[test]
fn property_names_are_case_sensitive_and_closed() {
    for (wrong, value) in [
        ("iD", json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0")),
        ("Actor", json!({"mbox": "mailto:a@b.co"})),
        ("veRb", json!({"id": "http://x.org/v"})),
        ("oBject", json!({"id": "http://x.org/a"})),
        ("RESULT", json!({})),
        ("conText", json!({})),
        ("timeStamp", json!("2013-05-18T05:32:34.804Z")),
        ("STOred", json!("2013-05-18T05:32:34.804Z")),
        ("auTHORity", json!({"mbox": "mailto:a@b.co"})),
        ("Version", json!("1.0.0")),
        ("attachmentS", json!([])),
        ("extra", json!(1)),
    ] {
        let err = super::validate_statement(&set(base(), wrong, value), V1).err();
        assert!(
            err.as_ref().is_some_and(|e| e.message.contains(wrong)),
            "{wrong}: {err:?}"
        );
        rejected_by(&set(base(), wrong, json!(1)), V2, "statement");
    }
}

#[test]
fn language_map_keys_must_be_tags() {
    for tag in [
        "de",
        "de-DE",
        "zh-Hant",
        "sr-Latn-RS",
        "es-419",
        "zh-Hans-CN",
        "ase",
        "ja",
    ] {
        ok(&set(base(), "verb.display", json!({tag: "x"})));
        ok(&set(base(), "object.definition.name", json!({tag: "x"})));
    }
    for tag in ["a12345", "a12345678", "zh-z-aaa-z-bbb-c-ccc", "en_US", ""] {
        bad(
            &set(base(), "verb.display", json!({tag: "x"})),
            "statement.verb.display",
        );
        bad(
            &sub("verb.display", json!({tag: "x"})),
            "statement.object.verb.display",
        );
        bad(
            &set(base(), "object.definition.description", json!({tag: "x"})),
            "statement.object.definition.description",
        );
    }
}

#[test]
fn extensions_in_result_and_activity() {
    for path in ["result.extensions", "object.definition.extensions"] {
        for value in [
            json!(true),
            json!(12345),
            json!({"key": "valid"}),
            json!("valid"),
            json!(""),
            json!(null),
        ] {
            ok(&set(base(), path, json!({"http://example.com/ex": value})));
        }
        ok(&set(base(), path, json!({})));
        bad(
            &set(base(), path, json!({"should fail": true})),
            &format!("statement.{path}"),
        );
        bad(
            &set(base(), path, json!({"example.com/extension/wrong": 1})),
            &format!("statement.{path}"),
        );
    }
}

#[test]
fn non_objects_are_rejected_without_panicking() {
    for v in [
        json!(null),
        json!([]),
        json!("statement"),
        json!(1),
        json!([base()]),
    ] {
        bad(&v, "statement");
    }
}
