//! The write phase alone: [`docbind::output::write`] of the emitted v1.0 crate into
//! an empty folder, over itself (a no-op) and with one file changed, against reading
//! every file of the output (what comparing it costs at least), in the same run.
//!
//! ```sh
//! cargo bench -p docbind --bench write -- --tmp /dev/shm --reps 10
//! ```
//!
//! Options: `--reps N` (default 10), `--tmp DIR` (where the output folder goes),
//! `--target N` (a foreign `target/` of N small files inside the output, as a user's
//! build leaves it; default 5000). The corpus is read from `DOCBIND_CORPUS`, or
//! `../shared/graph-docs` beside the workspace; without it the bench says so and
//! exits 0. Times are medians (wall) and means (CPU of the whole process, from
//! `/proc/self/stat`, so they show the work whatever else loads the machine).

use docbind::emit::{self, EmitOptions, Output};
use docbind::output::{self, WriteOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    reps: usize,
    tmp: Option<PathBuf>,
    target_files: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        reps: 10,
        tmp: None,
        target_files: 5000,
    };
    let list: Vec<String> = std::env::args().skip(1).collect();
    let mut it = list.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reps" => args.reps = it.next().and_then(|n| n.parse().ok()).unwrap_or(10).max(1),
            "--tmp" => args.tmp = it.next().map(PathBuf::from),
            "--target" => args.target_files = it.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            _ => {} // `--bench` and whatever else cargo passes
        }
    }
    args
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/graph-docs"));
    dir.join("v1.0").is_dir().then_some(dir)
}

/// CPU time (user + system) of this process so far, in clock ticks of 10 ms.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// Times of one kind of step: wall clock of each repetition, CPU in total.
#[derive(Default)]
struct Times {
    wall: Vec<Duration>,
    cpu: Duration,
}

impl Times {
    fn measure<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let (c, w) = (cpu(), Instant::now());
        let result = f();
        self.wall.push(w.elapsed());
        self.cpu += cpu().saturating_sub(c);
        result
    }

    fn median(&self) -> f64 {
        let mut v = self.wall.clone();
        v.sort();
        v[v.len() / 2].as_secs_f64()
    }

    fn cpu_mean(&self) -> f64 {
        self.cpu.as_secs_f64() / self.wall.len() as f64
    }
}

fn read_all(out: &Path, output: &Output) -> usize {
    output
        .files
        .par_iter()
        .map(|(rel, _)| std::fs::read(out.join(rel)).map_or(0, |b| b.len()))
        .sum()
}

/// A foreign `target/` of `n` files of 1 KiB in 50 folders.
fn foreign_target(out: &Path, n: usize) -> std::io::Result<()> {
    for i in 0..n {
        let dir = out.join(format!("target/debug/deps/d{}", i % 50));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("f{i}.o")), [b'x'; 1024])?;
    }
    Ok(())
}

fn run(args: &Args, output: &Output) -> Result<(), String> {
    let tmp = match &args.tmp {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .map_err(|e| e.to_string())?;
    let out = tmp.path().join("out");
    let opts = WriteOptions::default();
    output::write(&out, output, &opts).map_err(|e| e.to_string())?;
    foreign_target(&out, args.target_files).map_err(|e| e.to_string())?;

    // One file in the middle, changed back and forth.
    let rel = output
        .files
        .keys()
        .nth(output.files.len() / 2)
        .ok_or("nothing emitted")?
        .clone();
    let mut changed = output.clone();
    changed
        .files
        .entry(rel.clone())
        .or_default()
        .push_str("// changed\n");
    let variants = [&changed, output];

    let (mut read, mut noop, mut one) = (Times::default(), Times::default(), Times::default());
    let mut fresh = Times::default();
    let mut wrote = (0, 0);
    for i in 0..args.reps {
        let dir = tmp.path().join(format!("fresh{i}"));
        fresh
            .measure(|| output::write(&dir, output, &opts))
            .map_err(|e| e.to_string())?;
        std::fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
        read.measure(|| std::hint::black_box(read_all(&out, output)));
        let current = variants[(i + 1) % 2];
        let report = noop.measure(|| output::write(&out, current, &opts));
        wrote.0 += report.map_err(|e| e.to_string())?.written.len();
        let next = variants[i % 2];
        let report = one.measure(|| output::write(&out, next, &opts));
        wrote.1 += report.map_err(|e| e.to_string())?.written.len();
    }
    println!(
        "{} files, foreign target/ of {} files, {} reps; one file changed: {rel}",
        output.files.len(),
        args.target_files,
        args.reps
    );
    println!("files written: no-op {}, one change {}", wrote.0, wrote.1);
    for (name, t) in [
        ("read all (a)", &read),
        ("first write", &fresh),
        ("no-op write", &noop),
        ("one file changed", &one),
    ] {
        println!(
            "{name:>17}: wall {:.4} s ({:.2} a), cpu {:.4} s ({:.2} a)",
            t.median(),
            t.median() / read.median(),
            t.cpu_mean(),
            t.cpu_mean() / read.cpu_mean().max(1e-9),
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = parse_args();
    let Some(corpus) = corpus() else {
        println!(
            "write bench: skipped: no corpus at ../shared/graph-docs and DOCBIND_CORPUS is not set"
        );
        return ExitCode::SUCCESS;
    };
    let emitted = docbind::run_dirs(&[corpus.join("v1.0")])
        .map_err(|e| e.to_string())
        .and_then(|run| emit::emit(&run.model, &EmitOptions::default()).map_err(|e| e.to_string()));
    match emitted.and_then(|output| run(&args, &output)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("write bench: {e}");
            ExitCode::FAILURE
        }
    }
}
