//! Options markers: which typed query options (`select`, `top`, ...) the request
//! of an operation offers.
//!
//! A request function returns `runtime::Request<R, O>`; the setters live in the
//! runtime, each in an impl bounded by a marker trait of `runtime::supports`
//! (`impl<R, O: supports::Select> Request<R, O> { fn select(..) }`). `O` is one
//! type per *set* of options, not per operation, generated in the crate's
//! `options` module and named after its options (`CountFilterSearchSelect`,
//! then the headers: `...ConsistencyLevel`): the v1.0 corpus has about 40 sets
//! for its 400 operations with options, each an empty enum with one empty trait
//! impl per option, so the setters add no code per function. An operation
//! without typed options keeps `Request<R>` (`O` = `runtime::NoOptions`).
//!
//! The setters are those of the options the operation's pages list
//! (`Operation::query_options`, `Operation::optional_headers`) that have one,
//! less the query options its template already fixes (`?$filter=...`): a second
//! `$filter` would make a request the service refuses.

use super::docs;
use super::index::Index;
use super::names::ident;
use crate::model::Operation;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// The module of the markers, at the crate root.
pub(crate) const MODULE: &str = "options";

/// Query options with a setter: the model's name, the trait (and name part) of
/// the marker, the setter.
const QUERY: &[(&str, &str, &str)] = &[
    ("$count", "Count", "count"),
    ("$expand", "Expand", "expand"),
    ("$filter", "Filter", "filter"),
    ("$orderby", "OrderBy", "order_by"),
    ("$search", "Search", "search"),
    ("$select", "Select", "select"),
    ("$skip", "Skip", "skip"),
    ("$top", "Top", "top"),
];

/// Headers with a setter, as `QUERY`.
const HEADERS: &[(&str, &str, &str)] = &[
    (
        "ConsistencyLevel",
        "ConsistencyLevel",
        "consistency_level_eventual",
    ),
    ("Prefer", "Prefer", "prefer"),
];

/// The options of `op` that get a setter, query options first, in the order of
/// [`QUERY`] and [`HEADERS`].
fn setters(op: &Operation) -> Vec<&'static (&'static str, &'static str, &'static str)> {
    let fixed = |name: &str| {
        op.template
            .query
            .iter()
            .any(|q| q.name.eq_ignore_ascii_case(name))
    };
    let query = QUERY.iter().filter(|(name, ..)| {
        let listed = op
            .query_options
            .iter()
            .any(|o| o.eq_ignore_ascii_case(name));
        listed && !fixed(name)
    });
    let headers = HEADERS.iter().filter(|(name, ..)| {
        op.optional_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    });
    query.chain(headers).collect()
}

/// The marker type of `op`'s request, `None` when it offers no typed option.
pub(crate) fn marker(op: &Operation) -> Option<String> {
    let setters = setters(op);
    (!setters.is_empty()).then(|| setters.iter().map(|(_, name, _)| *name).collect())
}

/// The sentence a request function's docs say about its options.
pub(crate) fn doc_line(op: &Operation) -> Option<String> {
    let setters = setters(op);
    (!setters.is_empty()).then(|| {
        let names: Vec<String> = setters
            .iter()
            .map(|(name, _, setter)| format!("`{name}` (`{setter}`)"))
            .collect();
        format!("Typed query options: {}.", names.join(", "))
    })
}

/// Whether the crate has an options module: some operation has a marker.
pub(crate) fn any(index: &Index<'_>) -> bool {
    index.model.operations.iter().any(|op| marker(op).is_some())
}

/// The items of the options module: every marker the operations use.
pub(crate) fn module_items(index: &Index<'_>) -> TokenStream {
    let mut markers = BTreeMap::new();
    for op in &index.model.operations {
        if let Some(name) = marker(op) {
            markers.entry(name).or_insert_with(|| setters(op));
        }
    }
    let items = markers.iter().map(|(name, setters)| {
        let links: Vec<String> = setters
            .iter()
            .map(|(option, _, setter)| {
                format!("`{option}` ([`Request::{setter}`](crate::runtime::Request::{setter}))")
            })
            .collect();
        let doc = docs::line_attr(&format!(
            "The options of a request with {}.",
            links.join(", ")
        ));
        let name = ident(name);
        let impls = setters.iter().map(|(_, name_part, _)| {
            let marker_trait = ident(name_part);
            quote!(impl crate::runtime::supports::#marker_trait for #name {})
        });
        quote! {
            #doc
            pub enum #name {}
            #(#impls)*
        }
    });
    quote!(#(#items)*)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(options: &[&str], headers: &[&str], path: &str) -> Operation {
        let mut op = super::super::tests::op("list-things", "GET", path, 200);
        op.query_options = options.iter().map(|o| o.to_string()).collect();
        op.optional_headers = headers.iter().map(|h| h.to_string()).collect();
        op
    }

    #[test]
    fn markers_are_named_after_their_options() {
        let all = op(
            &["$top", "$skiptoken", "$select", "$orderby", "$format"],
            &["Prefer", "ConsistencyLevel"],
            "/things",
        );
        assert_eq!(
            marker(&all).as_deref(),
            Some("OrderBySelectTopConsistencyLevelPrefer")
        );
        assert_eq!(
            marker(&op(&["$skiptoken", "$format"], &[], "/things")),
            None
        );
        assert_eq!(
            marker(&op(&[], &["prefer"], "/things")).as_deref(),
            Some("Prefer")
        );
    }

    #[test]
    fn options_the_template_fixes_have_no_setter() {
        let fixed = op(&["$filter", "$top"], &[], "/things?$Filter=a eq '{b}'");
        assert_eq!(marker(&fixed).as_deref(), Some("Top"));
        assert_eq!(
            doc_line(&fixed).as_deref(),
            Some("Typed query options: `$top` (`top`).")
        );
    }
}
