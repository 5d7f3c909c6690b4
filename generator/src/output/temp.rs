//! Temporary files: every new content is written to `.NAME.PID-N.docbind-tmp` in the
//! directory of its target and renamed over it, so each file is replaced atomically
//! (a reader sees the old text or the new one, and an open file or a process whose
//! working directory is in `out` keeps working). A crash can leave temporary files
//! behind; the next write removes them ([`remove_leftovers`]).

use crate::Error;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

const SUFFIX: &str = ".docbind-tmp";

/// Whether `name` is one of the temporary files this module makes.
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(SUFFIX)
}

/// A new content waiting beside its target.
pub(super) struct Temp {
    /// The relative path of the target (with `/`).
    pub rel: String,
    pub temp: PathBuf,
    pub target: PathBuf,
}

impl Temp {
    /// Renames the temporary file over its target; on failure it is removed.
    pub fn rename(&self) -> Result<(), Error> {
        fs::rename(&self.temp, &self.target).map_err(|e| {
            let _ = fs::remove_file(&self.temp);
            Error::io(&self.target, e)
        })
    }
}

/// Temporary files written so far and the directories created for them.
#[derive(Default)]
pub(super) struct Staged {
    pub temps: Vec<Temp>,
    /// In order of creation (parents first).
    pub created_dirs: Vec<PathBuf>,
}

impl Staged {
    /// Removes the temporary files and the directories made for them (if empty).
    pub fn roll_back(self) {
        for t in &self.temps {
            let _ = fs::remove_file(&t.temp);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }

    /// Writes every `(rel, target, contents)` to a temporary file beside its target
    /// (in parallel), creating the missing directories. Every temporary file made is
    /// recorded, so that on an error (the first in plan order is reported)
    /// [`Staged::roll_back`] removes all of them.
    pub fn stage(&mut self, out: &Path, plan: &[(&str, PathBuf, &[u8])]) -> Result<(), Error> {
        let mut dirs_done = BTreeSet::new();
        for (_, target, _) in plan {
            let dir = target.parent().unwrap_or(out);
            if dirs_done.insert(dir) {
                create_dirs(dir, &mut self.created_dirs)?;
            }
        }
        let pid = std::process::id();
        let temps: Vec<Result<PathBuf, Error>> = plan
            .par_iter()
            .map(|(_, target, contents)| write_temp(target, contents, pid))
            .collect();
        let mut first_error = None;
        for ((rel, target, _), temp) in plan.iter().zip(temps) {
            match temp {
                Ok(temp) => self.temps.push(Temp {
                    rel: rel.to_string(),
                    temp,
                    target: target.clone(),
                }),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Creates `dir` and its missing ancestors, recording each one created.
pub(super) fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        match fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io(&d, e)),
        }
    }
    Ok(())
}

/// Writes `contents` to a new temporary file beside `target` and returns its path.
fn write_temp(target: &Path, contents: &[u8], pid: u32) -> Result<PathBuf, Error> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 0u32.. {
        let temp = dir.join(format!(".{name}.{pid}-{n}{SUFFIX}"));
        let mut file = match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io(&temp, e)),
        };
        // No fsync: it made writing a large crate take many times longer than making
        // it (milliseconds per file), and generated files can be made again. Each file
        // still appears whole (rename).
        if let Err(e) = file.write_all(contents) {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(Error::io(&temp, e));
        }
        return Ok(temp);
    }
    Err(Error::Internal(format!(
        "no free temporary file name beside {}",
        target.display()
    )))
}

/// Replaces one file atomically (temporary file + rename).
pub(super) fn replace_file(target: &Path, contents: &[u8]) -> Result<(), Error> {
    let temp = write_temp(target, contents, std::process::id())?;
    fs::rename(&temp, target).map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::io(target, e)
    })
}

/// Removes the temporary files an interrupted write left in `dirs` (each inside
/// `out`, or `out` itself), then those of the directories that are left empty by it.
/// Only files with the temporary name are removed, never a directory; a directory
/// that does not exist is skipped.
pub(super) fn remove_leftovers<'a>(
    out: &Path,
    dirs: impl IntoIterator<Item = &'a Path>,
) -> Result<(), Error> {
    for dir in dirs {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(dir, e)),
        };
        let mut removed = false;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let temp = entry.file_name().to_str().is_some_and(is_temp_name);
            if temp && !entry.file_type().is_ok_and(|t| t.is_dir()) {
                let path = entry.path();
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                removed = true;
            }
        }
        if removed {
            prune_empty_dirs(out, &dir.join("x"));
        }
    }
    Ok(())
}

/// Removes the directories between `out` and the removed file `path` that are now empty.
pub(super) fn prune_empty_dirs(out: &Path, path: &Path) {
    let mut cur = path.parent();
    while let Some(dir) = cur {
        if dir == out || !dir.starts_with(out) || fs::remove_dir(dir).is_err() {
            break;
        }
        cur = dir.parent();
    }
}
