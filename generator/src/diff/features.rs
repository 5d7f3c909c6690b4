//! Cargo features of the crate: one per workload of the items (README, "The
//! generated crate"); a feature that is gone breaks the builds that enable it.

use super::{feature, side, Change, Found, Impact, Kind};
use crate::model::{Model, Source};
use std::collections::BTreeMap;

/// Every feature of the crate with the source of its first item (types, then
/// enums, then operations, in model order).
fn features(model: &Model) -> BTreeMap<String, &Source> {
    let types = model.types.iter().map(|t| (&t.workload, &t.source));
    let enums = model.enums.iter().map(|e| (&e.workload, &e.source));
    let ops = model.operations.iter().map(|o| (&o.workload, &o.source));
    let mut out = BTreeMap::new();
    for (workload, source) in types.chain(enums).chain(ops) {
        out.entry(feature(workload)).or_insert(source);
    }
    out
}

pub(crate) fn diff_features(old: &Model, new: &Model, found: &mut Found) {
    let (before, after) = (features(old), features(new));
    for (name, source) in &before {
        if !after.contains_key(name) {
            let note = "builds that enable the feature fail";
            found.change(change(
                Kind::FeatureRemoved,
                Impact::Breaking,
                name,
                (Some(source), None),
                note,
            ));
        }
    }
    for (name, source) in &after {
        if !before.contains_key(name) {
            found.change(change(
                Kind::FeatureAdded,
                Impact::Additive,
                name,
                (None, Some(source)),
                "a new feature",
            ));
        }
    }
}

fn change(
    kind: Kind,
    impact: Impact,
    name: &str,
    sources: (Option<&Source>, Option<&Source>),
    note: &str,
) -> Change {
    let s = |source: Option<&Source>| source.map(|src| side(Some(name.to_string()), src));
    Change {
        kind,
        impact,
        item: name.to_string(),
        member: None,
        old: s(sources.0),
        new: s(sources.1),
        note: Some(note.to_string()),
    }
}
