//! Linking: base types, derived types, entity kinds, inherited properties, and the
//! final sorted model.

use super::build::Builder;
use super::resolve::{self, Resolved};
use super::{Example, Model, Operation, TypeDef, TypeKind};
use crate::diag::Severity;
use crate::parse::TypeRef;
use std::collections::{BTreeMap, BTreeSet};

pub fn finish(b: &mut Builder, mut ops: Vec<Operation>, mut examples: Vec<Example>) -> Model {
    resolve_bases(b);
    break_base_cycles(b);
    let mut types = std::mem::take(&mut b.types);
    let candidates = std::mem::take(&mut b.json_candidates);
    b.diags
        .extend(super::json_repr::add(&mut types, candidates));
    link_derived(&mut types);
    set_kinds(&mut types);
    drop_inherited(&mut types);
    ops.sort_by(|a, b| a.name.cmp(&b.name).then(a.source.cmp(&b.source)));
    unique_op_names(&mut ops);
    let ops = one_per_path(ops, &types, &mut examples);
    let mut types: Vec<TypeDef> = types.into_values().collect();
    types.sort_by_key(TypeDef::qualified);
    let mut enums: Vec<_> = std::mem::take(&mut b.enums).into_values().collect();
    enums.sort_by_key(super::EnumDef::qualified);
    Model {
        types,
        enums,
        operations: ops,
        examples,
        calls: Vec::new(),
    }
}

/// Bases as the docs state them (annotation `baseType`, prose, on any page of the
/// type; the nearest when they name several along one chain), then, for types
/// still without one: a "Derived types" table that lists them, the "Inherited
/// from [x]" notes of their rows, and `entity` for a keyed type.
fn resolve_bases(b: &mut Builder) {
    let bases = std::mem::take(&mut b.bases);
    let mut several = Vec::new();
    for (key, refs) in bases {
        let named = stated_candidates(b, &key, &refs);
        match named.as_slice() {
            [] => {}
            [one] => set_stated(b, &key, one),
            // The first for now (so no later rule gives the type another base),
            // the nearest once every other base is known.
            [first, ..] => {
                set_stated(b, &key, &first.clone());
                several.push((key, named, refs));
            }
        }
    }
    claimed_bases(b);
    noted_bases(b);
    entity_bases(b);
    for (key, named, refs) in several {
        let keys: Vec<String> = named.iter().map(|q| q.to_ascii_lowercase()).collect();
        match nearest(b, &keys) {
            Some(i) => set_stated(b, &key, &named[i]),
            None => {
                let (file, line) = (refs[0].1.clone(), refs[0].0.line);
                let msg = format!(
                    "the pages state unrelated bases {}; the first is kept",
                    named.join(", ")
                );
                b.diag(&file, line, Severity::Warning, "base-conflict", msg);
            }
        }
    }
}

/// A stated base is set as stated: a loop it makes is reported by
/// `break_base_cycles`.
fn set_stated(b: &mut Builder, key: &str, base: &str) {
    if let Some(t) = b.types.get_mut(key) {
        t.base = Some(base.to_string());
    }
}

/// The distinct types the stated bases of `key` name, in order; a base that names
/// no type, or the type itself, is reported.
fn stated_candidates(b: &mut Builder, key: &str, refs: &[(TypeRef, String)]) -> Vec<String> {
    let Some((ns, own, line)) = b
        .types
        .get(key)
        .map(|t| (t.namespace.clone(), t.qualified(), t.source.line))
    else {
        return Vec::new();
    };
    let mut named: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for (r, file) in refs {
        let line = if r.line > 0 { r.line } else { line };
        match resolve_type(b, r, &ns) {
            Some(q) if q.eq_ignore_ascii_case(&own) => {
                b.diag(
                    file,
                    line,
                    Severity::Error,
                    "inheritance-cycle",
                    format!("type `{q}` names itself as its base; base ignored"),
                );
            }
            Some(q) if !named.contains(&q) => named.push(q),
            Some(_) => {}
            None => {
                // The annotation and the prose often name the same missing type.
                let simple = resolve::simple_name(&r.name).to_ascii_lowercase();
                if !missing.contains(&simple) {
                    missing.push(simple);
                    let msg = format!("base type `{}` is not described in the input; the type is emitted without it", r.name);
                    b.diag(file, line, Severity::Warning, "base-missing", msg);
                }
            }
        }
    }
    named
}

/// Index of the candidate that is no base of another one, if exactly one is.
fn nearest(b: &Builder, keys: &[String]) -> Option<usize> {
    let lowest: Vec<usize> = (0..keys.len())
        .filter(|&i| {
            !keys
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && is_ancestor_or_self(b, &keys[i], other))
        })
        .collect();
    match lowest.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The qualified name of the structured type `r` names, if it names one.
fn resolve_type(b: &Builder, r: &TypeRef, ns: &str) -> Option<String> {
    let name = r.name.trim_start_matches('#');
    match b.index.resolve(name, r.link.as_deref(), ns) {
        Resolved::Declared(d) | Resolved::Mismatch { by_name: d, .. } if !d.is_enum => b
            .types
            .get(&d.qualified.to_ascii_lowercase())
            .map(TypeDef::qualified),
        _ => None,
    }
}

/// Sets `key`'s base to `base` unless it has one, is that type, or would loop.
fn set_base_if_free(b: &mut Builder, key: &str, base: &str) -> bool {
    let base_key = base.to_ascii_lowercase();
    let free = b.types.get(key).is_some_and(|t| t.base.is_none());
    if !free || base_key == key || is_ancestor_or_self(b, key, &base_key) {
        return false;
    }
    if let Some(t) = b.types.get_mut(key) {
        t.base = Some(base.to_string());
    }
    true
}

/// Going up the bases from `from` (itself included) reaches `of`.
fn is_ancestor_or_self(b: &Builder, of: &str, from: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut cur = Some(from.to_string());
    while let Some(k) = cur {
        if k == of {
            return true;
        }
        if !seen.insert(k.clone()) {
            return false;
        }
        cur = b
            .types
            .get(&k)
            .and_then(|t| t.base.as_ref())
            .map(|q| q.to_ascii_lowercase());
    }
    false
}

/// A "Derived types" table on a type's page names types whose base it is.
fn claimed_bases(b: &mut Builder) {
    let claims = std::mem::take(&mut b.derived_claims);
    for (base_key, r, file) in claims {
        let Some((ns, base)) = b
            .types
            .get(&base_key)
            .map(|t| (t.namespace.clone(), t.qualified()))
        else {
            continue;
        };
        match resolve_type(b, &r, &ns) {
            Some(derived) => {
                set_base_if_free(b, &derived.to_ascii_lowercase(), &base);
            }
            None => {
                let msg = format!(
                    "the derived type `{}` listed here is not described in the input",
                    r.name
                );
                b.diag(&file, r.line, Severity::Warning, "derived-missing", msg);
            }
        }
    }
}

/// A type with no stated base whose rows say "Inherited from [x]" derives from the
/// nearest such type: the one that is no base of another named there.
fn noted_bases(b: &mut Builder) {
    let notes = std::mem::take(&mut b.noted_bases);
    for (key, refs) in notes {
        let Some(ns) = b
            .types
            .get(&key)
            .filter(|t| t.base.is_none())
            .map(|t| t.namespace.clone())
        else {
            continue;
        };
        let mut named: Vec<String> = refs
            .iter()
            .filter_map(|(r, _)| resolve_type(b, r, &ns))
            .filter(|q| !q.eq_ignore_ascii_case(&key))
            .collect();
        named.sort();
        named.dedup();
        let keys: Vec<String> = named.iter().map(|q| q.to_ascii_lowercase()).collect();
        if let Some(i) = nearest(b, &keys) {
            set_base_if_free(b, &key, &named[i]);
        }
    }
}

/// A type with a key and no base derives from `entity` (where the docs have it),
/// as every keyed type of the service does.
fn entity_bases(b: &mut Builder) {
    let entity_key = format!("{}.entity", super::build::DEFAULT_NAMESPACE);
    let Some(entity) = b.types.get(&entity_key).map(TypeDef::qualified) else {
        return;
    };
    let keyed: Vec<String> = b
        .types
        .iter()
        .filter(|(_, t)| t.kind == TypeKind::Entity && t.base.is_none())
        .map(|(k, _)| k.clone())
        .collect();
    for key in keyed {
        set_base_if_free(b, &key, &entity);
    }
}

/// A chain of bases that loops back is broken at its first type (in name order).
fn break_base_cycles(b: &mut Builder) {
    let keys: Vec<String> = b.types.keys().cloned().collect();
    for key in keys {
        let mut seen = BTreeSet::new();
        let mut cur = b.types.get(&key).and_then(|t| t.base.clone());
        while let Some(q) = cur {
            let k = q.to_ascii_lowercase();
            if k == key {
                let t = &b.types[&key];
                let (file, line, name) = (t.source.file.clone(), t.source.line, t.qualified());
                b.diag(
                    &file,
                    line,
                    Severity::Error,
                    "inheritance-cycle",
                    format!("the base types of `{name}` loop back to it; its base is ignored"),
                );
                if let Some(t) = b.types.get_mut(&key) {
                    t.base = None;
                }
                break;
            }
            if !seen.insert(k.clone()) {
                break;
            }
            cur = b.types.get(&k).and_then(|t| t.base.clone());
        }
    }
}

fn link_derived(types: &mut BTreeMap<String, TypeDef>) {
    let pairs: Vec<(String, String)> = types
        .values()
        .filter_map(|t| Some((t.base.clone()?.to_ascii_lowercase(), t.qualified())))
        .collect();
    for (base, derived) in pairs {
        if let Some(t) = types.get_mut(&base) {
            t.derived.push(derived);
        }
    }
    for t in types.values_mut() {
        t.derived.sort();
    }
}

/// The ancestors of a type, nearest first (bases are acyclic by now).
pub fn ancestors<'a>(types: &'a BTreeMap<String, TypeDef>, t: &TypeDef) -> Vec<&'a TypeDef> {
    let mut out: Vec<&TypeDef> = Vec::new();
    let mut cur = t.base.as_ref();
    while let Some(q) = cur {
        let Some(b) = types.get(&q.to_ascii_lowercase()) else {
            break;
        };
        if out.iter().any(|o| o.qualified() == b.qualified()) {
            break;
        }
        out.push(b);
        cur = b.base.as_ref();
    }
    out
}

fn set_kinds(types: &mut BTreeMap<String, TypeDef>) {
    let entities: Vec<String> = types
        .iter()
        .filter(|(_, t)| {
            t.kind == TypeKind::Complex
                && ancestors(types, t)
                    .iter()
                    .any(|a| a.kind == TypeKind::Entity || a.name.eq_ignore_ascii_case("entity"))
        })
        .map(|(k, _)| k.clone())
        .collect();
    for k in entities {
        if let Some(t) = types.get_mut(&k) {
            t.kind = TypeKind::Entity;
        }
    }
    for t in types.values_mut() {
        if t.name.eq_ignore_ascii_case("entity") && t.namespace == super::build::DEFAULT_NAMESPACE {
            t.kind = TypeKind::Entity;
        }
    }
}

/// Pages of derived types often repeat the base's properties ("Inherited from");
/// a property is kept only on the nearest ancestor that declares it.
fn drop_inherited(types: &mut BTreeMap<String, TypeDef>) {
    let inherited: Vec<(String, BTreeSet<String>)> = types
        .iter()
        .map(|(k, t)| {
            (
                k.clone(),
                ancestors(types, t)
                    .iter()
                    .flat_map(|a| a.properties.iter().map(|p| p.name.clone()))
                    .collect(),
            )
        })
        .collect();
    for (k, names) in inherited {
        if let Some(t) = types.get_mut(&k) {
            t.properties.retain(|p| !names.contains(&p.name));
        }
    }
}

/// One operation per method and path, named from them; examples follow the
/// operation they illustrate into the merged one.
fn one_per_path(
    ops: Vec<Operation>,
    types: &BTreeMap<String, TypeDef>,
    examples: &mut [Example],
) -> Vec<Operation> {
    let page_names: Vec<String> = ops.iter().map(|o| o.name.clone()).collect();
    let (mut merged, into) = super::op_merge::merge(ops, types);
    let names = super::op_names::names(&merged, types);
    for (op, name) in merged.iter_mut().zip(names) {
        op.name = name;
    }
    let renamed: BTreeMap<&str, &str> = page_names
        .iter()
        .zip(&into)
        .map(|(old, &i)| (old.as_str(), merged[i].name.as_str()))
        .collect();
    for ex in examples.iter_mut() {
        if let Some(new) = ex.operation.as_deref().and_then(|o| renamed.get(o)) {
            ex.operation = Some(new.to_string());
        }
    }
    merged.sort_by(|a, b| a.name.cmp(&b.name));
    merged
}

fn unique_op_names(ops: &mut [Operation]) {
    let mut seen = BTreeSet::new();
    for op in ops.iter_mut() {
        let mut name = op.name.clone();
        let mut n = 2;
        while !seen.insert(name.clone()) {
            name = format!("{}-{n}", op.name);
            n += 1;
        }
        op.name = name;
    }
}
