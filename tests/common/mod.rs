//! Shared helpers of the integration tests: locating inputs, emitting crates into
//! one scratch place under the target dir, and building them with one shared
//! target dir so that serde and serde_json compile once for every generated crate
//! of the test run.
//!
//! Everything goes below `CARGO_TARGET_TMPDIR`, which cargo sets to `<target
//! dir>/tmp` (so `CARGO_TARGET_DIR` is honoured). Generated crates are built
//! with the flags of [`cargo`]: warnings denied, no debuginfo, no incremental
//! state (they are built once per run; debuginfo was most of their disk).

#![allow(dead_code)] // each test binary uses its own subset

use docbind::emit::{EmitOptions, Output};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository (where CI puts it).
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// The Graph docs corpus: `DOCBIND_CORPUS`, or `../shared/graph-docs`; an error
/// saying where it looked when that is not a folder.
pub fn corpus() -> Result<PathBuf, String> {
    let dir = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("graph-docs"));
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "no corpus at {}: put the Graph docs there (../shared/graph-docs beside the \
             repository, with v1.0/ and beta/) or set DOCBIND_CORPUS to their folder",
            dir.display()
        ))
    }
}

/// The seed page: `DOCBIND_SEED`, or `../shared/seed/update-assignments.md`;
/// panics saying where it looked when it cannot be read.
pub fn seed() -> Vec<u8> {
    let path = std::env::var_os("DOCBIND_SEED")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("seed").join("update-assignments.md"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "no seed page at {} ({e}): put it there (../shared/seed beside the repository) \
             or set DOCBIND_SEED to the page",
            path.display()
        )
    })
}

/// `<target dir>/tmp`, the folder cargo gives tests for their files.
fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

/// A fresh folder for the crates of one test, `<target dir>/tmp/docbind-tests/NAME`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = target_tmp().join("docbind-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// The target dir every generated crate of the tests is built in (the emitter's
/// own tests use the same one).
pub fn shared_target() -> PathBuf {
    target_tmp().join("docbind-tests-target")
}

pub fn emit_options(crate_name: &str) -> EmitOptions {
    EmitOptions {
        crate_name: crate_name.to_string(),
        ..EmitOptions::default()
    }
}

/// Makes `dir` the root of a cargo workspace of `members` (paths relative to
/// it), with the repository's Cargo.lock so the dependency versions are the ones
/// already built. One cargo invocation builds all members, in parallel where
/// they do not depend on each other.
pub fn write_workspace(dir: &Path, members: &[&str]) {
    let list: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    let toml = format!(
        "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
        list.join(", ")
    );
    std::fs::create_dir_all(dir).expect("workspace dir");
    std::fs::write(dir.join("Cargo.toml"), toml).expect("write workspace");
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
}

/// Writes an emitted crate to `dir` (a member of a workspace from [`write_workspace`]).
pub fn write_crate(output: &Output, dir: &Path) {
    let opts = docbind::output::WriteOptions { force: true };
    docbind::output::write(dir, output, &opts).expect("write crate");
}

/// Writes a program `package` with `main_rs` to `dir`, depending on the crate
/// `crate_name` in `crate_dir` (relative to `dir`) as `generated`.
pub fn write_program(dir: &Path, package: &str, crate_name: &str, crate_dir: &str, main_rs: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("program dir");
    let toml = docbind::conformance::cargo_toml(package, crate_name, crate_dir);
    std::fs::write(dir.join("Cargo.toml"), toml).expect("write program");
    std::fs::write(dir.join("src/main.rs"), main_rs).expect("write program");
}

/// Runs `cargo <args>` in `dir` with the shared target dir and the flags of
/// generated crates; returns stdout, or panics with the compiler's output.
///
/// RUSTFLAGS is `-D warnings` whatever the caller's (emitted crates must build
/// without warnings, and one fixed set of flags keeps the dependencies built
/// once in the shared target dir). Prints the wall and CPU time it took, so a
/// run with `--nocapture` shows where the time goes.
pub fn cargo(dir: &Path, args: &[&str]) -> String {
    try_cargo(dir, args).unwrap_or_else(|e| panic!("{e}"))
}

/// [`cargo`], returning its failure (the command and the compiler's output).
pub fn try_cargo(dir: &Path, args: &[&str]) -> Result<String, String> {
    let start = Instant::now();
    let cpu = children_cpu();
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target())
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("run cargo");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "cargo {} failed in {}:\n{}\n{}",
            args.join(" "),
            dir.display(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    eprintln!(
        "timing: cargo {} in {}: {:.1} s wall, {:.1} s CPU",
        args.join(" "),
        dir.display(),
        start.elapsed().as_secs_f64(),
        children_cpu() - cpu
    );
    Ok(stdout)
}

/// User + system seconds of the waited-for children of this process so far.
fn children_cpu() -> f64 {
    proc_stat_seconds(16) + proc_stat_seconds(17)
}

/// User + system seconds of this process so far (all its threads).
pub fn own_cpu() -> f64 {
    proc_stat_seconds(14) + proc_stat_seconds(15)
}

/// Field `n` (1-based, as in proc(5)) of /proc/self/stat, in seconds at the
/// usual 100 ticks a second; 0 where there is no /proc.
fn proc_stat_seconds(n: usize) -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Field 3 is the first after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let field = rest.split_whitespace().nth(n - 3);
    field.and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0) / 100.0
}

/// Reads a folder of pages through docbind.
pub fn run(dirs: &[PathBuf]) -> docbind::Run {
    docbind::run_dirs(dirs).expect("read input")
}

/// Runs the binary `package` already built in the shared target dir (by a
/// `cargo build` of its workspace) as it is: a `cargo run -p` would resolve the
/// features of that package alone and build its dependencies again for them.
/// Returns its stdout, or panics with its stderr.
pub fn run_binary(package: &str, args: &[&str]) -> String {
    let bin = shared_target()
        .join("debug")
        .join(format!("{package}{}", std::env::consts::EXE_SUFFIX));
    let start = Instant::now();
    let out = Command::new(&bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    if !out.status.success() {
        panic!(
            "{} failed ({}):\n{}",
            bin.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    eprintln!(
        "timing: {package}: {:.1} s wall",
        start.elapsed().as_secs_f64()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the binary `package` of the workspace in `dir` (built by an earlier
/// `cargo build`); returns its stdout.
pub fn run_built(dir: &Path, package: &str, args: &[&str]) -> String {
    let mut cargo_args = vec!["run", "--quiet", "-p", package, "--"];
    cargo_args.extend_from_slice(args);
    cargo(dir, &cargo_args)
}

/// What the conformance harness said about one example.
#[derive(Debug)]
pub struct Checked {
    pub source: docbind::model::Source,
    pub deserialized: bool,
    pub lossless: bool,
    pub error: Option<String>,
}

/// The conformance harness of `model`: writes the program `harness` (in
/// `dir/harness`, against the crate in `dir/crate`) and its examples file
/// (`dir/examples.json`). Build it, then read its verdicts with [`conformance`].
pub fn write_conformance(model: &docbind::Model, crate_name: &str, dir: &Path) {
    let json = serde_json::to_string(&model.examples).expect("examples JSON");
    std::fs::write(dir.join("examples.json"), json).expect("write examples");
    let main_rs = docbind::conformance::main_rs(model);
    write_program(
        &dir.join("harness"),
        &harness_name(crate_name),
        crate_name,
        "../crate",
        &main_rs,
    );
}

pub fn harness_name(crate_name: &str) -> String {
    format!("{crate_name}-conformance")
}

/// Runs the conformance harness of [`write_conformance`] (in the workspace
/// `workspace`; already built there with `prebuilt`, else by `cargo run`) on the
/// model's examples.
pub fn conformance(
    model: &docbind::Model,
    crate_name: &str,
    dir: &Path,
    workspace: &Path,
    prebuilt: bool,
) -> Vec<Checked> {
    let examples = dir.join("examples.json");
    let examples = examples.to_string_lossy();
    let harness = harness_name(crate_name);
    let out = if prebuilt {
        run_binary(&harness, &[&examples])
    } else {
        run_built(workspace, &harness, &[&examples])
    };
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

/// The replay program of `model` (see `docbind::replay`): writes the program
/// `<crate_name>-replay` (in `dir/replay`, against the crate in `dir/crate`) and
/// its calls file (`dir/calls.json`). Build it, then run it with [`replay`].
pub fn write_replay(model: &docbind::Model, crate_name: &str, dir: &Path) -> docbind::replay::Plan {
    let plan = docbind::replay::plan(model);
    let json = serde_json::to_string(&plan).expect("calls JSON");
    std::fs::write(dir.join("calls.json"), json).expect("write calls");
    let program = dir.join("replay");
    std::fs::create_dir_all(program.join("src")).expect("replay dir");
    let toml = docbind::replay::cargo_toml(&replay_name(crate_name), crate_name, "../crate");
    std::fs::write(program.join("Cargo.toml"), toml).expect("write replay");
    let main_rs = docbind::replay::main_rs(model, &plan);
    std::fs::write(program.join("src/main.rs"), main_rs).expect("write replay");
    plan
}

pub fn replay_name(crate_name: &str) -> String {
    format!("{crate_name}-replay")
}

/// What the replay program said: its summary line and one line per mismatch.
#[derive(Debug)]
pub struct Replayed {
    pub summary: String,
    pub called: usize,
    pub matched: usize,
    pub deserialized: usize,
    pub mismatches: Vec<String>,
}

/// Runs the replay program of [`write_replay`] (already built by a `cargo
/// build` of its workspace); the counts are read back from its summary line.
pub fn replay(crate_name: &str, dir: &Path, version: &str) -> Replayed {
    let calls = dir.join("calls.json");
    let out = run_binary(
        &replay_name(crate_name),
        &[&calls.to_string_lossy(), version],
    );
    let mut lines = out.lines();
    let summary = lines.next().unwrap_or("").to_string();
    let count = |word: &str| {
        summary
            .split(", ")
            .find_map(|part| {
                part.strip_prefix(word)?
                    .split_whitespace()
                    .next()?
                    .parse()
                    .ok()
            })
            .unwrap_or(0)
    };
    Replayed {
        called: count("called "),
        matched: count("matched "),
        deserialized: count("deserialized "),
        mismatches: lines.map(String::from).collect(),
        summary,
    }
}
