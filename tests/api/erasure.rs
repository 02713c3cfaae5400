//! `POST /admin/erasures`: a person's statements, documents and analytics are erased; nothing
//! of anyone else's is.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::analytics::fixtures::{
    COURSE, VIEWED, course_activity, drain, encode, get_json as admin_json, learners,
};
use crate::analytics::snapshot;
use crate::helpers::{TestApp, assert_ok, error_body, post_statements, spawn_app};
use crate::statements::get_json as xapi_json;

const ANN: &str = "mailto:ann@example.org";

fn ann() -> Value {
    json!({"name": "Ann Example", "mbox": ANN})
}

fn bob() -> Value {
    json!({"name": "Bob", "account": {"homePage": "https://lms.example.edu", "name": "bob"}})
}

fn in_course(id: &str, actor: Value, activity: &str, day: u32) -> Value {
    json!({
        "id": id,
        "actor": actor,
        "verb": {"id": VIEWED},
        "object": {"id": format!("https://lms.example.edu/activity/{activity}"),
                   "definition": {"name": {"en": activity}}},
        "context": {"contextActivities": {"grouping": [course_activity()]}},
        "timestamp": format!("2026-09-{day:02}T10:00:00Z"),
    })
}

/// The statement with a registration (a cmi5 enrolment is one learner's).
fn registered(mut statement: Value) -> Value {
    statement["context"]["registration"] = json!("b6c3e5a8-1d2f-4c3b-9a7e-5f6d7c8b9a01");
    statement
}

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn erase(app: &TestApp, request: Value) -> reqwest::Response {
    app.admin(Method::POST, "/admin/erasures")
        .json(&request)
        .send()
        .await
        .expect("request")
}

async fn status(app: &TestApp, method: Method, path: &str) -> u16 {
    app.xapi(method, path)
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

async fn statement_ids(app: &TestApp, query: &str) -> Vec<String> {
    let body = xapi_json(app, &format!("/xapi/statements?{query}")).await;
    body["statements"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A statement of Ann's with an attachment sent in the request (multipart/mixed, Communication
/// 1.5.2); its content is stored once, by hash.
async fn post_with_attachment(app: &TestApp, id: &str, content: &[u8]) {
    let sha2 = hex::encode(Sha256::digest(content));
    let statement = json!({
        "id": id,
        "actor": ann(),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": "https://lms.example.edu/activity/essay"},
        "attachments": [{
            "usageType": "http://id.tincanapi.com/attachment/supporting_media",
            "display": {"en": "essay"},
            "contentType": "text/plain",
            "length": content.len(),
            "sha2": sha2,
        }],
    });
    let mut body = Vec::new();
    body.extend_from_slice(b"--b0undary\r\nContent-Type: application/json\r\n\r\n");
    body.extend_from_slice(statement.to_string().as_bytes());
    body.extend_from_slice(
        format!(
            "\r\n--b0undary\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n--b0undary--\r\n");
    let response = app
        .xapi(Method::POST, "/xapi/statements")
        .header("Content-Type", "multipart/mixed; boundary=b0undary")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_ok(response).await;
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&app.pool)
        .await
        .expect(sql)
}

#[tokio::test]
async fn an_erasure_deletes_everything_about_the_person_and_nothing_else() {
    let app = spawn_app().await;
    let (ann_1, ann_2, ann_hashed, taught, bob_1, bob_2, bob_ref, shouted) =
        (id(), id(), id(), id(), id(), id(), id(), id());
    let sum = hex::encode(sha1::Sha1::digest(ANN.as_bytes()));
    let teacher = json!({"mbox": "mailto:teacher@example.org"});
    post_statements(
        &app,
        &[
            registered(in_course(&ann_1, ann(), "intro", 1)),
            in_course(&ann_2, ann(), "only-ann", 2),
            in_course(&bob_1, bob(), "intro", 3),
            in_course(&bob_2, bob(), "quiz", 4),
            // Ann as the teacher's student, by her hashed address.
            json!({"id": ann_hashed, "actor": teacher, "verb": {"id": "http://adlnet.gov/expapi/verbs/mentored"},
                   "object": {"objectType": "Agent", "mbox_sha1sum": sum}}),
            // Ann's address in capitals: the same mailbox.
            json!({"id": shouted, "actor": {"mbox": "mailto:ANN@Example.org"}, "verb": {"id": VIEWED},
                   "object": {"id": "https://lms.example.edu/activity/lab"}}),
            // Ann as an instructor of Bob's statement: it is about her too.
            json!({"id": taught, "actor": bob(), "verb": {"id": VIEWED},
                   "object": {"id": "https://lms.example.edu/activity/lab"},
                   "context": {"instructor": ann()}}),
        ],
    )
    .await;
    // Bob comments on Ann's statement: his, and kept.
    post_statements(
        &app,
        &[json!({"id": bob_ref, "actor": bob(), "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
                 "object": {"objectType": "StatementRef", "id": ann_1}})],
    )
    .await;
    let attached = id();
    post_with_attachment(&app, &attached, b"Ann's essay").await;
    let ann_param = encode(&ann().to_string());
    let bob_param = encode(&bob().to_string());
    for (who, document) in [(&ann_param, "bookmark"), (&bob_param, "bookmark")] {
        let path = format!(
            "/xapi/activities/state?activityId={}&agent={who}&stateId={document}",
            encode("https://lms.example.edu/activity/intro")
        );
        assert_eq!(status(&app, Method::PUT, &path).await, 204);
    }
    let profile = format!("/xapi/agents/profile?agent={ann_param}&profileId=prefs");
    assert_eq!(status(&app, Method::PUT, &profile).await, 204);
    drain(&app).await;
    assert_eq!(learners(&app, COURSE).await.len(), 2);
    let before = snapshot(&app).await;

    // A dry run counts and changes nothing.
    let response = erase(&app, json!({"agent": {"mbox": ANN}, "dry_run": true})).await;
    assert_eq!(response.status().as_u16(), 200);
    let dry: Value = response.json().await.expect("json");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["statements_deleted"], 6, "{dry}");
    assert_eq!(snapshot(&app).await, before);
    // Her two course statements, the attachment one, and Bob's comment on one of them (a
    // StatementRef matches the filters its target matches, Communication 2.1.3).
    assert_eq!(
        statement_ids(&app, &format!("agent={ann_param}"))
            .await
            .len(),
        4
    );

    let response = erase(&app, json!({"agent": {"mbox": ANN}})).await;
    assert_eq!(response.status().as_u16(), 200);
    let receipt: Value = response.json().await.expect("json");
    let expected = json!({
        "dry_run": false,
        "statements_deleted": 6,
        "statements_unlinked": 1,
        "attachments_deleted": 1,
        "documents_deleted": 2,
        // Her record under her address, its capitals, and its hash.
        "agents_deleted": 3,
        "enrolments_deleted": 1,
    });
    for (key, value) in expected.as_object().expect("object") {
        assert_eq!(&receipt[key], value, "{key} in {receipt}");
    }
    assert_eq!(receipt, dry_run_false(&dry), "the dry run counted the same");

    // Nothing of Ann's is left in the store, in any form.
    for sql in [
        "select count(*) from statements where statement ilike '%ann@example.org%' or statement like '%Ann Example%'",
        "select count(*) from statement_terms t where not exists (select 1 from statements s where s.seq = t.seq)",
        "select count(*) from agents where ifi ilike '%ann@example.org%'",
        "select count(*) from learners where ifi ilike '%ann@example.org%'",
        "select count(*) from learner_courses where learner_ifi ilike '%ann@example.org%'",
        "select count(*) from documents where agent_ifi ilike '%ann@example.org%'",
        "select count(*) from attachments",
        "select count(*) from registration_courses",
    ] {
        assert_eq!(count(&app, sql).await, 0, "{sql}");
    }
    assert_eq!(
        count(
            &app,
            &format!("select count(*) from statements where statement like '%{sum}%'")
        )
        .await,
        0
    );
    for gone in [&ann_1, &ann_2, &ann_hashed, &taught, &attached, &shouted] {
        assert_eq!(
            status(
                &app,
                Method::GET,
                &format!("/xapi/statements?statementId={gone}")
            )
            .await,
            404
        );
    }
    for query in [
        format!("agent={ann_param}"),
        format!("agent={ann_param}&related_agents=true"),
        format!(
            "agent={}",
            encode(&json!({"mbox_sha1sum": sum}).to_string())
        ),
    ] {
        assert_eq!(
            statement_ids(&app, &query).await,
            Vec::<String>::new(),
            "{query}"
        );
    }
    // Bob's own statements stay, his comment on Ann's statement too, but no query for Ann
    // finds it any more (it inherited her index entries through the StatementRef).
    let mut bobs = statement_ids(&app, &format!("agent={bob_param}")).await;
    bobs.sort();
    let mut expected_bobs = vec![bob_1.clone(), bob_2.clone(), bob_ref.clone()];
    expected_bobs.sort();
    assert_eq!(bobs, expected_bobs);
    // Nor does a query for what Ann's statement was: Bob's comment inherited its verb too.
    let mut viewed = statement_ids(&app, &format!("verb={}", encode(VIEWED))).await;
    viewed.sort();
    let mut bobs_viewed = vec![bob_1.clone(), bob_2.clone()];
    bobs_viewed.sort();
    assert_eq!(viewed, bobs_viewed);
    let bob_state = format!(
        "/xapi/activities/state?activityId={}&agent={bob_param}&stateId=bookmark",
        encode("https://lms.example.edu/activity/intro")
    );
    assert_eq!(status(&app, Method::GET, &bob_state).await, 200);
    assert_eq!(status(&app, Method::GET, &profile).await, 404);

    // The analytics are as if Ann had never been: equal to a rebuild from what is left.
    let items = learners(&app, COURSE).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["learner"], "account:https://lms.example.edu|bob");
    let after = snapshot(&app).await;
    lrs::service::analytics::rebuild::rebuild(
        &app.pool,
        &lrs::config::Config::default().analytics(),
    )
    .await
    .expect("rebuild");
    assert_eq!(snapshot(&app).await, after);
    assert_ne!(after, before);
}

/// The dry run's receipt with `dry_run` false: what the real erasure must report.
fn dry_run_false(dry: &Value) -> Value {
    let mut receipt = dry.clone();
    receipt["dry_run"] = json!(false);
    receipt
}

#[tokio::test]
async fn erasure_requests_are_checked() {
    let app = spawn_app().await;
    for (request, property) in [
        (json!({"agent": {"name": "no identifier"}}), Some("agent")),
        (
            json!({"agent": {"mbox": "ann@example.org"}}),
            Some("agent.mbox"),
        ),
        (json!({"agent": "mailto:ann@example.org"}), Some("agent")),
        (json!({"agent": {"mbox": ANN}, "confirm": true}), None),
        (json!({}), None),
    ] {
        let body = error_body(erase(&app, request.clone()).await, 400).await;
        if let Some(property) = property {
            assert_eq!(body["property"], property, "{request} -> {body}");
        }
    }
    // Admin only: a credential with every xAPI scope may not erase.
    let (key, secret) = app.credential(&["all", "analytics/write"]).await;
    let response = app
        .raw(Method::POST, "/admin/erasures")
        .basic_auth(key, Some(secret))
        .json(&json!({"agent": {"mbox": ANN}}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 403);
}

#[tokio::test]
async fn an_erasure_by_sha1sum_finds_the_address_behind_it() {
    let app = spawn_app().await;
    let (plain, bob_1) = (id(), id());
    post_statements(
        &app,
        &[
            in_course(
                &plain,
                json!({"mbox": "mailto:Ann@example.org"}),
                "intro",
                1,
            ),
            in_course(&bob_1, bob(), "intro", 2),
        ],
    )
    .await;
    let sum = hex::encode(sha1::Sha1::digest(b"mailto:ann@example.org"));
    let response = erase(&app, json!({"agent": {"mbox_sha1sum": sum}})).await;
    assert_eq!(response.status().as_u16(), 200);
    let receipt: Value = response.json().await.expect("json");
    assert_eq!(receipt["statements_deleted"], 1, "{receipt}");
    assert_eq!(
        status(
            &app,
            Method::GET,
            &format!("/xapi/statements?statementId={plain}")
        )
        .await,
        404
    );
    assert_eq!(
        status(
            &app,
            Method::GET,
            &format!("/xapi/statements?statementId={bob_1}")
        )
        .await,
        200
    );
}

#[tokio::test]
async fn a_credentials_authority_is_not_erased() {
    let app = spawn_app().await;
    post_statements(&app, &[in_course(&id(), bob(), "intro", 1)]).await;
    let credentials = admin_json(&app, "/admin/credentials").await;
    let authority = credentials[0]["authority"].clone();
    let body = error_body(erase(&app, json!({"agent": authority})).await, 409).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("authority"),
        "{body}"
    );
    assert_eq!(statement_ids(&app, "").await.len(), 1, "nothing erased");
}

#[tokio::test]
async fn writers_wait_while_an_erasure_runs() {
    let app = spawn_app().await;
    let statement = id();
    // An erasure's lock, held by hand.
    let mut erasure = app.pool.begin().await.expect("begin");
    lrs::store::erasure::lock_out_analytics(&mut erasure)
        .await
        .expect("lock");
    let post = {
        let request = app
            .xapi(Method::POST, "/xapi/statements")
            .json(&json!([in_course(&statement, bob(), "intro", 1)]));
        tokio::spawn(async move { request.send().await.expect("post").status().as_u16() })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!post.is_finished(), "the insert waits for the erasure");
    erasure.commit().await.expect("commit");
    assert_eq!(post.await.expect("join"), 200);
    assert_eq!(
        status(
            &app,
            Method::GET,
            &format!("/xapi/statements?statementId={statement}")
        )
        .await,
        200
    );
}
