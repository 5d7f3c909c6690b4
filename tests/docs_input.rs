//! docs-input → generated/: freshness, build.rs agreement, snapshots of the model,
//! the diagnostics and the summary, determinism, every example of docs-input
//! round-tripping through the generated types, and every operation of docs-input
//! called through the client by the replay (`docbind::replay`).

mod common;

use common::{emit_options, root, run, scratch, write_crate, write_workspace};
use docbind::emit::{emit, EmitOptions, Output};
use std::collections::BTreeMap;
use std::path::Path;

fn docs_input() -> docbind::Run {
    run(&[root().join("docs-input")])
}

fn emitted() -> Output {
    emit(&docs_input().model, &EmitOptions::default()).expect("emit docs-input")
}

#[test]
fn docs_input_has_no_errors_or_warnings() {
    let run = docs_input();
    let bad: Vec<String> = run
        .diagnostics
        .iter()
        .filter(|d| d.severity != docbind::Severity::Note)
        .map(ToString::to_string)
        .collect();
    assert!(
        bad.is_empty(),
        "docs-input should be clean:\n{}",
        bad.join("\n")
    );
}

#[test]
fn generated_is_fresh() {
    let stale = docbind::output::check(&root().join("generated"), &emitted()).expect("check");
    assert!(
        stale.is_empty(),
        "generated/ is stale ({}); regenerate it with: cargo run -p docbind -- generate",
        stale.join(", ")
    );
}

/// Every file below `dir`, by path relative to it.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below base");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn build_rs_output_agrees_with_generated() {
    let built = tree(&Path::new(env!("OUT_DIR")).join("crate"));
    let checked_in = tree(&root().join("generated"));
    assert_eq!(
        built.keys().collect::<Vec<_>>(),
        checked_in.keys().collect::<Vec<_>>()
    );
    for (path, text) in &built {
        assert!(
            &checked_in[path] == text,
            "{path} differs between build.rs output and generated/; regenerate with: cargo run -p docbind -- generate"
        );
    }
}

/// What nothing else checks of docs-input: its diagnostics (none above a note, see
/// above, but the notes too) and the summary `generate` prints. The emitted files
/// are not snapshots here: `generated_is_fresh` compares every one of them.
#[test]
fn diagnostics_and_summary_snapshot() {
    let run = docs_input();
    let mut lines: Vec<String> = run.diagnostics.iter().map(ToString::to_string).collect();
    lines.push(run.summary.to_string());
    insta::assert_snapshot!("docs_input_diagnostics", lines.join("\n"));
}

#[test]
fn model_snapshot() {
    let model = serde_json::to_string_pretty(&docs_input().model).expect("model JSON");
    insta::assert_snapshot!("docs_input_model", model);
}

#[test]
fn two_runs_in_different_orders_are_byte_identical() {
    let mut files = docbind::source::read_inputs(&[root().join("docs-input")]).expect("read");
    let first = emit(&docbind::run(&files).model, &EmitOptions::default()).expect("emit");
    files.reverse();
    let second = emit(&docbind::run(&files).model, &EmitOptions::default()).expect("emit");
    assert_eq!(first, second);
    let single_a =
        docbind::emit::emit_single_file(&docbind::run(&files).model, &EmitOptions::default());
    let single_b = docbind::emit::emit_single_file(&docs_input().model, &EmitOptions::default());
    assert_eq!(single_a.expect("single"), single_b.expect("single"));
}

#[test]
fn every_docs_input_example_round_trips() {
    let run = docs_input();
    let dir = scratch("docs-input-conformance");
    write_workspace(&dir, &["crate", "harness"]);
    let name = "docs-input-bindings";
    write_crate(
        &emit(&run.model, &emit_options(name)).expect("emit"),
        &dir.join("crate"),
    );
    common::write_conformance(&run.model, name, &dir);
    let results = common::conformance(&run.model, name, &dir, &dir, false);
    assert_eq!(
        results.len(),
        run.model.examples.len(),
        "every example has a typed check"
    );
    assert!(
        run.model.examples.len() >= 15,
        "docs-input has its examples"
    );
    for r in &results {
        assert!(
            r.deserialized && r.lossless,
            "example {:?} failed: {:?}",
            r.source,
            r.error
        );
    }
}

/// Every documented call of docs-input with a response example, made through the
/// generated client against a local server answering with the example: each
/// must be called, match (method, path, query, body) and deserialize.
#[test]
fn every_docs_input_call_replays() {
    let run = docs_input();
    let dir = scratch("docs-input-replay");
    write_workspace(&dir, &["crate", "replay"]);
    let name = "docs-input-bindings";
    write_crate(
        &emit(&run.model, &emit_options(name)).expect("emit"),
        &dir.join("crate"),
    );
    let plan = common::write_replay(&run.model, name, &dir);
    let start = std::time::Instant::now();
    common::cargo(&dir, &["build", "--quiet", "--bins"]);
    eprintln!(
        "timing: replay docs-input: build {:.1} s wall",
        start.elapsed().as_secs_f64()
    );
    let r = common::replay(name, &dir, "v1.0");
    println!(
        "{}",
        r.summary.replacen("replay v1.0", "replay docs-input", 1)
    );
    let operations: std::collections::BTreeSet<&str> = run
        .model
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    let called: std::collections::BTreeSet<&str> =
        plan.calls.iter().map(|c| c.operation.as_str()).collect();
    let uncalled: Vec<&&str> = operations.difference(&called).collect();
    assert!(
        r.mismatches.is_empty() && uncalled.is_empty(),
        "{}\nmismatches:\n{}\noperations never called: {uncalled:?}",
        r.summary,
        r.mismatches.join("\n")
    );
    assert_eq!(r.called, plan.calls.len());
    assert_eq!(r.matched, plan.calls.len());
    assert_eq!(r.deserialized, plan.calls.len());
}
