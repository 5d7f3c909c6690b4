//! Enums: matched by qualified name (letter case aside), members by their exact
//! JSON string.

use super::types::by_name;
use super::{feature, fold, side, Change, Found, Impact, Kind};
use crate::model::{EnumDef, Model, Source};

/// The name of the fallback variant of generated enums (`Unknown(ArcStr)`), in
/// lower case: a member of that name takes it, and the fallback gets another one.
const FALLBACK: &str = "unknown";

pub(crate) fn diff_enums(old: &Model, new: &Model, found: &mut Found) {
    let (olds, news) = (
        by_name(&old.enums, EnumDef::qualified),
        by_name(&new.enums, EnumDef::qualified),
    );
    for (k, o) in &olds {
        match news.get(k) {
            Some(n) => compare_enum(o, n, found),
            None => found.change(enum_change(
                Kind::EnumRemoved,
                Impact::Breaking,
                Some(o),
                None,
                None,
                "the enum is gone",
            )),
        }
    }
    for (k, n) in &news {
        if !olds.contains_key(k) {
            found.change(enum_change(
                Kind::EnumAdded,
                Impact::Additive,
                None,
                Some(n),
                None,
                "a new enum",
            ));
        }
    }
}

fn compare_enum(o: &EnumDef, n: &EnumDef, found: &mut Found) {
    let item = n.qualified();
    let sources = (&o.source, &n.source);
    found.letter_case(
        Kind::EnumRenamed,
        &item,
        (o.qualified(), n.qualified()),
        sources,
    );
    if o.flags != n.flags {
        let note = "every use switches between the enum and `Flags` of it";
        found.change(enum_change(
            Kind::EnumFlagsChanged,
            Impact::Breaking,
            Some(o),
            Some(n),
            None,
            note,
        ));
    }
    if feature(&o.workload) != feature(&n.workload) {
        let note = "the enum needs another cargo feature: users of the old one lose it";
        found.change(enum_change(
            Kind::EnumFeatureChanged,
            Impact::Breaking,
            Some(o),
            Some(n),
            None,
            note,
        ));
    }
    found.description(
        &item,
        None,
        (o.description.as_deref(), n.description.as_deref()),
        sources,
    );
    for m in &o.members {
        match n.members.iter().find(|x| x.name == m.name) {
            Some(x) => found.description(
                &item,
                Some(&m.name),
                (m.description.as_deref(), x.description.as_deref()),
                sources,
            ),
            None => {
                let note = "a match arm or a use of the variant no longer compiles";
                found.change(enum_change(
                    Kind::EnumMemberRemoved,
                    Impact::Breaking,
                    Some(o),
                    Some(n),
                    Some(&m.name),
                    note,
                ));
            }
        }
    }
    for m in n
        .members
        .iter()
        .filter(|x| !o.members.iter().any(|m| m.name == x.name))
    {
        // Enums derive `PartialOrd` in declaration order, the fallback last.
        let (impact, note) = if fold(&m.name) == FALLBACK {
            (Impact::Breaking, "the member takes the name of the fallback variant `Unknown(ArcStr)`, which is renamed")
        } else {
            (
                Impact::Additive,
                "a new variant of a non_exhaustive enum (`<` on variants changes for \
                    the fallback `Unknown(..)` and the variants after the new one)",
            )
        };
        found.change(enum_change(
            Kind::EnumMemberAdded,
            impact,
            Some(o),
            Some(n),
            Some(&m.name),
            note,
        ));
    }
}

fn enum_change(
    kind: Kind,
    impact: Impact,
    o: Option<&EnumDef>,
    n: Option<&EnumDef>,
    member: Option<&str>,
    note: &str,
) -> Change {
    let value = |e: &EnumDef| match kind {
        Kind::EnumFeatureChanged => Some(feature(&e.workload)),
        Kind::EnumFlagsChanged => Some(if e.flags { "flags" } else { "enum" }.to_string()),
        Kind::EnumMemberAdded => member
            .filter(|m| e.members.iter().any(|x| x.name == *m))
            .map(str::to_string),
        Kind::EnumMemberRemoved => member
            .filter(|m| e.members.iter().any(|x| x.name == *m))
            .map(str::to_string),
        _ => Some(e.qualified()),
    };
    let source = |e: &EnumDef| -> Source { e.source.clone() };
    let item = n.or(o).map(EnumDef::qualified).unwrap_or_default();
    Change {
        kind,
        impact,
        item,
        member: member.map(str::to_string),
        old: o.map(|e| side(value(e), &source(e))),
        new: n.map(|e| side(value(e), &source(e))),
        note: Some(note.to_string()),
    }
}
