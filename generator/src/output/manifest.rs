//! The manifest docbind keeps in every directory it writes: the files it generated
//! there, the fingerprint of what made them, or the mark of a write in progress.

use super::{bad_path, existing, inside, Existing};
use crate::stable_hash::StableHasher;
use crate::Error;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

/// Name of the manifest file docbind keeps in every directory it writes.
pub const MANIFEST: &str = ".docbind-manifest";

const HEADER: &str = "\
# Written by docbind: every file it generated in this directory, one per line.
# docbind removes the files listed here when it no longer produces them.
";

const FINGERPRINT_PREFIX: &str = "# fingerprint: ";

/// The comment of a manifest written before any file is replaced and replaced by the
/// final manifest after the last one: while it is there, the files on disk may be a
/// mix of two generations.
const IN_PROGRESS_PREFIX: &str = "# in progress: ";
const IN_PROGRESS_TEXT: &str =
    "docbind is replacing files here; if this line stays, a run was interrupted: run generate again";

/// What a manifest says.
pub(super) struct Manifest {
    /// Entries that are safe relative paths, in file order (others are dropped: they
    /// are never followed).
    pub entries: Vec<String>,
    pub fingerprint: Option<Stamp>,
    /// A write was interrupted (see [`IN_PROGRESS_PREFIX`]).
    pub in_progress: bool,
    /// The text as read, to put it back when a write fails before changing any file.
    pub text: Vec<u8>,
}

/// What a manifest's comment lines say besides the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mark {
    /// The write is complete; with the fingerprint of what made it, if any.
    Done(Option<Stamp>),
    /// Files are being replaced (see [`IN_PROGRESS_PREFIX`]).
    InProgress,
}

/// The fingerprint line of a manifest: the caller's key, and a hash of every listed
/// path with its size (so that a missing, added or resized file is noticed by a `stat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    pub key: u64,
    pub sizes: u64,
}

impl Stamp {
    fn line(self) -> String {
        format!(
            "{FINGERPRINT_PREFIX}{:016x}-{:016x}\n",
            self.key, self.sizes
        )
    }

    fn parse(line: &str) -> Option<Stamp> {
        let (key, sizes) = line
            .strip_prefix(FINGERPRINT_PREFIX)?
            .trim()
            .split_once('-')?;
        Some(Stamp {
            key: u64::from_str_radix(key, 16).ok()?,
            sizes: u64::from_str_radix(sizes, 16).ok()?,
        })
    }
}

/// The hash of a list of (path, size), in the given order.
pub(super) fn sizes_hash<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> u64 {
    let mut h = StableHasher::new();
    for (rel, size) in files {
        h.write_str(rel);
        h.write_u64(size);
    }
    h.finish()
}

/// A manifest's text without its fingerprint line.
pub(super) fn without_fingerprint(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !line.starts_with(FINGERPRINT_PREFIX) {
            kept.push_str(line);
        }
    }
    kept
}

pub(super) fn render<'a>(paths: impl IntoIterator<Item = &'a str>, mark: Mark) -> String {
    let sorted: BTreeSet<&str> = paths.into_iter().collect();
    let mut text = String::from(HEADER);
    match mark {
        Mark::Done(Some(stamp)) => text.push_str(&stamp.line()),
        Mark::Done(None) => {}
        Mark::InProgress => {
            text.push_str(IN_PROGRESS_PREFIX);
            text.push_str(IN_PROGRESS_TEXT);
            text.push('\n');
        }
    }
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    text
}

/// What `out`'s manifest says (`None`: no manifest).
pub(super) fn read(out: &Path) -> Result<Option<Manifest>, Error> {
    let path = out.join(MANIFEST);
    let bytes = match existing(&path)? {
        Existing::File(bytes) => bytes,
        Existing::Missing => return Ok(None),
        Existing::Symlink | Existing::Dir => {
            return Err(Error::Refused(format!(
                "{} is not a regular file",
                path.display()
            )))
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let fingerprint = lines.clone().find_map(Stamp::parse);
    let in_progress = lines.clone().any(|l| l.starts_with(IN_PROGRESS_PREFIX));
    let entries = lines
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| bad_path(l).is_none() && *l != MANIFEST)
        .map(str::to_string)
        .collect();
    Ok(Some(Manifest {
        entries,
        fingerprint,
        in_progress,
        text: bytes,
    }))
}

/// [`read`], after checking that `out` may be written at all: a non-empty directory
/// without a manifest only with `force`.
pub(super) fn read_guarded(out: &Path, force: bool) -> Result<Option<Manifest>, Error> {
    match fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            return Err(Error::Refused(format!(
                "{} exists and is not a directory",
                out.display()
            )))
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(out, e)),
    }
    let manifest = read(out)?;
    if manifest.is_none() && !force {
        let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        if entries.next().is_some() {
            return Err(Error::Refused(format!(
                "{} is not empty and has no {MANIFEST}, so docbind did not write it; \
                 refusing to write there (pass --force to write into it anyway: files of \
                 the same name are overwritten, other files are kept)",
                out.display()
            )));
        }
    }
    Ok(manifest)
}

/// When the manifest of `out` carries `fingerprint` and every file it lists is still
/// a regular file of the size it had when written, the number of those files: the
/// output of a [`write_fingerprinted`](super::write_fingerprinted) with this
/// fingerprint is in place, and writing it again would change nothing (unless a file
/// was edited keeping its size, which [`check`](super::check) catches: it compares
/// bytes). `None` in every other case, errors and interrupted writes included.
/// Reads only the manifest; `stat`s the listed files, in parallel.
pub fn is_current(out: &Path, fingerprint: u64) -> Option<usize> {
    let manifest = read(out).ok()??;
    let stamp = manifest.fingerprint?;
    if stamp.key != fingerprint || manifest.in_progress {
        return None;
    }
    // No directory on the way may be a symbolic link (as `write` requires).
    let mut dirs = BTreeSet::new();
    for rel in &manifest.entries {
        if let Some((dir, _)) = rel.rsplit_once('/') {
            dirs.insert(dir);
        }
    }
    let dirs_ok = dirs.iter().all(|d| {
        fs::symlink_metadata(out.join(d)).is_ok_and(|m| m.is_dir())
            && inside(out, &format!("{d}/x")).unwrap_or(false)
    });
    if !dirs_ok {
        return None;
    }
    let sizes: Option<Vec<u64>> = manifest
        .entries
        .par_iter()
        .map(|rel| {
            let m = fs::symlink_metadata(out.join(rel)).ok()?;
            m.is_file().then_some(m.len())
        })
        .collect();
    let sizes = sizes?;
    let listed = manifest.entries.iter().map(String::as_str);
    (sizes_hash(listed.zip(sizes)) == stamp.sizes).then_some(manifest.entries.len())
}

/// What `out`'s manifest tells of it: how many files it lists (0 without a
/// manifest), and whether a write there was interrupted.
pub fn status(out: &Path) -> Result<Status, Error> {
    Ok(match read(out)? {
        Some(m) => Status {
            files: m.entries.len(),
            interrupted: m.in_progress,
        },
        None => Status::default(),
    })
}

/// See [`status`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub files: usize,
    pub interrupted: bool,
}
