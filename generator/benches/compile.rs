//! Compile time of the emitted crate against a plain serde baseline made from the
//! same model in the same run.
//!
//! ```sh
//! cargo bench -p docbind --bench compile                          # v1.0, all features
//! cargo bench -p docbind --bench compile -- --sets v1.0,beta --feature users,outlook
//! ```
//!
//! For each set of pages (`--sets`, default `v1.0`) it writes, under
//! `<target dir>/tmp/docbind-bench/compile/`, (1) the crate docbind emits and (2) a baseline
//! crate from the same model: one struct per type with an `Option` field per
//! property (inherited ones included, `#[serde(rename)]` to the JSON name) and
//! `#[derive(Serialize, Deserialize)]`, one enum per enumeration with the same
//! derives, nothing else. Each kind of crate builds in its own fresh target dir
//! (`target-docbind`, `target-baseline`); the dependencies are built first (with an
//! empty `src/lib.rs`), so the timed `cargo build` (debug, under `nice`) compiles the
//! generated crate alone. Prints each time and docbind / baseline.
//!
//! `--feature NAME[,NAME...]` also builds, for each NAME, docbind's crate with `--no-default-features
//! --features NAME`, against a baseline of the same items (`docbind::emit::feature_items`:
//! the types and enums of its workload and of the features it enables, and the value
//! types they use). Without
//! `[features]` in the emitted Cargo.toml that variant is skipped. `--reps N` times
//! each build N times (median; default 1). These builds take minutes on 2 cores.

mod baseline;
mod common;
mod support;

use baseline::baseline;
use common::{corpus, workspace};
use docbind::emit::{EmitOptions, Output};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;
use support::{children_cpu, Timed};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sets = vec!["v1.0".to_string()];
    let mut features: Vec<String> = Vec::new();
    let mut reps = 1usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sets" => {
                if let Some(s) = it.next() {
                    sets = s.split(',').map(str::to_string).collect();
                }
            }
            "--feature" => {
                if let Some(list) = it.next() {
                    features.extend(list.split(',').map(str::to_string));
                }
            }
            "--reps" => reps = it.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1),
            _ => {} // `--bench` and whatever else cargo passes
        }
    }
    let Some(corpus) = corpus() else {
        println!(
            "compile bench: skipped: no corpus at ../shared/graph-docs and DOCBIND_CORPUS is not set"
        );
        return ExitCode::SUCCESS;
    };
    // `<target dir>/tmp`: honours CARGO_TARGET_DIR.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docbind-bench/compile");
    let targets = [
        ("docbind", work.join("target-docbind")),
        ("baseline", work.join("target-baseline")),
    ];
    // Fresh target dirs for this run.
    for (_, t) in &targets {
        let _ = std::fs::remove_dir_all(t);
    }
    println!(
        "compile bench: debug builds of the generated crates (cargo build, nice), median of {reps}; work in {}",
        work.display()
    );
    let mut failed = false;
    for set in &sets {
        let input = corpus.join(set);
        if !input.is_dir() {
            println!("{set}: skipped: {} is not a folder", input.display());
            continue;
        }
        if let Err(e) = bench_set(set, &input, &work, &targets, &features, reps) {
            println!("{set}: FAILED: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench_set(
    set: &str,
    input: &Path,
    work: &Path,
    targets: &[(&str, PathBuf); 2],
    features: &[String],
    reps: usize,
) -> Result<(), String> {
    let run = docbind::run_dirs(&[input.to_path_buf()]).map_err(|e| e.to_string())?;
    let model = &run.model;
    let slug = set.replace('.', "-");
    let opts = EmitOptions {
        crate_name: format!("graph-{slug}"),
        ..EmitOptions::default()
    };
    let emitted = docbind::emit::emit(model, &opts).map_err(|e| e.to_string())?;
    let has_features = emitted
        .files
        .get("Cargo.toml")
        .is_some_and(|t| t.contains("\n[features]"));

    let docbind_dir = work.join(format!("{slug}-docbind"));
    write_crate(&docbind_dir, &emitted)?;
    let base_dir = work.join(format!("{slug}-baseline"));
    write_crate(
        &base_dir,
        &baseline(model, &format!("baseline-{slug}"), None),
    )?;
    println!();
    println!(
        "{set}: {} types, {} enums; docbind {} files, {:.1} MiB; baseline {:.1} MiB",
        model.types.len(),
        model.enums.len(),
        emitted.files.len(),
        size(&emitted) as f64 / 1048576.0,
        dir_size(&base_dir) as f64 / 1048576.0,
    );

    let all: &[&str] = if has_features {
        &["--all-features"]
    } else {
        &[]
    };
    let b = time_build(&base_dir, &targets[1].1, &[], reps)?;
    let d = time_build(&docbind_dir, &targets[0].1, all, reps)?;
    println!(
        "  all features:  baseline {}   docbind {}   docbind/baseline = {}",
        b.show(),
        d.show(),
        d.ratio(b)
    );

    if !features.is_empty() && !has_features {
        println!("  --feature: skipped: the emitted Cargo.toml has no [features]");
        return Ok(());
    }
    for feature in features {
        let fbase_dir = work.join(format!("{slug}-baseline-{feature}"));
        let fbase = baseline(model, &format!("baseline-{slug}-{feature}"), Some(feature));
        write_crate(&fbase_dir, &fbase)?;
        let fb = time_build(&fbase_dir, &targets[1].1, &[], reps)?;
        let fd = time_build(
            &docbind_dir,
            &targets[0].1,
            &["--no-default-features", "--features", feature],
            reps,
        )?;
        println!(
            "  --features {feature}: baseline of its items {}   docbind {}   docbind/baseline = {}   (docbind {feature} / baseline all = {})",
            fb.show(),
            fd.show(),
            fd.ratio(fb),
            fd.ratio(b)
        );
    }
    Ok(())
}

fn size(output: &Output) -> usize {
    output.files.values().map(String::len).sum()
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "target") {
                    0
                } else {
                    dir_size(&p)
                }
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// Writes a crate (replacing whatever was there), with the workspace's Cargo.lock so
/// that the dependency versions are the ones the workspace uses.
fn write_crate(dir: &Path, output: &Output) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    let opts = docbind::output::WriteOptions { force: true };
    docbind::output::write(dir, output, &opts).map_err(|e| e.to_string())?;
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;
    Ok(())
}

/// Builds the dependencies of the crate in `dir` (with an empty `src/lib.rs`), then
/// times `cargo build <flags>` of the crate itself, `reps` times; the medians.
fn time_build(dir: &Path, target: &Path, flags: &[&str], reps: usize) -> Result<Timed, String> {
    let lib = dir.join("src/lib.rs");
    let real = std::fs::read(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    std::fs::write(&lib, "").map_err(|e| e.to_string())?;
    let deps = cargo(dir, target, flags);
    std::fs::write(&lib, &real).map_err(|e| e.to_string())?;
    deps?;
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..reps {
        touch(&lib)?;
        let (start, cpu) = (Instant::now(), children_cpu());
        cargo(dir, target, flags)?;
        walls.push(start.elapsed());
        cpus.push(children_cpu().saturating_sub(cpu));
    }
    walls.sort();
    cpus.sort();
    Ok(Timed {
        wall: walls[walls.len() / 2],
        cpu: cpus[cpus.len() / 2],
    })
}

/// Moves the mtime of `path` forward, so that cargo builds the crate again.
fn touch(path: &Path) -> Result<(), String> {
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .map_err(|e| e.to_string())?;
    f.set_modified(std::time::SystemTime::now())
        .map_err(|e| e.to_string())
}

/// `nice cargo build --quiet <flags>` in `dir` with `target` as the target dir.
fn cargo(dir: &Path, target: &Path, flags: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
    let nice = Path::new("/usr/bin/nice").exists() || Path::new("/bin/nice").exists();
    let mut cmd = if nice {
        let mut c = Command::new("nice");
        c.arg(cargo);
        c
    } else {
        Command::new(cargo)
    };
    let out = cmd
        .args(["build", "--quiet"])
        .args(flags)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().take(40).collect();
        Err(format!(
            "cargo build {} failed in {}:\n{}",
            flags.join(" "),
            dir.display(),
            tail.join("\n")
        ))
    }
}
