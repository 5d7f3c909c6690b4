//! Shared helpers of the integration tests: locating inputs, emitting crates into
//! one shared place, and building them with one shared target dir so that serde and
//! serde_json compile once for every generated crate of the test run.

#![allow(dead_code)] // each test binary uses its own subset

use docbind::emit::{EmitOptions, Output};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository (where CI puts it).
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// The Graph docs corpus: `DOCBIND_CORPUS`, or `../shared/graph-docs`.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("graph-docs"));
    dir.is_dir().then_some(dir)
}

/// Where tests put the crates they generate (under target/, never in the repo).
pub fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target").join("docbind-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The target dir every generated crate of the tests is built in.
pub fn shared_target() -> PathBuf {
    root().join("target").join("docbind-tests-target")
}

pub fn emit_options(crate_name: &str) -> EmitOptions {
    EmitOptions {
        crate_name: crate_name.to_string(),
        ..EmitOptions::default()
    }
}

/// Writes an emitted crate to `dir`, with the workspace's Cargo.lock so the
/// dependency versions are the ones already built.
pub fn write_crate(output: &Output, dir: &Path) {
    let opts = docbind::output::WriteOptions { force: true };
    docbind::output::write(dir, output, &opts).expect("write crate");
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// Runs `cargo <args>` in a generated crate with the shared target dir; returns
/// stdout, or panics with the compiler's output.
pub fn cargo(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target())
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        panic!(
            "cargo {} failed in {}:\n{}\n{}",
            args.join(" "),
            dir.display(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stdout
}

/// Reads a folder of pages through docbind.
pub fn run(dirs: &[PathBuf]) -> docbind::Run {
    docbind::run_dirs(dirs).expect("read input")
}

/// Builds and runs a program (`main_rs`) that depends on the crate in `dir/crate`
/// as `generated`; returns its stdout.
pub fn run_program(dir: &Path, crate_name: &str, main_rs: &str, args: &[&str]) -> String {
    let harness = dir.join("harness");
    std::fs::create_dir_all(harness.join("src")).expect("harness dir");
    let toml = docbind::conformance::cargo_toml(crate_name, "../crate");
    std::fs::write(harness.join("Cargo.toml"), toml).expect("write harness");
    std::fs::write(harness.join("src/main.rs"), main_rs).expect("write harness");
    std::fs::copy(root().join("Cargo.lock"), harness.join("Cargo.lock")).expect("copy lock");
    let mut cargo_args = vec!["run", "--quiet", "--"];
    cargo_args.extend_from_slice(args);
    cargo(&harness, &cargo_args)
}

/// What the conformance harness said about one example.
#[derive(Debug)]
pub struct Checked {
    pub source: docbind::model::Source,
    pub deserialized: bool,
    pub lossless: bool,
    pub error: Option<String>,
}

/// Builds the conformance harness against the crate in `dir/crate` and runs it on
/// the model's examples.
pub fn conformance(model: &docbind::Model, crate_name: &str, dir: &Path) -> Vec<Checked> {
    let examples = dir.join("examples.json");
    let json = serde_json::to_string(&model.examples).expect("examples JSON");
    std::fs::write(&examples, json).expect("write examples");
    let main_rs = docbind::conformance::main_rs(model);
    let out = run_program(dir, crate_name, &main_rs, &[&examples.to_string_lossy()]);
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("harness line");
            let i = v["index"].as_u64().expect("index") as usize;
            Checked {
                source: model.examples[i].source.clone(),
                deserialized: v["deserialized"].as_bool().unwrap_or(false),
                lossless: v["lossless"].as_bool().unwrap_or(false),
                error: v["error"].as_str().map(String::from),
            }
        })
        .collect()
}
