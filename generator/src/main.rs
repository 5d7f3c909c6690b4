//! The `docbind` command line: generate, check, model, lint.

use clap::{Args, Parser, Subcommand};
use docbind::emit::{EmitOptions, Output};
use docbind::output::{self, WriteOptions};
use docbind::{diag, Error, GenerateOptions, Run, Severity};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the input had errors (diagnostics of severity error; generate still writes the
     valid parts), or, for `check`, the output is stale
  2  usage error, I/O failure, or refusal to write (a non-empty --out that docbind
     did not write, without --force); nothing is written";

const DEFAULT_INPUT: &str = "docs-input";
const DEFAULT_OUT: &str = "generated";

/// Turns REST API reference pages written in Markdown into a Rust crate.
#[derive(Parser)]
#[command(name = "docbind", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crate in --out from the pages in --input.
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Exit 1 and list the stale files if --out differs from what `generate` would write.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Print the model of the input as JSON (see README, "The model").
    #[command(after_help = EXIT_CODES)]
    Model(InputArgs),
    /// Print every diagnostic about the input, one per line.
    #[command(after_help = EXIT_CODES)]
    Lint(InputArgs),
    /// Print the API changes of the generated crate between two snapshots of the docs.
    #[command(after_help = DIFF_EXIT_CODES)]
    Diff(DiffArgs),
}

const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  success (input errors are counted on stderr, the diff is still made)
  1  --fail-on breaking: a breaking change; --fail-on any: any API change
  2  usage error or I/O failure";

#[derive(Args)]
struct DiffArgs {
    /// Folder of the old pages.
    old: PathBuf,
    /// Folder of the new pages.
    new: PathBuf,
    /// Another folder of old pages (repeatable, like --input).
    #[arg(long = "old", value_name = "DIR")]
    more_old: Vec<PathBuf>,
    /// Another folder of new pages (repeatable).
    #[arg(long = "new", value_name = "DIR")]
    more_new: Vec<PathBuf>,
    /// Print JSON (see README, "docbind diff").
    #[arg(long)]
    json: bool,
    /// Also list edited descriptions, path spellings and letter case of names.
    #[arg(long)]
    docs: bool,
    /// Exit 1 when there is a change of this kind.
    #[arg(long, value_name = "WHAT", value_parser = ["breaking", "any"])]
    fail_on: Option<String>,
}

#[derive(Args)]
struct InputArgs {
    /// Folder of Markdown pages, read recursively (repeatable).
    #[arg(long = "input", value_name = "DIR", default_value = DEFAULT_INPUT)]
    inputs: Vec<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Folder of the generated crate.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUT)]
    out: PathBuf,
    /// Package name of the generated crate (`check` needs the one given to `generate`).
    #[arg(long, value_name = "NAME", default_value_t = EmitOptions::default().crate_name)]
    crate_name: String,
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// Write into a non-empty folder that docbind did not write (no .docbind-manifest).
    #[arg(long)]
    force: bool,
    /// Write an empty crate (the input has no type, enum or operation) over a crate
    /// docbind generated before, removing its files.
    #[arg(long)]
    allow_empty: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(args) => generate(args),
        Command::Check(args) => check(args),
        Command::Model(args) => model(args),
        Command::Lint(args) => lint(args),
        Command::Diff(args) => diff(args),
    };
    result.unwrap_or_else(|e| {
        let _ = writeln!(std::io::stderr(), "docbind: error: {e}");
        ExitCode::from(2)
    })
}

fn generate(args: &GenerateArgs) -> Result<ExitCode, Error> {
    let opts = GenerateOptions {
        emit: emit_options(&args.check),
        write: WriteOptions { force: args.force },
        allow_empty: args.allow_empty,
    };
    let report = docbind::generate(&args.check.input.inputs, &args.check.out, &opts)?;
    let run = &report.run;
    print_errors(run);
    say(&run.summary.to_string())?;
    let w = &report.write;
    say(&format!(
        "{}: {} written, {} unchanged, {} removed{}",
        args.check.out.display(),
        w.written.len(),
        w.unchanged,
        w.removed.len(),
        if !report.emitted {
            " (up to date: same fingerprint, nothing emitted)".to_string()
        } else if report.reused > 0 {
            format!(
                " ({} files of unchanged code not formatted again)",
                report.reused
            )
        } else {
            String::new()
        }
    ))?;
    Ok(exit_for(run))
}

fn check(args: &CheckArgs) -> Result<ExitCode, Error> {
    let run = docbind::run_dirs(&args.input.inputs)?;
    print_errors(&run);
    let output = emit(&run, args)?;
    let stale = output::check(&args.out, &output)?;
    if stale.is_empty() {
        say(&format!("{} is up to date", args.out.display()))?;
        return Ok(exit_for(&run));
    }
    let mut text = format!("{} is stale ({} files):\n", args.out.display(), stale.len());
    for path in &stale {
        text.push_str(&format!("  {path}\n"));
    }
    if output::status(&args.out).is_ok_and(|s| s.interrupted) {
        text.push_str("(a generate run was interrupted there)\n");
    }
    text.push_str(&format!("regenerate it with: {}", command_line(args)));
    say(&text)?;
    Ok(ExitCode::from(1))
}

fn model(args: &InputArgs) -> Result<ExitCode, Error> {
    let run = docbind::run_dirs(&args.inputs)?;
    let json = serde_json::to_string_pretty(&run.model)
        .map_err(|e| Error::Internal(format!("serializing the model: {e}")))?;
    say(&json)?;
    let errors = run.summary.errors;
    if errors > 0 {
        tell(&format!(
            "docbind: the input has {errors} errors (see `docbind lint`)"
        ));
    }
    Ok(exit_for(&run))
}

fn lint(args: &InputArgs) -> Result<ExitCode, Error> {
    let run = docbind::run_dirs(&args.inputs)?;
    let mut text = String::new();
    for d in &run.diagnostics {
        text.push_str(&format!("{d}\n"));
    }
    if !text.is_empty() {
        say(text.trim_end())?;
    }
    let notes = run
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .count();
    tell(&format!(
        "{} errors, {} warnings, {} notes",
        run.summary.errors, run.summary.warnings, notes
    ));
    Ok(exit_for(&run))
}

fn diff(args: &DiffArgs) -> Result<ExitCode, Error> {
    let old: Vec<PathBuf> = std::iter::once(&args.old)
        .chain(&args.more_old)
        .cloned()
        .collect();
    let new: Vec<PathBuf> = std::iter::once(&args.new)
        .chain(&args.more_new)
        .cloned()
        .collect();
    let found = docbind::diff::diff_dirs(&old, &new)?;
    for (side, run) in [("old", &found.old), ("new", &found.new)] {
        if run.summary.errors > 0 {
            let errors = run.summary.errors;
            tell(&format!(
                "docbind: the {side} input has {errors} errors (see `docbind lint`)"
            ));
        }
    }
    let d = &found.diff;
    if args.json {
        let json = docbind::diff::render::json(d, args.docs)
            .map_err(|e| Error::Internal(format!("serializing the diff: {e}")))?;
        say(&json)?;
    } else {
        say(docbind::diff::render::text(d, args.docs).trim_end())?;
    }
    let fail_on = match args.fail_on.as_deref() {
        Some("breaking") => Some(docbind::diff::FailOn::Breaking),
        Some(_) => Some(docbind::diff::FailOn::Any),
        None => None,
    };
    let fail = fail_on.is_some_and(|f| f.fails(d));
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The emit options `generate` uses for these arguments.
fn emit_options(args: &CheckArgs) -> EmitOptions {
    EmitOptions {
        crate_name: args.crate_name.clone(),
        command: command_line(args),
    }
}

/// Emits the crate with the options `generate` uses for these arguments.
fn emit(run: &Run, args: &CheckArgs) -> Result<Output, Error> {
    docbind::emit::emit(&run.model, &emit_options(args))
}

/// The command that regenerates --out: `generate` run as docbind was run
/// ([`program`]) plus every non-default flag, so `generate` and `check` agree on the
/// header of every file.
fn command_line(args: &CheckArgs) -> String {
    let mut cmd = format!("{} generate", program());
    if args.input.inputs != [PathBuf::from(DEFAULT_INPUT)] {
        for input in &args.input.inputs {
            cmd.push_str(&format!(" --input {}", quote(&input.to_string_lossy())));
        }
    }
    if args.out != Path::new(DEFAULT_OUT) {
        cmd.push_str(&format!(" --out {}", quote(&args.out.to_string_lossy())));
    }
    if args.crate_name != EmitOptions::default().crate_name {
        cmd.push_str(&format!(" --crate-name {}", quote(&args.crate_name)));
    }
    cmd
}

/// How docbind was run: `cargo run -p docbind --` when cargo started it (`cargo run`
/// gives the program it starts the variables of its package: `CARGO` and
/// `CARGO_PKG_NAME`; a program that another package's build or test starts sees
/// that package's name), else the file name it was started by (an installed
/// `docbind`).
fn program() -> String {
    let package = env!("CARGO_PKG_NAME");
    let by_cargo = std::env::var_os("CARGO").is_some()
        && std::env::var("CARGO_PKG_NAME").is_ok_and(|name| name == package);
    if by_cargo {
        return format!("cargo run -p {package} --");
    }
    let name = std::env::args_os()
        .next()
        .and_then(|arg0| Some(Path::new(&arg0).file_name()?.to_string_lossy().into_owned()));
    quote(&name.unwrap_or_else(|| package.to_string()))
}

/// Quotes an argument for a POSIX shell when it needs it.
fn quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+:=@,".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Error-severity diagnostics go to stderr.
fn print_errors(run: &Run) {
    for d in run
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        tell(&d.to_string());
    }
}

fn exit_for(run: &Run) -> ExitCode {
    if diag::has_errors(&run.diagnostics) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints a line to stdout (a closed pipe is an I/O failure, not a panic).
fn say(text: &str) -> Result<(), Error> {
    writeln!(std::io::stdout().lock(), "{text}").map_err(|e| Error::io("<stdout>", e))
}

/// Prints a line to stderr, ignoring failures (there is nowhere left to report them).
fn tell(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
