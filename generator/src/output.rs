//! Writing an emitted crate to disk: atomically, only what changed, nothing outside --out.
//!
//! [`write`] puts an [`Output`] into a directory that docbind owns. It
//!
//! * leaves files whose contents are already right untouched (their mtime is kept,
//!   so a no-op regeneration makes cargo rebuild nothing);
//! * replaces the whole directory in one step ([`swap`]): the new generation is
//!   built beside it (unchanged files as hard links, so they keep their inode and
//!   mtime) and swapped in with one `renameat2(RENAME_EXCHANGE)`, so an error or a
//!   crash at any moment leaves the previous output or the new one, never a mix;
//! * where that cannot work (not Linux, a file system without it, `out` a symbolic
//!   link), writes every changed file to a temporary file beside it first, and only
//!   when all of them are written renames them over the old ones; an error before
//!   the renames removes the temporary files and leaves the previous output as it
//!   was, a crash during them can leave a mix that the next run repairs;
//! * records the files it wrote in a manifest, [`MANIFEST`], written last; files
//!   listed in the previous manifest that are no longer produced are removed, with
//!   the directories they leave empty;
//! * with [`write_fingerprinted`], also records in the manifest a fingerprint of what
//!   made the output (a comment line, `# fingerprint: KEY-SIZES`, which docbind
//!   versions that know nothing of it skip), so that [`is_current`] can tell from the
//!   manifest and a `stat` of each file that regenerating the same thing is a no-op;
//! * refuses a non-empty directory that has no manifest (it was not written by
//!   docbind) unless [`WriteOptions::force`] is set;
//! * never writes or deletes outside the output directory: output paths that are
//!   absolute or contain `.`/`..` components are refused, as is writing through a
//!   symbolic link, and manifest entries that would escape are ignored. The one
//!   exception is the swap's own staging directory, `.NAME.docbind-staging.PID`
//!   beside `out`, which exists only while a write runs (or until the next write,
//!   after a crash).
//!
//! [`check`] tells, without touching anything, which paths [`write`] would change
//! (comparing bytes; the fingerprint line of the manifest is not compared).
//!
//! Files are not flushed to the disk (no fsync: it made writing a large crate many
//! times slower than making it). A crash of the machine can lose the last
//! regeneration; [`check`] tells whether to run it again.

use crate::emit::Output;
use crate::stable_hash::StableHasher;
use crate::Error;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

mod swap;

/// Name of the manifest file docbind keeps in every directory it writes.
pub const MANIFEST: &str = ".docbind-manifest";

const MANIFEST_HEADER: &str = "\
# Written by docbind: every file it generated in this directory, one per line.
# docbind removes the files listed here when it no longer produces them.
";

/// Settings of [`write`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Write into a non-empty directory that has no manifest (files of the same
    /// name are overwritten; other files are left alone).
    pub force: bool,
}

/// What [`write`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Paths (relative, with `/`) that were created or rewritten, sorted.
    pub written: Vec<String>,
    /// Number of produced files that already had the right contents.
    pub unchanged: usize,
    /// Paths from the previous manifest that are no longer produced and were removed, sorted.
    pub removed: Vec<String>,
}

/// Writes `output` into the directory `out` (created if missing). See the module docs
/// for the guarantees.
///
/// Errors: [`Error::Refused`] for a foreign non-empty directory without `force`, an
/// output path that is absolute, contains `.` or `..`, is the manifest's name, or would
/// be written through a symbolic link; [`Error::Io`] for file system failures.
pub fn write(out: &Path, output: &Output, opts: &WriteOptions) -> Result<WriteReport, Error> {
    write_inner(out, output, opts, None)
}

/// [`write`], and records `fingerprint` in the manifest: a caller's stable hash of
/// everything that decided `output` (docbind's [`crate::generate`] hashes the model, the
/// emit options and the emitter). [`is_current`] later tells, from the manifest and a
/// `stat` of each listed file, whether the output of the same fingerprint is still in
/// place, so that regenerating the same thing can skip emitting it.
///
/// The fingerprint is written only once every file is in place: an interrupted or
/// failed run leaves a manifest without one.
pub fn write_fingerprinted(
    out: &Path,
    output: &Output,
    opts: &WriteOptions,
    fingerprint: u64,
) -> Result<WriteReport, Error> {
    write_inner(out, output, opts, Some(fingerprint))
}

fn write_inner(
    out: &Path,
    output: &Output,
    opts: &WriteOptions,
    fingerprint: Option<u64>,
) -> Result<WriteReport, Error> {
    validate_output(output)?;
    let old = read_manifest_guarded(out, opts.force)?;
    swap::clean_up(out);

    let mut inside_dirs = InsideDirs::default();
    for rel in output.files.keys() {
        if !inside_dirs.check(out, rel)? {
            return Err(Error::Refused(format!(
                "refusing to write {rel}: a directory on its way inside {} is a symbolic link",
                out.display()
            )));
        }
    }
    // Compared in parallel; errors are reported in file order.
    let states: Vec<Result<Compared, Error>> = output
        .files
        .par_iter()
        .map(|(rel, contents)| compare(&out.join(rel), contents.as_bytes()))
        .collect();
    let mut plan = Vec::new();
    let mut unchanged = 0;
    for ((rel, contents), state) in output.files.iter().zip(states) {
        let target = out.join(rel);
        match state? {
            Compared::Same => unchanged += 1,
            Compared::Dir => {
                return Err(Error::Refused(format!(
                    "refusing to write {}: it is a directory",
                    target.display()
                )))
            }
            Compared::Differs => plan.push((rel.as_str(), target, contents.as_bytes())),
        }
    }

    let produced: BTreeSet<&str> = output.files.keys().map(String::as_str).collect();
    let stamp = fingerprint.map(|f| Stamp {
        key: f,
        sizes: sizes_hash(
            output
                .files
                .iter()
                .map(|(k, v)| (k.as_str(), v.len() as u64)),
        ),
    });
    let manifest = render_manifest(produced.iter().copied(), stamp);
    let stale = stale_files(out, old.as_ref(), &produced)?;
    if !plan.is_empty() || !stale.is_empty() {
        let changed: BTreeSet<&str> = plan.iter().map(|(rel, _, _)| *rel).collect();
        let swap = swap::Plan {
            files: &output.files,
            changed: &changed,
            removed: &stale,
            manifest: &manifest,
        };
        if let swap::Outcome::Done(report) = swap::replace_dir(out, &swap)? {
            return Ok(report);
        }
    }
    write_in_place(
        out,
        old.as_ref(),
        &produced,
        &stale,
        plan,
        unchanged,
        &manifest,
    )
}

/// The files of the previous manifest that are no longer produced and are there.
fn stale_files<'a>(
    out: &Path,
    old: Option<&'a Manifest>,
    produced: &BTreeSet<&str>,
) -> Result<BTreeSet<&'a str>, Error> {
    let mut stale = BTreeSet::new();
    for rel in old.iter().flat_map(|m| &m.entries) {
        if produced.contains(rel.as_str()) || !inside(out, rel)? {
            continue;
        }
        // A file or a symbolic link; only looked at, not read.
        if metadata(&out.join(rel))?.is_some_and(|m| !m.is_dir()) {
            stale.insert(rel.as_str());
        }
    }
    Ok(stale)
}

/// Where the directory cannot be replaced in one step ([`swap`]): every changed file
/// is written to a temporary file beside its target, then all are renamed over
/// their targets, the stale files are removed, and the manifest comes last.
fn write_in_place(
    out: &Path,
    old: Option<&Manifest>,
    produced: &BTreeSet<&str>,
    stale: &BTreeSet<&str>,
    plan: Vec<(&str, PathBuf, &[u8])>,
    unchanged: usize,
    manifest: &str,
) -> Result<WriteReport, Error> {
    // Phase 1: every new content into a temporary file beside its target.
    let mut staged = Staged::default();
    if let Err(e) = stage_all(out, &plan, &mut staged) {
        staged.roll_back();
        return Err(e);
    }

    // Before anything is replaced, make sure the manifest on disk names every file
    // this run may leave behind, so that an interrupted run can still be cleaned up.
    // An old fingerprint goes too, before anything changes: it vouches for the old files.
    let old_set: BTreeSet<&str> = old
        .iter()
        .flat_map(|m| &m.entries)
        .map(String::as_str)
        .collect();
    let old_fingerprint = old.is_some_and(|m| m.fingerprint.is_some());
    if !produced.is_subset(&old_set)
        || (old_fingerprint && (!staged.temps.is_empty() || !stale.is_empty()))
    {
        let union: BTreeSet<&str> = produced.union(&old_set).copied().collect();
        let text = render_manifest(union, None);
        if let Err(e) = replace_file(&out.join(MANIFEST), text.as_bytes()) {
            staged.roll_back();
            return Err(e);
        }
    }

    // Phase 2: rename them all over their targets.
    let mut written = Vec::with_capacity(plan.len());
    let mut temps = staged.temps.into_iter();
    for (rel, temp, target) in temps.by_ref() {
        if let Err(e) = fs::rename(&temp, &target) {
            let _ = fs::remove_file(&temp);
            for (_, rest, _) in temps {
                let _ = fs::remove_file(rest);
            }
            return Err(Error::io(target, e));
        }
        written.push(rel);
    }

    // Files docbind wrote before and no longer produces (see `stale_files`).
    let mut removed = Vec::with_capacity(stale.len());
    for rel in stale {
        let path = out.join(rel);
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        prune_empty_dirs(out, &path);
        removed.push(rel.to_string());
    }

    // The manifest last.
    let manifest_path = out.join(MANIFEST);
    if !matches!(existing(&manifest_path)?, Existing::File(b) if b == manifest.as_bytes()) {
        replace_file(&manifest_path, manifest.as_bytes())?;
    }

    written.sort();
    removed.sort();
    Ok(WriteReport {
        written,
        unchanged,
        removed,
    })
}

/// The paths (relative to `out`, with `/`) that [`write`] would create, change or
/// remove, sorted: produced files that are missing or differ, files listed in the
/// manifest that are no longer produced, and the manifest itself when it would
/// change. Empty means `out` is fresh. Touches nothing.
pub fn check(out: &Path, output: &Output) -> Result<Vec<String>, Error> {
    validate_output(output)?;
    let old = read_manifest(out)?;
    let mut inside_dirs = InsideDirs::default();
    for rel in output.files.keys() {
        if !inside_dirs.check(out, rel)? {
            return Err(Error::Refused(format!(
                "refusing to check {rel}: a directory on its way inside {} is a symbolic link",
                out.display()
            )));
        }
    }
    let states: Vec<Result<Compared, Error>> = output
        .files
        .par_iter()
        .map(|(rel, contents)| compare(&out.join(rel), contents.as_bytes()))
        .collect();
    let mut stale = BTreeSet::new();
    for (rel, state) in output.files.keys().zip(states) {
        if !matches!(state?, Compared::Same) {
            stale.insert(rel.clone());
        }
    }
    for rel in old.iter().flat_map(|m| &m.entries) {
        if !output.files.contains_key(rel) {
            stale.insert(rel.clone());
        }
    }
    // The manifest is compared as text, all but its fingerprint line (a cache key of
    // `generate`, which `check` has no part in).
    let manifest = render_manifest(output.files.keys().map(String::as_str), None);
    let fresh = match existing(&out.join(MANIFEST))? {
        Existing::File(bytes) => without_fingerprint(&String::from_utf8_lossy(&bytes)) == manifest,
        _ => false,
    };
    if !fresh {
        stale.insert(MANIFEST.to_string());
    }
    Ok(stale.into_iter().collect())
}

/// Checks every output path: relative, normal components only, `/`-separated, not the
/// manifest, and no file standing where another needs a directory.
fn validate_output(output: &Output) -> Result<(), Error> {
    for rel in output.files.keys() {
        if let Some(why) = bad_path(rel) {
            return Err(Error::Refused(format!(
                "refusing output path {rel:?}: {why}"
            )));
        }
        if rel == MANIFEST {
            return Err(Error::Refused(format!(
                "refusing output path {rel:?}: the name is reserved for docbind's manifest"
            )));
        }
        // A path below `rel/` sorts first among those from `rel/` on, so one look
        // at that key is enough (scanning every later key was quadratic: 0.5 s of
        // CPU for the corpus's 10 756 files).
        let dir_prefix = format!("{rel}/");
        let mut from_prefix = output.files.range::<str, _>((
            std::ops::Bound::Included(dir_prefix.as_str()),
            std::ops::Bound::Unbounded,
        ));
        if from_prefix
            .next()
            .is_some_and(|(k, _)| k.starts_with(&dir_prefix))
        {
            return Err(Error::Refused(format!(
                "refusing output path {rel:?}: another output file needs it to be a directory"
            )));
        }
    }
    Ok(())
}

/// Why `rel` is not a safe relative path, if it is not.
fn bad_path(rel: &str) -> Option<&'static str> {
    if rel.is_empty() {
        return Some("it is empty");
    }
    if rel.contains('\\') || rel.contains('\0') {
        return Some("use `/` as the only separator");
    }
    let p = Path::new(rel);
    if p.is_absolute() || p.has_root() {
        return Some("it is absolute; output paths must be relative to --out");
    }
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." {
            return Some("it has an empty or `.` component");
        }
        if seg == ".." {
            return Some("it contains `..`; nothing is written outside --out");
        }
    }
    if p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Some("it is not a plain relative path");
    }
    None
}

/// True when no existing directory between `out` and `rel` is a symbolic link (so
/// `out.join(rel)` really is inside `out`). `rel` must have passed [`bad_path`].
fn inside(out: &Path, rel: &str) -> Result<bool, Error> {
    let mut segs: Vec<&str> = rel.split('/').collect();
    segs.pop();
    let mut dir = out.to_path_buf();
    for seg in segs {
        dir.push(seg);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => return Ok(false),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
            Err(e) => return Err(Error::io(&dir, e)),
        }
    }
    Ok(true)
}

/// Remembers which directories [`inside`] has already vouched for, so that each is
/// looked at once however many files it holds.
#[derive(Default)]
struct InsideDirs {
    known: std::collections::BTreeMap<String, bool>,
}

impl InsideDirs {
    /// [`inside`] for `rel`, from what is known of its directory when possible.
    fn check(&mut self, out: &Path, rel: &str) -> Result<bool, Error> {
        let Some((dir, _)) = rel.rsplit_once('/') else {
            return Ok(true); // directly in `out`
        };
        if let Some(&ok) = self.known.get(dir) {
            return Ok(ok);
        }
        let ok = inside(out, rel)?;
        self.known.insert(dir.to_string(), ok);
        Ok(ok)
    }
}

/// How a file on disk compares with the contents it should have.
enum Compared {
    Same,
    /// Missing, different, or a symbolic link (never read through, always replaced).
    Differs,
    Dir,
}

/// Compares the file at `path` with `contents`, reading it only when the sizes agree.
fn compare(path: &Path, contents: &[u8]) -> Result<Compared, Error> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Ok(Compared::Differs),
        Ok(m) if m.is_dir() => Ok(Compared::Dir),
        Ok(m) if m.len() != contents.len() as u64 => Ok(Compared::Differs),
        Ok(_) => match fs::read(path) {
            Ok(bytes) if bytes == contents => Ok(Compared::Same),
            Ok(_) => Ok(Compared::Differs),
            Err(e) => Err(Error::io(path, e)),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Compared::Differs),
        // A file stands where a parent directory should be: nothing can be there.
        Err(_) if path.parent().is_some_and(|p| p.is_file()) => Ok(Compared::Differs),
        Err(e) => Err(Error::io(path, e)),
    }
}

enum Existing {
    Missing,
    File(Vec<u8>),
    /// A symbolic link in place of a file: never read through, always replaced.
    Symlink,
    Dir,
}

fn existing(path: &Path) -> Result<Existing, Error> {
    Ok(match metadata(path)? {
        None => Existing::Missing,
        Some(m) if m.file_type().is_symlink() => Existing::Symlink,
        Some(m) if m.is_dir() => Existing::Dir,
        Some(_) => fs::read(path)
            .map(Existing::File)
            .map_err(|e| Error::io(path, e))?,
    })
}

/// What stands at `path`, not following a symbolic link; `None` when nothing is there.
fn metadata(path: &Path) -> Result<Option<fs::Metadata>, Error> {
    match fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        // A file stands where a parent directory should be: nothing can be there.
        Err(_) if path.parent().is_some_and(|p| p.is_file()) => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// What a manifest says.
struct Manifest {
    /// Entries that are safe relative paths, in file order (others are dropped: they
    /// are never followed).
    entries: Vec<String>,
    fingerprint: Option<Stamp>,
}

/// The fingerprint line of a manifest: the caller's key, and a hash of every listed
/// path with its size (so that a missing, added or resized file is noticed by a `stat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    key: u64,
    sizes: u64,
}

const FINGERPRINT_PREFIX: &str = "# fingerprint: ";

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
fn sizes_hash<'a>(files: impl Iterator<Item = (&'a str, u64)>) -> u64 {
    let mut h = StableHasher::new();
    for (rel, size) in files {
        h.write_str(rel);
        h.write_u64(size);
    }
    h.finish()
}

/// A manifest's text without its fingerprint line.
fn without_fingerprint(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !line.starts_with(FINGERPRINT_PREFIX) {
            kept.push_str(line);
        }
    }
    kept
}

/// When the manifest of `out` carries `fingerprint` and every file it lists is still
/// a regular file of the size it had when written, the number of those files: the
/// output of a [`write_fingerprinted`] with this fingerprint is in place, and writing
/// it again would change nothing (unless a file was edited keeping its size, which
/// [`check`] catches: it compares bytes). `None` in every other case, errors included.
/// Reads only the manifest; `stat`s the listed files, in parallel.
pub fn is_current(out: &Path, fingerprint: u64) -> Option<usize> {
    let manifest = read_manifest(out).ok()??;
    let stamp = manifest.fingerprint?;
    if stamp.key != fingerprint {
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

/// What `out`'s manifest says (`None`: no manifest).
fn read_manifest(out: &Path) -> Result<Option<Manifest>, Error> {
    let path = out.join(MANIFEST);
    let text = match existing(&path)? {
        Existing::File(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Existing::Missing => return Ok(None),
        Existing::Symlink | Existing::Dir => {
            return Err(Error::Refused(format!(
                "{} is not a regular file",
                path.display()
            )))
        }
    };
    let lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let fingerprint = lines.clone().find_map(Stamp::parse);
    let entries = lines
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| bad_path(l).is_none() && *l != MANIFEST)
        .map(str::to_string)
        .collect();
    Ok(Some(Manifest {
        entries,
        fingerprint,
    }))
}

/// [`read_manifest`], after checking that `out` may be written at all.
fn read_manifest_guarded(out: &Path, force: bool) -> Result<Option<Manifest>, Error> {
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
    let manifest = read_manifest(out)?;
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

fn render_manifest<'a>(paths: impl IntoIterator<Item = &'a str>, stamp: Option<Stamp>) -> String {
    let sorted: BTreeSet<&str> = paths.into_iter().collect();
    let mut text = String::from(MANIFEST_HEADER);
    if let Some(stamp) = stamp {
        text.push_str(&stamp.line());
    }
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    text
}

/// Temporary files written so far and the directories created for them.
#[derive(Default)]
struct Staged {
    /// (relative path, temporary file, target)
    temps: Vec<(String, PathBuf, PathBuf)>,
    /// In order of creation (parents first).
    created_dirs: Vec<PathBuf>,
}

impl Staged {
    /// Removes the temporary files and the directories made for them (if empty).
    fn roll_back(self) {
        for (_, temp, _) in &self.temps {
            let _ = fs::remove_file(temp);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

fn stage_all(
    out: &Path,
    plan: &[(&str, PathBuf, &[u8])],
    staged: &mut Staged,
) -> Result<(), Error> {
    create_dirs(out, &mut staged.created_dirs)?;
    let mut dirs_done = BTreeSet::new();
    for (_, target, _) in plan {
        let dir = target.parent().unwrap_or(out);
        if dirs_done.insert(dir) {
            create_dirs(dir, &mut staged.created_dirs)?;
        }
    }
    // The files in parallel; every temporary file made is recorded, so that an error
    // (the first in plan order is reported) rolls all of them back.
    let pid = std::process::id();
    let temps: Vec<Result<PathBuf, Error>> = plan
        .par_iter()
        .map(|(_, target, contents)| write_temp(target, contents, pid))
        .collect();
    let mut first_error = None;
    for ((rel, target, _), temp) in plan.iter().zip(temps) {
        match temp {
            Ok(temp) => staged.temps.push((rel.to_string(), temp, target.clone())),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Creates `dir` and its missing ancestors, recording each one created.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), Error> {
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
        let temp = dir.join(format!(".{name}.{pid}-{n}.docbind-tmp"));
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
        // still appears whole (rename), and only after all of them are written.
        let done = file.write_all(contents);
        if let Err(e) = done {
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
fn replace_file(target: &Path, contents: &[u8]) -> Result<(), Error> {
    let temp = write_temp(target, contents, std::process::id())?;
    fs::rename(&temp, target).map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::io(target, e)
    })
}

/// Removes the directories between `out` and the removed file `path` that are now empty.
fn prune_empty_dirs(out: &Path, path: &Path) {
    let mut cur = path.parent();
    while let Some(dir) = cur {
        if dir == out || !dir.starts_with(out) || fs::remove_dir(dir).is_err() {
            break;
        }
        cur = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::{Duration, SystemTime};

    fn output_of<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Output {
        Output {
            files: files
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn opts() -> WriteOptions {
        WriteOptions::default()
    }

    fn crate_v1() -> Output {
        output_of([
            ("Cargo.toml", "[package]\nname = \"x\"\n"),
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            ("src/a.rs", "pub struct A;\n"),
            ("src/b.rs", "pub struct B;\n"),
        ])
    }

    fn old_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000)
    }

    /// Sets every file's mtime (manifest included) to a fixed old time.
    fn age(dir: &Path, rels: &[&str]) {
        for rel in rels {
            let f = fs::File::options().write(true).open(dir.join(rel)).unwrap();
            f.set_modified(old_time()).unwrap();
        }
    }

    fn mtime(path: &Path) -> SystemTime {
        fs::metadata(path).unwrap().modified().unwrap()
    }

    fn listing(dir: &Path) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
            for e in fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if p.is_dir() {
                    out.push(format!("{rel}/"));
                    walk(root, &p, out);
                } else {
                    out.push(rel);
                }
            }
        }
        let mut v = Vec::new();
        walk(dir, dir, &mut v);
        v.sort();
        v
    }

    const ALL_V1: &[&str] = &[MANIFEST, "Cargo.toml", "src/lib.rs", "src/a.rs", "src/b.rs"];

    #[test]
    fn output_first_write_creates_everything_and_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gen");
        let report = write(&out, &crate_v1(), &opts()).unwrap();
        assert_eq!(
            report.written,
            ["Cargo.toml", "src/a.rs", "src/b.rs", "src/lib.rs"]
        );
        assert_eq!(report.unchanged, 0);
        assert!(report.removed.is_empty());
        assert_eq!(
            fs::read_to_string(out.join("src/a.rs")).unwrap(),
            "pub struct A;\n"
        );
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        let entries: Vec<&str> = manifest.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            entries,
            ["Cargo.toml", "src/a.rs", "src/b.rs", "src/lib.rs"]
        );
        assert_eq!(
            listing(&out),
            [
                MANIFEST,
                "Cargo.toml",
                "src/",
                "src/a.rs",
                "src/b.rs",
                "src/lib.rs"
            ]
        );
    }

    #[test]
    fn output_noop_write_keeps_mtimes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        write(out, &crate_v1(), &opts()).unwrap();
        age(out, ALL_V1);
        let report = write(out, &crate_v1(), &opts()).unwrap();
        assert!(report.written.is_empty());
        assert_eq!(report.unchanged, 4);
        assert!(report.removed.is_empty());
        for rel in ALL_V1 {
            assert_eq!(mtime(&out.join(rel)), old_time(), "{rel} was touched");
        }
    }

    #[test]
    fn output_only_the_changed_file_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        write(out, &crate_v1(), &opts()).unwrap();
        age(out, ALL_V1);
        let mut v2 = crate_v1();
        v2.files
            .insert("src/a.rs".into(), "pub struct A2;\n".into());
        let report = write(out, &v2, &opts()).unwrap();
        assert_eq!(report.written, ["src/a.rs"]);
        assert_eq!(report.unchanged, 3);
        assert_eq!(
            fs::read_to_string(out.join("src/a.rs")).unwrap(),
            "pub struct A2;\n"
        );
        assert_ne!(mtime(&out.join("src/a.rs")), old_time());
        for rel in [MANIFEST, "Cargo.toml", "src/lib.rs", "src/b.rs"] {
            assert_eq!(mtime(&out.join(rel)), old_time(), "{rel} was touched");
        }
        // No temporary files are left behind.
        assert_eq!(
            listing(out),
            [
                MANIFEST,
                "Cargo.toml",
                "src/",
                "src/a.rs",
                "src/b.rs",
                "src/lib.rs"
            ]
        );
    }

    #[test]
    fn output_dropped_file_is_removed_with_its_empty_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        let mut v1 = crate_v1();
        v1.files
            .insert("src/ns/deep/c.rs".into(), "pub struct C;\n".into());
        write(out, &v1, &opts()).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let mut v2 = crate_v1();
        v2.files.remove("src/b.rs");
        let report = write(out, &v2, &opts()).unwrap();
        assert_eq!(report.removed, ["src/b.rs", "src/ns/deep/c.rs"]);
        assert!(report.written.is_empty());
        assert_eq!(
            listing(out),
            [
                MANIFEST,
                "Cargo.toml",
                "notes.txt",
                "src/",
                "src/a.rs",
                "src/lib.rs"
            ]
        );
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(!manifest.contains("src/b.rs"));
    }

    #[test]
    fn output_refuses_foreign_non_empty_dir_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        fs::write(out.join("precious.txt"), "keep me").unwrap();
        let err = write(out, &crate_v1(), &opts()).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(listing(out), ["precious.txt"]);

        let report = write(out, &crate_v1(), &WriteOptions { force: true }).unwrap();
        assert_eq!(report.written.len(), 4);
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep me"
        );
        // From now on the directory is docbind's: no force needed, foreign file kept.
        let mut v2 = crate_v1();
        v2.files.remove("src/a.rs");
        let report = write(out, &v2, &opts()).unwrap();
        assert_eq!(report.removed, ["src/a.rs"]);
        assert!(out.join("precious.txt").exists());
    }

    #[test]
    fn output_empty_existing_dir_is_fine() {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), &crate_v1(), &opts()).unwrap();
        assert!(tmp.path().join(MANIFEST).exists());
    }

    #[test]
    fn output_paths_escaping_out_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gen");
        for bad in [
            "../evil.rs",
            "src/../../evil.rs",
            "/etc/evil.rs",
            "",
            "src//a.rs",
            "./a.rs",
            "a\\b.rs",
            MANIFEST,
        ] {
            let mut o = crate_v1();
            o.files.insert(bad.into(), "x".into());
            let err = write(&out, &o, &opts()).unwrap_err();
            assert!(matches!(err, Error::Refused(_)), "{bad:?}: {err}");
            assert!(check(&out, &o).is_err(), "{bad:?}");
        }
        assert!(
            !out.exists(),
            "nothing may be written when a path is refused"
        );
        assert!(!tmp.path().join("evil.rs").exists());
    }

    #[test]
    fn output_file_dir_conflict_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let o = output_of([("src", "x"), ("src/lib.rs", "y")]);
        let err = write(tmp.path(), &o, &opts()).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err}");
    }

    #[test]
    fn output_manifest_entries_escaping_out_are_never_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gen");
        write(&out, &crate_v1(), &opts()).unwrap();
        let victim = tmp.path().join("victim.txt");
        fs::write(&victim, "do not delete").unwrap();
        let abs = victim.to_string_lossy().into_owned();
        let mut manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        manifest.push_str(&format!("../victim.txt\n{abs}\n"));
        fs::write(out.join(MANIFEST), manifest).unwrap();
        let report = write(&out, &crate_v1(), &opts()).unwrap();
        assert!(report.removed.is_empty());
        assert!(victim.exists());
        assert!(check(&out, &crate_v1()).unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn output_symlinked_dirs_are_not_written_or_deleted_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gen");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join("x.rs"), "theirs").unwrap();
        write(&out, &output_of([("Cargo.toml", "a")]), &opts()).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("link")).unwrap();

        let err = write(
            &out,
            &output_of([("Cargo.toml", "a"), ("link/x.rs", "ours")]),
            &opts(),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err}");
        assert_eq!(
            fs::read_to_string(elsewhere.join("x.rs")).unwrap(),
            "theirs"
        );

        let mut manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        manifest.push_str("link/x.rs\n");
        fs::write(out.join(MANIFEST), manifest).unwrap();
        let report = write(&out, &output_of([("Cargo.toml", "a")]), &opts()).unwrap();
        assert!(report.removed.is_empty());
        assert!(elsewhere.join("x.rs").exists());
    }

    #[test]
    fn output_failure_before_renames_leaves_previous_output_intact() {
        // A file where a directory must go makes staging fail after other files were
        // staged (paths are staged in sorted order; `zz/` comes last). Unlike permission
        // bits, this also fails for root.
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        write(out, &crate_v1(), &opts()).unwrap();
        fs::write(out.join("zz"), "i am a file").unwrap();
        let mut v2 = crate_v1();
        v2.files.insert("Cargo.toml".into(), "changed".into());
        v2.files
            .insert("src/a.rs".into(), "pub struct A2;\n".into());
        v2.files.insert("src/new/n.rs".into(), "n".into());
        v2.files.insert("zz/z.rs".into(), "z".into());
        assert!(write(out, &v2, &opts()).is_err());
        assert_eq!(
            fs::read_to_string(out.join("Cargo.toml")).unwrap(),
            "[package]\nname = \"x\"\n"
        );
        assert_eq!(
            fs::read_to_string(out.join("src/a.rs")).unwrap(),
            "pub struct A;\n"
        );
        // No temporary file, no directory made for the failed run, manifest as before.
        assert_eq!(
            listing(out),
            [
                MANIFEST,
                "Cargo.toml",
                "src/",
                "src/a.rs",
                "src/b.rs",
                "src/lib.rs",
                "zz"
            ]
        );
        assert!(!fs::read_to_string(out.join(MANIFEST))
            .unwrap()
            .contains("new"));
    }

    /// Writes v2 over v1 with the swap stopped at `stop`: (tmp, out, the write's result).
    fn write_stopped(stop: swap::Stop) -> (tempfile::TempDir, PathBuf, Result<WriteReport, Error>) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &crate_v1(), &opts()).unwrap();
        swap::STOP.with(|s| s.set(Some(stop)));
        let result = write(&out, &crate_v2(), &opts());
        swap::STOP.with(|s| s.set(None));
        (tmp, out, result)
    }

    /// v1 with one file changed, one removed (with its directory) and one added.
    fn crate_v2() -> Output {
        let mut v2 = crate_v1();
        v2.files
            .insert("src/a.rs".into(), "pub struct A2;\n".into());
        v2.files.remove("src/b.rs");
        v2.files
            .insert("src/c/c.rs".into(), "pub struct C;\n".into());
        v2.files
            .insert("src/lib.rs".into(), "pub mod a;\npub mod c;\n".into());
        v2
    }

    /// Every file below `dir` with its contents.
    fn contents(dir: &Path) -> BTreeMap<String, String> {
        listing(dir)
            .into_iter()
            .filter(|rel| !rel.ends_with('/'))
            .map(|rel| {
                let text = fs::read_to_string(dir.join(&rel)).unwrap();
                (rel, text)
            })
            .collect()
    }

    /// What `write` leaves in a directory for `output` (files plus manifest).
    fn expected(output: &Output) -> BTreeMap<String, String> {
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), output, &opts()).unwrap();
        contents(tmp.path())
    }

    fn leftovers(tmp: &Path) -> Vec<String> {
        listing(tmp)
            .into_iter()
            .filter(|rel| rel.contains("docbind-staging") && !rel[..rel.len() - 1].contains('/'))
            .collect()
    }

    #[test]
    fn output_crash_before_the_swap_leaves_the_previous_output() {
        let (tmp, out, result) = write_stopped(swap::Stop::CrashBefore);
        assert!(result.is_ok(), "the crash is simulated: no clean-up ran");
        assert_eq!(
            contents(&out),
            expected(&crate_v1()),
            "previous output intact"
        );
        assert_eq!(
            leftovers(tmp.path()).len(),
            1,
            "the staging directory is left"
        );
        // The next run finishes the job and removes the leftovers.
        let report = write(&out, &crate_v2(), &opts()).unwrap();
        assert_eq!(report.written, ["src/a.rs", "src/c/c.rs", "src/lib.rs"]);
        assert_eq!(report.removed, ["src/b.rs"]);
        assert_eq!(contents(&out), expected(&crate_v2()));
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn output_crash_after_the_swap_leaves_the_new_output() {
        let (tmp, out, result) = write_stopped(swap::Stop::CrashAfter);
        assert!(result.is_ok());
        assert_eq!(contents(&out), expected(&crate_v2()), "new output complete");
        assert!(!out.join("src/b.rs").exists());
        assert_eq!(
            leftovers(tmp.path()).len(),
            1,
            "the old generation is left beside"
        );
        // Even a run that changes nothing removes it.
        let report = write(&out, &crate_v2(), &opts()).unwrap();
        assert!(report.written.is_empty());
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn output_error_before_the_swap_changes_nothing() {
        let (tmp, out, result) = write_stopped(swap::Stop::Fail);
        assert!(result.is_err());
        assert_eq!(contents(&out), expected(&crate_v1()));
        assert!(leftovers(tmp.path()).is_empty(), "cleaned up");
    }

    #[test]
    fn output_swap_keeps_other_files_links_and_unchanged_inodes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &crate_v1(), &opts()).unwrap();
        age(&out, ALL_V1);
        fs::create_dir_all(out.join("target/debug")).unwrap();
        fs::write(out.join("target/debug/x"), "build output").unwrap();
        fs::write(out.join("src/mine.rs"), "// mine").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../Cargo.toml", out.join("src/link")).unwrap();
        let report = write(&out, &crate_v2(), &opts()).unwrap();
        assert_eq!(report.removed, ["src/b.rs"]);
        assert_eq!(
            fs::read_to_string(out.join("target/debug/x")).unwrap(),
            "build output"
        );
        assert_eq!(
            fs::read_to_string(out.join("src/mine.rs")).unwrap(),
            "// mine"
        );
        #[cfg(unix)]
        assert_eq!(
            fs::read_link(out.join("src/link")).unwrap(),
            Path::new("../Cargo.toml")
        );
        assert_eq!(
            mtime(&out.join("Cargo.toml")),
            old_time(),
            "unchanged: same inode"
        );
        assert!(leftovers(tmp.path()).is_empty());
    }

    /// Where the directory cannot be swapped (here: `out` is a symbolic link, which
    /// the swap would replace), files are replaced one by one, with the same result.
    #[cfg(unix)]
    #[test]
    fn output_in_place_fallback_writes_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let out = tmp.path().join("out");
        std::os::unix::fs::symlink(&real, &out).unwrap();
        write(&out, &crate_v1(), &opts()).unwrap();
        let report = write(&out, &crate_v2(), &opts()).unwrap();
        assert_eq!(report.written, ["src/a.rs", "src/c/c.rs", "src/lib.rs"]);
        assert_eq!(report.removed, ["src/b.rs"]);
        assert!(
            fs::symlink_metadata(&out).unwrap().is_symlink(),
            "still a link"
        );
        assert_eq!(contents(&real), expected(&crate_v2()));
        assert!(leftovers(tmp.path()).is_empty());
    }

    #[test]
    fn output_check_lists_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("gen");
        assert_eq!(
            check(&out, &crate_v1()).unwrap(),
            [MANIFEST, "Cargo.toml", "src/a.rs", "src/b.rs", "src/lib.rs"]
        );
        write(&out, &crate_v1(), &opts()).unwrap();
        assert!(check(&out, &crate_v1()).unwrap().is_empty());

        let mut v2 = crate_v1();
        v2.files
            .insert("src/a.rs".into(), "pub struct A2;\n".into());
        v2.files.remove("src/b.rs");
        v2.files.insert("src/c.rs".into(), "pub struct C;\n".into());
        fs::remove_file(out.join("Cargo.toml")).unwrap();
        assert_eq!(
            check(&out, &v2).unwrap(),
            [MANIFEST, "Cargo.toml", "src/a.rs", "src/b.rs", "src/c.rs"]
        );
        // check touched nothing.
        assert!(!out.join("Cargo.toml").exists());
        assert!(out.join("src/b.rs").exists());
        write(&out, &v2, &opts()).unwrap();
        assert!(check(&out, &v2).unwrap().is_empty());
    }
}
