//! Reading and writing JSON with the emitted v1.0 crate, against a serde-derive
//! baseline of the same types and against `serde_json::Value`, in one process.
//!
//! ```sh
//! cargo bench -p docbind --bench runtime                    # 8 MB per payload, 5 reps
//! cargo bench -p docbind --bench runtime -- --mb 30 --reps 9
//! cargo bench -p docbind --bench runtime -- --before DIR    # also a crate an older docbind emitted
//! cargo bench -p docbind --bench runtime -- --glibc-default  # glibc's moving malloc thresholds
//! cargo bench -p docbind --bench runtime -- --instructions   # also count instructions (valgrind)
//! ```
//!
//! Under `<target dir>/tmp/docbind-bench/runtime/` it writes the crate docbind emits from
//! the v1.0 pages, the derive baseline of the same model (`baseline/mod.rs`, as
//! the compile bench), the candidate objects of each payload (the docs' own
//! response examples of users, messages, events, and users and groups tagged
//! with `@odata.type` first), and a small program depending on both crates,
//! built in release. The program keeps the candidates that both crates read (the
//! baseline fails on enum values the docs do not list), repeats them into a JSON
//! array of `--mb` MB, then for `--reps` rounds, the variants in a rotating order,
//! reads it once untimed, then times reading it (`serde_json::from_slice`) and
//! writing it back (`serde_json::to_writer`), and counts the allocations and
//! the peak of live heap bytes while reading (a counting global allocator). The
//! untimed read, and fixed malloc thresholds (`GLIBC_TUNABLES`, unless it is
//! set already or `--glibc-default` is given), make each timed read start from
//! a heap its own variant shaped: without them a variant read after one that
//! used more memory finds its pages mapped, and one read after a smaller one
//! page-faults them in. It prints the medians
//! in MB/s of the input and every ratio docbind / derive, the median and range
//! of the ratios of docbind's and derive's times in the same round, and whether
//! docbind's round trip gave back the same JSON value.
//!
//! `--before DIR` adds a fourth variant: the v1.0 crate an older docbind emitted
//! into `DIR` (e.g. `docbind generate` of main), copied under the package name
//! `graph-before`, so that the old and the new runtime are compared in one run.
//! The crate this run emits is left in `runtime/graph`, ready to be copied for a
//! later `--before`.
//!
//! `--instructions` then runs the program once more per payload and variant
//! under valgrind's callgrind (it must be installed), for the number of
//! instructions of one read and of one write of `--count-mb` MB (default 2).
//! Unlike the times, these do not move from one run to the next, so a change
//! of a few per cent shows; they do not see the cost of memory (page faults,
//! cache misses), which the times do.

mod baseline;
mod common;

use baseline::{baseline, camel, module_name};
use common::{corpus, workspace};
use docbind::emit::{EmitOptions, Output};
use docbind::model::Model;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The payloads: name, element types (docbind's, derive's) and the qualified
/// types of the examples they are made from.
struct Payload {
    name: &'static str,
    types: &'static [&'static str],
}

const PAYLOADS: &[Payload] = &[
    Payload {
        name: "users",
        types: &["microsoft.graph.user"],
    },
    Payload {
        name: "messages",
        types: &["microsoft.graph.message"],
    },
    Payload {
        name: "events",
        types: &["microsoft.graph.event"],
    },
    Payload {
        name: "mixed",
        types: &["microsoft.graph.user", "microsoft.graph.group"],
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut mb = 8usize;
    let mut reps = 5usize;
    let mut before: Option<PathBuf> = None;
    let mut pinned = true;
    let mut count_mb: Option<usize> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--mb" => mb = it.next().and_then(|n| n.parse().ok()).unwrap_or(mb).max(1),
            "--reps" => {
                reps = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(reps)
                    .max(1)
            }
            "--before" => before = it.next().map(PathBuf::from),
            "--glibc-default" => pinned = false,
            "--instructions" => count_mb = Some(count_mb.unwrap_or(2)),
            "--count-mb" => {
                count_mb = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .map(|n: usize| n.max(1))
            }
            _ => {} // `--bench` and whatever else cargo passes
        }
    }
    let Some(corpus) = corpus() else {
        println!(
            "runtime bench: skipped: no corpus at ../shared/graph-docs and DOCBIND_CORPUS is not set"
        );
        return ExitCode::SUCCESS;
    };
    let settings = Settings {
        mb,
        reps,
        pinned,
        count_mb,
    };
    match run(&corpus.join("v1.0"), &settings, before.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("runtime bench: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc's malloc settings for the bench program: its default thresholds
/// move with what was freed last (the heap is given back to the system after
/// a round when its free top is above twice the largest block freed so far),
/// so whether a variant page-faults its whole heap again on every round
/// depends on where its peak falls against that bound; fixed thresholds keep
/// every variant's heap mapped between rounds. Allocations of 32 MB and more
/// are still mapped and unmapped each time.
const GLIBC_TUNABLES: &str =
    "glibc.malloc.trim_threshold=4294967295:glibc.malloc.mmap_threshold=33554432";

/// What the command line asks for.
struct Settings {
    /// MB of each timed payload.
    mb: usize,
    reps: usize,
    /// Fixed glibc malloc thresholds (see [`GLIBC_TUNABLES`]).
    pinned: bool,
    /// `--instructions`: MB of each payload whose read and write are counted.
    count_mb: Option<usize>,
}

fn run(input: &Path, settings: &Settings, before: Option<&Path>) -> Result<(), String> {
    // `<target dir>/tmp`: honours CARGO_TARGET_DIR.
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docbind-bench/runtime");
    let run = docbind::run_dirs(&[input.to_path_buf()]).map_err(|e| e.to_string())?;
    let model = &run.model;
    let opts = EmitOptions {
        crate_name: "graph-v1-0".into(),
        ..EmitOptions::default()
    };
    let emitted = docbind::emit::emit(model, &opts).map_err(|e| e.to_string())?;
    write_crate(&work.join("graph"), &emitted)?;
    write_crate(
        &work.join("baseline"),
        &baseline(model, "baseline-v1-0", None),
    )?;
    let payloads = work.join("payloads");
    std::fs::create_dir_all(&payloads).map_err(|e| e.to_string())?;
    for payload in PAYLOADS {
        let lines = candidates(model, payload);
        let path = payloads.join(format!("{}.jsonl", payload.name));
        std::fs::write(&path, lines.join("\n")).map_err(|e| e.to_string())?;
    }
    if let Some(before) = before {
        copy_before(before, &work.join("before"))?;
    }
    let program = work.join("program");
    write_program(&program, &emitted, before.is_some())?;
    println!(
        "runtime bench: building the program (release) in {}",
        program.display()
    );
    cargo(&program, &work.join("target"))?;
    let binary = work.join("target/release/runtime-bench");
    let mut command = Command::new(&binary);
    malloc_env(&mut command, settings.pinned);
    let status = command
        .arg(&payloads)
        .arg(settings.mb.to_string())
        .arg(settings.reps.to_string())
        .status()
        .map_err(|e| format!("running {}: {e}", binary.display()))?;
    if !status.success() {
        return Err(format!("{} failed", binary.display()));
    }
    match settings.count_mb {
        Some(mb) => instructions(&binary, &payloads, mb, before.is_some(), settings.pinned),
        None => Ok(()),
    }
}

/// Sets [`GLIBC_TUNABLES`] for the program, unless glibc's own are asked for
/// or the variable is set already.
fn malloc_env(command: &mut Command, pinned: bool) {
    if pinned && std::env::var_os("GLIBC_TUNABLES").is_none() {
        command.env("GLIBC_TUNABLES", GLIBC_TUNABLES);
    }
}

/// Prints the instructions of one read and one write of each payload, per
/// variant, counted by callgrind.
fn instructions(
    binary: &Path,
    payloads: &Path,
    mb: usize,
    before: bool,
    pinned: bool,
) -> Result<(), String> {
    let variants: &[(usize, &str)] = if before {
        &[(0, "docbind"), (1, "before"), (2, "derive")]
    } else {
        &[(0, "docbind"), (2, "derive")]
    };
    println!("instructions (callgrind) of one read and one write of {mb} MB, millions:");
    for payload in PAYLOADS {
        let mut counts = Vec::new();
        for &(variant, name) in variants {
            let one = |function: &str| {
                callgrind(
                    binary,
                    payloads,
                    mb,
                    payload.name,
                    variant,
                    function,
                    pinned,
                )
            };
            counts.push((name, one("counted_read")?, one("counted_write")?));
        }
        let derive = counts.last().map_or((1, 1), |&(_, r, w)| (r, w));
        let line = |pick: fn(&(&str, u64, u64)) -> u64, base: u64| {
            let figures: Vec<String> = counts
                .iter()
                .map(|c| format!("{} {:.1}", c.0, pick(c) as f64 / 1e6))
                .collect();
            format!(
                "{} = docbind/derive {:.3}",
                figures.join(" / "),
                pick(&counts[0]) as f64 / base as f64
            )
        };
        println!("{}:", payload.name);
        println!("  read   {}", line(|c| c.1, derive.0));
        println!("  write  {}", line(|c| c.2, derive.1));
    }
    Ok(())
}

/// The instructions callgrind counts inside `function` (and what it calls) in
/// one run of the program's count mode.
fn callgrind(
    binary: &Path,
    payloads: &Path,
    mb: usize,
    payload: &str,
    variant: usize,
    function: &str,
    pinned: bool,
) -> Result<u64, String> {
    let mut command = Command::new("valgrind");
    malloc_env(&mut command, pinned);
    let out = command
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            "--collect-atstart=no",
            &format!("--toggle-collect=*{function}*"),
        ])
        .arg(binary)
        .arg(payloads)
        .arg(mb.to_string())
        .args(["count", payload, &variant.to_string()])
        .output()
        .map_err(|e| format!("running valgrind (needed by --instructions): {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    let collected = err
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok());
    match collected {
        Some(n) if out.status.success() => Ok(n),
        _ => Err(format!(
            "valgrind on {payload} (variant {variant}) gave no count:\n{err}"
        )),
    }
}

/// The objects of the docs' response examples of the payload's types, one
/// compact JSON object a line, keys in the docs' order; a mixed payload gets
/// `@odata.type` as the first key of each.
fn candidates(model: &Model, payload: &Payload) -> Vec<String> {
    let tagged = payload.types.len() > 1;
    let mut lines = Vec::new();
    for example in &model.examples {
        if example.role != "response" || !payload.types.contains(&example.ty.as_str()) {
            continue;
        }
        let objects: Vec<&Value> = match (&example.json, example.collection) {
            (Value::Array(items), _) => items.iter().collect(),
            (Value::Object(map), true) => match map.get("value") {
                Some(Value::Array(items)) => items.iter().collect(),
                _ => Vec::new(),
            },
            (object, false) => vec![object],
            _ => Vec::new(),
        };
        for object in objects {
            let Value::Object(map) = object else { continue };
            let mut out = Map::new();
            if tagged {
                out.insert(
                    "@odata.type".into(),
                    Value::from(format!("#{}", example.ty)),
                );
            }
            for (key, value) in map {
                if !(tagged && key == "@odata.type") {
                    out.insert(key.clone(), value.clone());
                }
            }
            lines.push(Value::Object(out).to_string());
        }
    }
    lines
}

/// `crate::<module>` of the struct (or `Any…` enum, `any`) of a type in the
/// emitted crate, found by its file (`src/<module>/<snake name>.rs`).
fn docbind_path(emitted: &Output, name: &str, any: bool) -> Result<String, String> {
    let stem = format!("/{}.rs", snake(name));
    for (path, text) in &emitted.files {
        let Some(module) = path
            .strip_prefix("src/")
            .and_then(|p| p.strip_suffix(stem.as_str()))
        else {
            continue;
        };
        let item = if any {
            text.lines()
                .find_map(|l| l.strip_prefix("pub enum Any"))
                .and_then(|rest| rest.split_whitespace().next())
                .map(|rest| format!("Any{rest}"))
        } else {
            Some(camel(name))
        };
        if let Some(item) = item {
            return Ok(format!("graph_v1_0::{module}::{item}"));
        }
    }
    Err(format!("no file for {name} in the emitted crate"))
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A copy of the crate in `from` named `graph-before` (its lib `graph_before`).
fn copy_before(from: &Path, to: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(to);
    copy_dir(from, to).map_err(|e| format!("copying {}: {e}", from.display()))?;
    let manifest = to.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let mut renamed = String::new();
    let mut done = false;
    for line in text.lines() {
        if !done && line.starts_with("name = ") {
            renamed.push_str("name = \"graph-before\"");
            done = true;
        } else {
            renamed.push_str(line);
        }
        renamed.push('\n');
    }
    std::fs::write(&manifest, renamed).map_err(|e| e.to_string())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn write_program(dir: &Path, emitted: &Output, before: bool) -> Result<(), String> {
    let base = |name: &str| {
        format!(
            "baseline_v1_0::{}::{}",
            module_name("microsoft.graph"),
            camel(name)
        )
    };
    let mut source = PROGRAM.to_string();
    let docbind = [
        ("USER", docbind_path(emitted, "user", false)?),
        ("MESSAGE", docbind_path(emitted, "message", false)?),
        ("EVENT", docbind_path(emitted, "event", false)?),
        (
            "DIRECTORY_OBJECT",
            docbind_path(emitted, "directoryObject", true)?,
        ),
    ];
    // Without an older crate, `before` stands for this one and is not run.
    for (name, path) in &docbind {
        let old = if before {
            path.replacen("graph_v1_0::", "graph_before::", 1)
        } else {
            path.clone()
        };
        source = source.replace(&format!("BEFORE_{name}"), &old);
        source = source.replace(&format!("DOCBIND_{name}"), path);
    }
    source = source.replace("HAS_BEFORE_VALUE", if before { "true" } else { "false" });
    for (placeholder, value) in [
        ("DERIVE_USER", base("user")),
        ("DERIVE_MESSAGE", base("message")),
        ("DERIVE_EVENT", base("event")),
        ("DERIVE_GROUP", base("group")),
    ] {
        source = source.replace(placeholder, &value);
    }
    let mut cargo_toml = "[package]\nname = \"runtime-bench\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngraph-v1-0 = { path = \"../graph\" }\nbaseline-v1-0 = { path = \"../baseline\" }\n\
         serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n"
        .to_string();
    if before {
        cargo_toml.push_str("graph-before = { path = \"../before\" }\n");
    }
    cargo_toml.push_str("\n[workspace]\n");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), source).map_err(|e| e.to_string())?;
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("copying Cargo.lock: {e}"))?;
    Ok(())
}

/// Writes a crate (replacing whatever was there).
/// Writes a crate into `dir`, leaving the files that did not change as they are
/// (and removing those the last write made that are no longer produced): cargo
/// then rebuilds only what changed, where a fresh copy made it rebuild the
/// v1.0 crate on every run.
fn write_crate(dir: &Path, output: &Output) -> Result<(), String> {
    let opts = docbind::output::WriteOptions { force: true };
    docbind::output::write(dir, output, &opts).map_err(|e| e.to_string())?;
    Ok(())
}

/// `nice cargo build --release --quiet` in `dir` with `target` as the target dir.
fn cargo(dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
    let out = Command::new("nice")
        .arg(cargo)
        .args(["build", "--release", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = err.lines().take(60).collect();
    Err(format!(
        "cargo build failed in {}:\n{}",
        dir.display(),
        tail.join("\n")
    ))
}

/// The bench program; the placeholders are the paths of the types.
const PROGRAM: &str = r##"
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Counts allocations and the peak of live heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    COUNT.fetch_add(1, Relaxed);
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, size) };
        if !q.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grew(size);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Whether an older docbind's crate is compared too (`--before`).
const HAS_BEFORE: bool = HAS_BEFORE_VALUE;

/// What derive does with a polymorphic list: an internally tagged enum.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "@odata.type")]
enum Mixed {
    #[serde(rename = "#microsoft.graph.user")]
    User(DERIVE_USER),
    #[serde(rename = "#microsoft.graph.group")]
    Group(DERIVE_GROUP),
}

#[derive(Default)]
struct Figures {
    read: Vec<f64>,
    write: Vec<f64>,
    peak: Vec<usize>,
    allocs: usize,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Per round, the ratio of derive's time to docbind's: docbind's speed as a
/// multiple of derive's.
fn paired(derive: &[f64], docbind: &[f64]) -> Vec<f64> {
    derive.iter().zip(docbind).map(|(d, b)| d / b).collect()
}

/// The median of `ratios` and their range.
fn spread(ratios: &mut [f64]) -> String {
    let mid = median(ratios);
    format!("{mid:.2} ({:.2}–{:.2})", ratios[0], ratios[ratios.len() - 1])
}

/// Reads and writes `bytes` as `T` once, into `figures`, after an untimed
/// read of the same type: the timed one then starts from a heap this variant
/// has grown and freed, not from whatever the variant before it left.
fn once<T: DeserializeOwned + Serialize>(bytes: &[u8], figures: &mut Figures) {
    let warm: T = serde_json::from_slice(bytes).expect("the payload reads");
    drop(warm);
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let count = COUNT.load(Relaxed);
    let start = Instant::now();
    let value: T = serde_json::from_slice(bytes).expect("the payload reads");
    figures.read.push(start.elapsed().as_secs_f64());
    figures.peak.push(PEAK.load(Relaxed) - live);
    figures.allocs = COUNT.load(Relaxed) - count;
    let mut out = Vec::with_capacity(bytes.len() * 2);
    let start = Instant::now();
    serde_json::to_writer(&mut out, &value).expect("the payload writes");
    figures.write.push(start.elapsed().as_secs_f64());
    drop(value);
}

/// Whether reading `bytes` as `T` and writing it back gives the same JSON value,
/// and the same text (key order included).
fn round_trip<T: DeserializeOwned + Serialize>(bytes: &[u8], original: &serde_json::Value) -> (bool, bool) {
    let typed: T = serde_json::from_slice(bytes).unwrap();
    let text = serde_json::to_vec(&typed).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&text).unwrap();
    (value == *original, text == bytes)
}

const NAMES: [&str; 4] = ["docbind", "before", "derive", "Value"];

/// The payload: the lines both crates read, repeated into a JSON array of at
/// least `mb` MB; with its number of objects and of distinct lines.
fn payload<D: DeserializeOwned, B: DeserializeOwned>(lines: &str, mb: usize) -> Option<(Vec<u8>, usize, usize)> {
    let kept: Vec<&str> = lines
        .lines()
        .filter(|line| serde_json::from_str::<B>(line).is_ok() && serde_json::from_str::<D>(line).is_ok())
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut bytes = b"[".to_vec();
    let mut objects = 0usize;
    while bytes.len() < mb * 1_000_000 {
        for line in &kept {
            if objects > 0 {
                bytes.push(b',');
            }
            bytes.extend_from_slice(line.as_bytes());
            objects += 1;
        }
    }
    bytes.push(b']');
    Some((bytes, objects, kept.len()))
}

/// The read that `--instructions` counts (callgrind's `--toggle-collect`): the
/// value is returned, so that its drop is not counted.
#[inline(never)]
fn counted_read<T: DeserializeOwned>(bytes: &[u8]) -> T {
    serde_json::from_slice(bytes).expect("the payload reads")
}

/// The write that `--instructions` counts.
#[inline(never)]
fn counted_write<T: Serialize>(value: &T, out: &mut Vec<u8>) {
    serde_json::to_writer(out, value).expect("the payload writes");
}

/// One read and one write of the payload as variant `v` (0 docbind, 1 before,
/// 2 derive), for a run under callgrind.
fn count<D, P, B>(lines: &str, mb: usize, v: usize)
where
    D: DeserializeOwned + Serialize,
    P: DeserializeOwned + Serialize,
    B: DeserializeOwned + Serialize,
{
    fn go<T: DeserializeOwned + Serialize>(bytes: &[u8]) {
        let value: Vec<T> = counted_read(bytes);
        let mut out = Vec::with_capacity(bytes.len() * 2);
        counted_write(&value, &mut out);
        std::hint::black_box((&value, &out));
    }
    // Nothing to read would count 0 instructions, which is no figure.
    let Some((bytes, _, _)) = payload::<D, B>(lines, mb) else {
        eprintln!("no example both crates read");
        std::process::exit(1);
    };
    match v {
        0 => go::<D>(&bytes),
        1 => go::<P>(&bytes),
        _ => go::<B>(&bytes),
    }
}

fn bench<D, P, B>(name: &str, lines: &str, mb: usize, reps: usize)
where
    D: DeserializeOwned + Serialize,
    P: DeserializeOwned + Serialize,
    B: DeserializeOwned + Serialize,
{
    let Some((bytes, objects, distinct)) = payload::<D, B>(lines, mb) else {
        println!("{name:<9} skipped: no example both crates read");
        return;
    };
    let original: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let (lossless, same_text) = round_trip::<Vec<D>>(&bytes, &original);
    let before = if HAS_BEFORE { Some(round_trip::<Vec<P>>(&bytes, &original)) } else { None };
    drop(original);
    let variants = if HAS_BEFORE { 4 } else { 3 };
    let mut figures: [Figures; 4] = Default::default();
    for rep in 0..reps {
        for turn in 0..variants {
            // docbind, [before,] derive, Value, in a rotating order.
            let mut v = (rep + turn) % variants;
            if !HAS_BEFORE && v >= 1 {
                v += 1;
            }
            match v {
                0 => once::<Vec<D>>(&bytes, &mut figures[0]),
                1 => once::<Vec<P>>(&bytes, &mut figures[1]),
                2 => once::<Vec<B>>(&bytes, &mut figures[2]),
                _ => once::<serde_json::Value>(&bytes, &mut figures[3]),
            }
        }
    }
    // Before the medians sort the times: each round's docbind time against
    // derive's of the same round. The machine's drift moves both alike, so
    // these spread less than times taken apart.
    let mut paired_read = paired(&figures[2].read, &figures[0].read);
    let mut paired_write = paired(&figures[2].write, &figures[0].write);
    let mbytes = bytes.len() as f64 / 1e6;
    let shown: Vec<usize> = (0..4).filter(|&v| HAS_BEFORE || v != 1).collect();
    let mut read = [0.0f64; 4];
    let mut write = [0.0f64; 4];
    let mut peak = [0.0f64; 4];
    for &v in &shown {
        let f = &mut figures[v];
        read[v] = mbytes / median(&mut f.read);
        write[v] = mbytes / median(&mut f.write);
        f.peak.sort();
        peak[v] = f.peak[f.peak.len() / 2] as f64 / 1e6;
    }
    let list = |values: &[f64; 4], digits: usize| {
        shown
            .iter()
            .map(|&v| format!("{} {:.*}", NAMES[v], digits, values[v]))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let ratio = |values: &[f64; 4]| {
        let mut text = format!("docbind/derive {:.2}", values[0] / values[2]);
        if HAS_BEFORE {
            text.push_str(&format!(", before/derive {:.2}", values[1] / values[2]));
        }
        text
    };
    println!("{name}: {mbytes:.1} MB, {objects} objects ({distinct} distinct examples)");
    println!("  read MB/s   {} = {}", list(&read, 0), ratio(&read));
    println!("  write MB/s  {} = {}", list(&write, 0), ratio(&write));
    println!(
        "  per round, docbind/derive  read {}  write {}",
        spread(&mut paired_read),
        spread(&mut paired_write),
    );
    println!("  peak heap MB while reading  {} = {}", list(&peak, 1), ratio(&peak));
    let allocs: Vec<String> = shown
        .iter()
        .map(|&v| format!("{} {:.1}", NAMES[v], figures[v].allocs as f64 / objects as f64))
        .collect();
    println!("  allocations per object  {}", allocs.join(" / "));
    println!(
        "  size of one element, bytes  docbind {} / before {} / derive {}",
        std::mem::size_of::<D>(),
        if HAS_BEFORE { std::mem::size_of::<P>() } else { 0 },
        std::mem::size_of::<B>(),
    );
    println!("  docbind round trip: same value {lossless}, same text {same_text}");
    if let Some((lossless, same_text)) = before {
        println!("  before round trip: same value {lossless}, same text {same_text}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::Path::new(&args[1]);
    let mb: usize = args[2].parse().unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.join(format!("{name}.jsonl"))).unwrap();
    if args[3] == "count" {
        let v: usize = args[5].parse().unwrap();
        match args[4].as_str() {
            "users" => count::<DOCBIND_USER, BEFORE_USER, DERIVE_USER>(&read("users"), mb, v),
            "messages" => count::<DOCBIND_MESSAGE, BEFORE_MESSAGE, DERIVE_MESSAGE>(&read("messages"), mb, v),
            "events" => count::<DOCBIND_EVENT, BEFORE_EVENT, DERIVE_EVENT>(&read("events"), mb, v),
            _ => count::<DOCBIND_DIRECTORY_OBJECT, BEFORE_DIRECTORY_OBJECT, Mixed>(&read("mixed"), mb, v),
        }
        return;
    }
    let reps: usize = args[3].parse().unwrap();
    let malloc = std::env::var("GLIBC_TUNABLES").unwrap_or_else(|_| "glibc's defaults".into());
    println!("medians of {reps} rounds, variants alternating, each timed read after an untimed one; MB/s of the input JSON; malloc: {malloc}");
    bench::<DOCBIND_USER, BEFORE_USER, DERIVE_USER>("users", &read("users"), mb, reps);
    bench::<DOCBIND_MESSAGE, BEFORE_MESSAGE, DERIVE_MESSAGE>("messages", &read("messages"), mb, reps);
    bench::<DOCBIND_EVENT, BEFORE_EVENT, DERIVE_EVENT>("events", &read("events"), mb, reps);
    bench::<DOCBIND_DIRECTORY_OBJECT, BEFORE_DIRECTORY_OBJECT, Mixed>("mixed", &read("mixed"), mb, reps);
}
"##;
