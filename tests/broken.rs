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
        "empty-odata-type.md",
        "enum-no-members.md",
        "flags-values-out-of-range.md",
        "empty-parameter-path.md",
        "dot-segments-path.md",
        "http-version-in-path.md",
        "parameter-as-query-name.md",
        "repeated-request-line.md",
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

/// Namespaces `lib`, `bin` and `rustfmt`, a type and a page named `rustfmt`, a
/// 253-character type name: the crate above builds, and its files are where cargo
/// and every file system accept them.
#[test]
fn module_names_avoid_what_cargo_rustc_and_file_systems_reserve() {
    let run = broken_run();
    let output = docbind::emit::emit(&run.model, &emit_options("broken-bindings")).expect("emit");
    for path in output.files.keys() {
        let parts: Vec<&str> = path.split('/').collect();
        assert!(
            !path.starts_with("src/lib/") && !path.starts_with("src/bin/"),
            "{path}"
        );
        assert_ne!(path, "src/main.rs");
        for part in &parts {
            assert!(
                part.len() <= 140,
                "{path}: a file name of {} bytes",
                part.len()
            );
            let module = part.trim_end_matches(".rs");
            assert_ne!(module, "rustfmt", "{path}");
        }
    }
    let long = run
        .model
        .types
        .iter()
        .find(|t| t.name.len() == 253)
        .expect("the long type is modelled");
    assert!(long.name.starts_with("catalogShelf"));
    for (q, ns) in [
        ("microsoft.graph.lib.libraryShelf", "microsoft.graph.lib"),
        ("microsoft.graph.bin.binDrawer", "microsoft.graph.bin"),
        (
            "microsoft.graph.rustfmt.formatterProfile",
            "microsoft.graph.rustfmt",
        ),
        ("microsoft.graph.rustfmt", "microsoft.graph"),
    ] {
        let t = run.model.type_by_name(q).unwrap_or_else(|| panic!("{q}"));
        assert_eq!(t.namespace, ns);
    }
    let op = run
        .model
        .operations
        .iter()
        .find(|o| o.path == "/catalog/rustfmt");
    assert!(op.is_some(), "the page named rustfmt has its operation");
}

/// A byte order mark and a YAML comment in the front matter: the page is read with
/// its `doc_type` and `ms.prod` (which is its item's cargo feature).
#[test]
fn front_matter_after_a_bom_or_with_comments_is_read() {
    let run = broken_run();
    let marked = run
        .model
        .type_by_name("microsoft.graph.markedShelf")
        .expect("BOM page");
    assert_eq!(marked.workload, "docbind-tests-bom");
    let commented = run
        .model
        .type_by_name("microsoft.graph.commentedShelf")
        .expect("commented page");
    assert_eq!(commented.workload, "docbind-tests");
    for file in ["byte-order-mark.md", "front-matter-comment.md"] {
        let found: Vec<_> = run.diagnostics.iter().filter(|d| d.file == file).collect();
        assert!(found.is_empty(), "{file}: {found:?}");
    }
}

/// No type is made of an empty name, and a member value that does not fit is no
/// value (with its warning, see the snapshots).
#[test]
fn empty_names_and_bad_member_values_are_not_emitted_as_if_fine() {
    let run = broken_run();
    assert!(run.model.types.iter().all(|t| !t.name.is_empty()));
    assert!(run.model.enums.iter().all(|e| !e.name.is_empty()));
    let features = run
        .model
        .enum_by_name("microsoft.graph.shelfFeatures")
        .expect("flags enum");
    let values: Vec<Option<i64>> = features.members.iter().map(|m| m.value).collect();
    assert_eq!(values, [Some(0), Some(1), Some(2), None, None, None]);
    let empty = run
        .model
        .enum_by_name("microsoft.graph.shelfColor")
        .expect("empty enum");
    assert!(empty.members.is_empty());
}

/// The request line with ` HTTP/1.1` keeps its path; a repeated line is one
/// operation; a query pair named by a parameter is left out; paths no request
/// function can build make no operation.
#[test]
fn request_lines_are_read_or_refused_by_their_defect() {
    let run = broken_run();
    let ops_of = |file: &str| -> Vec<&docbind::model::Operation> {
        let ops = run.model.operations.iter();
        ops.filter(|o| o.source.file == file).collect()
    };
    let versioned = ops_of("http-version-in-path.md");
    assert_eq!(versioned.len(), 1);
    assert_eq!(versioned[0].path, "/catalog/items/{id}");
    assert_eq!(ops_of("repeated-request-line.md").len(), 1);
    let queried = ops_of("parameter-as-query-name.md");
    assert_eq!(queried.len(), 1);
    assert!(queried[0].template.query.is_empty() && queried[0].template.params.is_empty());
    for file in ["empty-parameter-path.md", "dot-segments-path.md"] {
        assert!(ops_of(file).is_empty(), "{file}");
        let mut errors = run.diagnostics.iter().filter(|d| d.file == file);
        assert!(
            errors.any(|d| d.severity == docbind::Severity::Error),
            "{file}"
        );
    }
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

/// A resource page of one type `name` with two properties, in workload `prod`,
/// with `eol` as its line ending.
fn resource_page(name: &str, prod: &str, eol: &str) -> String {
    let lines = [
        "---",
        "title: \"A type\"",
        &format!("ms.prod: \"{prod}\""),
        "doc_type: resourcePageType",
        "---",
        "",
        &format!("# {name} resource type"),
        "",
        "## Properties",
        "|Property|Type|Description|",
        "|:--|:--|:--|",
        "|a|String|ok|",
        "|a|Int32|the same name again|",
        "",
    ];
    lines.join(eol)
}

/// An API page whose "HTTP request" block holds `lines`.
fn api_page(lines: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\n---\n# Get things\n\n## HTTP request\n```http\n{lines}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code.\n"
    )
}

#[test]
fn cr_only_line_endings_count_lines_and_keep_the_front_matter() {
    for eol in ["\r", "\r\n"] {
        let page = resource_page("crShelf", "docbind-cr", eol);
        let run = one_page("cr.md", page.into_bytes());
        let t = run
            .model
            .type_by_name("microsoft.graph.crShelf")
            .expect("type");
        assert_eq!(t.workload, "docbind-cr", "{eol:?}");
        let dup = run
            .diagnostics
            .iter()
            .find(|d| d.code == "property-duplicate")
            .expect("the repeated row is reported");
        assert_eq!(dup.line, 13, "{eol:?}");
    }
}

#[test]
fn thousands_of_request_lines_take_linear_time() {
    let repeated = vec!["GET /things/{id}"; 5_000].join("\n");
    let run = one_page("repeated.md", api_page(&repeated).into_bytes());
    assert_eq!(run.model.operations.len(), 1);
    let repeats = run
        .diagnostics
        .iter()
        .filter(|d| d.code == "http-request-repeated");
    assert_eq!(repeats.count(), 4_999);
    // Paths that differ in a literal (paths that differ only in the names of
    // their parameters are one operation).
    let distinct: Vec<String> = (0..5_000)
        .map(|i| format!("GET /things/t{i}/{{p{i}}}"))
        .collect();
    let run = one_page("distinct.md", api_page(&distinct.join("\n")).into_bytes());
    let names: std::collections::BTreeSet<&str> = run
        .model
        .operations
        .iter()
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names.len(), 5_000);
}

#[test]
fn head_and_options_request_lines_are_operations() {
    let run = one_page(
        "head.md",
        api_page("HEAD /things\nOPTIONS /things").into_bytes(),
    );
    let methods: Vec<&str> = run
        .model
        .operations
        .iter()
        .map(|o| o.method.as_str())
        .collect();
    assert_eq!(methods.len(), 2, "{methods:?}");
    assert!(
        methods.contains(&"HEAD") && methods.contains(&"OPTIONS"),
        "{methods:?}"
    );
}

/// Writes `pages` (name bytes → text) into `dir`, in the given order.
#[cfg(unix)]
fn write_pages(dir: &std::path::Path, pages: &[(&[u8], String)]) {
    use std::os::unix::ffi::OsStrExt;
    std::fs::create_dir_all(dir).expect("dir");
    for (name, text) in pages {
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, text).expect("write page");
    }
}

/// Two names that differ only in bytes that are not UTF-8: the run is the same
/// whatever order the files were made in, and the two show different names.
#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_ordered_by_bytes_and_shown_apart() {
    let dir = scratch("non-utf8-names");
    let a: (&[u8], String) = (b"shelf\xff.md", resource_page("twinShelf", "first", "\n"));
    let b: (&[u8], String) = (b"shelf\xfe.md", resource_page("twinShelf", "second", "\n"));
    write_pages(&dir.join("ab"), &[a.clone(), b.clone()]);
    write_pages(&dir.join("ba"), &[b, a]);
    let ab = run(&[dir.join("ab")]);
    let ba = run(&[dir.join("ba")]);
    assert_eq!(diagnostics(&ab), diagnostics(&ba));
    assert_eq!(
        serde_json::to_string(&ab.model).unwrap(),
        serde_json::to_string(&ba.model).unwrap()
    );
    let files: std::collections::BTreeSet<&str> =
        ab.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert!(
        files.contains("shelf\\xFE.md") && files.contains("shelf\\xFF.md"),
        "{files:?}"
    );
    // Bytes order: 0xFE before 0xFF, so the first page is `shelf\xFE.md`'s.
    let t = ab
        .model
        .type_by_name("microsoft.graph.twinShelf")
        .expect("type");
    assert_eq!(t.workload, "second");
}

#[cfg(unix)]
#[test]
fn a_newline_in_a_file_name_stays_in_one_diagnostic_line() {
    let dir = scratch("newline-name");
    write_pages(
        &dir,
        &[(b"new\nline.md", resource_page("lineShelf", "x", "\n"))],
    );
    let run = run(&[dir]);
    let d = run
        .diagnostics
        .first()
        .expect("the repeated row is reported");
    assert_eq!(d.file, "new\\nline.md");
    assert_eq!(d.to_string().lines().count(), 1, "{d}");
}

/// A page behind a symbolic link is read; a link to a folder is reported; a page
/// that cannot be read is an error of that page, and the others are still read.
#[cfg(unix)]
#[test]
fn links_and_unreadable_pages_are_diagnostics_not_the_end() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    let input = dir.join("input");
    write_pages(
        &dir.join("elsewhere"),
        &[(b"page.md", resource_page("linkedShelf", "x", "\n"))],
    );
    write_pages(
        &input,
        &[(b"plain.md", resource_page("plainShelf", "x", "\n"))],
    );
    symlink(dir.join("elsewhere/page.md"), input.join("linked.md")).unwrap();
    symlink(dir.join("elsewhere"), input.join("folder")).unwrap();
    symlink(dir.join("missing.md"), input.join("dangling.md")).unwrap();
    // A regular file that cannot be read (even by root): reading it fails with EIO.
    symlink("/proc/self/mem", input.join("unreadable.md")).unwrap();
    let run = run(&[input]);
    assert!(run
        .model
        .type_by_name("microsoft.graph.linkedShelf")
        .is_some());
    assert!(run
        .model
        .type_by_name("microsoft.graph.plainShelf")
        .is_some());
    let codes: Vec<(&str, &str)> = run
        .diagnostics
        .iter()
        .filter(|d| d.code != "property-duplicate")
        .map(|d| (d.file.as_str(), d.code))
        .collect();
    assert_eq!(
        codes,
        [
            ("dangling.md", "page-unreadable"),
            ("folder", "symlink-folder"),
            ("unreadable.md", "page-unreadable")
        ]
    );
    assert!(docbind::diag::has_errors(&run.diagnostics));
}

/// rustc overflowed its stack on the `PartialEq` derive of a struct this large
/// (the derive nests one `&&` per field), checking the crate.
#[test]
fn a_type_with_twenty_thousand_properties_builds() {
    let mut page = resource_page("hugeShelf", "docbind-tests", "\n");
    page.truncate(page.find("|a|").expect("rows"));
    for i in 0..20_000 {
        page.push_str(&format!("|p{i}|String|Property {i}.|\n"));
    }
    let run = one_page("huge.md", page.into_bytes());
    assert_eq!(run.model.types[0].properties.len(), 20_000);
    let dir = scratch("huge-type");
    let output = docbind::emit::emit(&run.model, &emit_options("huge-bindings")).expect("emit");
    write_crate(&output, &dir.join("crate"));
    // `check`: rustc's stack overflowed in its front end, before any codegen.
    cargo(&dir.join("crate"), &["check", "--quiet"]);
}
