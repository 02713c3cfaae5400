//! Finding the PostgreSQL server binaries installed on this machine.
//!
//! Client packages often put `psql` and `pg_config` on `PATH` while the server binaries live in a
//! versioned folder (Debian: `/usr/lib/postgresql/15/bin`), so `PATH` alone is not enough.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Programs a directory must hold to be usable.
const REQUIRED: [&str; 2] = ["initdb", "postgres"];

/// Where the server binaries were looked for, for the error message when none are found.
#[derive(Debug)]
pub struct NotFound {
    pub searched: Vec<PathBuf>,
}

/// Finds a directory holding `initdb` and `postgres`: the explicit override, then `PATH`, then
/// `pg_config --bindir`, then the usual distribution folders, highest version first. When
/// `want_major` is given (an existing cluster's version), a directory of that major version is
/// preferred, since a cluster only runs on the binaries of its own major version.
pub fn find_bin_dir(explicit: Option<&Path>, want_major: Option<u32>) -> Result<PathBuf, NotFound> {
    let candidates = explicit
        .map(|p| vec![p.to_path_buf()])
        .unwrap_or_else(default_candidates);
    let (usable, searched): (Vec<PathBuf>, Vec<PathBuf>) = candidates
        .into_iter()
        .partition(|dir| is_server_bin_dir(dir));
    let preferred = want_major.and_then(|major| {
        usable
            .iter()
            .find(|dir| binaries_major(dir) == Some(major))
            .cloned()
    });
    preferred
        .or_else(|| usable.into_iter().next())
        .ok_or(NotFound { searched })
}

/// The major version of the server binaries in `bin_dir` (`postgres --version`).
pub fn binaries_major(bin_dir: &Path) -> Option<u32> {
    let out = Command::new(bin_dir.join("postgres"))
        .arg("--version")
        .output()
        .ok()?;
    // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(2)?;
    version.split('.').next()?.parse().ok()
}

fn default_candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    // `initdb` on PATH, resolved through symlinks so that `postgres` is looked for beside the
    // real binary (distributions link only some programs into /usr/bin).
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let initdb = dir.join("initdb");
            if initdb.is_file() {
                if let Some(parent) = std::fs::canonicalize(&initdb)
                    .ok()
                    .and_then(|real| real.parent().map(Path::to_path_buf))
                {
                    dirs.push(parent);
                }
                dirs.push(dir);
            }
        }
    }
    if let Some(dir) = pg_config_bindir() {
        dirs.push(dir);
    }
    dirs.extend(versioned_dirs("/usr/lib/postgresql", "", "bin"));
    dirs.extend(versioned_dirs("/usr/", "pgsql-", "bin"));
    dirs.extend(versioned_dirs("/opt/homebrew/opt", "postgresql@", "bin"));
    dirs.extend(versioned_dirs("/usr/local/opt", "postgresql@", "bin"));
    dirs.push(PathBuf::from("/usr/local/pgsql/bin"));
    dirs.push(PathBuf::from("/opt/homebrew/bin"));
    dirs.dedup();
    dirs
}

fn pg_config_bindir() -> Option<PathBuf> {
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let dir = text.trim();
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

/// Subfolders of `root` named `<prefix><version>`, highest version first, each joined with `sub`.
fn versioned_dirs(root: &str, prefix: &str, sub: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u32>, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let version = name.strip_prefix(prefix)?;
            let key = version_key(version)?;
            Some((key, entry.path().join(sub)))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, path)| path).collect()
}

/// "15" -> [15], "9.6" -> [9, 6]; None for names that are not versions.
fn version_key(version: &str) -> Option<Vec<u32>> {
    version.split('.').map(|part| part.parse().ok()).collect()
}

/// Whether the server whose binaries are in `bin_dir` can load the loadable module `name`
/// (contrib modules sit in the `lib` directory beside `bin` in PostgreSQL's own layout and in
/// Debian's `/usr/lib/postgresql/<major>/`).
pub fn has_library(bin_dir: &Path, name: &str) -> bool {
    bin_dir
        .parent()
        .is_some_and(|root| root.join("lib").join(format!("{name}.so")).is_file())
}

fn is_server_bin_dir(dir: &Path) -> bool {
    REQUIRED
        .iter()
        .all(|program| is_executable(&dir.join(program)))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_numerically_not_lexically() {
        let mut keys = vec![version_key("9.6"), version_key("15"), version_key("10")];
        keys.sort();
        keys.reverse();
        assert_eq!(
            keys,
            vec![Some(vec![15]), Some(vec![10]), Some(vec![9, 6])],
            "15 must come before 10 and 9.6"
        );
        assert_eq!(version_key("main"), None);
    }

    #[test]
    fn a_library_is_found_in_the_lib_directory_beside_bin() {
        let root = tempfile::tempdir().expect("tempdir");
        let bin = root.path().join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        assert!(!has_library(&bin, "pg_prewarm"));
        std::fs::create_dir_all(root.path().join("lib")).expect("lib");
        std::fs::write(root.path().join("lib/pg_prewarm.so"), b"").expect("library");
        assert!(has_library(&bin, "pg_prewarm"));
        assert!(!has_library(&bin, "pg_stat_statements"));
    }

    #[test]
    fn an_explicit_directory_without_binaries_is_reported() {
        let dir = std::env::temp_dir();
        let err = find_bin_dir(Some(&dir), None).expect_err("temp dir holds no postgres");
        assert_eq!(err.searched, vec![dir]);
    }
}
