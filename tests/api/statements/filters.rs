//! `verb` with `activity` (Communication 2.1.3): served by one term for the pair, so the
//! pair's semantics are checked here beside the plain filters, including statements that
//! target a match through a StatementRef.

use reqwest::Method;
use serde_json::{Value, json};

use super::{all_ids, fresh_id, fresh_verb};
use crate::helpers::{TestApp, post_statements as post, spawn_app};
use lrs::store::statements::terms::{TermKind, term, verb_activity_term};

fn about(id: &str, verb: &str, object: Value) -> Value {
    json!({
        "id": id,
        "actor": {"objectType": "Agent", "mbox": "mailto:filters-tests@example.com"},
        "verb": {"id": verb},
        "object": object,
    })
}

fn activity(iri: &str) -> Value {
    json!({"objectType": "Activity", "id": iri})
}

async fn ids(app: &TestApp, pairs: &[(&str, &str)]) -> Vec<String> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let first = format!("/xapi/statements?{}&limit=2", query.finish());
    let mut found = all_ids(|path| app.xapi(Method::GET, path), &first).await;
    found.sort();
    found
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn verb_with_activity_matches_exactly_the_pair_and_its_referrers() {
    let app = spawn_app().await;
    let (v1, v2) = (fresh_verb(), fresh_verb());
    let a1 = format!("http://example.com/activities/{}", uuid::Uuid::new_v4());
    let a2 = format!("http://example.com/activities/{}", uuid::Uuid::new_v4());
    let (v1a1, v2a1, v1a2, v1a1_again) = (fresh_id(), fresh_id(), fresh_id(), fresh_id());
    let (refers_v1a1, refers_v2a1) = (fresh_id(), fresh_id());
    post(
        &app,
        &[
            about(&v1a1, &v1, activity(&a1)),
            about(&v2a1, &v2, activity(&a1)),
            about(&v1a2, &v1, activity(&a2)),
            about(&v1a1_again, &v1, json!({"id": a1})),
            // Verb v2 about a statement with v1 and a1: it matches verb=v1&activity=a1 through
            // its target, but not verb=v2&activity=a1 (neither it nor its target is both).
            about(
                &refers_v1a1,
                &v2,
                json!({"objectType": "StatementRef", "id": v1a1}),
            ),
        ],
    )
    .await;
    // A referrer of a target stored earlier inherits the target's terms, the pair among them.
    post(
        &app,
        &[about(
            &refers_v2a1,
            &v1,
            json!({"objectType": "StatementRef", "id": v2a1}),
        )],
    )
    .await;

    assert_eq!(
        ids(&app, &[("verb", &v1), ("activity", &a1)]).await,
        sorted(&[&v1a1, &v1a1_again, &refers_v1a1])
    );
    assert_eq!(
        ids(&app, &[("verb", &v2), ("activity", &a1)]).await,
        sorted(&[&v2a1, &refers_v2a1])
    );
    assert_eq!(
        ids(&app, &[("verb", &v1), ("activity", &a2)]).await,
        sorted(&[&v1a2])
    );
    assert_eq!(
        ids(&app, &[("verb", &v2), ("activity", &a2)]).await,
        Vec::<String>::new()
    );
    // Each filter alone still matches every statement about it.
    assert_eq!(
        ids(&app, &[("activity", &a1)]).await,
        sorted(&[&v1a1, &v2a1, &v1a1_again, &refers_v1a1, &refers_v2a1])
    );
    // With related_activities the activity may appear anywhere: the pair term does not apply.
    assert_eq!(
        ids(
            &app,
            &[
                ("verb", &v1),
                ("activity", &a2),
                ("related_activities", "true")
            ]
        )
        .await,
        sorted(&[&v1a2])
    );
}

#[tokio::test]
async fn a_referrer_stored_before_its_target_matches_once_the_target_arrives() {
    // Out-of-order delivery: the target of a StatementRef arrives after the statement that
    // targets it, which then inherits the target's terms (Communication 2.1.3).
    // Arrange
    let app = spawn_app().await;
    let verb = fresh_verb();
    let iri = format!("http://example.com/activities/{}", uuid::Uuid::new_v4());
    let (target, referrer) = (fresh_id(), fresh_id());
    post(
        &app,
        &[about(
            &referrer,
            &fresh_verb(),
            json!({"objectType": "StatementRef", "id": target}),
        )],
    )
    .await;
    assert_eq!(ids(&app, &[("activity", &iri)]).await, Vec::<String>::new());

    // Act
    post(&app, &[about(&target, &verb, activity(&iri))]).await;

    // Assert
    assert_eq!(
        ids(&app, &[("activity", &iri)]).await,
        sorted(&[&target, &referrer])
    );
    assert_eq!(
        ids(&app, &[("verb", &verb), ("activity", &iri)]).await,
        sorted(&[&target, &referrer])
    );
}

#[tokio::test]
async fn the_sql_term_function_hashes_as_the_lrs_does() {
    let app = spawn_app().await;
    let iri = "http://example.com/verbs/é-ünicode";
    let (sql_verb, sql_pair): (i64, i64) =
        sqlx::query_as("select lrs_term('v', $1), lrs_term('p', $1 || ' ' || $2)")
            .bind(iri)
            .bind("http://example.com/activities/1")
            .fetch_one(&app.pool)
            .await
            .expect("lrs_term");
    assert_eq!(sql_verb, term(TermKind::Verb, iri));
    assert_eq!(
        sql_pair,
        verb_activity_term(iri, "http://example.com/activities/1")
    );
}
