//! The catalogue of broken pages in tests/broken: each page breaks one rule. Every
//! page gets a snapshot of its diagnostics; nothing panics; the valid parts of the
//! same input still generate a crate that compiles.

mod common;

use common::{cargo, emit_options, root, run, scratch, write_crate, write_workspace};
use docbind::source::SourceFile;
use std::collections::BTreeMap;

fn broken_run() -> docbind::Run {
    run(&[root().join("tests").join("broken")])
}

#[test]
fn each_broken_page_has_its_diagnostics_snapshot() {
    let run = broken_run();
    let files = docbind::source::read_inputs(&[root().join("tests").join("broken")]).expect("read");
    let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in &files {
        by_file.entry(f.name.as_str()).or_default();
    }
    for d in &run.diagnostics {
        by_file
            .entry(d.file.as_str())
            .or_default()
            .push(d.to_string());
    }
    for (file, diags) in by_file {
        let name = format!("broken_{}", file.replace(['/', '.', '-'], "_"));
        insta::assert_snapshot!(name, diags.join("\n"));
    }
}

#[test]
fn pages_that_break_a_rule_are_reported_with_a_line() {
    let run = broken_run();
    let reported = |file: &str| {
        run.diagnostics
            .iter()
            .any(|d| d.file == file && d.line >= 1)
    };
    for file in [
        "empty.md",
        "no-front-matter.md",
        "truncated-front-matter.md",
        "unclosed-fence.md",
        "table-missing-cells.md",
        "table-extra-cells.md",
        "invalid-json-example.md",
        "annotation-not-json.md",
        "annotation-trailing-comma.md",
        "unknown-type.md",
        "duplicate-property.md",
        "missing-base-type.md",
        "unbalanced-braces-path.md",
        "missing-http-request.md",
        "missing-response.md",
    ] {
        assert!(reported(file), "{file} should yield a diagnostic");
    }
    assert!(
        docbind::diag::has_errors(&run.diagnostics),
        "a lost operation is an error"
    );
}

#[test]
fn valid_parts_of_broken_input_still_generate_a_crate_that_compiles() {
    let run = broken_run();
    let m = &run.model;
    // Pages around the broken rule still yield their types.
    for q in [
        "microsoft.graph.folderNode",
        "microsoft.graph.cycleAlpha",
        "microsoft.graph.cycleBeta",
        "microsoft.graph.catalogItem",
    ] {
        assert!(m.type_by_name(q).is_some(), "{q} is generated");
    }
    let dir = scratch("broken");
    write_workspace(&dir, &["crate"]);
    let output = docbind::emit::emit(m, &emit_options("broken-bindings")).expect("emit");
    write_crate(&output, &dir.join("crate"));
    cargo(&dir, &["build", "--quiet"]);
}

fn diagnostics(run: &docbind::Run) -> String {
    let lines: Vec<String> = run.diagnostics.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

fn one_page(name: &str, bytes: Vec<u8>) -> docbind::Run {
    docbind::run(&[SourceFile {
        name: name.into(),
        bytes,
    }])
}

#[test]
fn invalid_utf8_and_nul_bytes_are_reported_not_fatal() {
    let mut bytes = b"---\ntitle: x\ndoc_type: resourcePageType\n---\n# thing resource type\n\n## Properties\n|Property|Type|Description|\n|:--|:--|:--|\n|a|String|ok \xff\xfe|\n|b\0|Int32|nul|\n".to_vec();
    bytes.extend_from_slice(b"\n");
    let run = one_page("bytes.md", bytes);
    insta::assert_snapshot!("broken_generated_bytes", diagnostics(&run));
    let codes: Vec<&str> = run.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"invalid-utf8"), "{codes:?}");
    assert!(codes.contains(&"nul-byte"), "{codes:?}");
    let t = run
        .model
        .type_by_name("microsoft.graph.thing")
        .expect("type still read");
    assert_eq!(t.properties.len(), 2);
}

#[test]
fn huge_and_deeply_nested_pages_do_not_overflow() {
    let mut page = String::from("---\ndoc_type: apiPageType\n---\n# big\n\n## HTTP request\n```http\nGET /things\n```\n\n## Examples\n```json\n");
    page.push_str(&"[".repeat(100_000));
    page.push_str("\n```\n\n");
    page.push_str(&"> ".repeat(5_000));
    page.push_str("deep\n\n");
    page.push_str(&"- ".repeat(2_000));
    page.push_str("list\n\n");
    while page.len() < 5 * 1024 * 1024 {
        page.push_str("|a|b|\n|--|--|\n|x|y|\n\nSome prose with `code` and [a link](x.md).\n\n");
    }
    let run = one_page("big.md", page.into_bytes());
    insta::assert_snapshot!("broken_generated_big_and_deep", diagnostics(&run));
    assert_eq!(run.model.operations.len(), 1);
}
