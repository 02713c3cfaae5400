//! The statement browser, over HTTP.

use reqwest::StatusCode;

use super::{app_with_a_course, get_as, sign_in};
use crate::analytics::fixtures::{VIEWED, encode, learner_key, post, statement};

#[tokio::test]
async fn the_statement_browser_filters_pages_and_shows_one_statement() {
    let app = app_with_a_course().await;
    // 26 more statements of learner 3: more than a page of 25.
    let more: Vec<serde_json::Value> = (0..26)
        .map(|i| statement(3, VIEWED, "r9", &format!("2026-01-20T10:{i:02}:00.000Z")))
        .collect();
    post(&app, &more).await;
    let session = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    let get = |path: String| get_as(&app, &session, &path);
    let page = get("/dashboard/statements".into()).await.expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert_eq!(html.matches(">JSON</a>").count(), 25, "a page of 25");
    let older = html
        .split(r#"<a href="/dashboard/statements?more="#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to older statements");
    let second = get(format!(
        "/dashboard/statements?more={}",
        older.replace("&amp;", "&")
    ))
    .await
    .expect("request")
    .text()
    .await
    .expect("html");
    assert_eq!(second.matches(">JSON</a>").count(), 30 - 25, "the rest");

    // By agent (an IFI key, as the analytics name learners), with the form's empty fields.
    let filtered = get(format!(
        "/dashboard/statements?agent={}&verb=&activity=&registration=&since=&until=",
        encode(&learner_key(2))
    ))
    .await
    .expect("request")
    .text()
    .await
    .expect("html");
    assert_eq!(filtered.matches(">JSON</a>").count(), 1, "{filtered}");
    let id = filtered
        .split("/dashboard/statement?id=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a statement link")
        .to_owned();
    let one = get(format!("/dashboard/statement?id={id}"))
        .await
        .expect("request");
    assert_eq!(one.status(), StatusCode::OK);
    let json = one.text().await.expect("html");
    assert!(
        json.contains(&format!("&quot;id&quot;: &quot;{id}&quot;")),
        "{json}"
    );

    let wrong = get("/dashboard/statements?verb=not-an-iri".into())
        .await
        .expect("request");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_credential_that_reads_its_own_statements_sees_only_those() {
    let app = app_with_a_course().await;
    let (key, secret) = app
        .credential(&["statements/write", "statements/read/mine"])
        .await;
    let session = sign_in(&app, &key, &secret).await;
    let page = get_as(&app, &session, "/dashboard/statements")
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("only the statements it wrote"), "{html}");
    assert!(
        html.contains("No statement matches."),
        "the admin's are not shown: {html}"
    );

    let (key, secret) = app.credential(&["analytics/read"]).await;
    let session = sign_in(&app, &key, &secret).await;
    let page = get_as(&app, &session, "/dashboard/statements")
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}
