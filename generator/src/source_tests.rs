//! What of docbind's sources is tests, left out of the hash the build script
//! gives the fingerprint (see `build.rs`): a change to tests alone must not make
//! an output folder stale. Shared by the build script and docbind's tests.

use std::path::Path;

/// The folders (of the generator package) whose sources make the hash, beside
/// the few single files `build.rs` names.
pub const HASHED_DIRS: &[&str] = &["src/emit", "src/model", "src/parse"];

/// A file of tests only: `tests.rs`, `tests_*.rs`.
pub fn is_test_file(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s == "tests" || s.starts_with("tests_"))
}

/// How a file's test module starts.
pub const MARK: &[u8] = b"\n#[cfg(test)]\nmod tests {\n";

/// `text` without its `#[cfg(test)] mod tests { .. }` when that module closes the
/// file (its closing brace is the first one in column 0 and the last line): a
/// module anywhere else is kept, which at worst changes the hash needlessly.
pub fn without_tests(text: &[u8]) -> &[u8] {
    let Some(at) = text.windows(MARK.len()).position(|w| w == MARK) else {
        return text;
    };
    let body = &text[at + MARK.len()..];
    let mut lines = body.split(|&b| b == b'\n');
    let closes_file = lines.by_ref().find(|l| l.first() == Some(&b'}')) == Some(&b"}"[..])
        && lines.all(|l| l.is_empty());
    if closes_file {
        &text[..at + 1]
    } else {
        text
    }
}
