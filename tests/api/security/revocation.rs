//! A revocation wins every race with a verification of the same credential, on every process
//! sharing the database. Before the fix, a verification that read the credential before the
//! revocation committed and finished after the cache was cleared cached it for two minutes.

use std::time::Duration;

use reqwest::Method;

use crate::helpers::{TestApp, spawn_app, spawn_second};

/// Starts a request with (key, secret) on `on` (its verification then takes tens of
/// milliseconds of argon2), revokes the credential through `revoker` while it runs, and
/// returns the status of a request made once both are done.
async fn race(on: &TestApp, revoker: &TestApp, settle: Duration) -> u16 {
    let (key, secret) = revoker.credential(&["admin"]).await;
    let request = on
        .raw(Method::GET, "/admin/credentials")
        .basic_auth(&key, Some(&secret));
    let racing = tokio::spawn(request.try_clone().expect("clonable").send());
    tokio::time::sleep(Duration::from_millis(2)).await;
    let revoked = revoker
        .admin(Method::DELETE, &format!("/admin/credentials/{key}"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status().as_u16(), 204);
    let _ = racing.await.expect("racing request");
    tokio::time::sleep(settle).await;
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn a_verification_racing_a_revocation_never_outlives_it() {
    let app = spawn_app().await;

    let mut survived = 0;
    for _ in 0..20 {
        if race(&app, &app, Duration::ZERO).await != 401 {
            survived += 1;
        }
    }

    assert_eq!(
        survived, 0,
        "revoked credentials still accepted in {survived} of 20 races"
    );
}

#[tokio::test]
async fn a_revocation_on_one_process_wins_the_race_on_another() {
    let first = spawn_app().await;
    let second = spawn_second(&first).await;

    let mut survived = 0;
    for _ in 0..20 {
        // NOTIFY takes a moment to reach the other process.
        if race(&second, &first, Duration::from_millis(200)).await != 401 {
            survived += 1;
        }
    }

    assert_eq!(
        survived, 0,
        "revoked credentials still accepted in {survived} of 20 races"
    );
}
