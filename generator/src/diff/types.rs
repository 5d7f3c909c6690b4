//! Structs: matched by qualified name (letter case aside), compared as
//! the generated crate shows them.
//!
//! A struct's fields are its properties after inheritance (as the emitter lays
//! them out: the base chain's, then its own, `@odata.type` aside; none for an
//! undocumented type). A field change is reported on the type that declares the
//! property, once, when every derived type shows the same change; a derived type
//! shows it on its own only when it differs there (e.g. it declares the property
//! again). A type removed and a type added are one type renamed when an operation
//! that is the same request function on both sides takes or returns the one
//! before and the other after, and their own properties are nearly the same (at
//! least 80% of the JSON names of both are shared).

use super::ops::Pair;
use super::{feature, fold, side, Change, Found, Impact, Kind};
use crate::model::{Model, Property, TypeDef};
use std::collections::{BTreeMap, BTreeSet};

/// Share of shared property names (of all names of both) that makes a rename.
const RENAME_SHARED_PERCENT: usize = 80;

type Types<'m> = BTreeMap<String, &'m TypeDef>;

/// Items by folded qualified name (the first of names that differ in case only).
pub(crate) fn by_name<T>(items: &[T], qualified: fn(&T) -> String) -> BTreeMap<String, &T> {
    let mut map = BTreeMap::new();
    for item in items {
        map.entry(fold(&qualified(item))).or_insert(item);
    }
    map
}

pub(crate) fn diff_types(old: &Model, new: &Model, op_pairs: &[Pair<'_>], found: &mut Found) {
    let (olds, news) = (
        by_name(&old.types, TypeDef::qualified),
        by_name(&new.types, TypeDef::qualified),
    );
    let renames = renames(&olds, &news, op_pairs);
    let renamed_new: BTreeSet<&String> = renames.values().map(|(n, _)| n).collect();
    let mut pairs: Vec<(&TypeDef, &TypeDef)> = Vec::new();
    for (k, o) in &olds {
        match (news.get(k), renames.get(k)) {
            (Some(n), _) => pairs.push((o, n)),
            (None, Some((n, evidence))) => {
                let n = news[n];
                found.change(type_change(
                    Kind::TypeRenamed,
                    Impact::Breaking,
                    o,
                    n,
                    evidence,
                ));
                pairs.push((o, n));
            }
            (None, None) => found.change(one_sided(Kind::TypeRemoved, Impact::Breaking, o, false)),
        }
    }
    for (k, n) in &news {
        if !olds.contains_key(k) && !renamed_new.contains(k) {
            found.change(one_sided(Kind::TypeAdded, Impact::Additive, n, true));
        }
    }
    for (o, n) in &pairs {
        compare_type(o, n, found);
    }
    let old_to_new: BTreeMap<String, String> = pairs
        .iter()
        .map(|(o, n)| (fold(&o.qualified()), fold(&n.qualified())))
        .collect();
    fields(&olds, &news, &pairs, &old_to_new, found);
}

/// Old folded name → (new folded name, evidence), by the rule of the module doc.
fn renames(
    olds: &Types<'_>,
    news: &Types<'_>,
    op_pairs: &[Pair<'_>],
) -> BTreeMap<String, (String, String)> {
    let mut out: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut evidence: Vec<(String, String, String)> = Vec::new();
    for (o, n) in op_pairs {
        let uses = [
            ("body", &o.body, &n.body),
            ("response", &o.response, &n.response),
        ];
        for (role, before, after) in uses {
            if let (Some(b), Some(a)) = (before, after) {
                let why = format!("{role} of {} {}", n.method.to_ascii_uppercase(), n.path);
                evidence.push((fold(b), fold(a), why));
            }
        }
    }
    evidence.sort();
    for (before, after, why) in evidence {
        let gone = olds.contains_key(&before) && !news.contains_key(&before);
        let fresh = news.contains_key(&after) && !olds.contains_key(&after);
        if !gone || !fresh || out.contains_key(&before) || taken.contains(&after) {
            continue;
        }
        if nearly_same(olds[&before], news[&after]) {
            taken.insert(after.clone());
            out.insert(
                before,
                (
                    after,
                    format!("renamed: {why} on both sides, nearly the same properties"),
                ),
            );
        }
    }
    out
}

fn nearly_same(o: &TypeDef, n: &TypeDef) -> bool {
    let names = |t: &TypeDef| {
        t.properties
            .iter()
            .map(|p| p.name.clone())
            .collect::<BTreeSet<_>>()
    };
    let (a, b) = (names(o), names(n));
    let shared = a.intersection(&b).count();
    let all = a.union(&b).count();
    shared * 100 >= all * RENAME_SHARED_PERCENT
}

fn one_sided(kind: Kind, impact: Impact, t: &TypeDef, is_new: bool) -> Change {
    let s = Some(side(Some(t.qualified()), &t.source));
    let (old, new) = if is_new { (None, s) } else { (s, None) };
    let note = if is_new {
        "a new struct"
    } else {
        "the struct is gone"
    };
    Change {
        kind,
        impact,
        item: t.qualified(),
        member: None,
        old,
        new,
        note: Some(note.to_string()),
    }
}

fn type_change(kind: Kind, impact: Impact, o: &TypeDef, n: &TypeDef, note: &str) -> Change {
    let values = match kind {
        Kind::TypeBaseChanged => (o.base.clone(), n.base.clone()),
        Kind::TypeFeatureChanged => (Some(feature(&o.workload)), Some(feature(&n.workload))),
        Kind::TypePolymorphismChanged => (Some(any_shape(o)), Some(any_shape(n))),
        _ => (Some(o.qualified()), Some(n.qualified())),
    };
    Change {
        kind,
        impact,
        item: n.qualified(),
        member: None,
        old: Some(side(values.0, &o.source)),
        new: Some(side(values.1, &n.source)),
        note: Some(note.to_string()),
    }
}

fn any_shape(t: &TypeDef) -> String {
    if t.derived.is_empty() {
        "struct".to_string()
    } else {
        "Any enum".to_string()
    }
}

/// Base, polymorphism, feature, names and description of one struct.
fn compare_type(o: &TypeDef, n: &TypeDef, found: &mut Found) {
    let item = n.qualified();
    if o.derived.is_empty() == n.derived.is_empty() {
        let names = (o.qualified(), n.qualified());
        found.letter_case(Kind::TypeRenamed, &item, names, (&o.source, &n.source));
    }
    if o.base.as_deref().map(fold) != n.base.as_deref().map(fold) {
        let note = "inherited fields change and the type leaves its old base's Any enum";
        found.change(type_change(
            Kind::TypeBaseChanged,
            Impact::Breaking,
            o,
            n,
            note,
        ));
    }
    if o.derived.is_empty() != n.derived.is_empty() {
        let note = "every field, body and response of this type switches between the struct and its Any enum";
        found.change(type_change(
            Kind::TypePolymorphismChanged,
            Impact::Breaking,
            o,
            n,
            note,
        ));
    }
    if feature(&o.workload) != feature(&n.workload) {
        let note = "the struct needs another cargo feature: users of the old one lose it";
        found.change(type_change(
            Kind::TypeFeatureChanged,
            Impact::Breaking,
            o,
            n,
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

/// The fields of a struct: JSON name → (property, folded name of the declaring type).
fn effective<'m>(types: &Types<'m>, t: &'m TypeDef) -> BTreeMap<&'m str, (&'m Property, String)> {
    let mut out = BTreeMap::new();
    if t.origin == crate::model::Origin::Undocumented {
        return out;
    }
    let mut chain = vec![t];
    let mut seen = BTreeSet::from([fold(&t.qualified())]);
    while let Some(base) = chain.last().and_then(|t| t.base.as_deref()) {
        match types.get(&fold(base)) {
            Some(b) if seen.insert(fold(base)) => chain.push(b),
            _ => break,
        }
    }
    // Root first: a property declared again lower down replaces the inherited one.
    for def in chain.into_iter().rev() {
        for p in def.properties.iter().filter(|p| p.name != "@odata.type") {
            out.insert(p.name.as_str(), (p, fold(&def.qualified())));
        }
    }
    out
}

/// A field change of one struct, keyed by the folded new name of the declaring type.
struct FieldChange<'m> {
    kind: Kind,
    name: &'m str,
    declared: String,
    old: Option<&'m Property>,
    new: Option<&'m Property>,
}

fn fields(
    olds: &Types<'_>,
    news: &Types<'_>,
    pairs: &[(&TypeDef, &TypeDef)],
    old_to_new: &BTreeMap<String, String>,
    found: &mut Found,
) {
    let mut by_type: BTreeMap<String, (&TypeDef, &TypeDef, Vec<FieldChange<'_>>)> = BTreeMap::new();
    for (o, n) in pairs {
        let changes = field_changes(olds, news, o, n, old_to_new, found);
        by_type.insert(fold(&n.qualified()), (o, n, changes));
    }
    // (declaring type, kind, name) → number of other types that show the same change.
    let mut inherited: BTreeMap<(String, Kind, &str), usize> = BTreeMap::new();
    let shown_by_declarer = |c: &FieldChange<'_>| {
        by_type.get(&c.declared).is_some_and(|(_, _, cs)| {
            cs.iter()
                .any(|d| d.kind == c.kind && d.name == c.name && d.declared == c.declared)
        })
    };
    let mut report = Vec::new();
    for (k, (o, n, changes)) in &by_type {
        for c in changes {
            if &c.declared != k && shown_by_declarer(c) {
                *inherited
                    .entry((c.declared.clone(), c.kind, c.name))
                    .or_default() += 1;
            } else {
                report.push((*o, *n, c));
            }
        }
    }
    for (o, n, c) in report {
        let also = inherited
            .get(&(fold(&n.qualified()), c.kind, c.name))
            .copied()
            .unwrap_or(0);
        let change = field_change(o, n, c, also, found);
        found.change(change);
    }
}

fn field_changes<'m>(
    olds: &Types<'m>,
    news: &Types<'m>,
    o: &'m TypeDef,
    n: &'m TypeDef,
    old_to_new: &BTreeMap<String, String>,
    found: &mut Found,
) -> Vec<FieldChange<'m>> {
    let (before, after) = (effective(olds, o), effective(news, n));
    let names: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    let own = (fold(&o.qualified()), fold(&n.qualified()));
    let mut out = Vec::new();
    for name in names {
        let (b, a) = (before.get(name), after.get(name));
        let (kind, declared) = match (b, a) {
            (None, Some((_, d))) => (Kind::PropertyAdded, d.clone()),
            (Some((_, d)), None) => (
                Kind::PropertyRemoved,
                old_to_new.get(d).cloned().unwrap_or_else(|| d.clone()),
            ),
            (Some((bp, bd)), Some((ap, ad))) => {
                if bd == &own.0 && ad == &own.1 {
                    let item = n.qualified();
                    let texts = (bp.description.as_deref(), ap.description.as_deref());
                    found.description(&item, Some(name), texts, (&bp.source, &ap.source));
                }
                if fold(&field_type(bp)) == fold(&field_type(ap)) {
                    continue;
                }
                (Kind::PropertyRetyped, ad.clone())
            }
            (None, None) => continue,
        };
        out.push(FieldChange {
            kind,
            name,
            declared,
            old: b.map(|x| x.0),
            new: a.map(|x| x.0),
        });
    }
    join_case_renames(out)
}

/// A field removed and one added whose JSON names differ in letter case only are
/// one field whose JSON name changed.
fn join_case_renames(changes: Vec<FieldChange<'_>>) -> Vec<FieldChange<'_>> {
    let (mut added, rest): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .partition(|c| c.kind == Kind::PropertyAdded);
    let mut out = Vec::new();
    for mut c in rest {
        let same = |a: &FieldChange<'_>| fold(a.name) == fold(c.name);
        if c.kind == Kind::PropertyRemoved {
            if let Some(i) = added.iter().position(same) {
                let a = added.remove(i);
                (c.kind, c.name, c.declared, c.new) =
                    (Kind::PropertyRenamed, a.name, a.declared, a.new);
            }
        }
        out.push(c);
    }
    out.extend(added);
    out
}

/// The type of a field as written: `microsoft.graph.x` or `[microsoft.graph.x]`.
fn field_type(p: &Property) -> String {
    super::ops::shape(&Some(p.ty.clone()), p.collection)
}

fn field_change(
    o: &TypeDef,
    n: &TypeDef,
    c: &FieldChange<'_>,
    also: usize,
    found: &Found,
) -> Change {
    let prop_side = |p: Option<&Property>, t: &TypeDef| match p {
        Some(p) => side(Some(field_type(p)), &p.source),
        None => side(None, &t.source),
    };
    let same = c
        .old
        .zip(c.new)
        .filter(|(a, b)| a.collection == b.collection)
        .and_then(|(a, b)| found.same_rust(&a.ty, &b.ty));
    let (impact, mut note) = match (c.kind, same) {
        (Kind::PropertyAdded, _) => (
            Impact::Breaking,
            "a new pub field: a struct literal without `..Default::default()` no longer compiles"
                .to_string(),
        ),
        (Kind::PropertyRemoved, _) => (Impact::Breaking, "the field is gone".to_string()),
        // The field's Rust name is made of the words of the JSON name: whether they
        // moved is the emitter's business, so the change counts as breaking.
        (Kind::PropertyRenamed, _) => (
            Impact::Breaking,
            "the JSON name differs in letter case only: the Rust field is renamed when a \
             word boundary moved (cargo-semver-checks: a field missing, one added)"
                .to_string(),
        ),
        (_, Some(rust)) => (Impact::Compatible, format!("the same Rust type, {rust}")),
        _ => (Impact::Breaking, "the field has another type".to_string()),
    };
    if let (Kind::PropertyRenamed, Some(before)) = (c.kind, c.old) {
        note = format!("`{}` → `{}`: {note}", before.name, c.name);
    }
    if also > 0 {
        note.push_str(&format!("; also in {also} derived types"));
    }
    Change {
        kind: c.kind,
        impact,
        item: n.qualified(),
        member: Some(c.name.to_string()),
        old: Some(prop_side(c.old, o)),
        new: Some(prop_side(c.new, n)),
        note: Some(note),
    }
}
