//! Every naming and resolution decision of an emission, made once, up front.
//!
//! The emitters of the individual items only read the [`Index`]: which module and
//! Rust name each qualified name has, which types are polymorphic (and so are
//! referred to through their `Any…` enum), which properties a struct has after
//! inheritance, and which fields must be boxed. Names are assigned in sorted
//! order of qualified names, so they do not depend on the input order.
//!
//! The index is plain data (`Sync`), so the files can be built in parallel.

use super::cycles;
use super::gates::{self, Gates};
use super::names::{self, ident, pascal, unique_name};
use crate::model::{EnumDef, Model, Property, TypeDef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::hash_map::{Entry, HashMap};
use std::collections::{BTreeMap, BTreeSet};

/// The request functions' module in every namespace module, and `mod.rs` itself.
pub(crate) const REQUESTS_MODULE: &str = "requests";
/// Namespace used for operations when the model has no types nor enums to go by.
const FALLBACK_NAMESPACE: &str = "microsoft.graph";

pub(crate) struct Index<'m> {
    pub model: &'m Model,
    /// Namespace → its module at the crate root.
    pub namespaces: BTreeMap<String, String>,
    /// Qualified name → struct, for every type of the model (the first of duplicates).
    pub types: BTreeMap<String, TypeInfo<'m>>,
    /// Qualified name → enum.
    pub enums: BTreeMap<String, EnumInfo<'m>>,
    /// Namespace of the request functions when nothing better is known.
    pub default_namespace: String,
    /// Type → JSON names of its fields to wrap in `Box`.
    boxed: BTreeMap<String, BTreeSet<String>>,
    /// Items carry `#[cfg(feature = "<workload>")]` ([`Gating::ByFeature`]). Fixed
    /// by [`Index::new`], so that every emitter of one emission agrees on it.
    gated: bool,
    /// Which features make each item exist, and what each feature enables.
    gates: Gates,
}

/// Whether the items of an emission are gated by their workload's cargo feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gating {
    /// Items carry `#[cfg(feature = "<workload>")]`: the multi-file crate, whose
    /// Cargo.toml declares the features.
    ByFeature,
    /// Every item is there: the single-file form, whose including crate declares
    /// no features.
    None,
}

pub(crate) struct TypeInfo<'m> {
    pub def: &'m TypeDef,
    pub qualified: String,
    /// Module of the namespace, e.g. `graph`.
    pub module: String,
    /// Rust name of the struct.
    pub name: String,
    /// File (module) name within the namespace directory.
    pub file: String,
    /// The `Any…` enum, for a type with derived types.
    pub any: Option<AnyInfo>,
}

pub(crate) struct AnyInfo {
    pub name: String,
    /// The base type first, then every derived type (transitively), by qualified name.
    pub variants: Vec<Variant>,
}

pub(crate) struct Variant {
    pub name: String,
    pub qualified: String,
}

pub(crate) struct EnumInfo<'m> {
    pub def: &'m EnumDef,
    pub module: String,
    pub name: String,
    pub file: String,
}

impl<'m> Index<'m> {
    pub fn new(model: &'m Model, gating: Gating) -> Self {
        let types = unique_by_qualified(&model.types, TypeDef::qualified);
        let enums = unique_by_qualified(&model.enums, EnumDef::qualified);
        let default_namespace = default_namespace(&types, &enums);
        let mut all_namespaces: BTreeSet<&str> =
            types.values().map(|t| t.namespace.as_str()).collect();
        all_namespaces.extend(enums.values().map(|e| e.namespace.as_str()));
        if !model.operations.is_empty() {
            all_namespaces.insert(&default_namespace);
        }
        let mut taken = names::taken_modules(true, &[]);
        let namespaces: BTreeMap<String, String> = all_namespaces
            .into_iter()
            .map(|ns| {
                (
                    ns.to_string(),
                    unique_name(&names::namespace_module(ns), &mut taken),
                )
            })
            .collect();
        let mut index = Index {
            model,
            types: BTreeMap::new(),
            enums: BTreeMap::new(),
            boxed: BTreeMap::new(),
            namespaces,
            default_namespace,
            gated: gating == Gating::ByFeature,
            gates: Gates::default(),
        };
        index.name_items(&types, &enums);
        index.boxed = cycles::boxed_fields(&index);
        index.gates = gates::compute(&index);
        index
    }

    /// Assigns struct, enum, `Any…` and file names, namespace by namespace.
    fn name_items(
        &mut self,
        types: &BTreeMap<String, &'m TypeDef>,
        enums: &BTreeMap<String, &'m EnumDef>,
    ) {
        let children = children_by_base(types);
        for (ns, module) in &self.namespaces {
            let mut type_names = BTreeSet::new();
            let mut files = names::taken_modules(false, &[REQUESTS_MODULE, module]);
            for (qualified, def) in types.iter().filter(|(_, t)| &t.namespace == ns) {
                let info = TypeInfo {
                    def,
                    qualified: qualified.clone(),
                    module: module.clone(),
                    name: unique_name(&pascal(&def.name), &mut type_names),
                    file: unique_name(&names::module_name(&def.name), &mut files),
                    any: None,
                };
                self.types.insert(qualified.clone(), info);
            }
            for (qualified, def) in enums.iter().filter(|(_, e)| &e.namespace == ns) {
                let info = EnumInfo {
                    def,
                    module: module.clone(),
                    name: unique_name(&pascal(&def.name), &mut type_names),
                    file: unique_name(&names::module_name(&def.name), &mut files),
                };
                self.enums.insert(qualified.clone(), info);
            }
            // `Any…` names come last: a documented type keeps its own name.
            for info in self.types.values_mut().filter(|t| &t.def.namespace == ns) {
                let derived = descendants(&info.qualified, &children);
                if !derived.is_empty() {
                    let name = unique_name(&format!("Any{}", info.name), &mut type_names);
                    info.any = Some(AnyInfo {
                        name,
                        variants: variants(info.def, &derived, types),
                    });
                }
            }
        }
    }

    /// The properties of a struct: inherited ones first (from the root of the base
    /// chain down), then its own; a property declared again lower down replaces
    /// the inherited one in place. `@odata.type` is left out (every struct has it),
    /// and an undocumented type has none (it keeps everything in its map).
    pub fn properties(&self, info: &TypeInfo<'m>) -> Vec<&'m Property> {
        if info.def.origin == crate::model::Origin::Undocumented {
            return Vec::new();
        }
        let mut props: Vec<&'m Property> = Vec::new();
        // Where each name is in `props`: a type may have 100,000 properties.
        let mut at: HashMap<&str, usize> = HashMap::new();
        for def in self.base_chain(info) {
            for prop in def.properties.iter().filter(|p| p.name != "@odata.type") {
                match at.entry(prop.name.as_str()) {
                    Entry::Occupied(known) => props[*known.get()] = prop,
                    Entry::Vacant(slot) => {
                        slot.insert(props.len());
                        props.push(prop);
                    }
                }
            }
        }
        props
    }

    /// The type and its bases, root first (stops at an unknown base or a loop).
    fn base_chain(&self, info: &TypeInfo<'m>) -> Vec<&'m TypeDef> {
        let mut chain = vec![info.def];
        let mut seen = BTreeSet::from([info.qualified.as_str()]);
        let mut base = info.def.base.as_deref();
        while let Some(next) = base.and_then(|b| self.types.get(b)) {
            if !seen.insert(next.qualified.as_str()) {
                break;
            }
            chain.push(next.def);
            base = next.def.base.as_deref();
        }
        chain.reverse();
        chain
    }

    /// Every feature of the crate, sorted, with the features each one enables.
    pub fn features(&self) -> BTreeMap<String, Vec<String>> {
        let m = self.model;
        let workloads = m.types.iter().map(|t| &t.workload);
        let workloads = workloads.chain(m.enums.iter().map(|e| &e.workload));
        let workloads = workloads.chain(m.operations.iter().map(|o| &o.workload));
        workloads
            .map(|w| names::feature_name(w))
            .map(|f| {
                let deps = self.gates.deps(&f).map(str::to_string).collect();
                (f, deps)
            })
            .collect()
    }

    /// Whether items are gated by cargo features (the crate declares them).
    pub fn is_gated(&self) -> bool {
        self.gated
    }

    /// The features any one of which makes the type or enum `qualified` exist
    /// (none for primitives and names the crate does not define).
    pub fn gate_of(&self, qualified: &str) -> Vec<String> {
        let gate = self.gates.of(qualified).into_iter().flatten();
        gate.cloned().collect()
    }

    /// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", ...))]` for an item
    /// that exists with any one of these features (nothing when the list is empty
    /// or the crate is not gated).
    pub fn cfg<'f>(&self, features: impl IntoIterator<Item = &'f str>) -> TokenStream {
        let features: BTreeSet<&str> = features.into_iter().collect();
        if !self.gated || features.is_empty() {
            return TokenStream::new();
        }
        if features.len() == 1 {
            let feature = features.into_iter().next();
            return quote!(#[cfg(feature = #feature)]);
        }
        let features = features.into_iter();
        quote!(#[cfg(any(#(feature = #features),*))])
    }

    /// The cfg of a variant of type `variant` of the `Any…` enum of `owner`: none
    /// when both exist with the same features.
    pub fn cfg_for_variant(&self, owner: &str, variant: &str) -> TokenStream {
        let gate = self.gate_of(variant);
        if gate == self.gate_of(owner) {
            return TokenStream::new();
        }
        self.cfg(gate.iter().map(String::as_str))
    }

    pub fn is_boxed(&self, owner: &str, property: &str) -> bool {
        self.boxed
            .get(owner)
            .is_some_and(|fields| fields.contains(property))
    }

    /// The Rust type of a value of qualified type `ty`: a primitive, the struct
    /// (or its `Any…` enum), the enum (or `Flags` of it); `serde_json::Value` for
    /// anything unknown.
    pub fn type_ref(&self, ty: &str) -> TokenStream {
        if let Some(primitive) = primitive(ty) {
            return primitive;
        }
        if ty == crate::model::REFERENCE {
            return quote!(crate::runtime::Reference);
        }
        if let Some(info) = self.types.get(ty) {
            let name = info.any.as_ref().map_or(&info.name, |any| &any.name);
            return item_path(&info.module, name);
        }
        if let Some(info) = self.enums.get(ty) {
            let path = item_path(&info.module, &info.name);
            return if info.def.flags {
                quote!(crate::runtime::Flags<#path>)
            } else {
                path
            };
        }
        quote!(::serde_json::Value)
    }

    /// Path of the struct itself (not its `Any…` enum).
    pub fn struct_path(&self, qualified: &str) -> TokenStream {
        match self.types.get(qualified) {
            Some(info) => item_path(&info.module, &info.name),
            None => quote!(::serde_json::Value),
        }
    }

    /// The namespace a qualified name belongs to, if the model defines it.
    pub fn namespace_of(&self, qualified: &str) -> Option<&'m str> {
        let from_type = self.types.get(qualified).map(|t| t.def.namespace.as_str());
        from_type.or_else(|| self.enums.get(qualified).map(|e| e.def.namespace.as_str()))
    }
}

/// `crate::<module>::<Name>`.
pub(crate) fn item_path(module: &str, name: &str) -> TokenStream {
    let (module, name) = (ident(module), ident(name));
    quote!(crate::#module::#name)
}

/// Rust types of the Edm primitives. Floating-point and decimal values are kept
/// as `serde_json::Number`, which writes back the text it read (`1024`, not `1024.0`).
fn primitive(ty: &str) -> Option<TokenStream> {
    if is_text_primitive(ty) {
        return Some(quote!(::std::string::String));
    }
    Some(match ty {
        "Edm.Boolean" => quote!(bool),
        "Edm.Int16" => quote!(i16),
        "Edm.Int32" => quote!(i32),
        "Edm.Int64" => quote!(i64),
        "Edm.Byte" => quote!(u8),
        "Edm.SByte" => quote!(i8),
        "Edm.Double" | "Edm.Single" | "Edm.Decimal" => quote!(::serde_json::Number),
        "Edm.Untyped" => quote!(::serde_json::Value),
        _ => return None,
    })
}

/// The primitives kept as text: strings, and values JSON writes as strings.
pub(crate) fn is_text_primitive(ty: &str) -> bool {
    crate::model::primitives::is_text(ty)
}

/// Items by qualified name; the model should have no duplicates, but if it does
/// the first one is emitted and the others are ignored rather than clashing.
fn unique_by_qualified<T>(items: &[T], qualified: fn(&T) -> String) -> BTreeMap<String, &T> {
    let mut map = BTreeMap::new();
    for item in items {
        map.entry(qualified(item)).or_insert(item);
    }
    map
}

/// The namespace with the most types and enums (the first such by name), where
/// request functions go when their page says nothing about it.
fn default_namespace(
    types: &BTreeMap<String, &TypeDef>,
    enums: &BTreeMap<String, &EnumDef>,
) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let all = types
        .values()
        .map(|t| &t.namespace)
        .chain(enums.values().map(|e| &e.namespace));
    for ns in all {
        *counts.entry(ns).or_default() += 1;
    }
    // max_by_key returns the last maximum: iterate in reverse so the first name wins.
    counts
        .into_iter()
        .rev()
        .max_by_key(|&(_, count)| count)
        .map_or_else(|| FALLBACK_NAMESPACE.to_string(), |(ns, _)| ns.to_string())
}

/// Direct derived types of each type, from the `base` links (the source of truth
/// that the inherited properties also follow).
fn children_by_base<'a>(types: &BTreeMap<String, &'a TypeDef>) -> BTreeMap<&'a str, Vec<String>> {
    let mut children: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (qualified, def) in types {
        if let Some(base) = def.base.as_deref().filter(|b| types.contains_key(*b)) {
            children.entry(base).or_default().push(qualified.clone());
        }
    }
    children
}

/// Every type deriving from `root`, directly or not, sorted (a loop in the base
/// links ends the walk; `root` itself is never included).
fn descendants(root: &str, children: &BTreeMap<&str, Vec<String>>) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut todo = vec![root.to_string()];
    while let Some(next) = todo.pop() {
        for child in children.get(next.as_str()).into_iter().flatten() {
            if child != root && found.insert(child.clone()) {
                todo.push(child.clone());
            }
        }
    }
    found.into_iter().collect()
}

fn variants(
    base: &TypeDef,
    derived: &[String],
    types: &BTreeMap<String, &TypeDef>,
) -> Vec<Variant> {
    let mut taken = BTreeSet::new();
    let mut out = vec![Variant {
        name: unique_name(&pascal(&base.name), &mut taken),
        qualified: base.qualified(),
    }];
    for qualified in derived {
        let name = types
            .get(qualified)
            .map_or(qualified.as_str(), |t| t.name.as_str());
        out.push(Variant {
            name: unique_name(&pascal(name), &mut taken),
            qualified: qualified.clone(),
        });
    }
    out
}
