//! Hashes the sources that decide what docbind emits for given pages (reading them,
//! `src/source.rs`; parsing, `src/parse/`; the model, `src/model/`; the emitter,
//! `src/emit/`; `src/lib.rs`, which joins them) into `DOCBIND_EMITTER_HASH`. The
//! fingerprint that `docbind generate` keeps in its manifest includes it, so a change
//! to any of them never lets a regeneration be skipped as a no-op. Line ends are
//! normalised, so a checkout with CRLF gets the same hash.

#[path = "src/stable_hash.rs"]
#[allow(dead_code)]
mod stable_hash;

use std::path::{Path, PathBuf};

const DIRS: &[&str] = &["src/emit", "src/model", "src/parse"];
const FILES: &[&str] = &["src/source.rs", "src/lib.rs"];

fn main() {
    let mut files = Vec::new();
    for dir in DIRS {
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
        h.write_str(&rel);
        h.write_u64(text.len() as u64);
        h.write(&text);
    }
    println!("cargo:rustc-env=DOCBIND_EMITTER_HASH={:016x}", h.finish());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
