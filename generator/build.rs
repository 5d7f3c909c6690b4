//! What decides the emitted text besides the pages and the options, for the
//! fingerprint that `docbind generate` keeps in its manifest (so that a change to any
//! of it never lets a regeneration be skipped as a no-op):
//!
//! * `DOCBIND_EMITTER_HASH`: a hash of the sources that read the pages
//!   (`src/source.rs`), parse them (`src/parse/`), build the model (`src/model/`) and
//!   emit it (`src/emit/`), with `src/lib.rs`, which joins them. Line ends are
//!   normalised, so a checkout with CRLF gets the same hash. Tests are left out
//!   (files `tests.rs` and `tests_*.rs`, and a trailing `#[cfg(test)] mod tests`),
//!   so that a change to tests alone leaves the checked-in crate current.
//! * `DOCBIND_DEPENDENCIES`: the versions of the crates that do part of that work
//!   (`src/lock_file.rs`), from the `Cargo.lock` of the workspace docbind is built
//!   in: the first one found above docbind's own folder, else above the build's
//!   output folder (docbind built as a dependency from a registry), else `unknown`.

#[path = "src/stable_hash.rs"]
#[allow(dead_code)]
mod stable_hash;

#[path = "src/lock_file.rs"]
mod lock_file;

#[path = "src/source_tests.rs"]
mod source_tests;

use source_tests::{is_test_file, without_tests, HASHED_DIRS};

use std::path::{Path, PathBuf};

const FILES: &[&str] = &["src/source.rs", "src/lib.rs"];

/// The modules above, which decide how the hash is made: once a build script
/// names what it reads, cargo reruns it for those paths only.
const OWN_MODULES: &[&str] = &[
    "src/stable_hash.rs",
    "src/lock_file.rs",
    "src/source_tests.rs",
];

fn main() {
    for module in OWN_MODULES {
        println!("cargo:rerun-if-changed={module}");
    }
    println!(
        "cargo:rustc-env=DOCBIND_EMITTER_HASH={:016x}",
        sources_hash()
    );
    println!("cargo:rustc-env=DOCBIND_DEPENDENCIES={}", dependencies());
}

fn sources_hash() -> u64 {
    let mut files = Vec::new();
    for dir in HASHED_DIRS {
        println!("cargo:rerun-if-changed={dir}");
        collect(Path::new(dir), &mut files);
    }
    for file in FILES {
        println!("cargo:rerun-if-changed={file}");
        files.push(PathBuf::from(file));
    }
    files.sort();
    let mut h = stable_hash::StableHasher::new();
    for path in &files {
        let rel = path.to_string_lossy().replace('\\', "/");
        // An unreadable file still changes the hash (by its name), and the build of
        // the crate itself will report it.
        let text = std::fs::read(path).unwrap_or_default();
        let text: Vec<u8> = text.into_iter().filter(|&b| b != b'\r').collect();
        let text = without_tests(&text);
        h.write_str(&rel);
        h.write_u64(text.len() as u64);
        h.write(text);
    }
    h.finish()
}

/// The versions of [`lock_file::CRATES`] (see the module docs).
fn dependencies() -> String {
    let starts = ["CARGO_MANIFEST_DIR", "OUT_DIR"]
        .into_iter()
        .filter_map(std::env::var_os)
        .map(PathBuf::from);
    for start in starts {
        for dir in start.ancestors() {
            let lock = dir.join("Cargo.lock");
            if let Ok(text) = std::fs::read_to_string(&lock) {
                println!("cargo:rerun-if-changed={}", lock.display());
                return lock_file::versions(&text, lock_file::CRATES);
            }
        }
    }
    "unknown".into()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && !is_test_file(&path) {
            out.push(path);
        }
    }
}
