//! The serde-derive baseline of a model, shared by the compile and runtime
//! benches: one struct per type with an `Option` field per property (inherited
//! ones included, `#[serde(rename)]` to the JSON name) and
//! `#[derive(Serialize, Deserialize)]`, one enum per enumeration with the same
//! derives, nothing else.

// Each bench uses a part of it.
#![allow(dead_code)]

use docbind::emit::Output;
use docbind::model::{Model, TypeDef};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The baseline crate of `model` (of the items docbind's crate has with `feature`
/// alone, when given: its workload's, those of the features it enables, and the
/// value types they use).
pub fn baseline(model: &Model, crate_name: &str, feature: Option<&str>) -> Output {
    let items = feature.map(|f| docbind::emit::feature_items(model, &[f]));
    let keep = |qualified: String| {
        items
            .as_ref()
            .is_none_or(|items| items.contains(&qualified))
    };
    // Rust paths of every kept type and enum; types are boxed (a cycle through
    // structs would otherwise have no size), enums are not.
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut paths: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut name_in = |ns: &str, name: &str, qualified: String, boxed: bool| {
        let module = module_name(ns);
        let taken = modules.entry(module.clone()).or_default();
        let ident = unique(camel(name), taken);
        paths.insert(qualified, (format!("crate::{module}::{ident}"), boxed));
        ident
    };
    let mut items: BTreeMap<String, String> = BTreeMap::new();
    let mut type_idents = Vec::new();
    for t in model.types.iter().filter(|t| keep(t.qualified())) {
        type_idents.push((t, name_in(&t.namespace, &t.name, t.qualified(), true)));
    }
    let mut enum_idents = Vec::new();
    for e in model.enums.iter().filter(|e| keep(e.qualified())) {
        enum_idents.push((e, name_in(&e.namespace, &e.name, e.qualified(), false)));
    }

    for (e, ident) in enum_idents {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "#[derive(::serde::Serialize, ::serde::Deserialize)]\npub enum {ident} {{"
        );
        let mut taken = BTreeSet::new();
        for m in &e.members {
            let v = unique(camel(&m.name), &mut taken);
            let _ = writeln!(text, "    #[serde(rename = {:?})]\n    {v},", m.name);
        }
        text.push_str("}\n");
        items
            .entry(module_name(&e.namespace))
            .or_default()
            .push_str(&text);
    }

    for (t, ident) in type_idents {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "#[derive(::serde::Serialize, ::serde::Deserialize)]\npub struct {ident} {{"
        );
        let mut taken = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for p in all_properties(model, t) {
            if !seen.insert(p.name.as_str()) {
                continue; // redefined lower in the chain
            }
            let element = match primitive(&p.ty) {
                Some(rust) => rust.to_string(),
                None => match paths.get(&p.ty) {
                    Some((path, boxed)) if *boxed && !p.collection => {
                        format!("::std::boxed::Box<{path}>")
                    }
                    Some((path, _)) => path.clone(),
                    None => "::serde_json::Value".to_string(),
                },
            };
            let ty = if p.collection {
                format!("::std::vec::Vec<{element}>")
            } else {
                element
            };
            let field = unique(snake(&p.name), &mut taken);
            let _ = writeln!(
                text,
                "    #[serde(rename = {:?})]\n    pub {field}: ::core::option::Option<{ty}>,",
                p.name
            );
        }
        text.push_str("}\n");
        items
            .entry(module_name(&t.namespace))
            .or_default()
            .push_str(&text);
    }

    let mut lib = String::from("#![allow(non_camel_case_types, non_snake_case)]\n");
    for (module, text) in &items {
        let _ = writeln!(lib, "pub mod {module} {{\n{text}}}");
    }
    let cargo_toml = format!(
        "[package]\nname = {crate_name:?}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\ndoctest = false\n\n[dependencies]\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
    );
    let mut out = Output::default();
    out.files.insert("Cargo.toml".into(), cargo_toml);
    out.files.insert("src/lib.rs".into(), lib);
    out
}

/// The properties of `t` and of its bases, its own first.
fn all_properties<'m>(model: &'m Model, t: &'m TypeDef) -> Vec<&'m docbind::model::Property> {
    let mut props = Vec::new();
    let mut seen = BTreeSet::new();
    let mut cur = Some(t);
    while let Some(ty) = cur {
        if !seen.insert(ty.qualified()) {
            break; // a cycle of bases
        }
        props.extend(&ty.properties);
        cur = ty.base.as_deref().and_then(|b| model.type_by_name(b));
    }
    props
}

/// Rust types of the Edm primitives, as docbind maps them.
fn primitive(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "Edm.Boolean" => "bool",
        "Edm.Int16" => "i16",
        "Edm.Int32" => "i32",
        "Edm.Int64" => "i64",
        "Edm.Byte" => "u8",
        "Edm.SByte" => "i8",
        "Edm.Double" | "Edm.Single" | "Edm.Decimal" => "::serde_json::Number",
        "Edm.Untyped" => "::serde_json::Value",
        t if t.starts_with("Edm.") => "::std::string::String",
        _ => return None,
    })
}

pub fn module_name(namespace: &str) -> String {
    let s = snake(namespace);
    if s.is_empty() {
        "root".into()
    } else {
        s
    }
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// A valid identifier from pieces of `[A-Za-z0-9]`, made unique in `taken`.
fn unique(mut ident: String, taken: &mut BTreeSet<String>) -> String {
    if ident.is_empty() {
        ident = "X".into();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if KEYWORDS.contains(&ident.as_str()) || ident == "_" {
        ident.push('_');
    }
    let mut candidate = ident.clone();
    let mut n = 2;
    while !taken.insert(candidate.clone()) {
        candidate = format!("{ident}{n}");
        n += 1;
    }
    candidate
}

fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn snake(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

pub fn camel(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect()
}
