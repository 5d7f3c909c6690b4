//! The real corpus (../shared/graph-docs, or DOCBIND_CORPUS): for v1.0 and beta,
//! generate a crate, build it, and check every typed JSON example against it.
//! Prints one line per version and a count of the versions checked. A plain
//! (harness = false) test so the lines show in `cargo test` output. A missing
//! corpus or version folder is a failure, never a skip.
//!
//! The crates of both versions and their conformance harnesses are one cargo
//! workspace, built by one `cargo build`: the two large crates compile at the
//! same time, and each is built once (the harness links the same artifact).
//!
//! Each version's replay program (`docbind::replay`) is built by the same
//! `cargo build` and run: every request example with a response example called
//! through the client against a local server; its summary line and the first
//! mismatches are printed (all of them go to `replay-mismatches.txt` in the
//! version's scratch dir), and matched and deserialized calls have floors.
//!
//! The examples of `everyday/` are built against the v1.0 crate too, by the same
//! `cargo build` (a package of the workspace that lists the very files), and run:
//! the facts each must print are those its own test checks against the
//! docs-input crate.

mod common;
#[path = "../everyday/tests/expected/mod.rs"]
mod expected;

use common::{
    conformance, corpus, emit_options, own_cpu, replay, scratch, try_cargo, write_conformance,
    write_crate, write_replay, write_workspace,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const VERSIONS: [&str; 2] = ["v1.0", "beta"];

/// Typed coverage each version must keep (see README, "Typed coverage"): the
/// measured value when it was last raised, rounded down.
const COVERAGE_FLOOR: [(&str, f64); 2] = [("v1.0", 0.963), ("beta", 0.977)];

/// The replay (see `docbind::replay`) must keep at least this many calls that
/// match what the example shows and answers that deserialize, per version: the
/// measured values when they were last raised, rounded down a little.
const REPLAY_FLOOR: [(&str, usize, usize); 2] = [("v1.0", 2050, 1930), ("beta", 4850, 4680)];

/// Types derived from directoryObject that the v1.0 crate's `AnyDirectoryObject`
/// must read by `@odata.type` (their pages say they inherit from it).
const DIRECTORY_OBJECTS: [&str; 6] = [
    "User",
    "Group",
    "Device",
    "ServicePrincipal",
    "Application",
    "OrgContact",
];

/// The package of the scratch workspace that builds `everyday/examples/` against
/// the v1.0 crate, under the crate name the examples use.
const EVERYDAY: &str = "everyday-v1-0";

/// Operations whose pages list query options each version must keep: the
/// measured count when it was last raised, rounded down.
const QUERY_OPTIONS_FLOOR: [(&str, usize); 2] = [("v1.0", 350), ("beta", 580)];

/// What v1.0's `list_users` offers (user-list.md lists `$search`, `$count`,
/// `$filter` and `$select`, and the ConsistencyLevel header).
const LIST_USERS_SETTERS: [&str; 5] = ["Count", "Filter", "Search", "Select", "ConsistencyLevel"];

/// Workloads of v1.0 checked alone: every item carries the cfg its dependencies
/// need, so any single feature compiles.
const SINGLE_FEATURES: [&str; 3] = ["users", "outlook", "files"];

/// A version read, modelled and written out, waiting for the build.
struct Version {
    name: &'static str,
    run: docbind::Run,
    crate_name: String,
    /// `<workspace>/<name>`: `crate/`, `harness/`, `examples.json`, `replay/`,
    /// `calls.json`.
    dir: PathBuf,
}

fn main() -> ExitCode {
    let corpus = match corpus() {
        Ok(dir) => dir,
        Err(e) => {
            println!("corpus: FAILED: {e}");
            return ExitCode::FAILURE;
        }
    };
    let work = scratch("corpus");
    let mut failed: Vec<&str> = Vec::new();
    let mut versions = Vec::new();
    for name in VERSIONS {
        match prepare(name, &corpus.join(name), &work) {
            Ok(v) => versions.push(v),
            Err(e) => {
                println!("corpus {name}: FAILED: {e}");
                failed.push(name);
            }
        }
    }
    if let Err(e) = build(&work, &versions) {
        println!("corpus: FAILED: {e}");
        failed.extend(versions.iter().map(|v| v.name));
        versions.clear();
    }
    let mut passed = 0;
    for v in &versions {
        match check_version(v, &work) {
            Ok(line) => {
                println!("{line}");
                passed += 1;
            }
            Err(e) => {
                println!("corpus {}: FAILED: {e}", v.name);
                failed.push(v.name);
            }
        }
    }
    println!(
        "corpus: {} of {} versions checked: {passed} passed, {} failed{}",
        versions.len(),
        VERSIONS.len(),
        failed.len(),
        if failed.is_empty() {
            String::new()
        } else {
            format!(" ({})", failed.join(", "))
        }
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads and models one version (twice, to see that the order of the files does
/// not matter) and writes its crate and conformance harness below `work`.
fn prepare(name: &'static str, input: &Path, work: &Path) -> Result<Version, String> {
    if !input.is_dir() {
        return Err(format!(
            "{} is not a folder: the corpus (DOCBIND_CORPUS, or ../shared/graph-docs) \
             must hold {}",
            input.display(),
            VERSIONS.map(|v| format!("{v}/")).join(" and ")
        ));
    }
    let (start, cpu) = (Instant::now(), own_cpu());
    let mut files =
        docbind::source::read_inputs(&[input.to_path_buf()]).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err(format!("{} holds no pages", input.display()));
    }
    let run = docbind::run(&files);
    deterministic(&run, &mut files)?;
    let crate_name = format!("graph-{}", name.replace('.', "-"));
    let output =
        docbind::emit::emit(&run.model, &emit_options(&crate_name)).map_err(|e| e.to_string())?;
    let dir = work.join(name);
    write_crate(&output, &dir.join("crate"));
    write_conformance(&run.model, &crate_name, &dir);
    write_replay(&run.model, &crate_name, &dir);
    eprintln!(
        "timing: {name}: read, model twice, emit, write: {:.1} s wall, {:.1} s CPU",
        start.elapsed().as_secs_f64(),
        own_cpu() - cpu
    );
    Ok(Version {
        name,
        run,
        crate_name,
        dir,
    })
}

/// Builds every crate and harness of `versions`, and the everyday examples
/// against v1.0, with one cargo invocation.
fn build(work: &Path, versions: &[Version]) -> Result<(), String> {
    let members: Vec<String> = versions
        .iter()
        .flat_map(|v| {
            let member = |m: &str| format!("{}/{m}", v.name);
            [member("crate"), member("harness"), member("replay")]
        })
        .collect();
    let mut members: Vec<&str> = members.iter().map(String::as_str).collect();
    if let Some(v) = versions.iter().find(|v| v.name == "v1.0") {
        write_everyday(&work.join("everyday"), &v.crate_name, "../v1.0/crate");
        members.push("everyday");
    }
    write_workspace(work, &members);
    if members.is_empty() {
        return Ok(());
    }
    // `--bins` builds the harnesses and so both crates; `--examples`, the
    // everyday examples (the workspace's only ones), while beta still compiles.
    let args = ["build", "--quiet", "--workspace", "--bins", "--examples"];
    try_cargo(work, &args).map(drop)
}

/// Checks one built version: the everyday examples and each of its single
/// features (v1.0 only), and every example of its docs against its crate.
/// Returns the version's summary line.
fn check_version(v: &Version, work: &Path) -> Result<String, String> {
    if v.name == "v1.0" {
        everyday()?;
        single_features(v, work)?;
        directory_objects(v)?;
        list_users_setters(v)?;
    }
    one_function_per_path(&v.run.model)?;
    let query = query_options(v)?;
    let checked = conformance(&v.run.model, &v.crate_name, &v.dir, work, true);
    let deserialized = checked.iter().filter(|c| c.deserialized).count();
    let lossless = checked.iter().filter(|c| c.lossless).count();
    let s = &v.run.summary;
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
    let replayed = replay(&v.crate_name, &v.dir, v.name);
    println!("{}", replayed.summary);
    print_mismatches(&replayed.mismatches, &v.dir.join("replay-mismatches.txt"));
    let (matched_floor, deserialized_floor) = REPLAY_FLOOR
        .iter()
        .find(|(name, _, _)| *name == v.name)
        .map_or((0, 0), |(_, m, d)| (*m, *d));
    if replayed.matched < matched_floor || replayed.deserialized < deserialized_floor {
        return Err(format!(
            "replay: matched {} (floor {matched_floor}), deserialized {} (floor {deserialized_floor})",
            replayed.matched, replayed.deserialized
        ));
    }
    let coverage = s.coverage.share();
    let floor = COVERAGE_FLOOR
        .iter()
        .find(|(name, _)| *name == v.name)
        .map_or(1.0, |(_, f)| *f);
    if coverage < floor {
        return Err(format!(
            "typed coverage {coverage:.4} is below its floor {floor} (`docbind lint` lists every untyped property)"
        ));
    }
    let unresolved = s.diagnostics.get("unresolved-type").copied().unwrap_or(0);
    Ok(format!(
        "corpus {}: pages {}, types {}, enums {}, operations {}, unresolved {unresolved}, examples {}, deserialized {deserialized}, lossless {lossless}, strict {}, typed coverage {coverage:.4} ({} of {} properties), {query}",
        v.name,
        s.pages.values().sum::<usize>(),
        s.types,
        s.enums,
        s.operations,
        s.examples,
        s.strict_examples,
        s.coverage.typed,
        s.coverage.typed + s.coverage.untyped,
    ))
}

/// No two operations share a method and a path (in lower case, parameters
/// unnamed, without the query).
fn one_function_per_path(model: &docbind::Model) -> Result<(), String> {
    let mut seen = std::collections::BTreeMap::new();
    for op in &model.operations {
        let (method, path) = docbind::model::op_merge::key(op);
        if let Some(other) = seen.insert((method.clone(), path.clone()), &op.name) {
            return Err(format!(
                "`{}` and `{other}` are both {method} {path}",
                op.name
            ));
        }
    }
    Ok(())
}

/// Writes the package [`EVERYDAY`] to `dir`: the example files of `everyday/`
/// by path, with the crate `crate_name` in `crate_dir` (relative to `dir`) as
/// `docbind-generated`, which is what they import.
fn write_everyday(dir: &Path, crate_name: &str, crate_dir: &str) {
    let examples = common::root().join("everyday").join("examples");
    let mut toml = format!(
        "[package]\nname = {EVERYDAY:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ndocbind-generated = {{ package = {crate_name:?}, path = {crate_dir:?} }}\n"
    );
    for (name, _) in expected::EXAMPLES {
        let path = examples.join(format!("{name}.rs"));
        toml.push_str(&format!(
            "\n[[example]]\nname = {name:?}\npath = {:?}\n",
            path.to_string_lossy()
        ));
    }
    std::fs::create_dir_all(dir.join("src")).expect("everyday dir");
    std::fs::write(dir.join("Cargo.toml"), toml).expect("write everyday");
    let lib = "//! The examples of the repository's `everyday/`, against the v1.0 crate.\n";
    std::fs::write(dir.join("src/lib.rs"), lib).expect("write everyday");
}

/// Runs each example of `everyday/` built against the v1.0 crate (by the
/// workspace build, whose failure to compile one fails the test with the
/// compiler's message) and checks what it prints.
fn everyday() -> Result<(), String> {
    let bin_dir = common::shared_target().join("debug").join("examples");
    let mut failures = Vec::new();
    for (name, facts) in expected::EXAMPLES {
        let bin = bin_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let out = std::process::Command::new(&bin)
            .output()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "example {name} failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        } else if let Err(e) = expected::check(name, facts, &stdout) {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "everyday examples against v1.0:\n{}",
            failures.join("\n\n")
        ))
    }
}

/// The operations with query options: how many the pages list them for (at
/// least the version's floor), how many request functions return a request with
/// typed options, the markers of the crate, and the `query-option-unknown`
/// warnings; as a part of the summary line.
fn query_options(v: &Version) -> Result<String, String> {
    let listed = v
        .run
        .model
        .operations
        .iter()
        .filter(|op| !op.query_options.is_empty())
        .count();
    let floor = QUERY_OPTIONS_FLOOR
        .iter()
        .find(|(name, _)| *name == v.name)
        .map_or(0, |(_, f)| *f);
    if listed < floor {
        return Err(format!(
            "{listed} operations have query options, fewer than the floor {floor}"
        ));
    }
    let src = v.dir.join("crate/src");
    let mut typed = 0;
    for namespace in std::fs::read_dir(&src).map_err(|e| e.to_string())? {
        let requests = namespace
            .map_err(|e| e.to_string())?
            .path()
            .join("requests");
        let Ok(files) = std::fs::read_dir(&requests) else {
            continue;
        };
        for file in files {
            let text = std::fs::read_to_string(file.map_err(|e| e.to_string())?.path())
                .map_err(|e| e.to_string())?;
            typed += text.matches("crate::options::").count();
        }
    }
    let options = std::fs::read_to_string(src.join("options.rs")).map_err(|e| e.to_string())?;
    let markers = options.matches("pub enum ").count();
    let unknown = v.run.summary.diagnostics.get("query-option-unknown");
    Ok(format!(
        "query options on {listed} operations ({typed} functions with typed options, {markers} markers, {} unknown options)",
        unknown.copied().unwrap_or(0)
    ))
}

/// `list_users` returns a request with the setters of [`LIST_USERS_SETTERS`].
fn list_users_setters(v: &Version) -> Result<(), String> {
    let src = v.dir.join("crate/src");
    let read =
        |path: &str| std::fs::read_to_string(src.join(path)).map_err(|e| format!("{path}: {e}"));
    let users = read("graph/requests/users.rs")?;
    let signature = users
        .split("pub fn list_users(")
        .nth(1)
        .and_then(|rest| rest.split('{').next())
        .ok_or("no list_users in graph/requests/users.rs")?;
    let marker = signature
        .split("crate::options::")
        .nth(1)
        .map(|rest| {
            rest.trim_start()
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
        })
        .ok_or_else(|| format!("list_users offers no typed options: {signature}"))?;
    let options = read("options.rs")?;
    let missing: Vec<&str> = LIST_USERS_SETTERS
        .iter()
        .copied()
        .filter(|t| {
            let one_line = format!("impl crate::runtime::supports::{t} for {marker} {{}}");
            let two_lines = format!("impl crate::runtime::supports::{t}\nfor {marker} {{}}");
            !options.contains(&one_line) && !options.contains(&two_lines)
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "list_users ({marker}) lacks the options {missing:?}"
        ))
    }
}

/// The emitted `AnyDirectoryObject` has a variant for each of [`DIRECTORY_OBJECTS`].
fn directory_objects(v: &Version) -> Result<(), String> {
    let src = v.dir.join("crate/src/graph/directory_object.rs");
    let text = std::fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    if !text.contains("pub enum AnyDirectoryObject") {
        return Err(format!("{} has no AnyDirectoryObject", src.display()));
    }
    let missing: Vec<&str> = DIRECTORY_OBJECTS
        .iter()
        .copied()
        .filter(|name| !text.contains(&format!("{name}(")))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("AnyDirectoryObject has no variant {missing:?}"))
    }
}

/// Each of [`SINGLE_FEATURES`] compiles alone (`cargo check`: only compiling
/// matters here, the full build is tested by the examples).
fn single_features(v: &Version, work: &Path) -> Result<(), String> {
    let manifest = std::fs::read_to_string(v.dir.join("crate").join("Cargo.toml"))
        .map_err(|e| e.to_string())?;
    for feature in SINGLE_FEATURES {
        // `"users" = []`, or the workloads it enables: `"users" = ["outlook", ...]`.
        let line = format!("\"{feature}\" = [");
        if !manifest.lines().any(|l| l.starts_with(&line)) {
            return Err(format!("the crate has no feature `{feature}`"));
        }
        let args = ["check", "--quiet", "-p", &v.crate_name];
        let only = ["--no-default-features", "--features", feature];
        try_cargo(work, &[&args[..], &only[..]].concat())?;
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

/// Mismatch lines shown in the test output; all of them go to a file.
const MISMATCHES_SHOWN: usize = 20;

/// The first mismatches of a replay, and the file that lists every one (a
/// thousand lines in CI output hide the rest of it).
fn print_mismatches(lines: &[String], file: &Path) {
    for line in lines.iter().take(MISMATCHES_SHOWN) {
        println!("{line}");
    }
    if lines.len() > MISMATCHES_SHOWN {
        let written = std::fs::write(file, lines.join("\n") + "\n");
        let place = match written {
            Ok(()) => format!("all of them in {}", file.display()),
            Err(e) => format!("not written to {}: {e}", file.display()),
        };
        println!(
            "  ... {} more mismatches; {place}",
            lines.len() - MISMATCHES_SHOWN
        );
    }
}
