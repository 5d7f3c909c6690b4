//! Generator speed, no-op regeneration and memory over the real corpus.
//!
//! ```sh
//! cargo bench -p docbind --bench pipeline            # 5 repetitions
//! cargo bench -p docbind --bench pipeline -- --reps 3 --sets v1.0,both
//! cargo bench -p docbind --bench pipeline -- --tmp /dev/shm   # outputs in memory
//! ```
//!
//! Options: `--reps N` (default 5), `--sets v1.0,beta,both`, `--tmp DIR` (where the
//! temporary output folders go; default the system's), `--no-rss`, `--quick` (one
//! repetition, no RSS).
//!
//! The corpus is read from `DOCBIND_CORPUS`, or `../shared/graph-docs` beside the
//! workspace; without it the bench says so and exits 0. Every figure is a median of
//! the repetitions, and every ratio is against a baseline measured in the same run:
//!
//! * **floor** (a): reading every page and a bare pulldown-cmark pass over each one
//!   (events consumed, nothing built), parallel over files like the pipeline;
//! * **pipeline** (b): `docbind::generate` into a fresh temporary folder: read, parse,
//!   model, fingerprint, emit (+ syn + prettyplease), write; `b/a` and each phase's
//!   share of b;
//! * **no-op**: `docbind::generate` again over the same output, against reading and
//!   modelling alone (`read_inputs` + `run`), and a check that no file's mtime moved;
//!   then one page changed (in memory): how many files are written;
//! * **peak RSS** (VmHWM) of a whole pipeline run in a child process per set of pages.

use docbind::{generate, source, GenerateOptions};
use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant, SystemTime};

/// The same allocator as the `docbind` binary, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHILD_FLAG: &str = "--child-generate";

/// Where the temporary output folders go (`--tmp DIR`; default: the system's).
static TMP_BASE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

fn temp_dir() -> Result<tempfile::TempDir, String> {
    match TMP_BASE.get().and_then(Option::as_ref) {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD_FLAG) {
        return child(&args[1..]);
    }
    let mut reps = 5usize;
    let mut sets_wanted: Option<Vec<String>> = None;
    let mut rss = true;
    let mut tmp_base: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => {
                reps = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(reps)
                    .max(1)
            }
            "--sets" => {
                sets_wanted = it
                    .next()
                    .map(|s| s.split(',').map(str::to_string).collect())
            }
            "--no-rss" => rss = false,
            "--tmp" => tmp_base = it.next().map(PathBuf::from),
            "--quick" => {
                reps = 1;
                rss = false;
            }
            _ => {} // `--bench` and whatever else cargo passes
        }
    }

    let _ = TMP_BASE.set(tmp_base);
    let Some(corpus) = corpus() else {
        println!(
            "pipeline bench: skipped: no corpus at ../shared/graph-docs and DOCBIND_CORPUS is not set"
        );
        return ExitCode::SUCCESS;
    };
    let v1 = corpus.join("v1.0");
    let beta = corpus.join("beta");
    let all_sets: Vec<(&str, Vec<PathBuf>)> = vec![
        ("v1.0", vec![v1.clone()]),
        ("beta", vec![beta.clone()]),
        ("both", vec![v1, beta]),
    ];
    let sets: Vec<(&str, Vec<PathBuf>)> = all_sets
        .into_iter()
        .filter(|(name, dirs)| {
            sets_wanted
                .as_ref()
                .is_none_or(|w| w.iter().any(|x| x == name))
                && dirs.iter().all(|d| d.is_dir())
        })
        .collect();
    if sets.is_empty() {
        println!("pipeline bench: skipped: no set of pages to run");
        return ExitCode::SUCCESS;
    }
    println!(
        "pipeline bench: corpus {}, {} threads, median of {reps}",
        corpus.display(),
        rayon::current_num_threads()
    );

    let mut failed = false;
    let mut outputs = Vec::new();
    for (name, dirs) in &sets {
        match speed(name, dirs, reps, &mut outputs) {
            Ok(()) => {}
            Err(e) => {
                println!("{name}: FAILED: {e}");
                failed = true;
            }
        }
    }
    for (name, dirs) in &sets {
        if let Err(e) = noop(name, dirs, reps) {
            println!("{name}: no-op FAILED: {e}");
            failed = true;
        }
    }
    if rss {
        println!();
        println!("peak RSS of one whole pipeline run (child process, VmHWM):");
        for (name, dirs) in &sets {
            match child_rss(dirs) {
                Ok((kib, pages, bytes, wall)) => println!(
                    "  {name:<5} {:>7.1} MiB  ({pages} pages, {:.1} MiB of Markdown: {:.1}x its size; {:.2} s wall)",
                    kib as f64 / 1024.0,
                    bytes as f64 / 1048576.0,
                    kib as f64 * 1024.0 / bytes as f64,
                    wall.as_secs_f64()
                ),
                Err(e) => {
                    println!("  {name}: FAILED: {e}");
                    failed = true;
                }
            }
        }
    }
    drop(outputs); // the output folders of the speed runs, removed last
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `DOCBIND_CORPUS`, or `../shared/graph-docs` beside the workspace.
fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/graph-docs")
                .to_path_buf()
        });
    dir.is_dir().then_some(dir)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// CPU time (user + system) of this process so far, from /proc (zero elsewhere).
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command (which is in parentheses and may hold spaces).
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return Duration::ZERO;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|t| t.parse::<u64>().ok()).unwrap_or(0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command;
    // Linux reports them in USER_HZ = 100 ticks per second.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// (a) the floor: read every page, then a bare pulldown-cmark pass in parallel:
/// (total, read, bytes).
fn floor(dirs: &[PathBuf]) -> Result<(Duration, Duration, usize), String> {
    let start = Instant::now();
    let files = source::read_inputs(dirs).map_err(|e| e.to_string())?;
    let read = start.elapsed();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: usize = files
        .par_iter()
        .map(|f| match std::str::from_utf8(&f.bytes) {
            Ok(text) => Parser::new_ext(text, opts)
                .into_offset_iter()
                .map(black_box)
                .count(),
            Err(_) => 0,
        })
        .sum();
    let total = start.elapsed();
    black_box(events);
    let bytes = files.iter().map(|f| f.bytes.len()).sum();
    Ok((total, read, bytes))
}

fn speed(
    name: &str,
    dirs: &[PathBuf],
    reps: usize,
    keep: &mut Vec<tempfile::TempDir>,
) -> Result<(), String> {
    let pages = source::read_inputs(dirs).map_err(|e| e.to_string())?.len();
    let mut floors = Vec::new();
    let mut floor_reads = Vec::new();
    let mut phases: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut totals = Vec::new();
    let mut cpus = Vec::new();
    let mut bytes = 0;
    let mut files_written = 0;
    let mut floor_cpus = Vec::new();
    let mut formats = Vec::new();
    for _ in 0..reps {
        let cpu = cpu_time();
        let (f, r, b) = floor(dirs)?;
        floor_cpus.push(cpu_time().saturating_sub(cpu));
        floors.push(f);
        floor_reads.push(r);
        bytes = b;

        let tmp = temp_dir()?;
        let out = tmp.path().join("out");
        let cpu = cpu_time();
        let start = Instant::now();
        let report =
            generate(dirs, &out, &GenerateOptions::default()).map_err(|e| e.to_string())?;
        let total = start.elapsed();
        cpus.push(cpu_time().saturating_sub(cpu));
        totals.push(total);
        files_written = report.write.written.len();
        let t = report.timings;
        for (k, v) in [
            ("read", t.read),
            ("parse", t.parse),
            ("model", t.model),
            ("fingerprint", t.fingerprint),
            ("emit+format", t.emit),
            ("write", t.write),
        ] {
            phases.entry(k).or_default().push(v);
        }
        drop(report);
        formats.push(format_floor(&out)?);
        // Removed at the very end: deleting thousands of files makes work for the
        // file system (discards) that would slow down the next repetitions' writes.
        keep.push(tmp);
    }
    let a = median(floors);
    let b = median(totals.clone());
    let cpu = median(cpus);
    println!();
    println!(
        "{name}: {pages} pages, {:.1} MiB of Markdown, {files_written} files written",
        bytes as f64 / 1048576.0
    );
    let floor_cpu = median(floor_cpus);
    println!(
        "  floor (a)     {} s   (read {} s + bare pulldown-cmark pass; CPU {:.2} s)",
        secs(a),
        secs(median(floor_reads)),
        floor_cpu.as_secs_f64()
    );
    for k in [
        "read",
        "parse",
        "model",
        "fingerprint",
        "emit+format",
        "write",
    ] {
        let d = median(phases[k].clone());
        println!(
            "  {k:<13} {} s   {:>5.1}% of b",
            secs(d),
            100.0 * d.as_secs_f64() / b.as_secs_f64()
        );
    }
    println!(
        "  pipeline (b)  {} s   b/a = {:.2}   (CPU {:.2} s: {:.2} cores busy; CPU b/a = {:.2})",
        secs(b),
        b.as_secs_f64() / a.as_secs_f64(),
        cpu.as_secs_f64(),
        cpu.as_secs_f64() / b.as_secs_f64(),
        cpu.as_secs_f64() / floor_cpu.as_secs_f64().max(0.001)
    );
    let f = median(formats);
    println!(
        "  format floor  {} s   syn + prettyplease alone over the emitted code (no docs) = {:.2} a: \
         the least any emitter formatting through them pays",
        secs(f),
        f.as_secs_f64() / a.as_secs_f64()
    );
    Ok(())
}

/// What formatting through syn and prettyplease costs by itself: the Rust files in
/// `out`, doc comment lines removed (the pipeline keeps doc text out of both), lexed
/// into tokens, then the wall time of `syn::parse2` + `prettyplease::unparse` over
/// all of them, in parallel like the pipeline (lexing measured apart and subtracted:
/// token streams cannot cross threads).
fn format_floor(out: &Path) -> Result<Duration, String> {
    let mut texts = Vec::new();
    rust_files(out, &mut texts).map_err(|e| e.to_string())?;
    let code: Vec<String> = texts
        .par_iter()
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim_start().starts_with("///"))
                .flat_map(|l| [l, "\n"])
                .collect()
        })
        .collect();
    let pass = |format: bool| -> Result<Duration, String> {
        let start = Instant::now();
        code.par_iter().try_for_each(|c| {
            let tokens: proc_macro2::TokenStream = c.parse().map_err(|e| format!("{e:?}"))?;
            if format {
                let file = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
                black_box(prettyplease::unparse(&file));
            }
            Ok::<(), String>(())
        })?;
        Ok(start.elapsed())
    };
    let lexing = pass(false)?;
    Ok(pass(true)?.saturating_sub(lexing))
}

fn rust_files(dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path)?);
        }
    }
    Ok(())
}

/// Every file below `dir` with its mtime.
fn mtimes(dir: &Path, out: &mut BTreeMap<PathBuf, SystemTime>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            mtimes(&path, out)?;
        } else {
            out.insert(path, meta.modified()?);
        }
    }
    Ok(())
}

/// Generating again over unchanged input, against reading and modelling alone; then
/// one page changed.
fn noop(name: &str, dirs: &[PathBuf], reps: usize) -> Result<(), String> {
    let tmp = temp_dir()?;
    let out = tmp.path().join("out");
    let opts = GenerateOptions::default();
    let first = generate(dirs, &out, &opts).map_err(|e| e.to_string())?;
    let files = first.write.written.len();
    let model = first.run.model;
    let mut before = BTreeMap::new();
    mtimes(&out, &mut before).map_err(|e| e.to_string())?;

    let mut models = Vec::new();
    let mut noops = Vec::new();
    let mut fingerprints = Vec::new();
    let mut emitted = false;
    let mut written = 0;
    for _ in 0..reps {
        let start = Instant::now();
        let files = source::read_inputs(dirs).map_err(|e| e.to_string())?;
        let run = docbind::run(&files);
        models.push(start.elapsed());
        drop((files, run));

        let start = Instant::now();
        let report = generate(dirs, &out, &opts).map_err(|e| e.to_string())?;
        noops.push(start.elapsed());
        fingerprints.push(report.timings.fingerprint);
        emitted |= report.emitted;
        written += report.write.written.len() + report.write.removed.len();
    }
    let mut after = BTreeMap::new();
    mtimes(&out, &mut after).map_err(|e| e.to_string())?;
    let touched = before
        .iter()
        .filter(|(p, t)| after.get(*p) != Some(t))
        .count()
        + after.keys().filter(|p| !before.contains_key(*p)).count();
    let m = median(models);
    let n = median(noops);
    println!();
    println!(
        "{name} no-op regeneration over {files} files: {} s vs read+parse+model {} s: {:.2}x \
         (fingerprint + stat {} s); emitted: {}, files written: {written}, mtimes changed: {touched}",
        secs(n),
        secs(m),
        n.as_secs_f64() / m.as_secs_f64(),
        secs(median(fingerprints)),
        if emitted { "yes" } else { "no" },
    );
    if emitted || written > 0 || touched > 0 {
        return Err("the no-op regeneration wrote something".into());
    }

    // One page changed (in memory): words added to the description of one property
    // of a type in the middle of the model. Only the files of what changed are
    // rewritten.
    let Some(prop) = model
        .types
        .iter()
        .skip(model.types.len() / 2)
        .flat_map(|t| &t.properties)
        .find(|p| p.description.is_some() && p.source.line > 0)
    else {
        return Ok(());
    };
    let mut pages = source::read_inputs(dirs).map_err(|e| e.to_string())?;
    let Some(page) = pages.iter_mut().find(|p| p.name == prop.source.file) else {
        return Ok(());
    };
    let Some(text) = std::str::from_utf8(&page.bytes)
        .ok()
        .and_then(|t| add_to_line(t, prop.source.line as usize))
    else {
        return Ok(());
    };
    page.bytes = text.into_bytes();
    let run = docbind::run(&pages);
    let start = Instant::now();
    let w = docbind::generate::write_model(&run.model, &out, &opts).map_err(|e| e.to_string())?;
    println!(
        "{name} one page changed ({}, property {}): {} files written {:?}, {} removed, {} not formatted again (code unchanged); {} s to emit and write",
        prop.source.file,
        prop.name,
        w.write.written.len(),
        w.write.written.iter().take(4).collect::<Vec<_>>(),
        w.write.removed.len(),
        w.reused,
        secs(start.elapsed()),
    );
    Ok(())
}

/// The text with a word added at the end of the last cell of table row `line` (1-based).
fn add_to_line(text: &str, line: usize) -> Option<String> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let row = text[start..].lines().next()?.trim_end();
    let end = start + row.len();
    let at = if row.ends_with('|') { end - 1 } else { end };
    let mut changed = text.to_string();
    changed.insert_str(at, " Changed.");
    Some(changed)
}

/// Runs the whole pipeline in a child process (this binary again) and reads its peak
/// RSS: (KiB, pages, bytes of input, wall time).
fn child_rss(dirs: &[PathBuf]) -> Result<(u64, usize, usize, Duration), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let tmp = temp_dir()?;
    let start = Instant::now();
    let out = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(tmp.path().join("out"))
        .args(dirs)
        .output()
        .map_err(|e| e.to_string())?;
    let wall = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "child failed: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let field = |key: &str| -> Option<u64> {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
    };
    let kib = field("vmhwm_kib ").ok_or_else(|| format!("no VmHWM in: {stdout}"))?;
    let files = source::read_inputs(dirs).map_err(|e| e.to_string())?;
    let bytes = files.iter().map(|f| f.bytes.len()).sum();
    Ok((kib, files.len(), bytes, wall))
}

/// The child: one `generate` into args[0] from args[1..], then its own VmHWM.
fn child(args: &[String]) -> ExitCode {
    let Some((out, dirs)) = args.split_first() else {
        return ExitCode::FAILURE;
    };
    let dirs: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    if let Err(e) = generate(&dirs, Path::new(out), &GenerateOptions::default()) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
        .unwrap_or_default();
    println!("vmhwm_kib {hwm}");
    ExitCode::SUCCESS
}
