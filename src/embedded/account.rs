//! The OS account that runs the embedded cluster.
//!
//! PostgreSQL refuses to start as root. When the LRS runs as root (containers, CI), the cluster
//! runs as an unprivileged user instead, and the directories it needs are handed over to that
//! user here.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, bail};
use nix::unistd::{Gid, Uid, User};

/// An unprivileged account the cluster runs as.
#[derive(Debug, Clone)]
pub struct Account {
    pub name: String,
    pub uid: Uid,
    pub gid: Gid,
}

/// The account to run PostgreSQL as: `None` when this process is not root (the cluster then
/// runs as the current user), else `explicit`, `postgres` or `nobody`, in that order.
pub fn server_account(explicit: Option<&str>) -> anyhow::Result<Option<Account>> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    let names: Vec<&str> = match explicit {
        Some(name) => vec![name],
        None => vec!["postgres", "nobody"],
    };
    for name in &names {
        if let Some(user) = User::from_name(name).context("reading the user database")? {
            if user.uid.is_root() {
                bail!("LRS_PG_USER={name} is root; PostgreSQL must run as an unprivileged user");
            }
            return Ok(Some(Account {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
            }));
        }
    }
    bail!(
        "running as root, but no unprivileged user to run PostgreSQL as (tried {}); \
         create one or set LRS_PG_USER",
        names.join(", ")
    )
}

/// Creates `dir` (and parents) if needed, gives it to `account` (recursively, only where the
/// owner differs) and sets `mode` on it.
pub fn prepare_dir(dir: &Path, account: Option<&Account>, mode: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    if let Some(account) = account {
        chown_tree(dir, account)?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting permissions on {}", dir.display()))?;
    Ok(())
}

fn chown_tree(path: &Path, account: &Account) -> anyhow::Result<()> {
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("reading metadata of {}", path.display()))?;
    if meta.uid() != account.uid.as_raw() || meta.gid() != account.gid.as_raw() {
        std::os::unix::fs::lchown(path, Some(account.uid.as_raw()), Some(account.gid.as_raw()))
            .with_context(|| format!("giving {} to {}", path.display(), account.name))?;
    }
    if meta.is_dir() {
        for entry in
            std::fs::read_dir(path).with_context(|| format!("listing {}", path.display()))?
        {
            chown_tree(&entry?.path(), account)?;
        }
    }
    Ok(())
}

/// Makes sure `account` can reach `dir` by adding search permission (`o+x`, not read) to any
/// ancestor it could not traverse, such as a `/root` with mode 0700.
pub fn ensure_traversable(dir: &Path, account: &Account) -> anyhow::Result<()> {
    let absolute = std::path::absolute(dir)?;
    for ancestor in absolute.ancestors().skip(1) {
        let meta = std::fs::metadata(ancestor)
            .with_context(|| format!("reading metadata of {}", ancestor.display()))?;
        let mode = meta.mode();
        let can_search = if meta.uid() == account.uid.as_raw() {
            mode & 0o100 != 0
        } else if meta.gid() == account.gid.as_raw() {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !can_search {
            tracing::warn!(
                dir = %ancestor.display(),
                user = %account.name,
                "adding search permission (o+x) so the PostgreSQL user can reach the data directory"
            );
            std::fs::set_permissions(
                ancestor,
                std::fs::Permissions::from_mode((mode & 0o7777) | 0o001),
            )
            .with_context(|| format!("adding o+x to {}", ancestor.display()))?;
        }
    }
    Ok(())
}
