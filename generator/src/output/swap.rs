//! Replacing the whole output directory in one step, so that a crash at any moment
//! leaves either the previous output or the new one, never a mix.
//!
//! The new generation is built in a staging directory beside `out`
//! (`.NAME.docbind-staging.PID`): every file of `out` that stays as it is becomes a
//! hard link there (same inode, so its mtime is kept and cargo rebuilds nothing for
//! it), the changed files are written new, the removed ones are left out, and the
//! manifest is written last. Then one `renameat2(RENAME_EXCHANGE)` swaps the two
//! directories, and the staging directory, which now holds the previous generation,
//! is deleted. Files in `out` that docbind did not write are linked too, so they are
//! kept.
//!
//! A crash before the exchange leaves `out` untouched; after it, `out` is complete.
//! Either way a staging directory may be left behind; the next write removes it.
//! Where this cannot work (not Linux, a file system without the exchange or hard
//! links, `out` a symbolic link or without a parent, special files in `out`), the
//! caller falls back to replacing files one by one (see the module docs of
//! [`output`](super)).

use super::{WriteReport, MANIFEST};
use crate::Error;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`replace_dir`] was asked to do.
pub(super) struct Plan<'a> {
    /// Every produced file (relative path with `/` → contents).
    pub files: &'a BTreeMap<String, String>,
    /// The produced files whose contents differ from those in `out` (or are missing).
    pub changed: &'a BTreeSet<&'a str>,
    /// Files of the previous manifest that are no longer produced.
    pub removed: &'a BTreeSet<&'a str>,
    /// The new manifest's text.
    pub manifest: &'a str,
}

/// Whether [`replace_dir`] did the work.
pub(super) enum Outcome {
    Done(WriteReport),
    /// Not possible here; nothing was changed and nothing is left behind.
    Unsupported,
}

/// A step at which the tests make the write stop as a crash would (`Crash*`: no
/// clean-up) or fail (`Fail`: an error, cleaned up). `Fail` and `CrashBefore` stop
/// before the exchange, `CrashAfter` after it. Never set outside the tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    Fail,
    CrashBefore,
    CrashAfter,
}

#[cfg(test)]
thread_local! {
    pub(super) static STOP: std::cell::Cell<Option<Stop>> = const { std::cell::Cell::new(None) };
}

#[cfg(test)]
fn stop_at(step: Stop) -> bool {
    STOP.with(|s| s.get() == Some(step))
}

#[cfg(not(test))]
fn stop_at(_: Stop) -> bool {
    false
}

/// Where the staging directories of `out` go, and the prefix of their names.
fn staging_prefix(out: &Path) -> Option<(PathBuf, String)> {
    let name = out.file_name()?.to_str()?;
    let parent = match out.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return None,
    };
    Some((parent.to_path_buf(), format!(".{name}.docbind-staging.")))
}

/// Removes staging directories that earlier runs on `out` left behind (a crash, or a
/// failed clean-up); nothing when there are none or `out` has no parent.
/// Best effort: what cannot be removed now is tried again next time, and a new
/// staging directory never has the name of an old one (it carries the pid).
pub(super) fn clean_up(out: &Path) {
    let Some((parent, prefix)) = staging_prefix(out) else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let is_leftover = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(&prefix));
        if is_leftover && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Brings `out` to the plan's contents in one step (see the module docs).
pub(super) fn replace_dir(out: &Path, plan: &Plan<'_>) -> Result<Outcome, Error> {
    if !cfg!(target_os = "linux") {
        return Ok(Outcome::Unsupported);
    }
    let existing = match fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => return Ok(Outcome::Unsupported), // a symbolic link: write through it in place
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(out, e)),
    };
    let Some((parent, prefix)) = staging_prefix(out) else {
        return Ok(Outcome::Unsupported);
    };
    if !existing {
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    }
    let mut staging = Staging {
        path: parent.join(format!("{prefix}{}", std::process::id())),
        keep: false,
    };
    if !build(out, existing, &staging.path, plan)? {
        return Ok(Outcome::Unsupported);
    }
    if stop_at(Stop::Fail) {
        return Err(Error::Internal("stopped before the exchange (test)".into()));
    }
    if stop_at(Stop::CrashBefore) {
        staging.keep = true;
        return Ok(Outcome::Done(WriteReport::default()));
    }
    if existing {
        if let Err(e) = exchange(&staging.path, out) {
            return if cannot_exchange(&e) {
                Ok(Outcome::Unsupported)
            } else {
                Err(Error::io(out, e))
            };
        }
    } else {
        fs::rename(&staging.path, out).map_err(|e| Error::io(out, e))?;
    }
    // After the exchange the staging directory holds the previous generation.
    staging.keep = stop_at(Stop::CrashAfter);
    Ok(Outcome::Done(report(plan)))
}

/// The staging directory: removed when this goes out of scope, whether the write
/// failed, fell back or is done (then it holds the previous generation), unless
/// `keep` (a crash, simulated by the tests). What fails to go now goes on the next
/// run ([`clean_up`]).
struct Staging {
    path: PathBuf,
    keep: bool,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Errors of the exchange that mean it cannot be done here, rather than a failure:
/// no such call or flag on this kernel or file system (`EINVAL`, `ENOSYS`,
/// `EOPNOTSUPP`), or `--out` a mount point (`EXDEV`, `EBUSY`).
#[cfg(target_os = "linux")]
fn cannot_exchange(e: &io::Error) -> bool {
    use rustix::io::Errno;
    let unsupported = [
        Errno::INVAL,
        Errno::NOSYS,
        Errno::OPNOTSUPP,
        Errno::XDEV,
        Errno::BUSY,
    ];
    e.raw_os_error()
        .is_some_and(|code| unsupported.iter().any(|x| x.raw_os_error() == code))
}

#[cfg(not(target_os = "linux"))]
fn cannot_exchange(_: &io::Error) -> bool {
    true
}

fn report(plan: &Plan<'_>) -> WriteReport {
    WriteReport {
        written: plan.changed.iter().map(|s| s.to_string()).collect(),
        unchanged: plan.files.len() - plan.changed.len(),
        removed: plan.removed.iter().map(|s| s.to_string()).collect(),
    }
}

/// Fills the staging directory: `Ok(false)` when something here rules the exchange
/// out (then the caller removes the staging directory and writes in place).
fn build(out: &Path, existing: bool, staging: &Path, plan: &Plan<'_>) -> Result<bool, Error> {
    match fs::create_dir(staging) {
        Ok(()) => {}
        // The parent is not ours to write: `out` itself may still be.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            return Ok(false)
        }
        Err(e) => return Err(Error::io(staging, e)),
    }
    // A manifest that stays the same is linked like any unchanged file.
    let manifest_same =
        existing && fs::read(out.join(MANIFEST)).is_ok_and(|old| old == plan.manifest.as_bytes());
    if existing {
        let skip: BTreeSet<&str> = plan
            .changed
            .iter()
            .chain(plan.removed)
            .copied()
            .chain((!manifest_same).then_some(MANIFEST))
            .collect();
        if !mirror(out, staging, "", &skip)? {
            return Ok(false);
        }
    }
    // The changed files, in parallel; their directories first.
    let dirs: BTreeSet<&str> = plan
        .changed
        .iter()
        .filter_map(|rel| rel.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    for dir in dirs {
        let path = staging.join(dir);
        fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    }
    let written: Vec<Result<(), Error>> = plan
        .changed
        .par_iter()
        .map(|rel| {
            let path = staging.join(rel);
            let contents = plan.files.get(*rel).map_or("", String::as_str);
            fs::write(&path, contents).map_err(|e| Error::io(&path, e))
        })
        .collect();
    written.into_iter().collect::<Result<(), Error>>()?;
    // Directories that only held removed files go with them.
    for rel in plan.removed {
        let mut dir = Path::new(rel).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if fs::remove_dir(staging.join(d)).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    if !manifest_same {
        let manifest = staging.join(MANIFEST);
        fs::write(&manifest, plan.manifest).map_err(|e| Error::io(&manifest, e))?;
    }
    Ok(true)
}

/// Recreates directory `rel` of `out` in `staging`: sub-directories with their
/// permissions, symbolic links as links, every file not in `skip` as a hard link.
/// `Ok(false)` for what cannot be carried over (a special file, no hard links).
fn mirror(out: &Path, staging: &Path, rel: &str, skip: &BTreeSet<&str>) -> Result<bool, Error> {
    let from = out.join(rel);
    let to = staging.join(rel);
    let permissions = fs::metadata(&from)
        .map_err(|e| Error::io(&from, e))?
        .permissions();
    if !rel.is_empty() {
        fs::create_dir(&to).map_err(|e| Error::io(&to, e))?;
    }
    let entries = fs::read_dir(&from).map_err(|e| Error::io(&from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&from, e))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            return Ok(false); // a name that is not UTF-8: leave it to the in-place path
        };
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if kind.is_dir() {
            if !mirror(out, staging, &child, skip)? {
                return Ok(false);
            }
        } else if kind.is_symlink() {
            if skip.contains(child.as_str()) {
                continue;
            }
            if !copy_symlink(&entry.path(), &staging.join(&child))? {
                return Ok(false);
            }
        } else if kind.is_file() {
            if skip.contains(child.as_str()) {
                continue;
            }
            let target = staging.join(&child);
            if let Err(e) = fs::hard_link(entry.path(), &target) {
                return match e.kind() {
                    io::ErrorKind::PermissionDenied
                    | io::ErrorKind::Unsupported
                    | io::ErrorKind::CrossesDevices
                    | io::ErrorKind::TooManyLinks => Ok(false),
                    _ => Err(Error::io(&target, e)),
                };
            }
        } else {
            return Ok(false);
        }
    }
    fs::set_permissions(&to, permissions).map_err(|e| Error::io(&to, e))?;
    Ok(true)
}

#[cfg(unix)]
fn copy_symlink(link: &Path, to: &Path) -> Result<bool, Error> {
    let target = fs::read_link(link).map_err(|e| Error::io(link, e))?;
    std::os::unix::fs::symlink(target, to).map_err(|e| Error::io(to, e))?;
    Ok(true)
}

#[cfg(not(unix))]
fn copy_symlink(_: &Path, _: &Path) -> Result<bool, Error> {
    Ok(false)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
