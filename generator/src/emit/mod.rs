//! Emitting the Rust crate from the model: token streams built with `quote`,
//! checked by `syn` and formatted by `prettyplease`.
//!
//! [`index`] makes every naming decision up front; [`types`], [`poly`], [`enums`]
//! and [`ops`] emit the items of one kind each; [`krate`] lays them out in modules
//! and files; [`reuse`] keys each file so that a later run can take its formatted
//! text instead of formatting the same tokens again. Page text only ever reaches
//! the output as string literals (docs, JSON names, enum members, path text) or as
//! identifiers made by [`names`].

mod cycles;
mod docs;
mod enums;
mod eq;
mod gates;
mod index;
mod krate;
mod names;
mod ops;
mod options;
mod poly;
mod reuse;
mod runtime;
mod types;

/// The hand-written modules of the emitted crate's core are compiled here too,
/// under the names they have there, so that their unit tests run with docbind's.
#[cfg(test)]
#[allow(dead_code)] // only their tests use them here
mod emitted;

/// The cargo feature of a workload in emitted crates (for tools that build them
/// with some features only).
pub use names::feature_name;

use crate::model::Model;
use crate::Error;
use index::{Gating, Index};
use krate::Layout;
use proc_macro2::TokenStream;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Settings of one emission.
#[derive(Clone, Debug)]
pub struct EmitOptions {
    /// Package name written to the emitted Cargo.toml.
    pub crate_name: String,
    /// The command that regenerates the output, named in every file's header.
    pub command: String,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            crate_name: "docbind-generated".into(),
            command: "cargo run -p docbind -- generate".into(),
        }
    }
}

/// The files of an emitted crate: path relative to the crate root (with `/`) → contents.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, String>,
}

/// What [`emit_reusing`] made.
#[derive(Clone, Debug)]
pub struct Emitted {
    /// The crate, as [`emit`] gives it.
    pub output: Output,
    /// How many of its files were taken from the earlier run's text rather than
    /// formatted (for the summary of `generate`).
    pub reused: usize,
}

/// Emits the whole crate (Cargo.toml, src/lib.rs, src/runtime.rs and one module per namespace).
pub fn emit(model: &Model, opts: &EmitOptions) -> Result<Output, Error> {
    Ok(emit_reusing(model, opts, &|_| None)?.output)
}

/// The text an earlier run left at a path of the crate, if any (see [`emit_reusing`]).
pub type Previous<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// [`emit`], taking a file's text from `previous` instead of formatting its tokens
/// again when that text is what formatting them would give (see `emit/reuse.rs`:
/// every file carries a key of its tokens, docs and header, and a hash of its text).
/// Also says how many files were taken from `previous`. The output is the same as
/// [`emit`]'s when `previous` gives back what docbind wrote, or files edited by hand
/// (their text no longer matches their hash). The hash notices edits; it is not a
/// seal against someone who rewrites the key line too: like the manifest's
/// fingerprint, it trusts the output folder, and `check` compares with a fresh emit.
pub fn emit_reusing(
    model: &Model,
    opts: &EmitOptions,
    previous: Previous<'_>,
) -> Result<Emitted, Error> {
    let index = Index::new(model, Gating::ByFeature);
    let requests = ops::plan(&index);
    let root = krate::tree(&index, &requests);
    let header = header(opts);
    let target = Target::Files {
        header: &header,
        previous,
    };
    let rendered = render(&index, &root, &target)?;
    let reused = rendered.values().filter(|r| r.reused).count();
    let mut files: BTreeMap<String, String> = rendered
        .into_iter()
        .map(|(path, r)| (path, r.text))
        .collect();
    files.insert(
        "Cargo.toml".into(),
        krate::cargo_toml(opts, &header, &index.features()),
    );
    Ok(Emitted {
        output: Output { files },
        reused,
    })
}

/// The Rust type (a path starting with `crate::`) that values of each given
/// qualified type have in the emitted crate, as `emit` names them; for tools that
/// write code against an emitted crate (the conformance harness).
pub fn rust_types<'a>(
    model: &Model,
    qualified: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    // Gating changes which items exist, not what a type is called.
    let index = Index::new(model, Gating::ByFeature);
    qualified
        .into_iter()
        .map(|q| {
            (
                q.to_string(),
                index.type_ref(q).to_string().replace(' ', ""),
            )
        })
        .collect()
}

/// A request function of the emitted crate, as tools that call them see it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestFunction {
    /// Its path, starting with `crate::`.
    pub path: String,
    /// The type of its body parameter (`&T`, `&[T]`, `&str`), if it takes one.
    pub body: Option<String>,
    /// It sends bytes (`/$value`, `/content`): after its path parameters it
    /// takes `content_type: &str` and `content: Vec<u8>`. (A download answers
    /// `runtime::Download` and takes what any function takes.)
    pub upload: bool,
}

/// The request function of each operation, by operation name, as `emit` names
/// them; for tools that write code calling them (the replay).
pub fn request_functions(model: &Model) -> BTreeMap<String, RequestFunction> {
    let index = Index::new(model, Gating::ByFeature);
    let mut out = BTreeMap::new();
    for (namespace, files) in ops::plan(&index) {
        let Some(module) = index.namespaces.get(&namespace) else {
            continue;
        };
        for function in files.iter().flat_map(|f| &f.functions) {
            let op = function.op;
            let kind = ops::bytes_kind(op);
            let upload = kind == Some(ops::Bytes::Upload);
            let body = ops::body_param(&index, op).map(|t| t.to_string().replace(' ', ""));
            out.insert(
                op.name.clone(),
                RequestFunction {
                    path: format!("crate::{module}::requests::{}", function.name),
                    body: body.filter(|_| kind.is_none()),
                    upload,
                },
            );
        }
    }
    out
}

/// The qualified names of the types and enums that exist in the emitted crate
/// built with `--no-default-features --features <features>`: those of the
/// features and of every feature they enable, and the value types these use.
/// For tools that compare a feature set with something else (the compile bench).
pub fn feature_items(model: &Model, features: &[&str]) -> BTreeSet<String> {
    let index = Index::new(model, Gating::ByFeature);
    let declared = index.features();
    let mut on: BTreeSet<&str> = BTreeSet::new();
    let mut queue: Vec<&str> = features.to_vec();
    while let Some(feature) = queue.pop() {
        if on.insert(feature) {
            let deps = declared.get(feature).into_iter().flatten();
            queue.extend(deps.map(String::as_str));
        }
    }
    let qualified = index.types.keys().chain(index.enums.keys());
    qualified
        .filter(|q| index.gate_of(q).iter().any(|f| on.contains(f.as_str())))
        .cloned()
        .collect()
}

/// The same items as one Rust source file with every module inline and no inner
/// attributes, for `include!` at a crate root (used by build scripts).
pub fn emit_single_file(model: &Model, opts: &EmitOptions) -> Result<String, Error> {
    // The including crate declares no features: every item is there.
    let index = Index::new(model, Gating::None);
    let requests = ops::plan(&index);
    let root = krate::tree(&index, &requests);
    let texts = render(&index, &root, &Target::Inline)?
        .into_iter()
        .map(|(path, r)| (path, r.text))
        .collect();
    Ok(format!(
        "// {}\n{}",
        header(opts),
        krate::splice(&root, &texts)?
    ))
}

/// What [`render`] makes of the modules.
enum Target<'a> {
    /// A file each ([`Layout::Files`]), starting with the header and the format key
    /// (see [`reuse`]); an intact earlier text from `previous` is taken as is.
    Files {
        header: &'a str,
        previous: Previous<'a>,
    },
    /// The texts that [`krate::splice`] puts into one source ([`Layout::Inline`]).
    Inline,
}

/// The text of one module.
struct Rendered {
    text: String,
    /// Taken from the earlier text rather than formatted.
    reused: bool,
}

/// The formatted text of every module, by file path, in parallel.
fn render(
    index: &Index<'_>,
    root: &krate::Module<'_>,
    target: &Target<'_>,
) -> Result<BTreeMap<String, Rendered>, Error> {
    let layout = match target {
        Target::Files { .. } => Layout::Files,
        Target::Inline => Layout::Inline,
    };
    let fresh = |text| Rendered {
        text,
        reused: false,
    };
    // Token streams are not `Send`: each worker builds the tokens of its own module.
    let rendered: Vec<Result<(String, Rendered), Error>> = krate::files(root)
        .into_par_iter()
        .map(|(path, module)| {
            if let (Some(source), Target::Files { header, .. }) = (module.hand_written(), target) {
                return Ok((path, fresh(format!("// {header}\n{}\n", source.emitted()))));
            }
            let mut tokens = TokenStream::new();
            if module.is_root() && layout == Layout::Files {
                tokens.extend(krate::crate_attrs(index));
            }
            tokens.extend(module.tokens(index, layout)?);
            // The page text goes around syn and prettyplease (see `docs::take`).
            let (tokens, docs) = docs::take(tokens);
            let Target::Files { header, previous } = target else {
                let text = docs::expand(&format_file(&path, tokens)?, &docs);
                return Ok((path, fresh(text)));
            };
            let key = reuse::key(header, &tokens, &docs);
            if let Some(text) = previous(&path).filter(|old| reuse::holds(old, header, key)) {
                return Ok((path, Rendered { text, reused: true }));
            }
            let body = docs::expand(&format_file(&path, tokens)?, &docs);
            Ok((path, fresh(reuse::sign(header, key, &body))))
        })
        .collect();
    // In file order, so that the error reported (if any) does not depend on threads.
    rendered.into_iter().collect()
}

/// The header line of every file (without its comment marker): what made it, and
/// how to make it again. Nothing that changes from run to run or machine to machine.
fn header(opts: &EmitOptions) -> String {
    // One line whatever the command holds, so the comment cannot end early, and
    // no bidirectional control, which rustc refuses in a comment.
    let command: String = opts
        .command
        .chars()
        .filter(|&c| !docs::is_bidi_control(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("@generated by docbind. Do not edit; regenerate with: {command}")
}

/// Checks that the tokens are a Rust file and formats them.
fn format_file(path: &str, tokens: TokenStream) -> Result<String, Error> {
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| Error::Internal(format!("emitted code for {path} does not parse: {e}")))?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// Puts a blank line between an item that ends with `}` and the next item, which
/// prettyplease does not do. Only whole lines `}` are looked at: the emitted string
/// literals are escaped onto one line, so such a line is always code.
fn space_items(code: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///", "//", "#[", "pub ", "pub(", "impl", "fn ", "mod ", "use ", "const ", "struct ",
        "enum ",
    ];
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut after_block = false;
    for line in code.lines() {
        let trimmed = line.trim_start();
        if after_block && ITEM_STARTS.iter().any(|start| trimmed.starts_with(start)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        after_block = trimmed == "}";
    }
    out
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_features;
