//! The runtime module of the generated crate: `runtime_src.rs`, hand-written and
//! copied as `src/runtime.rs` without its unit tests, which run as part of
//! docbind's (see `emit/mod.rs`): the emitted crates' users would only compile
//! them.

use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;

/// The runtime's source, with its unit tests.
const SOURCE: &str = include_str!("runtime_src.rs");

/// Where the runtime's unit tests start: they are its last item (a test below
/// checks that nothing else follows).
const TESTS: &str = "\n#[cfg(test)]\nmod tests {";

/// The source of `src/runtime.rs`, less the header line and the final newline:
/// the runtime without its unit tests.
pub(crate) fn emitted() -> &'static str {
    SOURCE
        .rfind(TESTS)
        .map_or(SOURCE, |at| &SOURCE[..at])
        .trim_end()
}

/// The runtime for an inline `mod runtime { ... }`: its module docs as outer
/// attributes for the `mod` item (an `include!`d file may have no inner
/// attributes), and its items.
pub(crate) fn inline() -> Result<(TokenStream, TokenStream), Error> {
    let file = syn::parse_file(emitted())
        .map_err(|e| Error::Internal(format!("the runtime source does not parse: {e}")))?;
    let attrs = file.attrs.into_iter().map(|mut attr| {
        attr.style = syn::AttrStyle::Outer;
        attr
    });
    let items = file.items;
    Ok((quote!(#(#attrs)*), quote!(#(#items)*)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_runtime_has_no_inner_attributes_nor_tests() {
        let (attrs, items) = inline().unwrap();
        let attrs = attrs.to_string();
        assert!(attrs.starts_with("# [doc ="), "{attrs}");
        assert!(!attrs.contains("#!"));
        let items = items.to_string();
        assert!(items.contains("pub fn encode_segment"));
        assert!(!items.contains("mod tests"));
        assert!(!items.contains("#!"));
        // Tokens print on one line but for literals holding a line break, which
        // `krate::splice` would indent.
        assert!(!items.contains('\n'), "a multi-line literal in the runtime");
    }

    #[test]
    fn emitted_runtime_is_the_source_less_its_trailing_tests() {
        let full = syn::parse_file(SOURCE).unwrap();
        let emitted_items = syn::parse_file(emitted()).unwrap().items;
        assert_eq!(emitted_items.len() + 1, full.items.len(), "one item less");
        let last = full.items.last().unwrap();
        assert!(
            matches!(last, syn::Item::Mod(m) if m.ident == "tests"),
            "the test module is the runtime's last item"
        );
        assert!(SOURCE.starts_with(emitted()));
        assert!(!emitted().contains("cfg(test)"));
    }
}
