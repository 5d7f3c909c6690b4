//! The real corpus (../shared/graph-docs, or DOCBIND_CORPUS): for v1.0 and beta,
//! generate a crate, build it, and check every typed JSON example against it.
//! Prints one line per version. A plain (harness = false) test so the lines show
//! in `cargo test` output; without the corpus it says that it skipped.

mod common;

use common::{cargo, conformance, corpus, emit_options, scratch, write_crate};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = corpus() else {
        println!(
            "corpus: skipped: no corpus at ../shared/graph-docs and DOCBIND_CORPUS is not set"
        );
        return ExitCode::SUCCESS;
    };
    let mut failed = Vec::new();
    for version in ["v1.0", "beta"] {
        let input = dir.join(version);
        if !input.is_dir() {
            println!(
                "corpus {version}: skipped: {} is not a folder",
                input.display()
            );
            continue;
        }
        if let Err(e) = check_version(version, &input) {
            println!("corpus {version}: FAILED: {e}");
            failed.push(version);
        }
    }
    println!(
        "corpus: {} passed, {} failed",
        2 - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn check_version(version: &str, input: &Path) -> Result<(), String> {
    let mut files =
        docbind::source::read_inputs(&[input.to_path_buf()]).map_err(|e| e.to_string())?;
    let run = docbind::run(&files);
    deterministic(&run, &mut files)?;
    let crate_name = format!("graph-{}", version.replace('.', "-"));
    let output =
        docbind::emit::emit(&run.model, &emit_options(&crate_name)).map_err(|e| e.to_string())?;
    let work = scratch(&format!("corpus-{version}"));
    write_crate(&output, &work.join("crate"));
    cargo(&work.join("crate"), &["build", "--quiet"]);
    if version == "v1.0" {
        single_features(&work.join("crate"), &output)?;
    }
    let checked = conformance(&run.model, &crate_name, &work);
    let deserialized = checked.iter().filter(|c| c.deserialized).count();
    let lossless = checked.iter().filter(|c| c.lossless).count();
    let s = &run.summary;
    let unresolved = s.diagnostics.get("unresolved-type").copied().unwrap_or(0);
    println!(
        "corpus {version}: pages {}, types {}, enums {}, operations {}, unresolved {unresolved}, examples {}, deserialized {deserialized}, lossless {lossless}, strict {}",
        s.pages.values().sum::<usize>(),
        s.types,
        s.enums,
        s.operations,
        s.examples,
        s.strict_examples,
    );
    let failures: Vec<String> = checked
        .iter()
        .filter(|c| !c.lossless)
        .take(10)
        .map(|c| {
            format!(
                "  {}:{}: {}",
                c.source.file,
                c.source.line,
                c.error.as_deref().unwrap_or("")
            )
        })
        .collect();
    if !failures.is_empty() {
        return Err(format!(
            "{} examples do not round-trip, e.g.:\n{}",
            s.examples - lossless,
            failures.join("\n")
        ));
    }
    Ok(())
}

/// A sample of workloads, each built alone: every item carries the cfg its
/// dependencies need, so any single feature compiles.
fn single_features(dir: &Path, output: &docbind::emit::Output) -> Result<(), String> {
    let manifest = output
        .files
        .get("Cargo.toml")
        .ok_or("no Cargo.toml emitted")?;
    for feature in ["users", "outlook", "files"] {
        if !manifest.contains(&format!("\"{feature}\" = []")) {
            return Err(format!("the crate has no feature `{feature}`"));
        }
        cargo(
            dir,
            &[
                "build",
                "--quiet",
                "--no-default-features",
                "--features",
                feature,
            ],
        );
    }
    Ok(())
}

/// The model is the same whatever order the files come in.
fn deterministic(
    run: &docbind::Run,
    files: &mut [docbind::source::SourceFile],
) -> Result<(), String> {
    files.reverse();
    let again = docbind::run(files);
    let a = serde_json::to_string(&run.model).map_err(|e| e.to_string())?;
    let b = serde_json::to_string(&again.model).map_err(|e| e.to_string())?;
    if a != b {
        return Err("the model differs when the files are read in another order".into());
    }
    Ok(())
}
