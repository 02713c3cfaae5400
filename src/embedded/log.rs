//! The embedded cluster's server log, rotated by size.
//!
//! PostgreSQL's output goes through a pipe to a thread of the LRS that appends it to
//! `postgres.log` and, past [`MAX_BYTES`], renames it to `postgres.log.1` (the older ones
//! shifting up to `.{KEEP}`, the oldest dropped): the log of a long-running LRS stays under
//! `(KEEP + 1) * MAX_BYTES` whatever PostgreSQL writes. (PostgreSQL's own collector rotates by
//! size only into new file names, which it never removes.)

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;

/// Size at which `postgres.log` is rotated.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Rotated files kept beside the current one.
pub const KEEP: u32 = 4;

/// An append-only log file rotated by size, shared by the threads that copy each server
/// start's output into it.
#[derive(Clone)]
pub struct RotatingLog {
    inner: Arc<Mutex<Current>>,
}

struct Current {
    path: PathBuf,
    file: File,
    size: u64,
    max_bytes: u64,
}

impl RotatingLog {
    pub fn open(path: &Path) -> anyhow::Result<RotatingLog> {
        RotatingLog::open_with(path, MAX_BYTES)
    }

    fn open_with(path: &Path, max_bytes: u64) -> anyhow::Result<RotatingLog> {
        let file = append(path)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(RotatingLog {
            inner: Arc::new(Mutex::new(Current {
                path: path.to_owned(),
                file,
                size,
                max_bytes,
            })),
        })
    }

    /// A pipe whose write end is handed to a child process as its stdout and stderr, and a
    /// thread that copies what comes out of it into the log until every writer has closed it.
    pub fn pipe(&self) -> anyhow::Result<(std::process::Stdio, std::process::Stdio)> {
        let (mut reader, writer) = std::io::pipe().context("creating the server log pipe")?;
        let stderr = writer.try_clone().context("creating the server log pipe")?;
        let log = self.clone();
        std::thread::Builder::new()
            .name("postgres-log".into())
            .spawn(move || {
                let mut buffer = vec![0u8; 64 * 1024];
                loop {
                    match reader.read(&mut buffer) {
                        Ok(0) => return,
                        Ok(n) => log.write(&buffer[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => return,
                    }
                }
            })
            .context("starting the server log thread")?;
        Ok((writer.into(), stderr.into()))
    }

    fn write(&self, bytes: &[u8]) {
        let mut current = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // A full disk loses log lines rather than stopping the server.
        if current.file.write_all(bytes).is_ok() {
            current.size += bytes.len() as u64;
        }
        // Rotate at a line's end, so that a line is never split across two files.
        if current.size >= current.max_bytes && bytes.ends_with(b"\n") {
            current.rotate();
        }
    }
}

impl Current {
    fn rotate(&mut self) {
        let numbered = |n: u32| {
            let mut name = self.path.clone().into_os_string();
            name.push(format!(".{n}"));
            PathBuf::from(name)
        };
        let _ = std::fs::remove_file(numbered(KEEP));
        for n in (1..KEEP).rev() {
            let _ = std::fs::rename(numbered(n), numbered(n + 1));
        }
        if std::fs::rename(&self.path, numbered(1)).is_err() {
            return;
        }
        if let Ok(file) = append(&self.path) {
            self.file = file;
            self.size = 0;
        }
    }
}

fn append(path: &Path) -> anyhow::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_rotates_by_size_and_keeps_a_bounded_number_of_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("postgres.log");
        let log = RotatingLog::open_with(&path, 100).expect("open");
        let line = format!("{}\n", "x".repeat(59));
        for _ in 0..100 {
            log.write(line.as_bytes());
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "postgres.log",
                "postgres.log.1",
                "postgres.log.2",
                "postgres.log.3",
                "postgres.log.4"
            ]
        );
        for name in &names {
            let size = std::fs::metadata(dir.path().join(name))
                .expect("size")
                .len();
            assert!(size <= 120, "{name}: {size} bytes");
            let text = std::fs::read_to_string(dir.path().join(name)).expect("text");
            assert!(text.lines().all(|l| l.len() == 59), "whole lines only");
        }
    }

    #[test]
    fn a_child_process_writes_through_the_pipe() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("postgres.log");
        let log = RotatingLog::open(&path).expect("open");
        let (stdout, stderr) = log.pipe().expect("pipe");
        let status = std::process::Command::new("sh")
            .args(["-c", "echo out; echo err >&2"])
            .stdout(stdout)
            .stderr(stderr)
            .status()
            .expect("run sh");
        assert!(status.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.contains("out\n") && text.contains("err\n") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "log: {text:?}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
