//! Runs the spec cases of `conformance-tests/` (format in its README) against the real server.
//!
//! Every case file is loaded strictly (unknown keys, unknown templates, duplicate ids, unknown
//! versions and empty files all fail). Each file gets its own app and database; its cases run
//! under each version they list, 1.0.3 first, each with fresh placeholders. Files run
//! concurrently. Every failure is collected and reported with the case id, requirement,
//! version, step and mismatch. `conformance-tests/pending/` is loaded (so it stays well formed)
//! but never run. Set `CONFORMANCE_FILTER=<text>` to run only the cases whose id or file name
//! contains the text.

mod check;
mod expand;
mod headers;
mod model;
mod multipart;
mod request;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use futures_util::StreamExt as _;
use serde_json::{Map, Value};

use self::check::Received;
use self::expand::Vars;
use self::model::{Case, CaseFile, MAX_WAIT_MS, TemplateFile, VERSIONS};
use crate::helpers::{TestApp, spawn_app};

/// Files whose apps run at the same time.
const CONCURRENT_FILES: usize = 4;
/// The longest a response may take (generous: the machine may be busy).
const STEP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance-tests")
}

struct Loaded {
    name: String,
    file: CaseFile,
    templates: Map<String, Value>,
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        assert!(
            name.ends_with(".json") || name == "README.md",
            "{}: only .json case files (and README.md) belong here",
            path.display()
        );
    }
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every case file of `dir` (not `templates.json`), checked for well-formedness.
fn load_dir(dir: &Path, shared: &Map<String, Value>, ids: &mut HashSet<String>) -> Vec<Loaded> {
    let mut loaded = Vec::new();
    for path in json_files(dir) {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name == "templates.json" {
            continue;
        }
        let file: CaseFile = read_json(&path);
        assert!(!file.cases.is_empty(), "{name}: a case file needs cases");
        let mut templates = shared.clone();
        for (k, v) in &file.templates {
            assert!(
                templates.insert(k.clone(), v.clone()).is_none(),
                "{name}: template {k:?} is already defined in templates.json"
            );
        }
        for case in &file.cases {
            validate_case(&name, &file, case, &templates, ids);
        }
        loaded.push(Loaded {
            name,
            file,
            templates,
        });
    }
    loaded
}

fn versions_of<'a>(file: &'a CaseFile, case: &'a Case) -> &'a [String] {
    case.versions
        .as_deref()
        .or(file.versions.as_deref())
        .unwrap_or_default()
}

fn validate_case(
    file_name: &str,
    file: &CaseFile,
    case: &Case,
    templates: &Map<String, Value>,
    ids: &mut HashSet<String>,
) {
    let at = format!("{file_name}: case {:?}", case.id);
    assert!(!case.id.trim().is_empty(), "{file_name}: a case without id");
    assert!(ids.insert(case.id.clone()), "{at}: the id is used twice");
    assert!(!case.requirement.trim().is_empty(), "{at}: no requirement");
    assert!(!case.steps.is_empty(), "{at}: no steps");
    let versions = versions_of(file, case);
    assert!(
        !versions.is_empty(),
        "{at}: no versions (in the case or the file)"
    );
    for v in versions {
        assert!(
            VERSIONS.contains(&v.as_str()),
            "{at}: unknown version {v:?}"
        );
    }
    // Building every request once (with dummy captures) finds unknown templates, bad
    // pointers and malformed bodies before anything runs.
    let mut vars = Vars::new("2.0.0", "Basic dGVzdDp0ZXN0".into());
    for (i, step) in case.steps.iter().enumerate() {
        if let Err(e) = request::build(&step.request, templates, &mut vars)
            && !e.starts_with("unknown placeholder")
        {
            panic!("{at}, step {}: {e}", i + 1);
        }
        assert!(
            step.wait_ms.is_none_or(|ms| ms <= MAX_WAIT_MS),
            "{at}, step {}: wait_ms is at most {MAX_WAIT_MS}",
            i + 1
        );
        for (name, source) in &step.capture {
            assert!(
                source.starts_with('/') || source.starts_with("header:") || source == "now",
                "{at}, step {}: capture {name} must be a /pointer, header:Name or now",
                i + 1
            );
            vars.captured
                .insert(name.clone(), Value::String(String::new()));
        }
    }
}

fn shared_templates() -> Map<String, Value> {
    let file: TemplateFile = read_json(&root().join("templates.json"));
    file.templates
}

/// The active case files and the pending ones (ids are unique across both).
fn load_all() -> (Vec<Loaded>, Vec<Loaded>) {
    let shared = shared_templates();
    let mut ids = HashSet::new();
    let active = load_dir(&root(), &shared, &mut ids);
    let pending_dir = root().join("pending");
    let pending = if pending_dir.is_dir() {
        load_dir(&pending_dir, &shared, &mut ids)
    } else {
        Vec::new()
    };
    (active, pending)
}

/// One failed case run.
struct Failure {
    file: String,
    case: String,
    requirement: String,
    version: String,
    detail: String,
}

async fn run_case(
    app: &TestApp,
    loaded: &Loaded,
    case: &Case,
    version: &str,
) -> Result<usize, String> {
    let auth = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", app.admin_key, app.admin_secret))
    );
    let mut vars = Vars::new(version, auth);
    for (i, step) in case.steps.iter().enumerate() {
        let n = i + 1;
        let label = step
            .name
            .as_deref()
            .map(|name| format!(" {name:?}"))
            .unwrap_or_default();
        let built = request::build(&step.request, &loaded.templates, &mut vars)
            .map_err(|e| format!("step {n}{label}: cannot build the request: {e}"))?;
        let at = format!("step {n}{label} ({} {})", built.method, built.path);
        if let Some(ms) = step.wait_ms {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        let mut builder = app.raw(built.method.clone(), &built.path);
        for (name, value) in &built.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = built.body.clone() {
            builder = builder.body(body);
        }
        // A server that hangs fails the case instead of stalling the run.
        builder = builder.timeout(STEP_TIMEOUT);
        let response = builder
            .send()
            .await
            .map_err(|e| format!("{at}: request failed: {e}"))?;
        let received = Received {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response
                .bytes()
                .await
                .map_err(|e| format!("{at}: reading the body: {e}"))?
                .to_vec(),
        };
        let mut errors = headers::invariants(
            built.method.as_str(),
            &built.path,
            built.header("x-experience-api-version"),
            &received,
            version,
        );
        errors.extend(check::expectations(
            &received,
            &step.expect,
            &loaded.templates,
            &mut vars,
        ));
        if errors.is_empty() {
            capture(&received, &step.capture, &mut vars).map_err(|e| format!("{at}: {e}"))?;
        } else {
            return Err(format!(
                "{at}:\n      - {}\n      response {}: {:.600}",
                errors.join("\n      - "),
                received.status,
                received.text()
            ));
        }
    }
    Ok(case.steps.len())
}

fn capture(
    received: &Received,
    captures: &std::collections::BTreeMap<String, String>,
    vars: &mut Vars,
) -> Result<(), String> {
    let arrived = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for (name, source) in captures {
        let value = if source == "now" {
            Value::String(arrived.clone())
        } else if let Some(header) = source.strip_prefix("header:") {
            Value::String(
                received
                    .header(header)
                    .ok_or_else(|| format!("capture {name}: no header {header}"))?,
            )
        } else {
            let parts = multipart::multipart(received).ok();
            let doc = check::json_document(received, parts.as_deref())
                .map_err(|e| format!("capture {name}: {e}"))?;
            doc.pointer(source)
                .cloned()
                .ok_or_else(|| format!("capture {name}: nothing at {source}"))?
        };
        vars.captured.insert(name.clone(), value);
    }
    Ok(())
}

/// What one file's run produced.
struct FileRun {
    name: String,
    runs: usize,
    steps: usize,
    failures: Vec<Failure>,
    elapsed: std::time::Duration,
}

/// Runs one file's cases on one app: every version in turn.
async fn run_file(loaded: &Loaded, filter: Option<&str>) -> FileRun {
    let started = Instant::now();
    let selected =
        |case: &Case| filter.is_none_or(|f| case.id.contains(f) || loaded.name.contains(f));
    let (mut runs, mut steps, mut failures) = (0, 0, Vec::new());
    if !loaded.file.cases.iter().any(selected) {
        return FileRun {
            name: loaded.name.clone(),
            runs,
            steps,
            failures,
            elapsed: started.elapsed(),
        };
    }
    let app = spawn_app().await;
    for version in VERSIONS {
        for case in &loaded.file.cases {
            if !selected(case) || !versions_of(&loaded.file, case).iter().any(|v| v == version) {
                continue;
            }
            runs += 1;
            match run_case(&app, loaded, case, version).await {
                Ok(n) => steps += n,
                Err(detail) => failures.push(Failure {
                    file: loaded.name.clone(),
                    case: case.id.clone(),
                    requirement: case.requirement.clone(),
                    version: version.to_owned(),
                    detail,
                }),
            }
        }
    }
    FileRun {
        name: loaded.name.clone(),
        runs,
        steps,
        failures,
        elapsed: started.elapsed(),
    }
}

#[test]
fn every_case_file_is_well_formed() {
    let (active, pending) = load_all();
    let count = |files: &[Loaded]| files.iter().map(|l| l.file.cases.len()).sum::<usize>();
    assert!(
        count(&active) > 0,
        "no conformance cases found in {}",
        root().display()
    );
    eprintln!(
        "{} case files, {} cases ({} pending, not run)",
        active.len(),
        count(&active),
        count(&pending)
    );
}

#[tokio::test]
async fn conformance_cases_pass() {
    let (active, _) = load_all();
    run_and_report(active).await;
}

async fn run_and_report(files: Vec<Loaded>) {
    // Arrange
    let filter = std::env::var("CONFORMANCE_FILTER").ok();
    let started = Instant::now();

    // Act
    let mut results: Vec<FileRun> = futures_util::stream::iter(&files)
        .map(|loaded| run_file(loaded, filter.as_deref()))
        .buffer_unordered(CONCURRENT_FILES)
        .collect()
        .await;

    // Assert
    let runs: usize = results.iter().map(|r| r.runs).sum();
    let steps: usize = results.iter().map(|r| r.steps).sum();
    results.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
    let slowest: Vec<String> = results
        .iter()
        .take(3)
        .map(|r| format!("{} {:.1?}", r.name, r.elapsed))
        .collect();
    let failures: Vec<&Failure> = results.iter().flat_map(|r| &r.failures).collect();
    eprintln!(
        "conformance: {runs} case runs, {steps} steps passed, {} failed, in {:.1?} (slowest files: {})",
        failures.len(),
        started.elapsed(),
        slowest.join(", ")
    );
    if filter.is_none() {
        assert!(runs > 0, "no case ran");
    }
    if !failures.is_empty() {
        let report: Vec<String> = failures
            .iter()
            .map(|f| {
                format!(
                    "[{}] {} ({}) under {}: {}",
                    f.file, f.case, f.requirement, f.version, f.detail
                )
            })
            .collect();
        panic!(
            "{} conformance case run(s) failed:\n\n{}",
            failures.len(),
            report.join("\n\n")
        );
    }
}
