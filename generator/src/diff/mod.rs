//! `docbind diff`: what changes between two snapshots of the docs do to the
//! generated crate.
//!
//! The diff compares two [`Model`]s as a user of the emitted crate sees them:
//! request functions (keyed by method and normalized path, never by their name,
//! see [`ops`]), structs with their fields after inheritance, enums with their
//! variants, and the cargo feature of every item (see [`types`]). Each change is
//! classified by its [`Impact`] on code that uses the crate, and the worst impact
//! gives a semver suggestion. Differences that change no API (letter case of a
//! path, names of path parameters, order of table rows, descriptions) are not
//! changes; descriptions, path spellings and the letter case of names are listed
//! apart, as [`DocChange`]s, for `--docs`. [`render`] prints both as text or JSON
//! (README, "docbind diff").

mod enums;
mod features;
pub mod ops;
pub mod render;
pub mod types;

use crate::model::{EnumDef, Model, Source, TypeDef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What a change does to code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Signatures and items stay as they were; what a request sends may differ
    /// (a path literal, the success status).
    Compatible,
    /// Something new; code that compiled still compiles.
    Additive,
    /// Code that compiled against the old crate may no longer compile (or, for a
    /// function that now sends another method, does something else).
    Breaking,
}

/// Version bump the changes call for (for a `0.y.z` crate, `major` means `y`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    None,
    Patch,
    Minor,
    Major,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Compatible => "compatible",
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        }
    }
}

impl Semver {
    pub fn as_str(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// The kinds of API change, in the order the text output groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    OperationRenamed,
    OperationMethodChanged,
    OperationPathChanged,
    OperationQueryChanged,
    OperationBodyChanged,
    OperationResponseChanged,
    OperationStatusChanged,
    OperationFeatureChanged,
    TypeAdded,
    TypeRemoved,
    TypeRenamed,
    TypeBaseChanged,
    TypePolymorphismChanged,
    TypeFeatureChanged,
    PropertyAdded,
    PropertyRemoved,
    PropertyRetyped,
    PropertyRenamed,
    EnumAdded,
    EnumRemoved,
    EnumRenamed,
    EnumFlagsChanged,
    EnumFeatureChanged,
    EnumMemberAdded,
    EnumMemberRemoved,
    FeatureAdded,
    FeatureRemoved,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        use Kind::*;
        match self {
            OperationAdded => "operation_added",
            OperationRemoved => "operation_removed",
            OperationRenamed => "operation_renamed",
            OperationMethodChanged => "operation_method_changed",
            OperationPathChanged => "operation_path_changed",
            OperationQueryChanged => "operation_query_changed",
            OperationBodyChanged => "operation_body_changed",
            OperationResponseChanged => "operation_response_changed",
            OperationStatusChanged => "operation_status_changed",
            OperationFeatureChanged => "operation_feature_changed",
            TypeAdded => "type_added",
            TypeRemoved => "type_removed",
            TypeRenamed => "type_renamed",
            TypeBaseChanged => "type_base_changed",
            TypePolymorphismChanged => "type_polymorphism_changed",
            TypeFeatureChanged => "type_feature_changed",
            PropertyAdded => "property_added",
            PropertyRemoved => "property_removed",
            PropertyRetyped => "property_retyped",
            PropertyRenamed => "property_renamed",
            EnumAdded => "enum_added",
            EnumRemoved => "enum_removed",
            EnumRenamed => "enum_renamed",
            EnumFlagsChanged => "enum_flags_changed",
            EnumFeatureChanged => "enum_feature_changed",
            EnumMemberAdded => "enum_member_added",
            EnumMemberRemoved => "enum_member_removed",
            FeatureAdded => "feature_added",
            FeatureRemoved => "feature_removed",
        }
    }
}

/// One side of a change: the value it had (a type, a path, a name, a feature) and
/// where the docs say so.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Side {
    pub value: Option<String>,
    pub source: Source,
}

/// One API change of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub impact: Impact,
    /// `METHOD path` of an operation (the new path, else the old), or the
    /// qualified name of a type or enum (the new one, else the old).
    pub item: String,
    /// The property (JSON name) or enum member the change is about.
    pub member: Option<String>,
    pub old: Option<Side>,
    pub new: Option<Side>,
    /// Why the impact is what it is, or the evidence of a rename.
    pub note: Option<String>,
}

/// A difference of the docs that changes no API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// The description of an item, property or member was edited.
    Description,
    /// A path is written differently (letter case, parameter names) but is the same.
    PathSpelling,
    /// A type, enum or operation name differs in letter case only.
    NameCase,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Description => "description",
            DocKind::PathSpelling => "path_spelling",
            DocKind::NameCase => "name_case",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct DocChange {
    pub kind: DocKind,
    pub item: String,
    pub member: Option<String>,
    pub old: Side,
    pub new: Side,
}

/// Counts of a diff.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Counts {
    pub breaking: usize,
    pub additive: usize,
    pub compatible: usize,
    /// Changes per kind (kinds without changes are left out).
    pub kinds: BTreeMap<Kind, usize>,
    pub docs: BTreeMap<DocKind, usize>,
}

/// The changes between two models.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    pub semver: Semver,
    pub counts: Counts,
    /// Sorted by kind, item, member.
    pub changes: Vec<Change>,
    /// Sorted by kind, item, member.
    pub docs: Vec<DocChange>,
}

impl Diff {
    pub fn has_breaking(&self) -> bool {
        self.counts.breaking > 0
    }
}

/// When `docbind diff --fail-on` exits 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// A breaking change.
    Breaking,
    /// Any API change (documentation changes aside).
    Any,
}

impl FailOn {
    pub fn fails(self, diff: &Diff) -> bool {
        match self {
            FailOn::Breaking => diff.has_breaking(),
            FailOn::Any => !diff.changes.is_empty(),
        }
    }
}

/// What the diff found, plus the diagnostics of modelling each side.
#[derive(Debug)]
pub struct DirsDiff {
    pub diff: Diff,
    pub old: crate::Run,
    pub new: crate::Run,
}

/// Compares two models.
pub fn diff(old: &Model, new: &Model) -> Diff {
    let mut found = Found::new(old, new);
    let renamed_ops = ops::diff_operations(old, new, &mut found);
    types::diff_types(old, new, &renamed_ops, &mut found);
    enums::diff_enums(old, new, &mut found);
    features::diff_features(old, new, &mut found);
    found.finish()
}

/// Reads and models both sides, then compares them. The sides are modelled one
/// after the other: each is parallel over its files already, and side by side
/// they were slower on two cores (README, "docbind diff").
pub fn diff_dirs(old: &[PathBuf], new: &[PathBuf]) -> Result<DirsDiff, crate::Error> {
    let old = crate::run_dirs(old)?;
    let new = crate::run_dirs(new)?;
    let diff = diff(&old.model, &new.model);
    Ok(DirsDiff { diff, old, new })
}

/// Changes as they are found, in any order, and the Rust types of both crates.
pub(crate) struct Found {
    changes: Vec<Change>,
    docs: Vec<DocChange>,
    /// Qualified name → the Rust type `emit` gives its values, for each side.
    rust: (BTreeMap<String, String>, BTreeMap<String, String>),
}

/// `graph` of `crate::graph::User`.
fn crate_module(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("crate::")?;
    rest.split("::").next()
}

/// Every qualified name the model refers to: its types and enums, the types of
/// properties, bodies and responses (primitives too).
fn referenced(model: &Model) -> BTreeSet<&str> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for t in &model.types {
        names.extend(t.properties.iter().map(|p| p.ty.as_str()));
    }
    for op in &model.operations {
        names.extend(op.body.as_deref().into_iter().chain(op.response.as_deref()));
    }
    names
}

fn rust_types(model: &Model) -> BTreeMap<String, String> {
    let own: Vec<String> = model
        .types
        .iter()
        .map(TypeDef::qualified)
        .chain(model.enums.iter().map(EnumDef::qualified))
        .collect();
    let names = referenced(model)
        .into_iter()
        .chain(own.iter().map(String::as_str));
    crate::emit::rust_types(model, names)
}

impl Found {
    fn new(old: &Model, new: &Model) -> Self {
        let (a, b) = rayon::join(|| rust_types(old), || rust_types(new));
        Found {
            changes: Vec::new(),
            docs: Vec::new(),
            rust: (a, b),
        }
    }

    /// The Rust type of values of `before` in the old crate, when `after` has the
    /// same one in the new crate.
    pub(crate) fn same_rust(&self, before: &str, after: &str) -> Option<&str> {
        let a = self.rust.0.get(before)?;
        (self.rust.1.get(after) == Some(a)).then_some(a.as_str())
    }

    pub(crate) fn change(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// The crate modules of `before` (old) and `after` (new) when they differ
    /// (`crate::graph::User` is in `graph`); `None` for primitives and unknown names.
    pub(crate) fn moved_module(&self, before: &str, after: &str) -> Option<(&str, &str)> {
        let b = crate_module(self.rust.0.get(before)?)?;
        let a = crate_module(self.rust.1.get(after)?)?;
        (a != b).then_some((b, a))
    }

    /// Names that differ in letter case only (`names`, qualified): a rename of
    /// `kind` when the Rust name changes with them, else a documentation change.
    pub(crate) fn letter_case(
        &mut self,
        kind: Kind,
        item: &str,
        names: (String, String),
        sources: (&Source, &Source),
    ) {
        if names.0 == names.1 || fold(&names.0) != fold(&names.1) {
            return;
        }
        let rust = (self.rust.0.get(&names.0), self.rust.1.get(&names.1));
        if rust.0 == rust.1 {
            let values = (Some(names.0), Some(names.1));
            return self.doc(DocKind::NameCase, item, None, values, sources);
        }
        let note = "the name differs in letter case only, but its Rust name changes";
        self.change(Change {
            kind,
            impact: Impact::Breaking,
            item: item.to_string(),
            member: None,
            old: Some(side(rust.0.cloned(), sources.0)),
            new: Some(side(rust.1.cloned(), sources.1)),
            note: Some(note.to_string()),
        });
    }

    /// Records a description edit (whitespace differences are none).
    pub(crate) fn description(
        &mut self,
        item: &str,
        member: Option<&str>,
        texts: (Option<&str>, Option<&str>),
        sources: (&Source, &Source),
    ) {
        let (a, b) = (texts.0.unwrap_or_default(), texts.1.unwrap_or_default());
        if !a.split_whitespace().eq(b.split_whitespace()) {
            self.doc(DocKind::Description, item, member, (None, None), sources);
        }
    }

    pub(crate) fn doc(
        &mut self,
        kind: DocKind,
        item: &str,
        member: Option<&str>,
        values: (Option<String>, Option<String>),
        sources: (&Source, &Source),
    ) {
        self.docs.push(DocChange {
            kind,
            item: item.to_string(),
            member: member.map(str::to_string),
            old: side(values.0, sources.0),
            new: side(values.1, sources.1),
        });
    }

    fn finish(mut self) -> Diff {
        self.changes.sort();
        self.changes.dedup();
        self.docs.sort();
        self.docs.dedup();
        let mut counts = Counts::default();
        for c in &self.changes {
            *counts.kinds.entry(c.kind).or_default() += 1;
            match c.impact {
                Impact::Breaking => counts.breaking += 1,
                Impact::Additive => counts.additive += 1,
                Impact::Compatible => counts.compatible += 1,
            }
        }
        for d in &self.docs {
            *counts.docs.entry(d.kind).or_default() += 1;
        }
        let worst = self.changes.iter().map(|c| c.impact).max();
        let semver = match worst {
            None => Semver::None,
            Some(Impact::Compatible) => Semver::Patch,
            Some(Impact::Additive) => Semver::Minor,
            Some(Impact::Breaking) => Semver::Major,
        };
        Diff {
            semver,
            counts,
            changes: self.changes,
            docs: self.docs,
        }
    }
}

pub(crate) fn side(value: Option<String>, source: &Source) -> Side {
    Side {
        value,
        source: source.clone(),
    }
}

/// Lower case, for names that are the same whatever their letter case.
pub(crate) fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The cargo feature an item of this workload is gated by.
pub(crate) fn feature(workload: &str) -> String {
    crate::emit::feature_name(workload)
}

#[cfg(test)]
mod tests;
