//! The layout of the emitted crate: a tree of modules, rendered either as one
//! file per module (`mod x;`) or as one source with every module inline
//! (`mod x { ... }`), from the same per-module tokens.
//!
//! ```text
//! src/lib.rs                   hand-written + namespace modules, runtime re-exports
//! src/runtime.rs               runtime_src.rs without its tests (and so on, see runtime.rs:
//!                              protocol.rs, batch.rs, client/mod.rs, client/reqwest.rs)
//! src/options.rs               the options markers of the request functions
//! src/<ns>/mod.rs              `mod <item>; pub use self::<item>::Item;` ...
//! src/<ns>/<item>.rs           one struct (and its Any… enum), or one enum
//! src/<ns>/requests/mod.rs     `mod <page>; pub use self::<page>::function;` ...
//! src/<ns>/requests/<page>.rs  the request functions of one page
//! ```

use super::index::{EnumInfo, Index, TypeInfo, REQUESTS_MODULE};
use super::names::ident;
use super::ops::{self, RequestFile};
use super::runtime::{self, HandWritten};
use super::{docs, enums, poly, types, EmitOptions};
use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// Runtime items re-exported at the crate root.
const ROOT_EXPORTS: &[&str] = &[
    "Body",
    "Collection",
    "Download",
    "Error",
    "Field",
    "Flags",
    "Method",
    "Primitive",
    "Reference",
    "Reply",
    "Request",
    "ServiceError",
];

pub(crate) struct Module<'a> {
    /// Module name (empty for the crate root).
    name: String,
    public: bool,
    /// Docs written on the `mod` item.
    doc: Option<String>,
    /// Holds page text in docs: rustdoc's lints about it are the docs' business.
    page_text: bool,
    content: Content<'a>,
    children: Vec<Module<'a>>,
    /// Names the parent re-exports from this module.
    exports: Vec<String>,
    /// Cargo features any one of which makes the module (and its re-exports) exist.
    features: Vec<String>,
    /// Re-exports everything public (`pub use self::x::*`): the module's items are
    /// gated one by one.
    glob_export: bool,
}

enum Content<'a> {
    /// Nothing but its children and their re-exports.
    Children,
    Root,
    /// Copied from docbind's sources (see `runtime.rs`).
    HandWritten(&'static HandWritten),
    /// The options markers (`options.rs`).
    Options,
    Type(&'a TypeInfo<'a>),
    Enum(&'a EnumInfo<'a>),
    Requests(&'a RequestFile<'a>),
}

impl<'a> Module<'a> {
    fn new(name: &str, public: bool, content: Content<'a>) -> Self {
        Module {
            name: name.to_string(),
            public,
            doc: None,
            page_text: false,
            content,
            children: Vec::new(),
            exports: Vec::new(),
            features: Vec::new(),
            glob_export: false,
        }
    }
}

/// The module tree of a crate.
pub(crate) fn tree<'a>(
    index: &'a Index<'a>,
    requests: &'a BTreeMap<String, Vec<RequestFile<'a>>>,
) -> Module<'a> {
    let mut root = Module::new("", true, Content::Root);
    for module in runtime::CORE {
        root.children.push(hand_written(module));
    }
    if super::options::any(index) {
        let mut options = Module::new(super::options::MODULE, true, Content::Options);
        options.doc = Some(
            "Options markers: which typed query options (`select`, `top`, ...) a request offers; see `runtime::supports`.".into(),
        );
        root.children.push(options);
    }
    // The client exists with its feature: not in the single file, whose crate
    // declares no features.
    if index.is_gated() {
        let mut client = hand_written(&runtime::CLIENT);
        client.children.push(hand_written(&runtime::REQWEST));
        root.children.push(client);
    }
    for (namespace, module) in &index.namespaces {
        let files = requests
            .get(namespace)
            .map(Vec::as_slice)
            .unwrap_or_default();
        root.children
            .push(namespace_module(index, namespace, module, files));
    }
    root
}

fn hand_written<'a>(module: &'static HandWritten) -> Module<'a> {
    let mut out = Module::new(module.name, true, Content::HandWritten(module));
    out.features = module.feature.iter().map(|f| f.to_string()).collect();
    out
}

fn namespace_module<'a>(
    index: &'a Index<'a>,
    namespace: &str,
    name: &str,
    requests: &'a [RequestFile<'a>],
) -> Module<'a> {
    let mut module = Module::new(name, true, Content::Children);
    module.doc = Some(format!(
        "Types, enums and request functions of the `{namespace}` namespace."
    ));
    module.page_text = true;
    for info in index
        .types
        .values()
        .filter(|t| t.def.namespace == namespace)
    {
        let mut file = Module::new(&info.file, false, Content::Type(info));
        file.features = index.gate_of(&info.qualified);
        file.exports.push(info.name.clone());
        file.exports
            .extend(info.any.iter().map(|any| any.name.clone()));
        module.children.push(file);
    }
    for info in index
        .enums
        .values()
        .filter(|e| e.def.namespace == namespace)
    {
        let mut file = Module::new(&info.file, false, Content::Enum(info));
        file.features = index.gate_of(&info.def.qualified());
        file.exports.push(info.name.clone());
        module.children.push(file);
    }
    if !requests.is_empty() {
        let mut requests_module = Module::new(REQUESTS_MODULE, true, Content::Children);
        requests_module.doc = Some(
            "Request functions, one per method and path, in modules by the first segment of the path (all also here).".into(),
        );
        for page in requests {
            let mut file = Module::new(&page.file, true, Content::Requests(page));
            file.features = page_features(page);
            file.glob_export = true;
            requests_module.children.push(file);
        }
        module.children.push(requests_module);
    }
    module.children.sort_by(|a, b| a.name.cmp(&b.name));
    module
}

/// A request file exists with the feature of any of its functions (each
/// function is gated by its own).
fn page_features(page: &RequestFile<'_>) -> Vec<String> {
    let features = page
        .functions
        .iter()
        .map(|f| super::names::feature_name(&f.op.workload));
    let features: std::collections::BTreeSet<String> = features.collect();
    features.into_iter().collect()
}

/// Every file of the tree but Cargo.toml, as `(path, module)`; the root is `src/lib.rs`.
pub(crate) fn files<'t, 'a>(root: &'t Module<'a>) -> Vec<(String, &'t Module<'a>)> {
    let mut out = vec![("src/lib.rs".to_string(), root)];
    for child in &root.children {
        collect_files(child, "src", &mut out);
    }
    out
}

fn collect_files<'t, 'a>(
    module: &'t Module<'a>,
    dir: &str,
    out: &mut Vec<(String, &'t Module<'a>)>,
) {
    let (path, dir) = module.file_path(dir);
    out.push((path, module));
    for child in &module.children {
        collect_files(child, &dir, out);
    }
}

/// How a module's children are written.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Layout {
    /// `mod x;`, one file each.
    Files,
    /// `mod x {}`, a placeholder that [`splice`] fills with the child's formatted text.
    Inline,
}

impl Module<'_> {
    pub(crate) fn is_root(&self) -> bool {
        matches!(self.content, Content::Root)
    }

    /// The hand-written source of the module, if it is one.
    pub(crate) fn hand_written(&self) -> Option<&'static HandWritten> {
        match self.content {
            Content::HandWritten(module) => Some(module),
            _ => None,
        }
    }

    /// The file of a (non-root) module in `dir`, and the directory of its children:
    /// `dir/name.rs` without children, `dir/name/mod.rs` with.
    fn file_path(&self, dir: &str) -> (String, String) {
        let own_dir = format!("{dir}/{}", self.name);
        if self.children.is_empty() {
            (format!("{dir}/{}.rs", self.name), own_dir)
        } else {
            (format!("{own_dir}/mod.rs"), own_dir)
        }
    }

    /// The module's own source: its children's declarations and re-exports, then
    /// its items. In the [`Layout::Files`] layout, not for the hand-written
    /// modules, which are copied as text (and declare their own children).
    pub(crate) fn tokens(&self, index: &Index<'_>, layout: Layout) -> Result<TokenStream, Error> {
        let mut out = TokenStream::new();
        for child in &self.children {
            out.extend(child.declaration(index, layout)?);
        }
        out.extend(self.items(index)?);
        Ok(out)
    }

    /// `#[doc] pub mod x;` (or `{}`) and `pub use self::x::{...};`.
    fn declaration(&self, index: &Index<'_>, layout: Layout) -> Result<TokenStream, Error> {
        let mut attrs = self.doc.as_deref().map(docs::line_attr);
        if self.page_text {
            // Docs below come from the pages: broken links, stray HTML, list
            // continuations and the like are reported by rustdoc and clippy as
            // warnings, which must not fail a build with `-D warnings`.
            attrs = Some(quote! {
                #attrs
                #[allow(rustdoc::all)]
                #[allow(
                    clippy::doc_lazy_continuation,
                    clippy::doc_nested_refdefs,
                    clippy::doc_overindented_list_items,
                    clippy::too_long_first_doc_paragraph
                )]
            });
        }
        if let (Layout::Inline, Some(module)) = (layout, self.hand_written()) {
            // The module's `//!` docs, which an inline module takes from outside.
            let module_attrs = module.inline()?.0;
            attrs = Some(quote!(#attrs #module_attrs));
        }
        let name = ident(&self.name);
        let vis = self.public.then(|| quote!(pub));
        // `cargo fmt` must leave generated files as docbind wrote them (their
        // formatting is prettyplease's, and `docbind check` compares bytes).
        let exports = self.exports.iter().map(|name| ident(name));
        let cfg = index.cfg(self.features.iter().map(String::as_str));
        let reexport = if self.glob_export {
            Some(quote!(#cfg pub use self::#name::*;))
        } else {
            (!self.exports.is_empty()).then(|| quote!(#cfg pub use self::#name::{#(#exports),*};))
        };
        attrs = Some(quote!(#cfg #attrs));
        let skip = (layout == Layout::Files).then(|| quote!(#[rustfmt::skip]));
        let body = match layout {
            Layout::Files => quote!(;),
            Layout::Inline => quote!({}),
        };
        Ok(quote!(#attrs #skip #vis mod #name #body #reexport))
    }

    fn items(&self, index: &Index<'_>) -> Result<TokenStream, Error> {
        Ok(match self.content {
            Content::Children => TokenStream::new(),
            Content::HandWritten(module) => module.inline()?.1,
            Content::Options => super::options::module_items(index),
            Content::Root => root_items(),
            Content::Type(info) => {
                let (item, any) = (
                    types::struct_item(index, info),
                    poly::any_items(index, info),
                );
                quote!(#item #any)
            }
            Content::Enum(info) => enums::enum_items(info),
            Content::Requests(file) => ops::request_fns(index, file)?,
        })
    }
}

/// Assembles the single-file crate from the formatted text of every module (by
/// path, as from [`files`], in the [`Layout::Inline`] layout): each `mod x {}`
/// placeholder line gets the text of module `x`, indented.
///
/// Formatting module by module keeps memory bounded by the largest module, and
/// lets the modules be formatted in parallel. Indenting lines is safe because no
/// string literal spans lines: `quote` escapes newlines, and the runtime has no
/// multi-line literal outside its tests (checked in `runtime.rs`).
pub(crate) fn splice(root: &Module<'_>, texts: &BTreeMap<String, String>) -> Result<String, Error> {
    splice_module(root, "src/lib.rs", "src", texts)
}

fn splice_module(
    module: &Module<'_>,
    path: &str,
    dir: &str,
    texts: &BTreeMap<String, String>,
) -> Result<String, Error> {
    let text = texts
        .get(path)
        .ok_or_else(|| Error::Internal(format!("{path} was not rendered")))?;
    let mut children = BTreeMap::new();
    for child in &module.children {
        let (child_path, child_dir) = child.file_path(dir);
        let vis = if child.public { "pub " } else { "" };
        let placeholder = format!("{vis}mod {} {{}}", child.name);
        children.insert(
            placeholder,
            (
                &child.name,
                splice_module(child, &child_path, &child_dir, texts)?,
            ),
        );
    }
    let mut out = String::with_capacity(
        text.len() + children.values().map(|(_, t)| t.len() + 256).sum::<usize>(),
    );
    for line in text.lines() {
        match children.remove(line) {
            Some((_, inner)) => {
                out.push_str(line.trim_end_matches("{}"));
                out.push_str("{\n");
                for inner_line in inner.lines() {
                    if !inner_line.is_empty() {
                        out.push_str("    ");
                    }
                    out.push_str(inner_line);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    match children.into_values().next() {
        None => Ok(out),
        Some((name, _)) => Err(Error::Internal(format!(
            "{path}: no placeholder for module {name}"
        ))),
    }
}

/// The crate root's items: the runtime's main types, re-exported. (Its inner
/// attributes, which a file may have but an `include!`d source may not, come
/// from [`crate_attrs`].)
fn root_items() -> TokenStream {
    let exports = ROOT_EXPORTS.iter().map(|name| ident(name));
    // rustfmt and prettyplease break a long list differently: the checked-in
    // crate is a workspace member, and `cargo fmt --check` must leave it alone.
    quote!(#[rustfmt::skip] pub use self::runtime::{#(#exports),*};)
}

/// Inner attributes of lib.rs: denied warnings and the crate docs.
pub(crate) fn crate_attrs(index: &Index<'_>) -> TokenStream {
    let mut doc = vec![
        "Typed models and request functions, generated by docbind from API reference pages."
            .to_string(),
        String::new(),
        "Each request function returns a [`Request`], which does no I/O: send it with the".into(),
        "async client of the cargo feature `client` (`client::Client`; `reqwest` adds a".into(),
        "transport), or with any HTTP client and read the answer with".into(),
        "[`Request::parse_response`]; see [`runtime`], [`protocol`] and [`batch`].".into(),
        "Modules, one per namespace:".into(),
        String::new(),
    ];
    // `- [x]: y` would read as a link reference definition: name the namespace first.
    doc.extend(
        index
            .namespaces
            .iter()
            .map(|(ns, module)| format!("- `{ns}`: [`{module}`]")),
    );
    let doc = doc.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", docs::one_line(line))
        };
        quote!(#![doc = #line])
    });
    // No `#![deny(warnings)]`: a lint a new compiler adds must not break the
    // users' builds; CI builds the generated crates with `-D warnings` instead.
    quote! {
        #(#doc)*
    }
}

/// The emitted Cargo.toml.
pub(crate) fn cargo_toml(
    opts: &EmitOptions,
    header: &str,
    features: &BTreeMap<String, Vec<String>>,
) -> String {
    // One feature per workload, enabling the workloads whose entities its items
    // refer to; `full` (the default) has them all.
    let all: Vec<String> = features.keys().map(|f| toml_string(f)).collect();
    let each: String = features
        .iter()
        .map(|(f, deps)| {
            let deps: Vec<String> = deps.iter().map(|d| toml_string(d)).collect();
            format!("{} = [{}]\n", toml_string(f), deps.join(", "))
        })
        .collect();
    format!(
        "# {header}\n\
         [package]\n\
         name = {name}\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [lib]\n\
         # Docs hold page text: it must never run as code.\n\
         doctest = false\n\
         \n\
         [dependencies]\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         thin-vec = \"0.2\"\n\
         arcstr = {{ version = \"1.2\", default-features = false }}\n\
         # The client (feature `client`) and its reqwest transport (feature `reqwest`).\n\
         http = {{ version = \"1\", optional = true }}\n\
         futures-core = {{ version = \"0.3\", optional = true, default-features = false }}\n\
         reqwest = {{ version = \"0.13\", optional = true, default-features = false, features = [\"rustls-no-provider\", \"http2\"] }}\n\
         rustls = {{ version = \"0.23\", optional = true, default-features = false, features = [\"ring\", \"std\", \"tls12\"] }}\n\
         tokio = {{ version = \"1\", optional = true, default-features = false, features = [\"time\"] }}\n\
         \n\
         [features]\n\
         default = [\"full\"]\n\
         full = [{all}]\n\
         # An async client over a transport trait; no async runtime.\n\
         client = [\"dep:http\", \"dep:futures-core\"]\n\
         # Its transport over reqwest with rustls (ring), for tokio.\n\
         reqwest = [\"client\", \"dep:reqwest\", \"dep:rustls\", \"dep:tokio\"]\n\
         {each}",
        name = toml_string(&opts.crate_name),
        all = all.join(", "),
    )
}

/// A TOML basic string: whatever the name holds, it stays one value.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
