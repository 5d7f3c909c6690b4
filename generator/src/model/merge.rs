//! Several resource pages may describe one type: `user.md` and the Intune views
//! `intune-devices-user.md`, `intune-mam-user.md`, ... Every one of them counts.
//! The type takes its description, source, workload and abstractness from its
//! *own* page, and the union of the properties of all its pages: the own page's
//! first (in table order), then each other page's new ones (pages in file order).
//!
//! The own page is the one whose file stem is the type's name (`user.md` for
//! `user`, ignoring case); failing that, the page with the shortest file stem,
//! then the first in file order. The type is an entity when any page gives it a
//! key, open when any page says so. Every base a page states is a candidate (see
//! `link::resolve_bases`).

use super::build::{stem, Builder};
use super::json_repr::Bodies;
use super::{Property, Source, TypeKind};
use crate::diag::Severity;
use crate::parse::{Page, TypeRef};
use std::collections::BTreeMap;

/// What one resource page says about its type, besides its tables.
#[derive(Clone, Debug)]
pub struct TypePage {
    pub file: String,
    pub line: u32,
    /// The bases the page states: annotation `baseType`, then prose.
    pub bases: Vec<TypeRef>,
    pub keyed: bool,
    pub is_abstract: Option<bool>,
    pub open: Option<bool>,
    pub description: Option<String>,
    pub workload: String,
}

/// Index into `pages` of the type's own page (see the module docs).
pub fn own_page(name: &str, pages: &[TypePage]) -> usize {
    let named = pages
        .iter()
        .position(|p| stem(&p.file).eq_ignore_ascii_case(name));
    named.unwrap_or_else(|| {
        (0..pages.len())
            .min_by_key(|&i| (stem(&pages[i].file).len(), &pages[i].file))
            .unwrap_or(0)
    })
}

/// The pages of a type, own page first, then the others in file order.
pub fn ordered(name: &str, mut pages: Vec<TypePage>) -> Vec<TypePage> {
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let own = own_page(name, &pages);
    let first = pages.remove(own);
    pages.insert(0, first);
    pages
}

/// Sets what the type takes from its pages (they come own page first) and notes
/// each page that adds to a type described elsewhere.
pub fn apply_pages(b: &mut Builder, key: &str, pages: &[TypePage]) {
    let Some(own) = pages.first() else { return };
    if let Some(t) = b.types.get_mut(key) {
        t.description = own.description.clone();
        t.workload = own.workload.clone();
        t.source = Source {
            file: own.file.clone(),
            line: own.line,
        };
        t.is_abstract = own.is_abstract.unwrap_or(false);
        t.open = pages.iter().any(|p| p.open == Some(true));
        if pages.iter().any(|p| p.keyed) {
            t.kind = TypeKind::Entity;
        }
    }
    let stated = pages
        .iter()
        .flat_map(|p| p.bases.iter().map(|r| (r.clone(), p.file.clone())));
    b.bases.entry(key.to_string()).or_default().extend(stated);
    let qualified = b.types.get(key).map(|t| t.qualified()).unwrap_or_default();
    for p in &pages[1..] {
        let msg = format!(
            "this page describes part of `{qualified}`, whose own page is {}; its properties are merged into that type",
            own.file
        );
        b.diag(&p.file, p.line, Severity::Note, "type-merged", msg);
    }
}

/// The properties of a type from all its pages: the own page's rows, then the new
/// ones of the others. A name typed differently on two pages is reported (with
/// both pages) and keeps the first page's type.
pub fn merge_properties(
    b: &mut Builder,
    key: &str,
    pages: &[TypePage],
    by_file: &BTreeMap<&str, (&Page, &Bodies)>,
) -> Vec<Property> {
    let mut props: Vec<Property> = Vec::new();
    for tp in pages {
        let Some((page, _)) = by_file.get(tp.file.as_str()) else {
            continue;
        };
        for p in b.page_properties(key, page) {
            match props.iter().find(|known| known.name == p.name) {
                None => props.push(p),
                Some(known) if known.ty != p.ty || known.collection != p.collection => {
                    let msg = format!(
                        "property `{}` is `{}` here but `{}` on {}:{}; the latter is kept",
                        p.name,
                        shown(&p),
                        shown(known),
                        known.source.file,
                        known.source.line
                    );
                    let (file, line) = (p.source.file.clone(), p.source.line);
                    b.diag(&file, line, Severity::Warning, "property-conflict", msg);
                }
                Some(_) => {}
            }
        }
    }
    // Then what the JSON representations show and no table lists, once the bases
    // are known (see `json_repr::add`).
    let mut extra: Vec<Property> = Vec::new();
    for tp in pages {
        if let Some((page, bodies)) = by_file.get(tp.file.as_str()) {
            super::json_repr::extra_properties(b, key, page, bodies, &props, &mut extra);
        }
    }
    b.json_candidates
        .extend(extra.into_iter().map(|p| (key.to_string(), p)));
    props
}

fn shown(p: &Property) -> String {
    if p.collection {
        format!("{} collection", p.ty)
    } else {
        p.ty.clone()
    }
}
