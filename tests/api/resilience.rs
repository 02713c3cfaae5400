//! A real `lrs serve` through the failures an operator meets: its embedded PostgreSQL killed,
//! a stop requested during the outage, the LRS itself killed under ingest, clients re-sending
//! statements. (The process helpers are `process.rs`'s.)

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::{Value, json};

use crate::process::{
    KEY, SECRET, Server, get, lrs_command, postmaster_pid, scratch_dir, signal, start, wait_exit,
    wait_no_processes,
};

/// An xAPI request with the admin credential: (status, body); status 0 when no answer came.
fn xapi(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut builder = reqwest::Client::new()
            .request(
                method.parse().expect("method"),
                format!("http://127.0.0.1:{port}{path}"),
            )
            .basic_auth(KEY, Some(SECRET))
            .header("X-Experience-API-Version", "2.0.0")
            .timeout(Duration::from_secs(60));
        if let Some(body) = body {
            builder = builder.json(body);
        }
        match builder.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                (status, response.text().await.unwrap_or_default())
            }
            Err(_) => (0, String::new()),
        }
    })
}

fn statement(id: &str) -> Value {
    json!({
        "id": id,
        "actor": {"mbox": "mailto:ann@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://lms.example.edu/activity/resilience"}
    })
}

fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn stored(server: &Server, id: &str) -> bool {
    xapi(
        server.port,
        "GET",
        &format!("/xapi/statements?statementId={id}"),
        None,
    )
    .0 == 200
}

/// Polls `path` until it answers `status`, for at most `patience`.
fn wait_for_status(server: &Server, path: &str, status: u16, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if get(server, path, None).0 == status {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Kills the cluster's postmaster and freezes what is left of it (its backends and auxiliary
/// processes, which would exit on their own once they noticed): PostgreSQL cannot start again
/// while they hold its shared memory, so the outage lasts until [`thaw`]. They are found by
/// parent, not by command line: PostgreSQL rewrites theirs ("postgres: lrs lrs [local] idle").
fn kill_postmaster_and_freeze(data_dir: &Path) -> Frozen {
    let postmaster = postmaster_pid(data_dir);
    let children = children_of(postmaster);
    // Frozen first, so that none of them notices the death and exits before the freeze.
    for pid in &children {
        let _ = kill(Pid::from_raw(*pid), Signal::SIGSTOP);
    }
    kill(Pid::from_raw(postmaster), Signal::SIGKILL).expect("kill the postmaster");
    Frozen(children)
}

/// Frozen processes, thawed when dropped (also when an assertion fails before [`thaw`]).
struct Frozen(Vec<i32>);

impl Drop for Frozen {
    fn drop(&mut self) {
        thaw(&self.0);
    }
}

/// The processes whose parent is `parent`.
fn children_of(parent: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
                    stat.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .nth(1)?
                        .parse::<i32>()
                        .ok()
                })
                == Some(parent)
        })
        .filter(|pid| is_postgres(*pid))
        .collect()
}

fn thaw(frozen: &[i32]) {
    for pid in frozen {
        let _ = kill(Pid::from_raw(*pid), Signal::SIGCONT);
    }
}

fn is_postgres(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres")
}

#[test]
fn the_lrs_starts_its_embedded_postgresql_again_after_kill_9() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let mut server = start(
        lrs_command(&binary, &data_dir).env("LRS_SHUTDOWN_TIMEOUT_SECS", "5"),
        &data_dir,
    );
    let before = fresh_id();
    assert_eq!(
        xapi(
            server.port,
            "POST",
            "/xapi/statements",
            Some(&statement(&before))
        )
        .0,
        200
    );
    let first_postmaster = postmaster_pid(&data_dir);

    // The postmaster dies and cannot come back while its frozen backends linger.
    let frozen = kill_postmaster_and_freeze(&data_dir);
    assert!(
        wait_for_status(&server, "/health", 503, Duration::from_secs(10)),
        "/health says the LRS cannot serve"
    );
    let (status, body) = xapi(server.port, "GET", "/xapi/statements?limit=1", None);
    assert_eq!(status, 503, "an outage is 503, not 500: {body}");

    // Once the backends are gone, the LRS starts the cluster again and serves.
    drop(frozen);
    assert!(
        wait_for_status(&server, "/health", 200, Duration::from_secs(60)),
        "the LRS serves again"
    );
    assert_ne!(
        postmaster_pid(&data_dir),
        first_postmaster,
        "a new postmaster"
    );
    let after = fresh_id();
    assert_eq!(
        xapi(
            server.port,
            "POST",
            "/xapi/statements",
            Some(&statement(&after))
        )
        .0,
        200
    );
    assert!(
        stored(&server, &before),
        "the statement acknowledged before the crash"
    );
    assert!(stored(&server, &after));

    // A second outage, with requests waiting on the dead database: SIGTERM still stops the
    // server within its grace period (5 s here).
    let frozen = kill_postmaster_and_freeze(&data_dir);
    assert!(wait_for_status(
        &server,
        "/health",
        503,
        Duration::from_secs(10)
    ));
    let port = server.port;
    let waiting: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(move || xapi(port, "GET", "/xapi/statements?limit=1", None).0))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    signal(&mut server, Signal::SIGTERM);
    wait_exit(&mut server);
    let took = asked.elapsed();
    drop(frozen);
    for request in waiting {
        let _ = request.join();
    }
    wait_no_processes(&data_dir);
    assert!(
        took < Duration::from_secs(12),
        "SIGTERM during an outage took {took:?} to stop the server (grace period 5 s)"
    );
}

#[test]
fn no_acknowledged_statement_is_lost_when_the_lrs_is_killed_under_ingest() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    let port = server.port;
    let acknowledged: Arc<Mutex<HashSet<String>>> = Arc::default();

    // Eight writers, alternating single statements and batches of ten, until the kill.
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let acknowledged = acknowledged.clone();
            std::thread::spawn(move || {
                for round in 0.. {
                    let ids: Vec<String> = (0..if (writer + round) % 2 == 0 { 1 } else { 10 })
                        .map(|_| fresh_id())
                        .collect();
                    let batch: Vec<Value> = ids.iter().map(|id| statement(id)).collect();
                    match xapi(port, "POST", "/xapi/statements", Some(&json!(batch))).0 {
                        200 => acknowledged.lock().expect("lock").extend(ids),
                        0 => return,
                        _ => {}
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(3));
    signal(&mut server, Signal::SIGKILL);
    wait_exit(&mut server);
    for writer in writers {
        let _ = writer.join();
    }
    wait_no_processes(&data_dir);
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 50,
        "ingest ran: {} acknowledged",
        acknowledged.len()
    );

    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    let stored_ids = all_ids(&server);
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored_ids.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged statements lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        lost.first()
    );
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success());
    wait_no_processes(&data_dir);
}

/// Every stored statement's id, following `more` links.
fn all_ids(server: &Server) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut path = "/xapi/statements?limit=1000".to_owned();
    loop {
        let (status, body) = xapi(server.port, "GET", &path, None);
        assert_eq!(status, 200, "{body}");
        let page: Value = serde_json::from_str(&body).expect("JSON");
        for statement in page["statements"].as_array().expect("statements") {
            ids.insert(statement["id"].as_str().expect("id").to_owned());
        }
        match page["more"].as_str() {
            Some(more) if !more.is_empty() => path = more.to_owned(),
            _ => return ids,
        }
    }
}

#[test]
fn re_sent_statements_leave_no_error_in_the_postgresql_log() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    let batch = json!([statement(&fresh_id()), statement(&fresh_id())]);
    let single = statement(&fresh_id());

    for _ in 0..20 {
        assert_eq!(
            xapi(server.port, "POST", "/xapi/statements", Some(&batch)).0,
            200
        );
        assert_eq!(
            xapi(server.port, "POST", "/xapi/statements", Some(&single)).0,
            200
        );
    }
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success());
    wait_no_processes(&data_dir);

    let log = std::fs::read_to_string(data_dir.join("postgres.log")).expect("postgres.log");
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    assert!(
        errors.is_empty(),
        "{} ERROR lines, e.g. {:?}",
        errors.len(),
        errors.first()
    );
}

/// Peak resident memory of a process, in MiB (`VmHWM`).
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .expect("VmHWM")
}

#[test]
fn large_bodies_with_an_unknown_key_cost_the_server_no_memory() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    let before = peak_rss_mib(server.child.id());

    // Forty 30 MB POSTs at once with a made-up key (before the fix: 80 MB -> 921 MB).
    let port = server.port;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let statuses: Vec<u16> = runtime.block_on(async move {
        let body = bytes::Bytes::from(vec![b'['; 30 * 1024 * 1024]);
        let client = reqwest::Client::new();
        let posts = (0..40).map(|_| {
            let request = client
                .post(format!("http://127.0.0.1:{port}/xapi/statements"))
                .basic_auth("no-such-key", Some("whatever"))
                .header("X-Experience-API-Version", "2.0.0")
                .header("Content-Type", "application/json")
                .body(body.clone());
            async move {
                match request.send().await {
                    Ok(response) => response.status().as_u16(),
                    // The server answered 401 and closed the connection before the client
                    // finished sending: the body was never read.
                    Err(_) => 401,
                }
            }
        });
        futures_util::future::join_all(posts).await
    });
    let after = peak_rss_mib(server.child.id());
    eprintln!("peak RSS of the server: {before:.0} MiB before, {after:.0} MiB after");

    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert!(
        after - before < 100.0,
        "peak memory grew from {before:.0} MiB to {after:.0} MiB"
    );
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success());
    wait_no_processes(&data_dir);
}
