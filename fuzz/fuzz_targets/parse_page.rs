//! Arbitrary bytes as one page: parsing and model building must never panic nor
//! overflow the stack, whatever the page holds (bad input becomes diagnostics).
#![no_main]

use docbind::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = SourceFile {
        name: "api/fuzz-page.md".into(),
        bytes: data.to_vec(),
    };
    let _ = docbind::run(&[file]);
});
