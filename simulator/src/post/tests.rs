//! The client against a stub LRS on a free local port: batches, headers, retries, refusals,
//! and the outcomes upload with and without the endpoint.

use std::net::TcpListener;
use std::sync::Mutex;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use super::*;

#[derive(Default)]
struct Stub {
    /// Answer this many statement requests with 503 first.
    unavailable: usize,
    /// Refuse every statement request with 400.
    refuse: bool,
    batches: usize,
    statements: usize,
    bad_headers: usize,
    outcomes: Vec<(String, Value)>,
    rosters: Vec<(String, Value)>,
    settings: Vec<(String, Value)>,
}

type Shared = web::Data<Mutex<Stub>>;

async fn statements(request: HttpRequest, body: web::Bytes, stub: Shared) -> HttpResponse {
    let Ok(mut stub) = stub.lock() else {
        return HttpResponse::InternalServerError().finish();
    };
    let headers = request.headers();
    let version = headers
        .get("X-Experience-API-Version")
        .and_then(|v| v.to_str().ok());
    let auth = headers.get("Authorization").and_then(|v| v.to_str().ok());
    if version != Some("1.0.3") || !auth.is_some_and(|a| a.starts_with("Basic ")) {
        stub.bad_headers += 1;
    }
    if stub.unavailable > 0 {
        stub.unavailable -= 1;
        return HttpResponse::ServiceUnavailable().finish();
    }
    if stub.refuse {
        return HttpResponse::BadRequest().json(json!({ "error": "statement.actor: no IFI" }));
    }
    let batch: Vec<Value> = serde_json::from_slice(&body).unwrap_or_default();
    stub.batches += 1;
    stub.statements += batch.len();
    HttpResponse::Ok().json(batch.iter().map(|s| s["id"].clone()).collect::<Vec<_>>())
}

/// Records an upload's course and body in the list `field` picks.
async fn record(
    query: web::Query<std::collections::HashMap<String, String>>,
    body: web::Json<Value>,
    stub: Shared,
    field: fn(&mut Stub) -> &mut Vec<(String, Value)>,
) -> HttpResponse {
    let course = query.get("course").cloned().unwrap_or_default();
    if let Ok(mut stub) = stub.lock() {
        field(&mut stub).push((course, body.into_inner()));
    }
    HttpResponse::Ok().finish()
}

/// Starts the stub; returns its base URL and state.
fn spawn_stub(stub: Stub, with_outcomes: bool) -> (String, Shared) {
    let state = web::Data::new(Mutex::new(stub));
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    let shared = state.clone();
    let server = HttpServer::new(move || {
        let app = App::new()
            .app_data(shared.clone())
            .route("/xapi/statements", web::post().to(statements));
        if with_outcomes {
            app.route(
                "/analytics/outcomes",
                web::post().to(|q, b, s| record(q, b, s, |stub| &mut stub.outcomes)),
            )
            .route(
                "/analytics/enrolments",
                web::post().to(|q, b, s| record(q, b, s, |stub| &mut stub.rosters)),
            )
            .route(
                "/analytics/courses/settings",
                web::put().to(|q, b, s| record(q, b, s, |stub| &mut stub.settings)),
            )
        } else {
            app
        }
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/"), state)
}

const FAST: Retry = Retry {
    attempts: 4,
    first_backoff: Duration::from_millis(10),
};

fn tiny() -> SimulationConfig {
    SimulationConfig {
        courses: 2,
        learners_per_course: 4,
        weeks: 2,
        ..SimulationConfig::default()
    }
}

fn target(url: String) -> Target {
    Target {
        url,
        key: "simulator".into(),
        secret: SecretString::from("secret".to_owned()),
    }
}

fn options(upload_outcomes: bool) -> PostOptions {
    PostOptions {
        batch: 25,
        concurrency: 3,
        upload_outcomes,
        progress: false,
        retry: FAST,
    }
}

#[tokio::test]
async fn posts_every_statement_in_batches_retrying_a_503() {
    let (url, state) = spawn_stub(
        Stub {
            unavailable: 2,
            ..Stub::default()
        },
        false,
    );
    let config = tiny();
    let expected = super::super::count_statements(&config);

    let summary = post(&config, target(url), &options(true))
        .await
        .expect("posted");

    let stub = state.lock().expect("the stub's state");
    assert_eq!(summary.statements, expected);
    assert_eq!(stub.statements as u64, expected);
    assert_eq!(stub.batches as u64, expected.div_ceil(25));
    assert_eq!(stub.bad_headers, 0);
    // No outcomes endpoint: a 404, reported, not an error.
    assert_eq!(summary.outcomes, OutcomeUpload::Unsupported);
}

#[tokio::test]
async fn uploads_the_outcomes_of_each_course() {
    let (url, state) = spawn_stub(Stub::default(), true);
    let config = tiny();

    let summary = post(&config, target(url), &options(true))
        .await
        .expect("posted");

    assert_eq!(summary.outcomes, OutcomeUpload::Uploaded(8));
    let stub = state.lock().expect("the stub's state");
    let courses: Vec<&str> = stub.outcomes.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        courses,
        [
            "https://lms.example.edu/course/STAT101/1",
            "https://lms.example.edu/course/BIO110/1"
        ]
    );
    let first = &stub.outcomes[0].1[0];
    assert!(first["learner"]["objectType"] == "Agent");
    assert!(["pass", "fail", "withdrawn"].contains(&first["outcome"].as_str().unwrap_or("")));
    assert_eq!(stub.outcomes[0].1.as_array().map(Vec::len), Some(4));
    // The roster of each course goes first: every learner, with enrolment and attributes.
    assert_eq!(stub.rosters.len(), 2);
    let enrolled = &stub.rosters[0].1[0];
    assert_eq!(enrolled["learner"], first["learner"]);
    assert!(enrolled["enrolled_at"].is_string());
    assert!(enrolled["attributes"]["prior_attainment"].is_string());
    // And before it, the course's start and deadlines: a quiz a week and the assignments.
    assert_eq!(stub.settings.len(), 2);
    let deadlines = stub.settings[0].1["deadlines"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(deadlines.len() > config.weeks as usize, "{deadlines:?}");
    assert!(
        deadlines
            .iter()
            .all(|d| d["activity"].is_string() && d["due"].is_string())
    );
}

#[tokio::test]
async fn stops_at_a_refusal_with_the_servers_error() {
    let (url, state) = spawn_stub(
        Stub {
            refuse: true,
            ..Stub::default()
        },
        true,
    );

    let error = post(&tiny(), target(url), &options(true))
        .await
        .expect_err("refused");

    let message = format!("{error:#}");
    assert!(message.contains("400"), "{message}");
    assert!(message.contains("statement.actor: no IFI"), "{message}");
    let stub = state.lock().expect("the stub's state");
    assert!(stub.outcomes.is_empty());
}

#[tokio::test]
async fn gives_up_on_an_lrs_that_is_not_there() {
    // A port that was free a moment ago: connections are refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let started = std::time::Instant::now();
    let error = send(FAST, || {
        Client::new().post(format!("http://127.0.0.1:{port}/"))
    })
    .await
    .expect_err("no server");
    assert!(
        format!("{error:#}").contains("giving up after 4 attempts"),
        "{error:#}"
    );
    // Backed off 10 + 20 + 40 ms.
    assert!(started.elapsed() >= Duration::from_millis(70));
}
