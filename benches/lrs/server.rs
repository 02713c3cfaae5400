//! The LRS under test: a release `lrs serve` on a fresh embedded cluster, or one given by URL,
//! and its memory.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static CREDENTIAL: OnceLock<(String, String)> = OnceLock::new();

/// Sets the credential every phase uses (once, from the command line).
pub fn set_credential(key: &str, secret: &str) {
    let _ = CREDENTIAL.set((key.to_owned(), secret.to_owned()));
}

pub fn key() -> &'static str {
    CREDENTIAL.get().map_or("bench", |c| c.0.as_str())
}

pub fn secret() -> &'static str {
    CREDENTIAL.get().map_or("bench-secret", |c| c.1.as_str())
}

pub struct Server {
    pub url: String,
    pub database_url: String,
    /// The LRS process, when known (always for a started one).
    pub pid: Option<u32>,
    /// The process this tool started; None for an LRS given by URL.
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The embedded cluster's socket directory (see `src/embedded/mod.rs`).
fn socket_dir(data_dir: &Path) -> PathBuf {
    let preferred = data_dir.join("run");
    if preferred.as_os_str().len() + "/.s.PGSQL.5432".len() <= 100 {
        return preferred;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    PathBuf::from(format!("/tmp/lrs-{}", &hex::encode(digest)[..16]))
}

impl Server {
    pub fn start(data_dir: Option<PathBuf>, pool_size: u32) -> anyhow::Result<Server> {
        let (dir, temp) = match data_dir {
            Some(dir) => (dir, None),
            None => {
                let temp = tempfile::Builder::new().prefix("lrs-bench-").tempdir()?;
                (temp.path().join("data"), Some(temp))
            }
        };
        let dir = std::path::absolute(dir)?;
        let port = free_port();
        let log = std::fs::File::create(dir.with_extension("log"))?;
        let child = Command::new(env!("CARGO_BIN_EXE_lrs"))
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env("LRS_BIND", format!("127.0.0.1:{port}"))
            .env("LRS_DATA_DIR", &dir)
            .env("LRS_ADMIN_KEY", key())
            .env("LRS_ADMIN_SECRET", secret())
            // `BENCH_SERVER_LOG` (e.g. `warn,lrs::http::request_log=info`, which logs each
            // request's `elapsed_ms`) goes to `<data dir>.log`.
            .env(
                "LRS_LOG",
                std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("LRS_DB_POOL_SIZE", pool_size.to_string())
            // Scheduled retraining is a daily job whose first check comes ten minutes after
            // start: in a run of this length it would train a model in the middle of whichever
            // phase was running then. The learner-list phase trains its model explicitly.
            .env("LRS_ANALYTICS_RETRAIN_HOURS", "0")
            .env(
                "LRS_ANALYTICS_WORKER",
                std::env::var("BENCH_WORKER").unwrap_or_else(|_| "true".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        let server = Server {
            url: format!("http://127.0.0.1:{port}"),
            database_url: format!(
                "postgres://lrs@localhost/lrs?host={}",
                socket_dir(&dir).display()
            ),
            pid: Some(child.id()),
            child: Some(child),
            _dir: temp,
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let healthy = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            if healthy {
                return Ok(server);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the LRS did not start; see {}",
                dir.with_extension("log").display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A running LRS: nothing is started or stopped.
    pub fn external(url: &str, database_url: &str, pid: Option<u32>) -> Server {
        Server {
            url: url.trim_end_matches('/').to_owned(),
            database_url: database_url.to_owned(),
            pid,
            child: None,
            _dir: None,
        }
    }

    /// Resident memory of the LRS process now and at its peak, in MiB (None when its process
    /// is not known).
    pub fn memory(&self) -> Option<(f64, f64)> {
        let pid = self.pid?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        Some((field("VmRSS:"), field("VmHWM:")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
            let _ = child.wait();
        }
    }
}
