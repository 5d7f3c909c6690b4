//! Generates the bindings of `docs-input/` at build time through the docbind library.
//!
//! Writes `$OUT_DIR/docbind_bindings.rs` (the single-file form, included by
//! `src/lib.rs`) and `$OUT_DIR/crate/` (the multi-file crate, as `docbind generate`
//! would write it), both with the CLI's default emit options. Any error-severity
//! diagnostic or emit failure fails the build.

use docbind::emit::EmitOptions;
use docbind::output::WriteOptions;
use docbind::{GenerateOptions, Severity};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=docs-input");
    println!("cargo:rerun-if-changed=build.rs");
    if let Err(message) = generate() {
        eprintln!("error: docbind could not generate the bindings of docs-input:\n{message}");
        std::process::exit(1);
    }
}

fn generate() -> Result<(), String> {
    let manifest_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let input = manifest_dir.join("docs-input");

    // The crate exactly as `docbind generate` writes it (with the same fingerprint,
    // so it is skipped when already there), then the single file.
    let gen = GenerateOptions {
        emit: EmitOptions::default(),
        write: WriteOptions { force: true },
        ..GenerateOptions::default()
    };
    let report =
        docbind::generate(&[input], &out_dir.join("crate"), &gen).map_err(|e| e.to_string())?;
    let run = report.run;
    let result = emit_single(&run, &out_dir);
    if result.is_err() {
        // Every diagnostic as a warning, so the cause shows next to the failure.
        for d in &run.diagnostics {
            println!(
                "cargo:warning=docs-input/{}",
                d.to_string().replace('\n', " ")
            );
        }
    }
    result
}

fn emit_single(run: &docbind::Run, out_dir: &Path) -> Result<(), String> {
    let errors: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("  docs-input/{d}"))
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "{} error(s) in docs-input (`cargo run -p docbind -- lint` lists every diagnostic):\n{}",
            errors.len(),
            errors.join("\n")
        ));
    }

    let opts = EmitOptions::default();
    let single = docbind::emit::emit_single_file(&run.model, &opts).map_err(|e| e.to_string())?;
    let single_path = out_dir.join("docbind_bindings.rs");
    std::fs::write(&single_path, single).map_err(|e| format!("{}: {e}", single_path.display()))
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{name} is not set (build.rs runs under cargo)"))
}
