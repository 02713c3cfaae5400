//! The `lrs` binary itself: the embedded default from start to stop, crash recovery, and the
//! non-root path. These start real processes, each with its own data directory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub(crate) const KEY: &str = "proc-admin";
pub(crate) const SECRET: &str = "proc-secret-1";

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
}

impl Drop for Server {
    /// A failed assertion must not leave the server running (it would hold its cluster).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `lrs serve` on `data_dir`, on a port the server picks itself (`start` reads it from the
/// log): a port chosen here and released before the server binds it could be taken meanwhile
/// by another test's server, which then answered this test's health check.
pub(crate) fn lrs_command(binary: &Path, data_dir: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("serve")
        .env_remove("DATABASE_URL")
        .env("LRS_BIND", "127.0.0.1:0")
        .env("LRS_DATA_DIR", data_dir)
        .env("LRS_ADMIN_KEY", KEY)
        .env("LRS_ADMIN_SECRET", SECRET)
        .env("LRS_LOG", "warn,lrs::startup=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    command
}

/// The port of the "LRS listening" line of this start (the log is appended to by each start).
fn listening_port(log: &str) -> Option<u16> {
    let line = log.lines().find(|l| l.contains("LRS listening"))?;
    let digits: String = line
        .split("port=")
        .nth(1)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

pub(crate) fn start(command: &mut Command, data_dir: &Path) -> Server {
    let log_path = data_dir.with_extension("log");
    let log = std::fs::File::options()
        .create(true)
        .append(true)
        .open(&log_path)
        .expect("server log");
    let earlier = log.metadata().map_or(0, |m| m.len() as usize);
    let child = command.stderr(log).spawn().expect("spawn lrs");
    // Port 0 until the server has logged the one it bound.
    let mut server = Server { child, port: 0 };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "lrs exited during start-up ({status}):\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        if server.port == 0 {
            let text = std::fs::read(&log_path).unwrap_or_default();
            let this_start = String::from_utf8_lossy(text.get(earlier..).unwrap_or_default());
            server.port = listening_port(&this_start).unwrap_or(0);
        }
        if server.port != 0 && get(&server, "/health", None).0 == 200 {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "lrs did not become healthy in 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A blocking GET (the process tests need no async runtime): (status, body).
pub(crate) fn get(server: &Server, path: &str, auth: Option<(&str, &str)>) -> (u16, String) {
    request(server, "GET", path, auth, None)
}

pub(crate) fn request(
    server: &Server,
    method: &str,
    path: &str,
    auth: Option<(&str, &str)>,
    body: Option<&str>,
) -> (u16, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = reqwest::Client::new();
        let mut builder = client.request(
            method.parse().expect("method"),
            format!("http://127.0.0.1:{}{path}", server.port),
        );
        if let Some((key, secret)) = auth {
            builder = builder.basic_auth(key, Some(secret));
        }
        if let Some(body) = body {
            builder = builder
                .header("content-type", "application/json")
                .body(body.to_owned());
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

pub(crate) fn signal(server: &mut Server, signal: Signal) {
    kill(Pid::from_raw(server.child.id() as i32), signal).expect("signal lrs");
}

pub(crate) fn wait_exit(server: &mut Server) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return status;
        }
        assert!(Instant::now() < deadline, "lrs did not exit in 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every process: its pid and its command line (arguments joined by spaces).
pub(crate) fn processes() -> Vec<(i32, String)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_string_lossy().parse::<i32>().ok())
        .filter_map(|pid| {
            let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            Some((pid, String::from_utf8_lossy(&raw).replace('\0', " ")))
        })
        .collect()
}

/// PIDs of processes whose command line mentions `dir` (our postmaster and its children).
pub(crate) fn processes_using(dir: &Path) -> Vec<i32> {
    let needle = dir.to_string_lossy().into_owned();
    processes()
        .into_iter()
        .filter(|(_, cmdline)| cmdline.contains(&needle))
        .map(|(pid, _)| pid)
        .collect()
}

pub(crate) fn wait_no_processes(dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !processes_using(dir).is_empty() {
        assert!(
            Instant::now() < deadline,
            "processes still use {}: {:?}",
            dir.display(),
            processes_using(dir)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Backends of the postmaster `postmaster` serving the `lrs` database as user `lrs`: the
/// LRS's connections (their command line is rewritten to "postgres: lrs lrs [local] ...").
fn lrs_backends(postmaster: i32) -> usize {
    let parent = |pid: i32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
        let after_comm = stat.rsplit_once(')')?.1;
        after_comm.split_whitespace().nth(1)?.parse::<i32>().ok()
    };
    processes()
        .into_iter()
        .filter(|(pid, cmdline)| {
            cmdline.starts_with("postgres: lrs lrs") && parent(*pid) == Some(postmaster)
        })
        .count()
}

pub(crate) fn postmaster_pid(data_dir: &Path) -> i32 {
    std::fs::read_to_string(data_dir.join("pg/postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next().and_then(|l| l.trim().parse().ok()))
        .expect("postmaster.pid")
}

pub(crate) fn scratch_dir(name: &str) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::Builder::new()
        .prefix("lrs-proc-")
        .tempdir()
        .expect("tempdir");
    let dir = root.path().join(name);
    (root, dir)
}

#[test]
fn the_embedded_default_survives_sigterm_and_kill_9_with_its_data() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    // First start: creates the cluster; bootstrap credential works, a wrong secret does not.
    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    let (status, about) = get(&server, "/xapi/about", None);
    assert_eq!(status, 200);
    assert!(about.contains("2.0.0"));
    assert_eq!(
        get(&server, "/admin/credentials", Some((KEY, SECRET))).0,
        200
    );
    assert_eq!(
        get(&server, "/admin/credentials", Some((KEY, "wrong"))).0,
        401
    );
    let (status, _) = request(
        &server,
        "POST",
        "/admin/credentials",
        Some((KEY, SECRET)),
        Some(r#"{"name": "persisted", "scopes": ["all"], "key": "persisted-key"}"#),
    );
    assert_eq!(status, 201);

    // SIGTERM: the server and its cluster stop, leaving no process behind.
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success(), "clean exit on SIGTERM");
    wait_no_processes(&data_dir);
    assert!(
        !data_dir.join("pg/postmaster.pid").exists(),
        "clean shutdown"
    );
    // pg_prewarm's autoprewarm is loaded: at shutdown it records the cached pages, to read
    // them back at the next start.
    assert!(
        data_dir.join("pg/autoprewarm.blocks").exists(),
        "autoprewarm wrote its block list at shutdown"
    );

    // Second start: the data is still there. Then kill -9 both the server and its cluster.
    // The pool's connections are open before the first request: 12 is more than the
    // background tasks and one request would open.
    let mut server = start(
        lrs_command(&binary, &data_dir).env("LRS_DB_POOL_MIN", "12"),
        &data_dir,
    );
    let backends = lrs_backends(postmaster_pid(&data_dir));
    assert!(
        backends >= 12,
        "LRS_DB_POOL_MIN=12 opens 12 connections at start, found {backends}"
    );
    assert!(
        get(&server, "/admin/credentials", Some((KEY, SECRET)))
            .1
            .contains("persisted-key")
    );
    let postmaster = postmaster_pid(&data_dir);
    signal(&mut server, Signal::SIGKILL);
    let _ = kill(Pid::from_raw(postmaster), Signal::SIGKILL);
    wait_exit(&mut server);
    wait_no_processes(&data_dir);
    assert!(
        data_dir.join("pg/postmaster.pid").exists(),
        "a stale lock file is left"
    );

    // Third start: recovers from the stale lock file, data intact.
    let mut server = start(&mut lrs_command(&binary, &data_dir), &data_dir);
    assert!(
        get(&server, "/admin/credentials", Some((KEY, SECRET)))
            .1
            .contains("persisted-key")
    );
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success());
    wait_no_processes(&data_dir);
}

#[test]
fn a_second_server_on_the_same_data_dir_is_refused() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let mut first = start(&mut lrs_command(&binary, &data_dir), &data_dir);

    let second = lrs_command(&binary, &data_dir)
        .stderr(Stdio::piped())
        .output()
        .expect("run a second lrs");

    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(message.contains("already serving"), "{message}");
    signal(&mut first, Signal::SIGTERM);
    assert!(wait_exit(&mut first).success());
    wait_no_processes(&data_dir);
}

#[test]
fn without_postgres_binaries_the_error_names_both_fixes() {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_lrs"));
    let (_root, data_dir) = scratch_dir("data");
    let empty = tempfile::tempdir().expect("tempdir");

    let output = lrs_command(&binary, &data_dir)
        .env("LRS_PG_BIN_DIR", empty.path())
        .stderr(Stdio::piped())
        .output()
        .expect("run lrs");

    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("install PostgreSQL"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
}

/// PostgreSQL refuses to run as root, so the root path (cluster run as another user) and the
/// ordinary-user path differ. Whichever user runs the tests, this also runs the other one when
/// it can: as root, the binary is started as `nobody`.
#[test]
fn the_embedded_default_also_runs_as_an_ordinary_user() {
    if !nix::unistd::Uid::effective().is_root() {
        // The whole suite already runs as an ordinary user.
        return;
    }
    let Some(nobody) = nix::unistd::User::from_name("nobody").ok().flatten() else {
        return;
    };
    use std::os::unix::fs::{PermissionsExt, chown};
    use std::os::unix::process::CommandExt;
    let (root, data_dir) = scratch_dir("data");
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    chown(
        root.path(),
        Some(nobody.uid.as_raw()),
        Some(nobody.gid.as_raw()),
    )
    .expect("chown");
    // A copy of the binary the unprivileged user can surely execute.
    let binary = root.path().join("lrs");
    std::fs::copy(env!("CARGO_BIN_EXE_lrs"), &binary).expect("copy binary");
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let mut command = lrs_command(&binary, &data_dir);
    command
        .uid(nobody.uid.as_raw())
        .gid(nobody.gid.as_raw())
        .env("HOME", root.path());
    let log = data_dir.with_extension("log");
    std::fs::write(&log, "").expect("log");
    chown(&log, Some(nobody.uid.as_raw()), None).expect("chown log");
    let mut server = start(&mut command, &data_dir);

    assert_eq!(
        get(&server, "/admin/credentials", Some((KEY, SECRET))).0,
        200
    );
    let owner = std::os::unix::fs::MetadataExt::uid(
        &std::fs::metadata(data_dir.join("pg")).expect("pg dir"),
    );
    assert_eq!(
        owner,
        nobody.uid.as_raw(),
        "the cluster belongs to the ordinary user"
    );
    signal(&mut server, Signal::SIGTERM);
    assert!(wait_exit(&mut server).success());
    wait_no_processes(&data_dir);
}
