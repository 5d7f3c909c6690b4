//! `Any<Name>` enums: a value of a type that has derived types, read according to
//! its `@odata.type`.

use super::docs;
use super::index::{AnyInfo, Index, TypeInfo};
use super::names::ident;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// The enum and its serde impls, for a type with derived types (nothing otherwise).
pub(crate) fn any_items(index: &Index<'_>, info: &TypeInfo<'_>) -> TokenStream {
    let Some(any) = &info.any else {
        return TokenStream::new();
    };
    // A derived type that exists with other features is a variant only with
    // them; without it, such a value is read as the base type, losing nothing.
    let cfgs: Vec<TokenStream> = any
        .variants
        .iter()
        .map(|v| index.cfg_for_variant(&info.qualified, &v.qualified))
        .collect();
    let enum_item = enum_item(index, info, any, &cfgs);
    let serialize = serialize_impl(any, &cfgs);
    let deserialize = deserialize_impl(index, any, &cfgs);
    quote!(#enum_item #serialize #deserialize)
}

fn enum_item(
    index: &Index<'_>,
    info: &TypeInfo<'_>,
    any: &AnyInfo,
    cfgs: &[TokenStream],
) -> TokenStream {
    let name = ident(&any.name);
    let doc = docs::line_attr(&format!(
        "A `{}` or a value of a type derived from it, chosen by its `@odata.type`. \
         A value of a derived type this crate does not know is read as `{}`, which \
         keeps its `@odata.type` and all of its properties.",
        info.qualified, info.name,
    ));
    // The base type is held by value, the derived ones boxed: most values are of
    // the base type, and a list of them should not be as large as its largest
    // derived type (`AnyDirectoryObject` would be a `User`'s size).
    let variants = any.variants.iter().zip(cfgs).enumerate();
    let variants = variants.map(|(i, (variant, cfg))| {
        let name = ident(&variant.name);
        let path = index.struct_path(&variant.qualified);
        let doc = docs::line_attr(&format!("`{}`.", variant.qualified));
        let ty = if i == 0 {
            path
        } else {
            quote!(::std::boxed::Box<#path>)
        };
        quote!(#cfg #doc #name(#ty),)
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        // The base variant holds its struct by value, so sizes differ; variant
        // names are the documented type names, which may share a prefix or suffix.
        #[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// Writes the inner value: it carries its own `@odata.type`, if any.
fn serialize_impl(any: &AnyInfo, cfgs: &[TokenStream]) -> TokenStream {
    let name = ident(&any.name);
    let arms = any.variants.iter().zip(cfgs).map(|(variant, cfg)| {
        let variant = ident(&variant.name);
        quote!(#cfg Self::#variant(value) => ::serde::Serialize::serialize(value, serializer),)
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The variant its `@odata.type` names (compared case-insensitively, see
/// `runtime::Poly`), the base type for anything else; `Deserialize` on top of it.
fn deserialize_impl(index: &Index<'_>, any: &AnyInfo, cfgs: &[TokenStream]) -> TokenStream {
    let Some((base, derived)) = any.variants.split_first() else {
        return TokenStream::new(); // unreachable: the base type is always the first variant
    };
    let name = ident(&any.name);
    // Two qualified names that differ only in case would make an unreachable arm:
    // the first one (by name) gets it, and the base type's own name needs none.
    let mut seen = BTreeSet::from([base.qualified.to_ascii_lowercase()]);
    let base_path = index.struct_path(&base.qualified);
    let base = ident(&base.name);
    let arms = derived
        .iter()
        .zip(cfgs.iter().skip(1))
        .filter(|(v, _)| seen.insert(v.qualified.to_ascii_lowercase()))
        .map(|(variant, cfg)| {
            let tag = variant.qualified.to_ascii_lowercase();
            let variant = ident(&variant.name);
            quote! {
                #cfg #tag => ::core::option::Option::Some(
                    source.read().map(|value| Self::#variant(::std::boxed::Box::new(value))),
                ),
            }
        });
    quote! {
        impl crate::runtime::Poly for #name {
            type Base = #base_path;
            #[inline]
            fn base(value: #base_path) -> Self {
                Self::#base(value)
            }
            // `source` is unused when the features leave no derived type.
            #[allow(unused_variables)]
            fn read_tagged<S: crate::runtime::Source>(
                tag: &str,
                source: &mut S,
            ) -> ::core::option::Option<::core::result::Result<Self, S::Error>> {
                match tag {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        crate::runtime::serde_poly!(#name);
    }
}
