//! Speed of `docbind diff` over the two real corpora (January and July 2021).
//!
//! ```sh
//! cargo bench -p docbind --bench diff                 # 3 repetitions
//! cargo bench -p docbind --bench diff -- --reps 5 --sets v1.0,both
//! ```
//!
//! The old corpus is `DOCBIND_CORPUS_OLD` or `../shared/graph-docs-2021-01`, the
//! new one `DOCBIND_CORPUS` or `../shared/graph-docs`; without them the bench says
//! so and exits 0. For each set (v1.0, beta, both), medians of `--reps N`:
//!
//! * **model both** (a): reading and modelling the old pages, then the new ones
//!   (`docbind::run_dirs` twice, each parallel over files): the baseline;
//! * **diff** (b): `docbind::diff::diff_dirs`, the whole of `docbind diff` but the
//!   printing: both sides read and modelled (side by side), then compared; b/a;
//! * **compare** (c): `docbind::diff::diff` alone on the two models; c/a;
//! * **render**: the text and the JSON of the diff; its share of a.

use docbind::diff;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The same allocator as the `docbind` binary, so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut reps = 3usize;
    let mut wanted: Option<Vec<String>> = None;
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
                wanted = it
                    .next()
                    .map(|s| s.split(',').map(str::to_string).collect())
            }
            _ => {} // `--bench` and whatever else cargo passes
        }
    }
    let old = corpus("DOCBIND_CORPUS_OLD", "graph-docs-2021-01");
    let new = corpus("DOCBIND_CORPUS", "graph-docs");
    let sets: Vec<(&str, Vec<&str>)> = vec![
        ("v1.0", vec!["v1.0"]),
        ("beta", vec!["beta"]),
        ("both", vec!["v1.0", "beta"]),
    ];
    let sets: Vec<(&str, Vec<PathBuf>, Vec<PathBuf>)> = sets
        .into_iter()
        .filter(|(name, _)| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == name)))
        .map(|(name, dirs)| {
            let olds: Vec<PathBuf> = dirs.iter().map(|d| old.join(d)).collect();
            let news: Vec<PathBuf> = dirs.iter().map(|d| new.join(d)).collect();
            (name, olds, news)
        })
        .filter(|(_, o, n)| o.iter().chain(n).all(|d| d.is_dir()))
        .collect();
    if sets.is_empty() {
        println!(
            "diff bench: skipped: no corpora at {} and {}",
            old.display(),
            new.display()
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "diff bench: {} against {}, {} threads, median of {reps}",
        old.display(),
        new.display(),
        rayon::current_num_threads()
    );
    for (name, olds, news) in &sets {
        if let Err(e) = bench_set(name, olds, news, reps) {
            println!("{name}: FAILED: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn bench_set(name: &str, olds: &[PathBuf], news: &[PathBuf], reps: usize) -> Result<(), String> {
    let mut model_both = Vec::new();
    let mut whole = Vec::new();
    let mut compare = Vec::new();
    let mut render = Vec::new();
    let mut changes = 0;
    for _ in 0..reps {
        let start = Instant::now();
        let old = docbind::run_dirs(olds).map_err(|e| e.to_string())?;
        let new = docbind::run_dirs(news).map_err(|e| e.to_string())?;
        model_both.push(start.elapsed());

        let start = Instant::now();
        let found = diff::diff_dirs(olds, news).map_err(|e| e.to_string())?;
        whole.push(start.elapsed());
        changes = found.diff.changes.len();

        let start = Instant::now();
        let d = black_box(diff::diff(&old.model, &new.model));
        compare.push(start.elapsed());
        if d != found.diff {
            return Err("diff_dirs and diff on the same models disagree".into());
        }

        let start = Instant::now();
        black_box(diff::render::text(&d, true));
        black_box(diff::render::json(&d, true).map_err(|e| e.to_string())?);
        render.push(start.elapsed());
    }
    let (a, b, c, r) = (
        median(model_both),
        median(whole),
        median(compare),
        median(render),
    );
    println!(
        "{name}: {changes} changes; model both (a) {:.3} s; diff (b) {:.3} s, b/a {:.2}; \
         compare alone (c) {:.3} s, c/a {:.3}; render text+json {:.3} s, {:.3} a",
        secs(a),
        secs(b),
        ratio(b, a),
        secs(c),
        ratio(c, a),
        secs(r),
        ratio(r, a)
    );
    Ok(())
}

fn corpus(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(default)
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ratio(x: Duration, base: Duration) -> f64 {
    x.as_secs_f64() / base.as_secs_f64().max(1e-9)
}
