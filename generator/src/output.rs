//! Writing an emitted crate to disk: each file atomically, only what changed,
//! nothing outside --out.
//!
//! [`write`] puts an [`Output`] into a directory that docbind owns. It
//!
//! * leaves files whose contents are already right untouched (their mtime is kept,
//!   so a no-op regeneration makes cargo rebuild nothing);
//! * replaces each changed file on its own: the new contents go to a temporary file
//!   in the target's directory, which is renamed over the old file ([`temp`]), so a
//!   reader sees the old text or the new one. `out` itself and its directories stay
//!   where they are: a shell, editor or build whose working directory is in `out`
//!   goes on working, and files docbind did not write (a `target/`, notes) are never
//!   looked at;
//! * records the files it wrote in a manifest, [`MANIFEST`]. Before it replaces or
//!   removes anything it writes a manifest marked *in progress* that lists the old
//!   and the new files; the final manifest, without that mark, is written last. All
//!   temporary files are written before the first rename, so an error until then
//!   removes them and puts the old manifest back: nothing changed. A crash at any
//!   moment leaves at worst a mix of old and new files under a manifest marked in
//!   progress, which names every file docbind may have left there: [`check`] reports
//!   the manifest as stale, [`is_current`] never vouches for it, and the next
//!   [`write`] removes the leftover temporary files and finishes the job;
//! * removes the files listed in the previous manifest that are no longer produced,
//!   with the directories they leave empty;
//! * with [`write_fingerprinted`], also records in the manifest a fingerprint of what
//!   made the output (a comment line, `# fingerprint: KEY-SIZES`, which docbind
//!   versions that know nothing of it skip), so that [`is_current`] can tell from the
//!   manifest and a `stat` of each file that regenerating the same thing is a no-op;
//! * refuses a non-empty directory that has no manifest (it was not written by
//!   docbind) unless [`WriteOptions::force`] is set;
//! * never writes or deletes outside the output directory: output paths that are
//!   absolute or contain `.`/`..` components are refused, as is writing through a
//!   symbolic link, and manifest entries that would escape are ignored.
//!
//! Replacing the whole directory in one step (a staging copy exchanged with `out`)
//! was tried and dropped: it left processes working in `out` in a deleted
//! directory, and hard-linked every file of a `target/` inside it on each change.
//!
//! [`check`] tells, without touching anything, which paths [`write`] would change
//! (comparing bytes; the fingerprint line of the manifest is not compared).
//!
//! Files are not flushed to the disk (no fsync: it made writing a large crate many
//! times slower than making it). A crash of the machine can lose the last
//! regeneration; [`check`] tells whether to run it again.

use crate::emit::Output;
use crate::Error;
use manifest::{Manifest, Mark, Stamp};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use temp::Staged;

mod manifest;
mod temp;

pub use manifest::{is_current, status, Status, MANIFEST};

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

/// A step of [`write`] at which the tests make it stop as a crash would: no clean-up,
/// an error returned. Never set outside the tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// The manifest marked in progress is written, no temporary file yet.
    Marked,
    /// Every temporary file is written, none renamed.
    Staged,
    /// About half of the files are renamed into place.
    HalfRenamed,
    /// Every file is in place and the stale ones are removed; the final manifest is
    /// not written.
    Replaced,
}

#[cfg(test)]
thread_local! {
    static CRASH: std::cell::Cell<Option<Step>> = const { std::cell::Cell::new(None) };
}

/// Whether a test asked the write to crash at `step` (only ever true in tests).
fn crash_at(step: Step) -> bool {
    #[cfg(test)]
    return CRASH.with(|s| s.get() == Some(step));
    #[cfg(not(test))]
    {
        let _ = step;
        false
    }
}

fn crashed(step: Step) -> Error {
    Error::Internal(format!("simulated crash at {step:?} (test)"))
}

fn write_inner(
    out: &Path,
    output: &Output,
    opts: &WriteOptions,
    fingerprint: Option<u64>,
) -> Result<WriteReport, Error> {
    validate_output(output)?;
    let old = manifest::read_guarded(out, opts.force)?;
    check_dirs(out, output, "write")?;
    remove_leftovers(out, output, old.as_ref())?;

    let mut plan = Vec::new();
    let mut unchanged = 0;
    for ((rel, contents), state) in output.files.iter().zip(compare_all(out, output)) {
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
    let stamp = fingerprint.map(|key| Stamp {
        key,
        sizes: manifest::sizes_hash(
            output
                .files
                .iter()
                .map(|(k, v)| (k.as_str(), v.len() as u64)),
        ),
    });
    let stale = stale_files(out, old.as_ref(), &produced)?;
    let changes = Changes {
        produced: &produced,
        plan,
        stale: &stale,
        manifest: manifest::render(produced.iter().copied(), Mark::Done(stamp)),
    };
    let (written, removed) = apply(out, old.as_ref(), changes)?;
    Ok(WriteReport {
        written,
        unchanged,
        removed,
    })
}

/// Refuses to `verb` a produced file below a directory of `out` that is a symbolic link.
fn check_dirs(out: &Path, output: &Output, verb: &str) -> Result<(), Error> {
    let mut inside_dirs = InsideDirs::default();
    for rel in output.files.keys() {
        if !inside_dirs.check(out, rel)? {
            return Err(Error::Refused(format!(
                "refusing to {verb} {rel}: a directory on its way inside {} is a symbolic link",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Removes the temporary files an earlier write left: in `out` itself (where the
/// manifest is replaced) always, and, when that write was interrupted (its manifest
/// is marked in progress), in every directory of a file it listed or this one
/// produces. Directories are only those that [`inside`] vouches for.
fn remove_leftovers(out: &Path, output: &Output, old: Option<&Manifest>) -> Result<(), Error> {
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    if let Some(old) = old.filter(|m| m.in_progress) {
        let listed = old.entries.iter().chain(output.files.keys());
        dirs.extend(listed.filter_map(|rel| rel.rsplit_once('/').map(|(dir, _)| dir)));
    }
    let mut paths = vec![out.to_path_buf()];
    for dir in dirs {
        if inside(out, &format!("{dir}/x"))? {
            paths.push(out.join(dir));
        }
    }
    temp::remove_leftovers(out, paths.iter().map(PathBuf::as_path))
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

/// What [`apply`] brings `out` to.
struct Changes<'a> {
    produced: &'a BTreeSet<&'a str>,
    /// The files to write: (relative path, target, contents).
    plan: Vec<(&'a str, PathBuf, &'a [u8])>,
    /// The files of the previous manifest to remove.
    stale: &'a BTreeSet<&'a str>,
    /// The final manifest.
    manifest: String,
}

/// Writes the changed files, removes the stale ones and writes the manifest, in the
/// order the module docs give. Returns the written and the removed paths, sorted.
fn apply(
    out: &Path,
    old: Option<&Manifest>,
    changes: Changes<'_>,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let manifest_path = out.join(MANIFEST);
    if changes.plan.is_empty() && changes.stale.is_empty() {
        // At most the manifest changes (a new fingerprint, or a write interrupted
        // after its last rename).
        if !matches!(existing(&manifest_path)?, Existing::File(b) if b == changes.manifest.as_bytes())
        {
            temp::create_dirs(out, &mut Vec::new())?;
            temp::replace_file(&manifest_path, changes.manifest.as_bytes())?;
        }
        return Ok((Vec::new(), Vec::new()));
    }

    // 1. The manifest marked in progress, naming every file this write may leave.
    let mut staged = Staged::default();
    temp::create_dirs(out, &mut staged.created_dirs)?;
    let old_entries = old.iter().flat_map(|m| &m.entries).map(String::as_str);
    let union: BTreeSet<&str> = changes
        .produced
        .iter()
        .copied()
        .chain(old_entries)
        .collect();
    let marked = manifest::render(union, Mark::InProgress);
    if let Err(e) = temp::replace_file(&manifest_path, marked.as_bytes()) {
        staged.roll_back();
        return Err(e);
    }
    if crash_at(Step::Marked) {
        return Err(crashed(Step::Marked));
    }

    // 2. Every new content into a temporary file beside its target.
    if let Err(e) = staged.stage(out, &changes.plan) {
        restore_manifest(&manifest_path, old);
        staged.roll_back();
        return Err(e);
    }
    if crash_at(Step::Staged) {
        return Err(crashed(Step::Staged));
    }

    // 3. Each renamed over its target.
    let written = rename_all(&staged)?;

    // 4. Files docbind wrote before and no longer produces (see `stale_files`).
    let mut removed = Vec::with_capacity(changes.stale.len());
    for rel in changes.stale {
        let path = out.join(rel);
        fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        temp::prune_empty_dirs(out, &path);
        removed.push(rel.to_string());
    }
    if crash_at(Step::Replaced) {
        return Err(crashed(Step::Replaced));
    }

    // 5. The manifest last.
    temp::replace_file(&manifest_path, changes.manifest.as_bytes())?;
    Ok((written, removed))
}

/// Renames every staged file over its target, in parallel; the sorted paths. On an
/// error the temporary files not renamed are removed (the manifest stays marked in
/// progress: some files may be new, others old).
fn rename_all(staged: &Staged) -> Result<Vec<String>, Error> {
    let temps = &staged.temps;
    if crash_at(Step::HalfRenamed) {
        for t in &temps[..temps.len() / 2] {
            t.rename()?;
        }
        return Err(crashed(Step::HalfRenamed));
    }
    let renamed: Vec<Result<(), Error>> = temps.par_iter().map(temp::Temp::rename).collect();
    renamed.into_iter().collect::<Result<(), Error>>()?;
    let mut written: Vec<String> = temps.iter().map(|t| t.rel.clone()).collect();
    written.sort();
    Ok(written)
}

/// Puts the manifest of before the write back (best effort: a write that failed
/// before any file was replaced leaves `out` as it was, but for the manifest's mtime).
fn restore_manifest(path: &Path, old: Option<&Manifest>) {
    let _ = match old {
        Some(m) => temp::replace_file(path, &m.text).map_err(|_| ()),
        None => fs::remove_file(path).map_err(|_| ()),
    };
}

/// The paths (relative to `out`, with `/`) that [`write`] would create, change or
/// remove, sorted: produced files that are missing or differ, files listed in the
/// manifest that are no longer produced, and the manifest itself when it would
/// change (or a write was interrupted: see [`status`]). Empty means `out` is fresh.
/// Touches nothing.
pub fn check(out: &Path, output: &Output) -> Result<Vec<String>, Error> {
    validate_output(output)?;
    let old = manifest::read(out)?;
    check_dirs(out, output, "check")?;
    let mut stale = BTreeSet::new();
    for (rel, state) in output.files.keys().zip(compare_all(out, output)) {
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
    // `generate`, which `check` has no part in). The mark of an interrupted write
    // makes it differ.
    let manifest = manifest::render(output.files.keys().map(String::as_str), Mark::Done(None));
    let fresh = old.is_some_and(|m| {
        manifest::without_fingerprint(&String::from_utf8_lossy(&m.text)) == manifest
    });
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

/// [`compare`] for every file of `output`, in parallel, in file order (so that the
/// first error reported is the first in that order).
fn compare_all(out: &Path, output: &Output) -> Vec<Result<Compared, Error>> {
    output
        .files
        .par_iter()
        .map(|(rel, contents)| compare(&out.join(rel), contents.as_bytes()))
        .collect()
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
        // The manifest is written again (marked in progress, then final); the other
        // files are not.
        for rel in ["Cargo.toml", "src/lib.rs", "src/b.rs"] {
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

    /// Writes v2 (fingerprint 2) over v1 (fingerprint 1) with a crash at `step`.
    fn write_crashed(step: Step) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_fingerprinted(&out, &crate_v1(), &opts(), 1).unwrap();
        CRASH.with(|s| s.set(Some(step)));
        let result = write_fingerprinted(&out, &crate_v2(), &opts(), 2);
        CRASH.with(|s| s.set(None));
        assert!(
            result.is_err(),
            "{step:?}: the crash is reported as an error"
        );
        (tmp, out)
    }

    const STEPS: [Step; 4] = [
        Step::Marked,
        Step::Staged,
        Step::HalfRenamed,
        Step::Replaced,
    ];

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

    fn temp_files(dir: &Path) -> Vec<String> {
        listing(dir)
            .into_iter()
            .filter(|rel| rel.ends_with(".docbind-tmp"))
            .collect()
    }

    #[test]
    fn output_crash_leaves_old_or_new_files_under_a_manifest_marked_in_progress() {
        for step in STEPS {
            let (_tmp, out) = write_crashed(step);
            let (v1, v2) = (crate_v1(), crate_v2());
            for (rel, text) in contents(&out) {
                let known = rel == MANIFEST
                    || rel.ends_with(".docbind-tmp")
                    || v1.files.get(&rel) == Some(&text)
                    || v2.files.get(&rel) == Some(&text);
                assert!(known, "{step:?}: {rel} is neither old nor new: {text:?}");
            }
            // The manifest names every file of either generation that is there.
            let listed = manifest::read(&out).unwrap().unwrap();
            assert!(listed.in_progress, "{step:?}");
            for rel in v1.files.keys().chain(v2.files.keys()) {
                if out.join(rel).exists() {
                    assert!(listed.entries.contains(rel), "{step:?}: {rel} not listed");
                }
            }
            let stale = check(&out, &v2).unwrap();
            assert!(stale.iter().any(|p| p == MANIFEST), "{step:?}: {stale:?}");
            assert!(status(&out).unwrap().interrupted, "{step:?}");
            assert_eq!(
                is_current(&out, 1),
                None,
                "{step:?}: the old fingerprint is gone"
            );
            assert_eq!(
                is_current(&out, 2),
                None,
                "{step:?}: the new one not yet there"
            );
        }
        // Temporary files are left only by a crash between staging and renaming.
        assert!(temp_files(&write_crashed(Step::Marked).1).is_empty());
        assert!(!temp_files(&write_crashed(Step::Staged).1).is_empty());
    }

    #[test]
    fn output_next_write_repairs_a_crash() {
        for step in STEPS {
            let (_tmp, out) = write_crashed(step);
            let report = write_fingerprinted(&out, &crate_v2(), &opts(), 2).unwrap();
            assert!(report.removed.iter().all(|r| r == "src/b.rs"), "{step:?}");
            assert!(check(&out, &crate_v2()).unwrap().is_empty(), "{step:?}");
            assert!(
                temp_files(&out).is_empty(),
                "{step:?}: temporary files removed"
            );
            assert!(!status(&out).unwrap().interrupted, "{step:?}");
            assert_eq!(is_current(&out, 2), Some(4), "{step:?}");
            let mut files = contents(&out);
            let mut want = expected(&crate_v2());
            files.remove(MANIFEST);
            want.remove(MANIFEST);
            assert_eq!(files, want, "{step:?}");
        }
    }

    #[test]
    fn output_write_after_a_crash_back_to_the_old_output_removes_what_it_left() {
        for step in STEPS {
            let (_tmp, out) = write_crashed(step);
            write(&out, &crate_v1(), &opts()).unwrap();
            assert_eq!(contents(&out), expected(&crate_v1()), "{step:?}");
            assert!(
                !out.join("src/c").exists(),
                "{step:?}: the new directory is gone"
            );
        }
    }

    /// A process working in `out` (a shell, an editor, `cargo build`) sees the new
    /// files: `out` and its directories are never replaced, files of others are not
    /// touched (a `target/` is neither copied nor linked).
    #[cfg(unix)]
    #[test]
    fn output_keeps_directories_and_files_of_others_in_place() {
        use std::io::{Read as _, Write as _};
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&out, &crate_v1(), &opts()).unwrap();
        age(&out, ALL_V1);
        fs::create_dir_all(out.join("target/debug")).unwrap();
        let built = out.join("target/debug/x");
        fs::write(&built, "build output").unwrap();
        fs::write(out.join("src/mine.rs"), "// mine").unwrap();
        std::os::unix::fs::symlink("../Cargo.toml", out.join("src/link")).unwrap();
        let inode = |p: &Path| fs::symlink_metadata(p).unwrap().ino();
        let (out_ino, src_ino, built_meta) = (
            inode(&out),
            inode(&out.join("src")),
            fs::metadata(&built).unwrap(),
        );
        let mut shell = std::process::Command::new("sh")
            .args(["-c", "read go; cat src/a.rs"])
            .current_dir(&out)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();

        let report = write(&out, &crate_v2(), &opts()).unwrap();
        assert_eq!(report.removed, ["src/b.rs"]);
        shell.stdin.take().unwrap().write_all(b"go\n").unwrap();
        let mut seen = String::new();
        shell
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut seen)
            .unwrap();
        assert!(
            shell.wait().unwrap().success(),
            "the shell's directory still exists"
        );
        assert_eq!(seen, "pub struct A2;\n", "it reads the new file");

        assert_eq!(inode(&out), out_ino, "out is the same directory");
        assert_eq!(inode(&out.join("src")), src_ino);
        let after = fs::metadata(&built).unwrap();
        assert_eq!(after.ino(), built_meta.ino(), "target/ untouched");
        assert_eq!(after.nlink(), 1, "target/ not linked anywhere");
        assert_eq!(after.modified().unwrap(), built_meta.modified().unwrap());
        assert_eq!(
            fs::read_to_string(out.join("src/mine.rs")).unwrap(),
            "// mine"
        );
        assert_eq!(
            fs::read_link(out.join("src/link")).unwrap(),
            Path::new("../Cargo.toml")
        );
        assert_eq!(
            mtime(&out.join("Cargo.toml")),
            old_time(),
            "unchanged file untouched"
        );
    }

    /// `out` a symbolic link to a directory: written through, the link stays.
    #[cfg(unix)]
    #[test]
    fn output_writes_through_a_symlinked_out() {
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
