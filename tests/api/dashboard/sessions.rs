//! Signing in and out, what a session may see, and the forms' tokens, over plain HTTP.

use reqwest::{Method, StatusCode};

use super::{COURSE_IRI, app_with_a_course, client, csrf_field, get_as, set_cookie, sign_in};

#[tokio::test]
async fn signing_in_gives_a_strict_http_only_session_that_shows_the_courses() {
    let app = app_with_a_course().await;
    let client = client();

    // Not signed in: the dashboard sends the browser to the sign-in form.
    let response = client
        .get(format!("{}/dashboard/courses", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");

    let form = client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("form");
    assert_eq!(form.status(), StatusCode::OK);
    let csp = form.headers()["content-security-policy"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let (token, header) = set_cookie(&form, "lrs_sign_in").expect("a sign-in cookie");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Strict"),
        "{header}"
    );
    let html = form.text().await.expect("html");
    assert!(
        html.contains(r#"name="key""#) && html.contains(r#"name="secret""#),
        "{html}"
    );
    let csrf = csrf_field(&html);
    assert_eq!(csrf, token, "the form and the cookie carry the same token");

    // A wrong secret: the form again, saying so.
    let response = client
        .post(format!("{}/sign-in", app.address))
        .header("cookie", format!("lrs_sign_in={token}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("key", &app.admin_key),
            ("secret", "wrong"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&response, "lrs_session").is_none());
    assert!(
        response
            .text()
            .await
            .unwrap_or_default()
            .contains("Unknown key or wrong secret")
    );

    let response = client
        .post(format!("{}/sign-in", app.address))
        .header("cookie", format!("lrs_sign_in={token}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("key", &app.admin_key),
            ("secret", &app.admin_secret),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/dashboard/courses");
    let (session, header) = set_cookie(&response, "lrs_session").expect("a session cookie");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Strict"),
        "{header}"
    );
    assert!(!header.contains("Secure"), "plain HTTP: {header}");
    assert!(session.len() >= 40);

    let page = client
        .get(format!("{}/dashboard/courses", app.address))
        .header("cookie", format!("lrs_session={session}"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Biology 101") && html.contains(COURSE_IRI),
        "{html}"
    );
    assert!(html.contains("<svg"), "a sparkline: {html}");

    // Signed in, `/` goes to the courses.
    let home = client
        .get(format!("{}/", app.address))
        .header("cookie", format!("lrs_session={session}"))
        .send()
        .await
        .expect("request");
    assert_eq!(home.status(), StatusCode::SEE_OTHER);

    // Only the hash of the token is stored.
    let stored: i64 = sqlx::query_scalar(
        "select count(*) from dashboard_sessions where token_sha256 = sha256($1::text::bytea)",
    )
    .bind(&session)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_own_token() {
    let app = app_with_a_course().await;
    let client = client();
    // No cookie (a form posted from another site): refused, however right the secret.
    let response = client
        .post(format!("{}/sign-in", app.address))
        .form(&[
            ("csrf", "guess"),
            ("key", &app.admin_key),
            ("secret", &app.admin_secret),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookie(&response, "lrs_session").is_none());
    // A cookie and a different field: refused too.
    let response = client
        .post(format!("{}/sign-in", app.address))
        .header("cookie", "lrs_sign_in=abcdefghijklmnopqrstuvwxyz012345")
        .form(&[
            ("csrf", "abcdefghijklmnopqrstuvwxyz012346"),
            ("key", &app.admin_key),
            ("secret", &app.admin_secret),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_session_sees_what_its_credential_may_and_ends_with_it() {
    let app = app_with_a_course().await;
    let client = client();
    let (key, secret) = app.credential(&["statements/write"]).await;
    let session = sign_in(&app, &key, &secret).await;
    let page = client
        .get(format!("{}/dashboard/courses", app.address))
        .header("cookie", format!("lrs_session={session}"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("analytics/read") && !html.contains(COURSE_IRI),
        "{html}"
    );

    let (key, secret) = app.credential(&["analytics/read"]).await;
    let session = sign_in(&app, &key, &secret).await;
    let courses = |session: String| {
        client
            .get(format!("{}/dashboard/courses", app.address))
            .header("cookie", format!("lrs_session={session}"))
            .send()
    };
    assert_eq!(
        courses(session.clone()).await.expect("request").status(),
        StatusCode::OK
    );
    // Revoking the credential ends its sessions at once.
    let revoked = app
        .admin(Method::DELETE, &format!("/admin/credentials/{key}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        courses(session).await.expect("request").status(),
        StatusCode::SEE_OTHER
    );
    // An unknown token is no session.
    assert_eq!(
        courses("not-a-session".into())
            .await
            .expect("request")
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn signing_out_needs_the_sessions_token_and_ends_the_session() {
    let app = app_with_a_course().await;
    let client = client();
    let session = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    let cookie = format!("lrs_session={session}");
    let page = client
        .get(format!("{}/dashboard/courses", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    let csrf = csrf_field(&page.text().await.expect("html"));

    let forged = client
        .post(format!("{}/sign-out", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let out = client
        .post(format!("{}/sign-out", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let (_, removal) = set_cookie(&out, "lrs_session").expect("the cookie is removed");
    assert!(
        removal.contains("Max-Age=0") || removal.contains("Expires"),
        "{removal}"
    );
    let after = client
        .get(format!("{}/dashboard/courses", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the session is gone on the server"
    );
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = app_with_a_course().await;
    let session = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    sqlx::query("update dashboard_sessions set last_seen_at = now() - interval '31 minutes'")
        .execute(&app.pool)
        .await
        .expect("age the session");
    let page = get_as(&app, &session, "/dashboard/courses")
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    // The cleaning job's deletion removes it, and only it.
    let live = sign_in(&app, &app.admin_key, &app.admin_secret).await;
    let idle = lrs::service::dashboard_sessions::Idle(std::time::Duration::from_secs(30 * 60));
    let deleted = lrs::service::dashboard_sessions::delete_idle(&app.pool, idle)
        .await
        .expect("delete");
    assert_eq!(deleted, 1);
    let page = get_as(&app, &live, "/dashboard/courses")
        .await
        .expect("request");
    assert_eq!(page.status(), StatusCode::OK);
}
