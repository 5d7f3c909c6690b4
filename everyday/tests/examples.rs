//! Runs each example of this package and checks what it prints: the method and
//! path of its request, the facts of its JSON body, and what it read from the
//! canned answer. The facts are in `expected/mod.rs`, which the corpus test also
//! checks against the examples built with the crate of the v1.0 docs.

mod expected;

use std::process::Command;

/// Builds and runs `example` through cargo (so it is fresh whichever way the
/// test was started); returns its stdout.
fn run(example: &str) -> String {
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "-p",
            "docbind-everyday",
            "--example",
            example,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "example {example} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn every_example_prints_its_request_and_what_it_read() {
    let mut failures = Vec::new();
    for (example, facts) in expected::EXAMPLES {
        let output = run(example);
        if let Err(e) = expected::check(example, facts, &output) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_file_is_checked() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut checked: Vec<String> = expected::EXAMPLES
        .iter()
        .map(|(name, _)| format!("{name}.rs"))
        .collect();
    checked.sort();
    assert_eq!(files, checked);
}
