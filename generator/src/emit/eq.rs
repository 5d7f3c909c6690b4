//! `PartialEq` of the structs. The derive compares fields in one `a == b && c == d
//! && ...` expression, nested one level per field, and rustc's stack overflows on
//! such an expression of some ten thousand fields (20,000 crash it). Structs with
//! more fields than [`DERIVE_MAX_FIELDS`] get an impl that compares them in
//! statements, one after another, whose nesting does not grow with the count.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// Up to this many fields (about ten times the largest type of the Graph docs), the
/// derive: less code for the compiler, and the same output as before for every
/// real type.
const DERIVE_MAX_FIELDS: usize = 1_000;

/// For a struct of `fields`: what goes at the end of its derive list (`, PartialEq` or nothing), and the impl written out
/// when the derive is not used (or nothing).
pub(crate) fn partial_eq(name: &Ident, fields: &[Ident]) -> (TokenStream, TokenStream) {
    if fields.len() <= DERIVE_MAX_FIELDS {
        return (quote!(, PartialEq), TokenStream::new());
    }
    let compare = fields.iter().map(|field| {
        quote! {
            if self.#field != other.#field {
                return false;
            }
        }
    });
    let written = quote! {
        impl ::core::cmp::PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                #(#compare)*
                true
            }
        }
    };
    (TokenStream::new(), written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::names::ident;

    fn fields(n: usize) -> Vec<Ident> {
        (0..n).map(|i| ident(&format!("f{i}"))).collect()
    }

    #[test]
    fn the_derive_up_to_the_limit_then_statements() {
        let name = ident("Big");
        let (derive, written) = partial_eq(&name, &fields(DERIVE_MAX_FIELDS));
        assert_eq!(derive.to_string(), ", PartialEq");
        assert!(written.is_empty());
        let (derive, written) = partial_eq(&name, &fields(DERIVE_MAX_FIELDS + 1));
        assert!(derive.is_empty());
        let code = written.to_string();
        assert_eq!(code.matches("return false").count(), DERIVE_MAX_FIELDS + 1);
        assert!(!code.contains("&&"), "no nesting: {code}");
        syn::parse2::<syn::File>(written).expect("parses");
    }
}
