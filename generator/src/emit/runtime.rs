//! The runtime module of the generated crate: `runtime_src.rs`, hand-written and
//! copied verbatim as `src/runtime.rs` (its unit tests also run as part of
//! docbind's, see `emit/mod.rs`).

use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;

/// The source of `src/runtime.rs`, less the header line.
pub(crate) const SOURCE: &str = include_str!("runtime_src.rs");

/// The runtime for an inline `mod runtime { ... }`: its module docs as outer
/// attributes for the `mod` item (an `include!`d file may have no inner
/// attributes), and its items without the unit tests (the including crate does
/// not need to run them).
pub(crate) fn inline() -> Result<(TokenStream, TokenStream), Error> {
    let file = syn::parse_file(SOURCE)
        .map_err(|e| Error::Internal(format!("the runtime source does not parse: {e}")))?;
    let attrs = file.attrs.into_iter().map(|mut attr| {
        attr.style = syn::AttrStyle::Outer;
        attr
    });
    let items = file.items.into_iter().filter(|item| !is_test_only(item));
    Ok((quote!(#(#attrs)*), quote!(#(#items)*)))
}

fn is_test_only(item: &syn::Item) -> bool {
    let syn::Item::Mod(module) = item else {
        return false;
    };
    module.attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|arg| arg == "test")
    })
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
}
