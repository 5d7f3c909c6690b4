//! String enums: one variant per documented member, plus a fallback variant that
//! keeps any other value, so a value the docs do not list is neither an error
//! nor lost.

use super::docs;
use super::index::EnumInfo;
use super::names::{ident, pascal, unique_name};
use crate::model::EnumMember;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// The fallback variant is `Unknown` unless a member took that name.
const FALLBACK: &str = "Unknown";
const FALLBACK_ALTERNATIVE: &str = "UnknownValue";

struct Variants<'m> {
    /// Members with their variant names, without repeated member strings.
    members: Vec<(Ident, &'m EnumMember)>,
    fallback: Ident,
}

fn variants<'m>(info: &EnumInfo<'m>) -> Variants<'m> {
    let mut taken = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let members = info
        .def
        .members
        .iter()
        // A repeated member string would make an unreachable match arm.
        .filter(|member| seen.insert(member.name.as_str()))
        .map(|member| {
            (
                ident(&unique_name(&pascal(&member.name), &mut taken)),
                member,
            )
        })
        .collect();
    let fallback = if taken.contains(FALLBACK) {
        FALLBACK_ALTERNATIVE
    } else {
        FALLBACK
    };
    Variants {
        members,
        fallback: ident(&unique_name(fallback, &mut taken)),
    }
}

/// The enum and its impls.
pub(crate) fn enum_items(info: &EnumInfo<'_>) -> TokenStream {
    let variants = variants(info);
    let name = ident(&info.name);
    let definition = definition(info, &name, &variants);
    let conversions = conversions(&name, &variants);
    quote! {
        #definition
        #conversions
        impl crate::runtime::StrEnum for #name {
            fn as_str(&self) -> &str {
                Self::as_str(self)
            }
            fn from_str(value: &str) -> Self {
                ::core::convert::From::from(value)
            }
        }
        crate::runtime::serde_str_enum!(#name);
    }
}

fn definition(info: &EnumInfo<'_>, name: &Ident, variants: &Variants<'_>) -> TokenStream {
    let mut doc_lines = docs::lines(info.def.description.as_deref().unwrap_or_default());
    if info.def.flags {
        if !doc_lines.is_empty() {
            doc_lines.push(String::new());
        }
        doc_lines.push(
            "Members combine: properties of this type are `crate::runtime::Flags` of it.".into(),
        );
    }
    let doc = docs::lines_attrs(&doc_lines);
    let members = variants.members.iter().map(|(variant, member)| {
        let doc = docs::attrs(
            member
                .description
                .as_deref()
                .unwrap_or(&format!("`{}`", member.name)),
        );
        quote!(#doc #variant,)
    });
    let fallback = &variants.fallback;
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        // Variant names are the documented member names, which may share a prefix
        // or suffix, or contain the enum's name.
        #[allow(clippy::enum_variant_names)]
        pub enum #name {
            #(#members)*
            /// A value the docs do not list, exactly as the service sent it.
            #fallback(crate::runtime::ArcStr),
        }
    }
}

/// `as_str` and `From<&str>`: member string ⇄ variant, other strings ⇄ fallback.
fn conversions(name: &Ident, variants: &Variants<'_>) -> TokenStream {
    let fallback = &variants.fallback;
    let to_str = variants.members.iter().map(|(variant, member)| {
        let text = &member.name;
        quote!(Self::#variant => #text,)
    });
    let from_str = variants.members.iter().map(|(variant, member)| {
        let text = &member.name;
        quote!(#text => Self::#variant,)
    });
    let unknown = quote!(Self::#fallback(crate::runtime::ArcStr::from(value)));
    // Without members, a `match` with a lone `_` arm would trip clippy.
    let from_body = if variants.members.is_empty() {
        unknown
    } else {
        quote!(match value { #(#from_str)* _ => #unknown, })
    };
    quote! {
        impl #name {
            /// The JSON string of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#fallback(value) => value.as_str(),
                }
            }
        }
        impl ::core::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                #from_body
            }
        }
    }
}
