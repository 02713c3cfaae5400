//! `lrs simulate`: sends a simulation to an LRS over HTTP.
//!
//! A blocking task generates the statements and serialises them in batches, in timestamp
//! order; at most `concurrency` batches are in flight at once (so neighbouring batches may
//! commit out of order). 429, 502, 503, 504 and connection failures are retried with
//! exponential backoff; any other refusal stops the run with the server's error body, since
//! every later batch would fail the same way. Then each course's roster goes to
//! `POST /analytics/enrolments?course=<IRI>` (every learner, with when they enrolled, when a
//! dropout withdrew, and their attributes), and the ground-truth outcomes to
//! `POST /analytics/outcomes?course=<IRI>`, one request per course each; an LRS without those
//! endpoints (404) gets a warning, not a failure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use bytes::Bytes;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::config::SimulationConfig;
use super::outcome::LearnerOutcome;

const MAX_BACKOFF: Duration = Duration::from_secs(15);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where to send, and as whom.
pub struct Target {
    /// The LRS base URL, e.g. `http://127.0.0.1:8080` (the xAPI endpoint is `<url>/xapi`).
    pub url: String,
    pub key: String,
    pub secret: SecretString,
}

pub struct PostOptions {
    /// Statements per `POST /xapi/statements`.
    pub batch: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    pub upload_outcomes: bool,
    /// Draw a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    pub retry: Retry,
}

/// How transient failures are retried: the wait doubles from `first_backoff` up to 15 s.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts in all, the first included.
    pub attempts: u32,
    pub first_backoff: Duration,
}

impl Default for Retry {
    /// Eight attempts over about half a minute: enough for an LRS restart.
    fn default() -> Self {
        Retry {
            attempts: 8,
            first_backoff: Duration::from_millis(250),
        }
    }
}

/// What happened to the outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeUpload {
    /// Not asked for.
    Skipped,
    /// This many learners' outcomes were accepted.
    Uploaded(usize),
    /// The LRS has no outcomes endpoint (it answered 404): nothing was uploaded.
    Unsupported,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub statements: u64,
    pub elapsed: Duration,
    pub outcomes: OutcomeUpload,
}

impl Summary {
    pub fn per_second(&self) -> f64 {
        self.statements as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

struct Batch {
    statements: u64,
    body: Bytes,
}

/// Shared by the concurrent requests.
struct Connection {
    client: Client,
    base: String,
    key: String,
    secret: SecretString,
    retry: Retry,
}

impl Connection {
    fn post(&self, path_and_query: &str) -> RequestBuilder {
        self.request(reqwest::Method::POST, path_and_query)
    }

    fn put(&self, path_and_query: &str) -> RequestBuilder {
        self.request(reqwest::Method::PUT, path_and_query)
    }

    fn request(&self, method: reqwest::Method, path_and_query: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path_and_query}", self.base))
            .basic_auth(&self.key, Some(self.secret.expose_secret()))
            .header(CONTENT_TYPE, "application/json")
    }
}

/// Generates the simulation and posts it to `target`; then its outcomes, if asked.
pub async fn post(
    config: &SimulationConfig,
    target: Target,
    options: &PostOptions,
) -> anyhow::Result<Summary> {
    let connection = Arc::new(Connection {
        client: Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("cannot build the HTTP client")?,
        base: target.url.trim_end_matches('/').to_owned(),
        key: target.key,
        secret: target.secret,
        retry: options.retry,
    });
    let progress = progress_bar(config, options.progress).await;
    let started = Instant::now();

    let concurrency = options.concurrency.max(1);
    let (sender, mut batches) = mpsc::channel::<Batch>(concurrency * 2);
    let generator = {
        let config = config.clone();
        let size = options.batch.max(1);
        tokio::task::spawn_blocking(move || generate(&config, size, &sender))
    };
    let mut in_flight = JoinSet::new();
    let mut posted = 0;
    while let Some(batch) = batches.recv().await {
        while in_flight.len() >= concurrency {
            posted += joined(in_flight.join_next().await, &progress)?;
        }
        in_flight.spawn(send_batch(Arc::clone(&connection), batch));
    }
    while let Some(result) = in_flight.join_next().await {
        posted += joined(Some(result), &progress)?;
    }
    let outcomes = generator
        .await
        .context("the statement generator failed")??;
    progress.finish_and_clear();
    let elapsed = started.elapsed();

    let outcomes = if options.upload_outcomes {
        upload_settings(&connection, config).await?;
        match upload_rosters(&connection, &outcomes).await? {
            OutcomeUpload::Unsupported => OutcomeUpload::Unsupported,
            _ => upload_outcomes(&connection, &outcomes).await?,
        }
    } else {
        OutcomeUpload::Skipped
    };
    Ok(Summary {
        statements: posted,
        elapsed,
        outcomes,
    })
}

async fn progress_bar(config: &SimulationConfig, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    // Counting skips building the statements: cheap next to posting them, and gives an ETA.
    let counted = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || super::count_statements(&config)).await
    };
    let bar = ProgressBar::new(counted.unwrap_or(0));
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} {wide_bar} {human_pos}/{human_len} statements ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Runs on the blocking pool: builds and serialises batches until done or the poster stops.
fn generate(
    config: &SimulationConfig,
    size: usize,
    sender: &mpsc::Sender<Batch>,
) -> anyhow::Result<Vec<LearnerOutcome>> {
    let mut stream = super::stream(config);
    loop {
        let batch: Vec<Value> = stream.by_ref().take(size).collect();
        if batch.is_empty() {
            return Ok(stream.outcomes());
        }
        let body = serde_json::to_vec(&batch)?;
        let batch = Batch {
            statements: batch.len() as u64,
            body: Bytes::from(body),
        };
        if sender.blocking_send(batch).is_err() {
            // The poster gave up (and reports why).
            return Ok(Vec::new());
        }
    }
}

fn joined(
    result: Option<Result<anyhow::Result<u64>, tokio::task::JoinError>>,
    progress: &ProgressBar,
) -> anyhow::Result<u64> {
    let count = match result {
        Some(joined) => joined.context("a request task failed")??,
        None => 0,
    };
    progress.inc(count);
    Ok(count)
}

async fn send_batch(connection: Arc<Connection>, batch: Batch) -> anyhow::Result<u64> {
    let response = send(connection.retry, || {
        connection
            .post("/xapi/statements")
            .header("X-Experience-API-Version", "1.0.3")
            .body(batch.body.clone())
    })
    .await?;
    let status = response.status();
    if status.is_success() {
        return Ok(batch.statements);
    }
    let body = response.text().await.unwrap_or_default();
    let hint = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            " (check --key and --secret: the credential needs statements/write)"
        }
        _ => "",
    };
    bail!("the LRS refused a batch of statements with {status}{hint}: {body}")
}

/// Sends the request `build` makes, again after a transient failure, and returns the first
/// response that is not one (successful or not).
async fn send(retry: Retry, build: impl Fn() -> RequestBuilder) -> anyhow::Result<Response> {
    let mut backoff = retry.first_backoff;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (failure, wait) = match build().send().await {
            Ok(response) if !transient(response.status()) => return Ok(response),
            Ok(response) => {
                let wait = retry_after(&response).unwrap_or(backoff);
                (format!("HTTP {}", response.status()), wait)
            }
            Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
                (format!("{:#}", anyhow!(e)), backoff)
            }
            Err(e) => return Err(anyhow!(e).context("the request failed")),
        };
        if attempt >= retry.attempts {
            bail!("giving up after {attempt} attempts, the last one got: {failure}");
        }
        tracing::warn!(attempt, %failure, "transient failure, retrying in {wait:?}");
        let jitter = rand::random_range(0..=wait.as_millis() as u64 / 4);
        tokio::time::sleep(wait.min(MAX_BACKOFF) + Duration::from_millis(jitter)).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

fn transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// `Retry-After` in seconds (the HTTP-date form is not worth parsing here).
fn retry_after(response: &Response) -> Option<Duration> {
    let seconds = response.headers().get(RETRY_AFTER)?.to_str().ok()?;
    seconds.trim().parse().ok().map(Duration::from_secs)
}

mod uploads;
use uploads::{upload_outcomes, upload_rosters, upload_settings};

#[cfg(test)]
mod tests;
