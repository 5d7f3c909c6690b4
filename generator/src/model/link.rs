//! Linking: base types, derived types, entity kinds, inherited properties, and the
//! final sorted model.

use super::build::Builder;
use super::resolve::Resolved;
use super::{Example, Model, Operation, TypeDef, TypeKind};
use crate::diag::Severity;
use std::collections::{BTreeMap, BTreeSet};

pub fn finish(b: &mut Builder, mut ops: Vec<Operation>, examples: Vec<Example>) -> Model {
    resolve_bases(b);
    break_base_cycles(b);
    let mut types = std::mem::take(&mut b.types);
    link_derived(&mut types);
    set_kinds(&mut types);
    drop_inherited(&mut types);
    let mut types: Vec<TypeDef> = types.into_values().collect();
    types.sort_by_key(TypeDef::qualified);
    let mut enums: Vec<_> = std::mem::take(&mut b.enums).into_values().collect();
    enums.sort_by_key(super::EnumDef::qualified);
    ops.sort_by(|a, b| a.name.cmp(&b.name).then(a.source.cmp(&b.source)));
    unique_op_names(&mut ops);
    Model {
        types,
        enums,
        operations: ops,
        examples,
    }
}

fn resolve_bases(b: &mut Builder) {
    let bases = std::mem::take(&mut b.bases);
    for (key, (r, file)) in bases {
        let Some(ns) = b.types.get(&key).map(|t| t.namespace.clone()) else {
            continue;
        };
        let name = r.name.trim_start_matches('#').to_string();
        let found = match b.index.resolve(&name, r.link.as_deref(), &ns) {
            Resolved::Declared(d) | Resolved::Mismatch { by_name: d, .. } if !d.is_enum => b
                .types
                .get(&d.qualified.to_ascii_lowercase())
                .map(TypeDef::qualified),
            _ => None,
        };
        let line = b.types[&key].source.line;
        match found {
            Some(q) if q.eq_ignore_ascii_case(&b.types[&key].qualified()) => {
                b.diag(&file, line, Severity::Error, "inheritance-cycle", format!("type `{q}` names itself as its base; base ignored"));
            }
            Some(q) => b.types.get_mut(&key).into_iter().for_each(|t| t.base = Some(q.clone())),
            None => b.diag(&file, line, Severity::Warning, "base-missing", format!("base type `{name}` is not described in the input; the type is emitted without it")),
        }
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
