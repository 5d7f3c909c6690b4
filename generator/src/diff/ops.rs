//! Request functions: operations matched across the two models, then compared.
//!
//! An operation is identified by its method and its **normalized path**: ASCII
//! lower case, every parameter written `{}`, the query kept (`?$expand=...` makes
//! another request). Its name is not part of its identity (names are derived, and
//! may change with no change of the docs); a name that differs for the same method
//! and path is a rename. Operations that are left over on both sides are paired,
//! in this order, when exactly one on each side shares:
//!
//! 1. method and normalized path without the query: the query changed;
//! 2. method and name (letter case aside): the path changed;
//! 3. method and primary page (names come from paths, so a path fixed on its
//!    page changes the name too): the path changed;
//! 4. normalized path and name (letter case aside): the method changed.
//!
//! What is still left is removed or added.

use super::{feature, fold, side, Change, DocKind, Found, Impact, Kind};
use crate::model::{Model, Operation, PathPart, PathTemplate};
use std::collections::{BTreeMap, BTreeSet};

/// A pair of operations that are the same request function.
pub type Pair<'m> = (&'m Operation, &'m Operation);

/// Diffs the operations; returns the matched pairs (the evidence of type renames).
pub(crate) fn diff_operations<'m>(
    old: &'m Model,
    new: &'m Model,
    found: &mut Found,
) -> Vec<Pair<'m>> {
    let mut old_left: Vec<&Operation> = old.operations.iter().collect();
    let mut new_left: Vec<&Operation> = new.operations.iter().collect();
    let mut pairs = pair_by(&mut old_left, &mut new_left, |op| key(op, true), false);
    let rules: [(Kind, KeyFn); 4] = [
        (Kind::OperationQueryChanged, |op| key(op, false)),
        (Kind::OperationPathChanged, |op| {
            (op.method.to_ascii_uppercase(), fold(&op.name))
        }),
        // Names come from paths, so a path fixed on its page is a new name too:
        // the same method on the same page is the evidence then.
        (Kind::OperationPathChanged, |op| {
            (op.method.to_ascii_uppercase(), op.source.file.clone())
        }),
        (Kind::OperationMethodChanged, |op| {
            (key(op, true).1, fold(&op.name))
        }),
    ];
    for (kind, key_fn) in rules {
        for (o, n) in pair_by(&mut old_left, &mut new_left, key_fn, true) {
            found.change(moved(kind, o, n));
            pairs.push((o, n));
        }
    }
    for (o, n) in &pairs {
        compare(o, n, found);
    }
    for op in old_left {
        let note = "the function is gone".to_string();
        found.change(one_sided(
            Kind::OperationRemoved,
            Impact::Breaking,
            op,
            false,
            note,
        ));
    }
    for op in new_left {
        let note = "a new function".to_string();
        found.change(one_sided(
            Kind::OperationAdded,
            Impact::Additive,
            op,
            true,
            note,
        ));
    }
    pairs
}

type KeyFn = fn(&Operation) -> (String, String);

/// `(METHOD, normalized path)`, with or without the query.
pub fn key(op: &Operation, with_query: bool) -> (String, String) {
    (
        op.method.to_ascii_uppercase(),
        normalized_path(&op.template, with_query),
    )
}

/// `/users/{}/messages?$filter={}`: literals in lower case, parameters as `{}`.
pub fn normalized_path(t: &PathTemplate, with_query: bool) -> String {
    let parts = |parts: &[PathPart]| -> String {
        parts
            .iter()
            .map(|p| match p {
                PathPart::Literal(text) => fold(text),
                PathPart::Param(_) => "{}".to_string(),
            })
            .collect()
    };
    let mut out = String::new();
    for segment in &t.segments {
        out.push('/');
        out.push_str(&parts(segment));
    }
    if out.is_empty() {
        out.push('/');
    }
    if with_query && !t.query.is_empty() {
        let query: Vec<String> = t
            .query
            .iter()
            .map(|q| format!("{}={}", fold(&q.name), parts(&q.value)))
            .collect();
        out.push('?');
        out.push_str(&query.join("&"));
    }
    out
}

/// Pairs operations of the same key, removing them from both lists. Within a key,
/// the same name pairs first, then the rest in order of names; with `unique`, a
/// key pairs only when it has one operation on each side.
fn pair_by<'m>(
    old: &mut Vec<&'m Operation>,
    new: &mut Vec<&'m Operation>,
    key: KeyFn,
    unique: bool,
) -> Vec<Pair<'m>> {
    let group = |ops: &[&'m Operation]| {
        let mut groups: BTreeMap<(String, String), Vec<&'m Operation>> = BTreeMap::new();
        for op in ops {
            groups.entry(key(op)).or_default().push(op);
        }
        groups
    };
    let (old_groups, mut new_groups) = (group(old), group(new));
    let mut pairs = Vec::new();
    for (k, mut olds) in old_groups {
        let Some(news) = new_groups.get_mut(&k) else {
            continue;
        };
        if unique && (olds.len() != 1 || news.len() != 1) {
            continue;
        }
        olds.sort_by(|a, b| a.name.cmp(&b.name));
        news.sort_by(|a, b| a.name.cmp(&b.name));
        olds.retain(|o| match news.iter().position(|n| n.name == o.name) {
            Some(i) => {
                pairs.push((*o, news.remove(i)));
                false
            }
            None => true,
        });
        let rest = news.len().min(olds.len());
        pairs.extend(olds.into_iter().zip(news.drain(..rest)));
    }
    // By address: names are unique in a model, but a model built by hand may not be.
    let address = |op: &Operation| op as *const Operation as usize;
    let paired_old: BTreeSet<usize> = pairs.iter().map(|(o, _)| address(o)).collect();
    let paired_new: BTreeSet<usize> = pairs.iter().map(|(_, n)| address(n)).collect();
    old.retain(|op| !paired_old.contains(&address(op)));
    new.retain(|op| !paired_new.contains(&address(op)));
    pairs
}

/// `METHOD path` as written.
fn label(op: &Operation) -> String {
    format!("{} {}", op.method.to_ascii_uppercase(), op.path)
}

fn one_sided(kind: Kind, impact: Impact, op: &Operation, is_new: bool, note: String) -> Change {
    let s = Some(side(Some(op.name.clone()), &op.source));
    let (old, new) = if is_new { (None, s) } else { (s, None) };
    Change {
        kind,
        impact,
        item: label(op),
        member: None,
        old,
        new,
        note: Some(note),
    }
}

fn two_sided(
    kind: Kind,
    impact: Impact,
    o: &Operation,
    n: &Operation,
    values: (String, String),
    note: &str,
) -> Change {
    Change {
        kind,
        impact,
        item: label(n),
        member: None,
        old: Some(side(Some(values.0), &o.source)),
        new: Some(side(Some(values.1), &n.source)),
        note: Some(note.to_string()),
    }
}

/// A pair found by rule 1–3 of the module doc: the request moved.
fn moved(kind: Kind, o: &Operation, n: &Operation) -> Change {
    let params = (o.template.params.len(), n.template.params.len());
    let (impact, note) = if kind == Kind::OperationMethodChanged {
        (
            Impact::Breaking,
            "the same function sends another method".to_string(),
        )
    } else if params.0 != params.1 {
        let note = format!(
            "the function takes {} path or query arguments instead of {}",
            params.1, params.0
        );
        (Impact::Breaking, note)
    } else {
        (
            Impact::Compatible,
            "same arguments, another request path".to_string(),
        )
    };
    let values = (label(o), label(n));
    two_sided(kind, impact, o, n, values, &note)
}

/// The differences of two operations that are the same request function.
fn compare(o: &Operation, n: &Operation, found: &mut Found) {
    let item = label(n);
    if o.name != n.name {
        let values = (o.name.clone(), n.name.clone());
        let note = if fold(&o.name) == fold(&n.name) {
            // The Rust name is made of the words of the name: whether they moved is
            // the emitter's business, so the change counts as breaking.
            "same method and path, a name in another letter case: the function may be renamed"
        } else {
            "same method and path, another name: the function is renamed"
        };
        found.change(two_sided(
            Kind::OperationRenamed,
            Impact::Breaking,
            o,
            n,
            values,
            note,
        ));
    }
    if o.path != n.path && key(o, true) == key(n, true) {
        let values = (Some(o.path.clone()), Some(n.path.clone()));
        found.doc(
            DocKind::PathSpelling,
            &item,
            None,
            values,
            (&o.source, &n.source),
        );
    }
    let body = ((&o.body, o.body_collection), (&n.body, n.body_collection));
    let note = "the body parameter has another type (or appears, or goes)";
    compare_typed(Kind::OperationBodyChanged, o, n, body, note, found);
    let response = (
        (&o.response, o.response_collection),
        (&n.response, n.response_collection),
    );
    let note = "the function returns another type";
    compare_typed(Kind::OperationResponseChanged, o, n, response, note, found);
    if o.status != n.status {
        let values = (o.status.to_string(), n.status.to_string());
        let note = "same signature, another success status";
        found.change(two_sided(
            Kind::OperationStatusChanged,
            Impact::Compatible,
            o,
            n,
            values,
            note,
        ));
    }
    let features = (feature(&o.workload), feature(&n.workload));
    if features.0 != features.1 {
        let note = "the function needs another cargo feature: users of the old one lose it";
        found.change(two_sided(
            Kind::OperationFeatureChanged,
            Impact::Breaking,
            o,
            n,
            features,
            note,
        ));
    }
    found.description(
        &item,
        None,
        (o.description.as_deref(), n.description.as_deref()),
        (&o.source, &n.source),
    );
}

type Typed<'a> = (&'a Option<String>, bool);

/// A change of the body or response type: breaking with `note`, unless both are
/// primitives of one Rust type (and both collections or neither).
fn compare_typed(
    kind: Kind,
    o: &Operation,
    n: &Operation,
    types: (Typed<'_>, Typed<'_>),
    note: &str,
    found: &mut Found,
) {
    let ((before, before_many), (after, after_many)) = types;
    let values = (shape(before, before_many), shape(after, after_many));
    if fold(&values.0) == fold(&values.1) {
        return;
    }
    let same = match (before, after) {
        (Some(b), Some(a)) if before_many == after_many => found.same_rust(b, a),
        _ => None,
    };
    let (impact, mut note) = match same {
        Some(rust) => (Impact::Compatible, format!("the same Rust type, {rust}")),
        None => (Impact::Breaking, note.to_string()),
    };
    if let Some(modules) = before
        .as_deref()
        .zip(after.as_deref())
        .and_then(|(b, a)| found.moved_module(b, a))
    {
        // The emitter puts a page's functions in the module of a body or response type.
        note.push_str(&format!(
            "; the type is in another module ({} → {}), and the request functions of the page may move with it",
            modules.0, modules.1
        ));
    }
    found.change(two_sided(kind, impact, o, n, values, &note));
}

/// `type`, `[type]` for a collection, `none`.
pub(crate) fn shape(ty: &Option<String>, collection: bool) -> String {
    match ty {
        None => "none".to_string(),
        Some(t) if collection => format!("[{t}]"),
        Some(t) => t.clone(),
    }
}
