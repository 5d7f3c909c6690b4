//! Which cargo features make each item exist, and which features a feature
//! enables: a feature gives complete items, whatever else is enabled.
//!
//! Every workload is a feature. An entity type (one with a key) exists with its
//! own workload's feature only. A complex type or an enum exists with every
//! feature whose items reach it through their fields, so a value type used by
//! several workloads is compiled once for whichever of them is on, and a feature
//! does not pull in another workload just for its value types. A feature whose
//! items refer to an entity of another workload enables that workload's feature
//! (`outlook = ["files", ...]`). So every field of an item that exists has its
//! type, and every request function has its body and response types: nothing is
//! gated per field.
//!
//! Derived types are not reached through their base: a variant of an `Any…`
//! enum exists with the derived type (without it, such a value reads as the base
//! type and keeps all of its JSON).

use super::index::Index;
use super::names::feature_name;
use crate::model::TypeKind;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
pub(crate) struct Gates {
    /// Qualified type or enum → the features any one of which makes it exist.
    items: BTreeMap<String, BTreeSet<String>>,
    /// Feature → the other features it enables, sorted.
    deps: BTreeMap<String, BTreeSet<String>>,
}

impl Gates {
    /// The features any one of which makes `qualified` exist (`None` for
    /// primitives and names the crate does not define).
    pub fn of(&self, qualified: &str) -> Option<&BTreeSet<String>> {
        self.items.get(qualified)
    }

    /// The features `feature` enables.
    pub fn deps(&self, feature: &str) -> impl Iterator<Item = &str> {
        self.deps
            .get(feature)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }
}

/// The gates of every item of `index`: one walk per feature from its own items
/// and its operations' body and response types.
pub(crate) fn compute(index: &Index<'_>) -> Gates {
    let refs = references(index);
    let mut gates = Gates::default();
    for (feature, roots) in roots(index) {
        walk(index, &refs, &feature, roots, &mut gates);
    }
    gates
}

/// What each type's fields refer to (inherited fields included: the struct has
/// them).
fn references<'i>(index: &'i Index<'i>) -> BTreeMap<&'i str, Vec<&'i str>> {
    index
        .types
        .iter()
        .map(|(qualified, info)| {
            let props = index.properties(info);
            (
                qualified.as_str(),
                props.iter().map(|p| p.ty.as_str()).collect(),
            )
        })
        .collect()
}

/// Each feature's own items and its operations' types.
fn roots<'i>(index: &'i Index<'i>) -> BTreeMap<String, Vec<&'i str>> {
    let mut roots: BTreeMap<String, Vec<&'i str>> = BTreeMap::new();
    for (qualified, info) in &index.types {
        roots
            .entry(feature_name(&info.def.workload))
            .or_default()
            .push(qualified.as_str());
    }
    for (qualified, info) in &index.enums {
        roots
            .entry(feature_name(&info.def.workload))
            .or_default()
            .push(qualified.as_str());
    }
    for op in &index.model.operations {
        let types = op.body.iter().chain(&op.response).map(String::as_str);
        roots
            .entry(feature_name(&op.workload))
            .or_default()
            .extend(types);
    }
    roots
}

fn walk<'m>(
    index: &Index<'m>,
    refs: &BTreeMap<&'m str, Vec<&'m str>>,
    feature: &str,
    roots: Vec<&'m str>,
    gates: &mut Gates,
) {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue = roots;
    while let Some(ty) = queue.pop() {
        if !seen.insert(ty) {
            continue;
        }
        let (own, is_entity) = if let Some(info) = index.types.get(ty) {
            (&info.def.workload, info.def.kind == TypeKind::Entity)
        } else if let Some(info) = index.enums.get(ty) {
            (&info.def.workload, false)
        } else {
            continue; // a primitive, or a name the crate does not define
        };
        let own = feature_name(own);
        if is_entity && own != feature {
            gates
                .deps
                .entry(feature.to_string())
                .or_default()
                .insert(own);
            continue;
        }
        gates
            .items
            .entry(ty.to_string())
            .or_default()
            .insert(feature.to_string());
        queue.extend(refs.get(ty).into_iter().flatten().copied());
    }
}
