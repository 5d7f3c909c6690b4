//! The whole pipeline, from input folders to an up-to-date crate on disk, without
//! redoing work whose result is already there.
//!
//! [`generate`] reads the pages, builds the model (for its diagnostics), and computes
//! an [`input_fingerprint`] of everything that decides the emitted files: the pages,
//! the emit options, docbind's version, the hash of the sources that turn pages
//! into code and the versions of the crates they use for it. ([`write_model`], for callers that only have a model, uses the model's
//! [`fingerprint`] instead.) When the
//! manifest of the output folder carries the same fingerprint and every file it lists
//! is still there with the size it was written with ([`output::is_current`]: one
//! `stat` per file, no reads), nothing is emitted or written. Otherwise the crate is
//! emitted and [`output::write_fingerprinted`] writes the files whose contents changed,
//! recording the new fingerprint. Emitting then reuses the formatted text of every
//! file in `out` whose tokens are the same ([`emit::emit_reusing`]), so a page
//! changed costs formatting only the files it changes. `docbind check` uses neither:
//! it always emits and formats everything, and compares bytes.

use crate::emit::{self, EmitOptions};
use crate::model::Model;
use crate::output::{self, WriteOptions, WriteReport};
use crate::stable_hash::StableHasher;
use crate::{source, Error, Run};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[cfg(test)]
#[path = "lock_file.rs"]
mod lock_file;

#[cfg(test)]
#[path = "source_tests.rs"]
mod source_tests;

/// Settings of [`generate`].
#[derive(Clone, Debug, Default)]
pub struct GenerateOptions {
    pub emit: EmitOptions,
    pub write: WriteOptions,
    /// Write a crate with nothing in it (the model has no type, enum or operation)
    /// over a folder docbind wrote before. Without it that is refused: it is most
    /// often a wrong input folder, and would remove the whole crate.
    pub allow_empty: bool,
}

/// What [`generate`] did.
#[derive(Debug)]
pub struct Report {
    /// The model, diagnostics and summary of the input.
    pub run: Run,
    /// The written, unchanged and removed files. When nothing was emitted, every
    /// file of the manifest counts as unchanged.
    pub write: WriteReport,
    /// False when the output of the same fingerprint was already in place, so that
    /// nothing was emitted (nor written).
    pub emitted: bool,
    /// Files whose formatted text was taken from the output folder, their code
    /// being the same (see [`emit::emit_reusing`]).
    pub reused: usize,
    pub timings: Timings,
}

/// What [`write_model`] did (a [`Report`] without the run).
#[derive(Clone, Debug)]
pub struct Written {
    pub write: WriteReport,
    pub emitted: bool,
    pub reused: usize,
    /// Only `fingerprint`, `emit` and `write` are set.
    pub timings: Timings,
}

/// Wall-clock time of each phase; zero for a phase that did not run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading the input files.
    pub read: Duration,
    /// Parsing the pages (in parallel).
    pub parse: Duration,
    /// Building the model, checking the examples, counting the summary.
    pub model: Duration,
    /// Hashing the model and looking at the manifest and the files it lists.
    pub fingerprint: Duration,
    /// Emitting the crate: tokens, syn, prettyplease (in parallel).
    pub emit: Duration,
    /// Comparing with the files on disk and writing the changed ones.
    pub write: Duration,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.read + self.parse + self.model + self.fingerprint + self.emit + self.write
    }
}

/// Reads the pages below `inputs`, builds the model and brings the crate in `out` up
/// to date (see the module docs). The input's diagnostics are in the report's run;
/// like `docbind generate`, the valid parts are written even when some are errors.
pub fn generate(inputs: &[PathBuf], out: &Path, opts: &GenerateOptions) -> Result<Report, Error> {
    let start = Instant::now();
    let source::Pages { files, diagnostics } = source::read_pages(inputs)?;
    let read = start.elapsed();
    let (run, run_timings) = crate::run_timed_with(&files, diagnostics);
    let start = Instant::now();
    let key = input_fingerprint(&files, &opts.emit);
    let hashing = start.elapsed();
    drop(files);
    let mut written = write_keyed(&run.model, out, opts, Some(key))?;
    written.timings.fingerprint += hashing;
    Ok(Report {
        run,
        write: written.write,
        emitted: written.emitted,
        reused: written.reused,
        timings: Timings {
            read,
            parse: run_timings.parse,
            model: run_timings.model,
            ..written.timings
        },
    })
}

/// The part of [`generate`] after the model: for callers that built the model
/// themselves (a build script that looks at the diagnostics first).
pub fn write_model(model: &Model, out: &Path, opts: &GenerateOptions) -> Result<Written, Error> {
    let start = Instant::now();
    let key = fingerprint(model, &opts.emit);
    let hashing = start.elapsed();
    let mut written = write_keyed(model, out, opts, key)?;
    written.timings.fingerprint += hashing;
    Ok(written)
}

/// [`write_model`] with the fingerprint `key` already computed (`None`: never skip).
fn write_keyed(
    model: &Model,
    out: &Path,
    opts: &GenerateOptions,
    key: Option<u64>,
) -> Result<Written, Error> {
    refuse_empty(model, out, opts)?;
    let start = Instant::now();
    if let Some(files) = key.and_then(|k| output::is_current(out, k)) {
        return Ok(Written {
            write: WriteReport {
                unchanged: files,
                ..WriteReport::default()
            },
            emitted: false,
            reused: 0,
            timings: Timings {
                fingerprint: start.elapsed(),
                ..Timings::default()
            },
        });
    }
    let fingerprint = start.elapsed();

    let start = Instant::now();
    // Files of a folder docbind wrote before (it has a manifest) may be reused when
    // their code has not changed; `emit_reusing` checks each one's key and text.
    // Only regular files are read: a symbolic link or a device standing there is
    // never followed (it could be endless, like `/dev/zero`).
    let ours = out.join(output::MANIFEST).is_file();
    let previous = |rel: &str| {
        let path = out.join(rel);
        let regular = ours && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        regular
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
    };
    let emit::Emitted {
        output: emitted,
        reused,
    } = emit::emit_reusing(model, &opts.emit, &previous)?;
    let emit = start.elapsed();

    let start = Instant::now();
    let write = match key {
        Some(k) => output::write_fingerprinted(out, &emitted, &opts.write, k)?,
        None => output::write(out, &emitted, &opts.write)?,
    };
    drop(emitted);
    Ok(Written {
        write,
        emitted: true,
        reused,
        timings: Timings {
            fingerprint,
            emit,
            write: start.elapsed(),
            ..Timings::default()
        },
    })
}

/// [`Error::Refused`] when `model` is empty and `out` holds files docbind wrote,
/// unless [`GenerateOptions::allow_empty`].
fn refuse_empty(model: &Model, out: &Path, opts: &GenerateOptions) -> Result<(), Error> {
    let empty = model.types.is_empty() && model.enums.is_empty() && model.operations.is_empty();
    if !empty || opts.allow_empty {
        return Ok(());
    }
    let files = output::status(out)?.files;
    if files == 0 {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "the input has nothing to generate (no type, enum or operation: is --input the \
         folder of the pages?); refusing to replace the {files} files docbind wrote in {} \
         with an empty crate (pass --allow-empty to do it)",
        out.display()
    )))
}

/// A stable hash of everything that decides what [`emit::emit`] makes of `model`
/// with `opts`: the model (as its JSON), the options, docbind's version and the hash
/// of the emitter's sources and the versions of its dependencies (made by docbind's
/// build script). The same on every
/// machine and Rust release. `None` if the model cannot be serialized (then nothing
/// is ever skipped).
pub fn fingerprint(model: &Model, opts: &EmitOptions) -> Option<u64> {
    // Every field, so that a new one cannot be left out of the hash.
    let Model {
        types,
        enums,
        operations,
        examples,
        // The documented calls are not emitted (the replay reads them).
        calls: _,
    } = model;
    let lists = [
        item_hashes(types)?,
        item_hashes(enums)?,
        item_hashes(operations)?,
        item_hashes(examples)?,
    ];
    Some(combine("docbind fingerprint 1", opts, &lists))
}

/// A stable hash of everything that decides what [`generate`] emits for `files`:
/// every page's name and bytes, the emit options, docbind's version, the hash
/// of the sources that read, parse, model and emit them and the versions of the
/// crates they use for it (made by docbind's build script). The output is a function of these alone, and hashing the input is
/// far cheaper than hashing the model ([`fingerprint`]: 0.11 s for the whole corpus,
/// against 0.02 s for its pages), which keeps a no-op regeneration close to the
/// cost of building the model. An edit that leaves the model as it was (a typo
/// fixed in a comment) makes `generate` emit again, and write nothing.
pub fn input_fingerprint(files: &[source::SourceFile], opts: &EmitOptions) -> u64 {
    let per_file: Vec<u64> = files
        .par_iter()
        .map(|f| {
            let mut h = StableHasher::new();
            h.write_str(&f.name);
            h.write_u64(f.bytes.len() as u64);
            h.write(&f.bytes);
            h.finish()
        })
        .collect();
    combine("docbind input fingerprint 1", opts, &[per_file])
}

/// What decides the emitted text besides the input and the options: docbind itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Build<'a> {
    version: &'a str,
    /// The hash of the sources that read, parse, model and emit (docbind's build script).
    sources: &'a str,
    /// The versions of the crates that do part of that work, from the `Cargo.lock`
    /// docbind was built with (see `build.rs`): an update changes the output too.
    dependencies: &'a str,
}

/// This build of docbind.
const BUILD: Build<'static> = Build {
    version: env!("CARGO_PKG_VERSION"),
    sources: env!("DOCBIND_EMITTER_HASH"),
    dependencies: env!("DOCBIND_DEPENDENCIES"),
};

/// A fingerprint of one `kind` from lists of hashes of its parts, with what every
/// fingerprint holds: the emit options and this build of docbind.
fn combine(kind: &str, opts: &EmitOptions, lists: &[Vec<u64>]) -> u64 {
    combine_for(&BUILD, kind, opts, lists)
}

/// [`combine`] for a given build (the tests vary it).
fn combine_for(build: &Build<'_>, kind: &str, opts: &EmitOptions, lists: &[Vec<u64>]) -> u64 {
    let mut h = StableHasher::new();
    h.write_str(kind);
    h.write_str(build.version);
    h.write_str(build.sources);
    h.write_str(build.dependencies);
    h.write_str(&format!("{opts:?}"));
    for list in lists {
        h.write_u64(list.len() as u64);
        for &x in list {
            h.write_u64(x);
        }
    }
    h.finish()
}

/// The hash of each item's JSON, in parallel.
fn item_hashes<T: Serialize + Sync>(items: &[T]) -> Option<Vec<u64>> {
    let hashes: Vec<Option<u64>> = items
        .par_iter()
        .map_init(Vec::new, |json, item| {
            json.clear();
            serde_json::to_writer(&mut *json, item).ok()?;
            Some(crate::stable_hash::hash_bytes(json))
        })
        .collect();
    hashes.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::time::SystemTime;

    fn docs_input() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("docs-input")
    }

    /// A copy of docs-input in a temporary folder.
    fn copy_of_docs_input(tmp: &Path) -> PathBuf {
        fn copy(from: &Path, to: &Path) {
            fs::create_dir_all(to).unwrap();
            for entry in fs::read_dir(from).unwrap() {
                let path = entry.unwrap().path();
                let target = to.join(path.file_name().unwrap());
                if path.is_dir() {
                    copy(&path, &target);
                } else {
                    fs::copy(&path, &target).unwrap();
                }
            }
        }
        let dir = tmp.join("docs-input");
        copy(&docs_input(), &dir);
        dir
    }

    /// Every file below `dir` with its mtime.
    fn mtimes(dir: &Path) -> Vec<(PathBuf, SystemTime)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, SystemTime)>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    let m = fs::metadata(&path).unwrap().modified().unwrap();
                    out.push((path, m));
                }
            }
        }
        let mut v = Vec::new();
        walk(dir, &mut v);
        v.sort();
        v
    }

    /// Sets the mtime of every file below `dir` to a fixed old time, so that any
    /// rewrite shows even on a file system with coarse timestamps.
    fn age(dir: &Path) {
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        for (path, _) in mtimes(dir) {
            let f = fs::File::options().write(true).open(&path).unwrap();
            f.set_modified(old).unwrap();
        }
    }

    #[test]
    fn generate_noop_writes_nothing_and_skips_emit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let opts = GenerateOptions::default();
        let first = generate(&[docs_input()], &out, &opts).unwrap();
        assert!(first.emitted);
        assert!(!first.write.written.is_empty());
        age(&out);
        let before = mtimes(&out);

        let second = generate(&[docs_input()], &out, &opts).unwrap();
        assert!(!second.emitted, "the fingerprint matched: nothing emitted");
        assert!(second.write.written.is_empty());
        assert!(second.write.removed.is_empty());
        assert_eq!(second.write.unchanged, first.write.written.len());
        assert_eq!(second.timings.emit, Duration::ZERO);
        assert_eq!(mtimes(&out), before, "no file was touched");
        // And what is there is exactly what would be emitted.
        let emitted = emit::emit(&second.run.model, &opts.emit).unwrap();
        assert!(output::check(&out, &emitted).unwrap().is_empty());
    }

    #[test]
    fn generate_emits_again_when_options_or_files_differ() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let opts = GenerateOptions::default();
        generate(&[docs_input()], &out, &opts).unwrap();

        // A file removed by hand: emitted and written again.
        fs::remove_file(out.join("Cargo.toml")).unwrap();
        let again = generate(&[docs_input()], &out, &opts).unwrap();
        assert!(again.emitted);
        assert_eq!(again.write.written, ["Cargo.toml"]);

        // A file whose size changed.
        let lib = out.join("src/lib.rs");
        let mut text = fs::read_to_string(&lib).unwrap();
        text.push_str("// mine\n");
        fs::write(&lib, text).unwrap();
        let again = generate(&[docs_input()], &out, &opts).unwrap();
        assert!(again.emitted);
        assert_eq!(again.write.written, ["src/lib.rs"]);

        // Other emit options: another fingerprint.
        let other = GenerateOptions {
            emit: EmitOptions {
                crate_name: "other-name".into(),
                ..EmitOptions::default()
            },
            ..GenerateOptions::default()
        };
        let again = generate(&[docs_input()], &out, &other).unwrap();
        assert!(again.emitted);
        assert_eq!(again.write.written, ["Cargo.toml"]);
        let again = generate(&[docs_input()], &out, &other).unwrap();
        assert!(!again.emitted);
    }

    #[test]
    fn generate_after_one_page_changed_rewrites_only_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let input = copy_of_docs_input(tmp.path());
        let out = tmp.path().join("out");
        let opts = GenerateOptions::default();
        let first = generate(std::slice::from_ref(&input), &out, &opts).unwrap();
        let all = first.write.written.len();
        assert!(all > 10, "docs-input makes more than a few files ({all})");
        age(&out);
        let before = mtimes(&out);

        // Another description of one property of one resource.
        let page = input.join("resources/intune-shared-groupassignmenttarget.md");
        let text = fs::read_to_string(&page).unwrap();
        let changed = text.replacen(
            "whose members are targeted.",
            "whose members, and only those, are targeted.",
            1,
        );
        assert_ne!(changed, text, "the page describes groupId");
        fs::write(&page, changed).unwrap();

        let second = generate(&[input], &out, &opts).unwrap();
        assert!(second.emitted);
        assert!(second.write.removed.is_empty());
        // The type's own file, and that of the one type derived from it, which
        // repeats the inherited property with its docs. Nothing else.
        let written = &second.write.written;
        assert_eq!(
            written,
            &[
                "src/graph/exclusion_group_assignment_target.rs",
                "src/graph/group_assignment_target.rs"
            ],
            "only the files of that page's type change"
        );
        // Every other file kept its mtime; the manifest was rewritten (new fingerprint).
        let after = mtimes(&out);
        let touched: Vec<String> = before
            .iter()
            .zip(&after)
            .filter(|(b, a)| b != a)
            .map(|(b, _)| {
                b.0.strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        let mut expected: Vec<String> = written.clone();
        expected.push(output::MANIFEST.to_string());
        expected.sort();
        let mut touched = touched;
        touched.sort();
        assert_eq!(touched, expected);

        // Only those two were formatted again: every other Rust file's text was
        // reused (Cargo.toml and the five verbatim hand-written modules are never
        // formatted).
        assert_eq!(second.reused, all - 6 - written.len());
        // And what was reused is what formatting gives.
        let fresh = emit::emit(&second.run.model, &opts.emit).unwrap();
        for (rel, text) in &fresh.files {
            assert_eq!(&fs::read_to_string(out.join(rel)).unwrap(), text, "{rel}");
        }
    }

    /// Drops the fingerprint from the manifest of `out`, as an interrupted run
    /// leaves it, so that the next generate emits again.
    fn unstamp(out: &Path) {
        let manifest = out.join(output::MANIFEST);
        let listing = fs::read_to_string(&manifest).unwrap();
        let unstamped: String = listing
            .lines()
            .filter(|l| !l.starts_with("# fingerprint"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(&manifest, unstamped).unwrap();
    }

    /// docs-input generated into `out` in a new temporary folder, and how many
    /// files that wrote.
    fn generated_docs_input() -> (tempfile::TempDir, usize) {
        let tmp = tempfile::tempdir().unwrap();
        let opts = GenerateOptions::default();
        let first = generate(&[docs_input()], &tmp.path().join("out"), &opts).unwrap();
        let files = first.write.written.len();
        (tmp, files)
    }

    /// A generated file replaced by a link to an endless device: generate does not
    /// read through it (it would never end), and writes the file again.
    #[cfg(unix)]
    #[test]
    fn generate_reads_no_link_to_reuse() {
        let (tmp, files) = generated_docs_input();
        let (out, opts) = (tmp.path().join("out"), GenerateOptions::default());
        let linked = out.join("src/graph/group_assignment_target.rs");
        let text = fs::read_to_string(&linked).unwrap();
        fs::remove_file(&linked).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &linked).unwrap();
        unstamp(&out);

        let second = generate(&[docs_input()], &out, &opts).unwrap();
        assert_eq!(
            second.reused,
            files - 7,
            "all but the linked file, Cargo.toml, the hand-written modules"
        );
        assert_eq!(
            second.write.written,
            ["src/graph/group_assignment_target.rs"]
        );
        assert_eq!(fs::read_to_string(&linked).unwrap(), text);
    }

    #[test]
    fn generate_reuses_no_edited_file() {
        let (tmp, files) = generated_docs_input();
        let (out, opts) = (tmp.path().join("out"), GenerateOptions::default());
        // A hand edit below the key line.
        let edited = out.join("src/graph/group_assignment_target.rs");
        let text = fs::read_to_string(&edited).unwrap();
        fs::write(&edited, text.replacen("pub struct", "pub(crate) struct", 1)).unwrap();
        unstamp(&out);

        let second = generate(&[docs_input()], &out, &opts).unwrap();
        assert!(second.emitted);
        assert_eq!(
            second.write.written,
            ["src/graph/group_assignment_target.rs"]
        );
        assert_eq!(
            second.reused,
            files - 7,
            "all but the edited file, Cargo.toml, the hand-written modules"
        );
        assert_eq!(
            fs::read_to_string(&edited).unwrap(),
            text,
            "the edit is undone"
        );
    }

    #[test]
    fn input_fingerprint_is_stable_and_sensitive() {
        let files = source::read_inputs(&[docs_input()]).unwrap();
        let opts = EmitOptions::default();
        let a = input_fingerprint(&files, &opts);
        assert_eq!(input_fingerprint(&files.clone(), &opts), a);
        let mut edited = files.clone();
        edited[0].bytes.push(b'\n');
        assert_ne!(input_fingerprint(&edited, &opts), a, "a page's bytes");
        let mut renamed = files.clone();
        renamed[0].name.push('x');
        assert_ne!(input_fingerprint(&renamed, &opts), a, "a page's name");
        let fewer = &files[1..];
        assert_ne!(input_fingerprint(fewer, &opts), a, "a page less");
        let other = EmitOptions {
            crate_name: "other".into(),
            ..EmitOptions::default()
        };
        assert_ne!(input_fingerprint(&files, &other), a, "the options");
    }

    #[test]
    fn tests_are_left_out_of_the_sources_hash() {
        use source_tests::{is_test_file, without_tests, HASHED_DIRS, MARK};
        assert!(is_test_file(Path::new("src/emit/tests.rs")));
        assert!(is_test_file(Path::new("src/emit/tests_features.rs")));
        assert!(!is_test_file(Path::new("src/emit/types.rs")));
        let code = "fn a() {}\n";
        let closing = format!("{code}\n#[cfg(test)]\nmod tests {{\n    fn t() {{}}\n}}\n");
        assert_eq!(
            without_tests(closing.as_bytes()),
            format!("{code}\n").as_bytes()
        );
        // Code after the module counts: the file is hashed whole.
        let followed = format!("{closing}fn b() {{}}\n");
        assert_eq!(without_tests(followed.as_bytes()), followed.as_bytes());
        assert_eq!(without_tests(code.as_bytes()), code.as_bytes());
        // Every source file with tests in docbind closes with them, as the rule needs.
        for dir in HASHED_DIRS {
            for entry in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let Ok(text) = fs::read(&path) else { continue };
                if path.extension().is_some_and(|e| e == "rs")
                    && !is_test_file(&path)
                    && text.windows(MARK.len()).any(|w| w == MARK)
                {
                    assert!(
                        without_tests(&text).len() < text.len(),
                        "{}",
                        path.display()
                    );
                }
            }
        }
    }

    #[test]
    fn fingerprint_covers_the_versions_of_the_dependencies() {
        // The build script read them from the workspace's Cargo.lock.
        let lock = fs::read_to_string(docs_input().join("../Cargo.lock")).unwrap();
        assert_eq!(
            BUILD.dependencies,
            lock_file::versions(&lock, lock_file::CRATES)
        );
        for name in ["syn", "prettyplease", "proc-macro2", "quote"] {
            assert!(
                BUILD.dependencies.contains(&format!("{name} ")),
                "{name} in {}",
                BUILD.dependencies
            );
        }
        // Another version of one of them: another fingerprint.
        let opts = EmitOptions::default();
        let updated = BUILD.dependencies.replacen("syn ", "syn 0.", 1);
        let other = Build {
            dependencies: &updated,
            ..BUILD
        };
        let lists = [vec![1, 2, 3]];
        assert_ne!(
            combine_for(&other, "kind", &opts, &lists),
            combine_for(&BUILD, "kind", &opts, &lists)
        );
    }

    #[test]
    fn generate_refuses_an_empty_input_over_a_generated_crate() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, empty) = (tmp.path().join("out"), tmp.path().join("empty"));
        fs::create_dir(&empty).unwrap();
        let opts = GenerateOptions::default();
        let first = generate(&[docs_input()], &out, &opts).unwrap();
        let before = mtimes(&out);

        let err = generate(std::slice::from_ref(&empty), &out, &opts).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err}");
        assert!(err.to_string().contains("--allow-empty"), "{err}");
        assert_eq!(mtimes(&out), before, "nothing was touched");

        let allowed = GenerateOptions {
            allow_empty: true,
            ..GenerateOptions::default()
        };
        let report = generate(std::slice::from_ref(&empty), &out, &allowed).unwrap();
        let produced = report.write.written.len() + report.write.unchanged;
        assert_eq!(
            report.write.removed.len(),
            first.write.written.len() - produced
        );
        // Into a folder without a manifest, an empty crate is no loss.
        let fresh = tmp.path().join("fresh");
        assert!(generate(&[empty], &fresh, &opts).is_ok());
    }

    #[test]
    fn fingerprint_is_stable_and_sensitive() {
        let run = crate::run_dirs(&[docs_input()]).unwrap();
        let opts = EmitOptions::default();
        let a = fingerprint(&run.model, &opts).unwrap();
        assert_eq!(fingerprint(&run.model.clone(), &opts), Some(a));
        let mut model = run.model.clone();
        if let Some(t) = model.types.first_mut() {
            t.description = Some("changed".into());
        }
        assert_ne!(fingerprint(&model, &opts), Some(a));
        let other = EmitOptions {
            command: "make".into(),
            ..EmitOptions::default()
        };
        assert_ne!(fingerprint(&run.model, &other), Some(a));
    }
}
