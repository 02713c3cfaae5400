//! How much memory the embedded cluster gives its buffer cache.
//!
//! PostgreSQL's default `shared_buffers` is 128 MB, sized for a server that shares its machine
//! with everything else. The embedded cluster serves the LRS alone, so it takes what
//! PostgreSQL's documentation suggests for a dedicated server, a quarter of the memory (of the
//! container's limit when there is one), between 128 MB and 8 GB. It matters more than usual on
//! machines that reclaim the page cache eagerly: there a statement page outside shared buffers
//! is a disk read (measured: GET by agent 8 ms at the median on a cold million-statement store,
//! 1.5 ms once its pages are cached).

/// `shared_buffers` as PostgreSQL reads it ("2048MB"), or an override.
pub fn shared_buffers(configured: Option<&str>) -> String {
    match configured {
        Some(value) => value.to_owned(),
        None => format!(
            "{}MB",
            quarter_of(memory_total(), cgroup_limit()) / (1024 * 1024)
        ),
    }
}

const MIN: u64 = 128 * 1024 * 1024;
const MAX: u64 = 8 * 1024 * 1024 * 1024;

/// A quarter of the usable memory, clamped to [128 MB, 8 GB]; 128 MB when nothing is known.
fn quarter_of(total: Option<u64>, limit: Option<u64>) -> u64 {
    let usable = match (total, limit) {
        (Some(t), Some(l)) => t.min(l),
        (Some(m), None) | (None, Some(m)) => m,
        (None, None) => return MIN,
    };
    (usable / 4).clamp(MIN, MAX)
}

/// `MemTotal` from /proc/meminfo, in bytes.
fn memory_total() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The cgroup v2 (or v1) memory limit of this process, in bytes, when one is set.
fn cgroup_limit() -> Option<u64> {
    [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|path| std::fs::read_to_string(path).ok())
    .and_then(|text| text.trim().parse::<u64>().ok())
    // cgroup v1 says "no limit" with a huge number.
    .filter(|&bytes| bytes < u64::MAX / 4)
}

/// Accepts what PostgreSQL accepts for a memory setting: a whole number with an optional unit.
pub fn valid_setting(text: &str) -> bool {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && ["", "kB", "MB", "GB", "TB"].contains(&&text[digits..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1024 * 1024 * 1024;

    #[test]
    fn a_quarter_of_the_smaller_of_the_machine_and_the_container() {
        assert_eq!(quarter_of(Some(24 * GIB), None), 6 * GIB);
        assert_eq!(quarter_of(Some(24 * GIB), Some(4 * GIB)), GIB);
        assert_eq!(quarter_of(None, Some(2 * GIB)), GIB / 2);
    }

    #[test]
    fn never_below_the_postgresql_default_nor_above_8_gb() {
        assert_eq!(quarter_of(Some(GIB / 4), None), MIN);
        assert_eq!(quarter_of(Some(256 * GIB), None), MAX);
        assert_eq!(quarter_of(None, None), MIN);
    }

    #[test]
    fn an_override_is_passed_through_and_the_default_is_in_megabytes() {
        assert_eq!(shared_buffers(Some("512MB")), "512MB");
        let default = shared_buffers(None);
        assert!(
            default.ends_with("MB") && valid_setting(&default),
            "{default}"
        );
    }

    #[test]
    fn memory_settings_are_checked_like_postgresql_does() {
        for ok in ["128MB", "2GB", "16384", "65536kB"] {
            assert!(valid_setting(ok), "{ok}");
        }
        for bad in ["", "MB", "2 GB", "2gb", "-1", "1.5GB"] {
            assert!(!valid_setting(bad), "{bad}");
        }
    }
}
