//! A small set of pages (the input split at 0xFF bytes, at most 4 pages, named
//! like API and resource pages) through parsing and model building, which must
//! never panic nor overflow the stack: cross-page links, duplicate types and
//! base cycles only arise between pages.
//!
//! An input that starts with `!` (which is then dropped) goes on through the
//! emitter too: the model that docbind builds from any pages must emit, as code
//! that parses. Emitting costs about ten times as much as parsing, so this is
//! left to the inputs that ask for it (the fuzzer keeps those that reach new
//! code either way).
#![no_main]

#[path = "../common/check.rs"]
mod check;

use docbind::emit::{emit, EmitOptions};
use docbind::source::SourceFile;
use libfuzzer_sys::fuzz_target;

/// Page names: API and resource folders, one stem used twice, a name with no folder.
const NAMES: [&str; 4] = ["api/a.md", "resources/b.md", "api/b-list.md", "a.md"];
const SEPARATOR: u8 = 0xFF;
const EMIT_FLAG: u8 = b'!';

fuzz_target!(|data: &[u8]| {
    let (emits, data) = match data.split_first() {
        Some((&EMIT_FLAG, rest)) => (true, rest),
        _ => (false, data),
    };
    let files: Vec<SourceFile> = data
        .splitn(NAMES.len(), |&b| b == SEPARATOR)
        .zip(NAMES)
        .map(|(bytes, name)| SourceFile {
            name: name.to_string(),
            bytes: bytes.to_vec(),
        })
        .collect();
    let run = docbind::run(&files);
    if !emits {
        return;
    }
    match emit(&run.model, &EmitOptions::default()) {
        Ok(output) => check::assert_parses(&output),
        Err(e) => panic!("the model of these pages does not emit: {e}"),
    }
});
