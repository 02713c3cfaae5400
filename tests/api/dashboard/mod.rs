//! The web dashboard: its sessions and forms over plain HTTP (`sessions`), and its pages in a
//! real headless Chromium (`browser`).

mod browser;
mod course;
mod sessions;
mod statements;

use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

use crate::analytics::fixtures::{COURSE, seeded, set_course};
use crate::helpers::TestApp;

/// A client that shows redirects instead of following them, and keeps no cookies: each test
/// says which it sends.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("a client")
}

/// A GET of a dashboard page as the session `session`, redirects shown.
pub fn get_as(
    app: &TestApp,
    session: &str,
    path: &str,
) -> impl Future<Output = reqwest::Result<Response>> + use<> {
    client()
        .get(format!("{}{path}", app.address))
        .header("cookie", format!("lrs_session={session}"))
        .send()
}

/// The value of the cookie `name` that a response sets, and the whole header.
pub fn set_cookie(response: &Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|header| {
            let value = header[name.len() + 1..]
                .split(';')
                .next()
                .unwrap_or_default()
                .to_owned();
            (value, header.to_owned())
        })
}

/// The value of the hidden `csrf` input of a page.
pub fn csrf_field(html: &str) -> String {
    let at =
        html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[at..].split('"').next().unwrap_or_default().to_owned()
}

/// A course with a title and two learners.
pub async fn app_with_a_course() -> TestApp {
    let app = seeded().await;
    set_course(&app, serde_json::json!({"title": "Biology 101"})).await;
    app
}

/// Signs in with a key and secret through the form; returns the session cookie's value.
pub async fn sign_in(app: &TestApp, key: &str, secret: &str) -> String {
    let client = client();
    let form = client
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("the sign-in page");
    let (sign_in_token, _) = set_cookie(&form, "lrs_sign_in").expect("a sign-in cookie");
    let csrf = csrf_field(&form.text().await.expect("html"));
    let response = client
        .post(format!("{}/sign-in", app.address))
        .header("cookie", format!("lrs_sign_in={sign_in_token}"))
        .form(&[("csrf", csrf.as_str()), ("key", key), ("secret", secret)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    set_cookie(&response, "lrs_session").expect("a session").0
}

pub const COURSE_IRI: &str = COURSE;
