//! What a user waits for after one page of the docs changed: regenerating the
//! crate and its debug rebuild, as ratios to the first (full) build of the same
//! crate in the same run.
//!
//! ```sh
//! cargo bench -p docbind --bench rebuild                 # v1.0
//! cargo bench -p docbind --bench rebuild -- --set beta
//! ```
//!
//! Copies the pages of the set to `<target dir>/tmp/docbind-bench/rebuild/pages`,
//! generates the crate through the library (as `docbind generate` does), builds
//! it with `cargo build` (debug, incremental: cargo's defaults for a crate of the
//! workspace), then, for a resource page and an API page in turn, changes one
//! sentence of the page, regenerates (only changed files are written) and
//! builds again. Dependencies are built before the timed builds.

mod support;

use docbind::output::WriteOptions;
use docbind::GenerateOptions;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};
use support::{children_cpu, Timed};

/// The pages changed, one after the other, relative to the set's folder.
const EDITS: &[&str] = &["resources/event.md", "api/user-list.md"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let set = args
        .windows(2)
        .find(|w| w[0] == "--set")
        .map_or("v1.0".to_string(), |w| w[1].clone());
    match run(&set) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("rebuild bench: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(set: &str) -> Result<(), String> {
    let corpus = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/graph-docs"));
    let input = corpus.join(set);
    if !input.is_dir() {
        return Err(format!("no pages at {}", input.display()));
    }
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docbind-bench/rebuild");
    let _ = std::fs::remove_dir_all(&work);
    let pages = work.join("pages");
    copy_dir(&input, &pages)?;
    let dir = work.join("crate");
    let target = work.join("target");
    let gen = GenerateOptions {
        write: WriteOptions { force: true },
        ..GenerateOptions::default()
    };

    let generate = || -> Result<(Duration, Vec<String>), String> {
        let start = Instant::now();
        let report = docbind::generate(std::slice::from_ref(&pages), &dir, &gen)
            .map_err(|e| e.to_string())?;
        Ok((start.elapsed(), report.write.written))
    };
    let (first_generate, _) = generate()?;
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;
    build_dependencies(&dir, &target)?;
    let full = timed(|| cargo_build(&dir, &target))?;
    println!(
        "rebuild bench ({set}): first generate {:.2} s, full debug build {}",
        first_generate.as_secs_f64(),
        full.show()
    );
    for edit in EDITS {
        let page = pages.join(edit);
        change_one_sentence(&page)?;
        let (regenerate, written) = generate()?;
        // The edit must reach the code, or the rebuild measures nothing.
        let sources: Vec<&String> = written.iter().filter(|p| p.ends_with(".rs")).collect();
        if sources.is_empty() {
            return Err(format!(
                "editing {edit} changed no source file: {written:?}"
            ));
        }
        let rebuild = timed(|| cargo_build(&dir, &target))?;
        let total = regenerate + rebuild.wall;
        println!(
            "  {edit} (wrote {}): regenerate {:.2} s + rebuild {} = {:.1} s; the rebuild is {} of the full build",
            sources.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
            regenerate.as_secs_f64(),
            rebuild.show(),
            total.as_secs_f64(),
            rebuild.ratio(full)
        );
    }
    Ok(())
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Appends a sentence to the first paragraph of prose after the page's title:
/// an edit of a description, the most common change to a page.
fn change_one_sentence(page: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let title = lines
        .iter()
        .position(|l| l.starts_with("# "))
        .ok_or_else(|| format!("{}: no title", page.display()))?;
    let paragraph = (title + 1..lines.len())
        .find(|&i| {
            let line = lines[i].trim();
            // Not the namespace line, a note or a link line.
            !line.is_empty() && !line.starts_with("Namespace:") && !line.starts_with(['[', '>'])
        })
        .ok_or_else(|| format!("{}: no paragraph after the title", page.display()))?;
    lines[paragraph].push_str(" It was edited for the rebuild bench.");
    std::fs::write(page, lines.join("\n") + "\n").map_err(|e| e.to_string())
}

/// Builds the dependencies alone (with an empty `src/lib.rs`), so that the timed
/// builds compile the generated crate only.
fn build_dependencies(dir: &Path, target: &Path) -> Result<(), String> {
    let lib = dir.join("src/lib.rs");
    let real = std::fs::read(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, "").map_err(|e| e.to_string())?;
    let built = cargo_build(dir, target);
    std::fs::write(&lib, &real).map_err(|e| e.to_string())?;
    built
}

fn timed(f: impl FnOnce() -> Result<(), String>) -> Result<Timed, String> {
    let (start, cpu) = (Instant::now(), children_cpu());
    f()?;
    Ok(Timed {
        wall: start.elapsed(),
        cpu: children_cpu().saturating_sub(cpu),
    })
}

/// `cargo build --quiet` of the crate in `dir` (its own workspace), with the
/// user's defaults: no RUSTFLAGS, the dev profile, incremental.
fn cargo_build(dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_INCREMENTAL")
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let head: Vec<&str> = err.lines().take(40).collect();
    Err(format!(
        "cargo build in {}:\n{}",
        dir.display(),
        head.join("\n")
    ))
}
