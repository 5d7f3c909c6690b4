//! One struct per type of the model (entity, complex or undocumented alike).

use super::index::{Index, TypeInfo};
use super::names::{ident, snake, unique_name};
use super::{docs, eq};
use crate::model::Property;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

/// Field names every struct has; property fields get other names.
const ODATA_TYPE_FIELD: &str = "odata_type";
const ADDITIONAL_FIELD: &str = "additional_properties";

/// A property with the Rust name of its field.
struct Field<'m> {
    name: String,
    prop: &'m Property,
}

/// The property fields of a struct, in order, with names unique in the struct.
fn fields<'m>(index: &Index<'m>, info: &TypeInfo<'m>) -> Vec<Field<'m>> {
    let mut taken: BTreeSet<String> = [ODATA_TYPE_FIELD, ADDITIONAL_FIELD]
        .iter()
        .map(|s| s.to_string())
        .collect();
    index
        .properties(info)
        .into_iter()
        .map(|prop| Field {
            name: unique_name(&snake(&prop.name), &mut taken),
            prop,
        })
        .collect()
}

/// The struct of a type, and its (de)serialization through `runtime::Object`.
pub(crate) fn struct_item(index: &Index<'_>, info: &TypeInfo<'_>) -> TokenStream {
    let doc = docs::attrs(info.def.description.as_deref().unwrap_or_default());
    let name = ident(&info.name);
    let fields = fields(index, info);
    // No field is gated: the features that make this struct exist make its
    // fields' types exist too (see `gates`).
    let definitions = fields.iter().map(|field| field_tokens(index, info, field));
    let object = object_impl(index, info, &name, &fields);
    let odata_type = ident(ODATA_TYPE_FIELD);
    let additional = ident(ADDITIONAL_FIELD);
    let (eq_derive, eq_impl) = eq::partial_eq(&name, &eq_fields(&fields));
    quote! {
        #doc
        #[derive(Clone, Debug, Default #eq_derive)]
        pub struct #name {
            /// The `@odata.type` of the value, e.g. `#microsoft.graph.user`, when it has one.
            pub #odata_type: ::core::option::Option<crate::runtime::ArcStr>,
            #(#definitions)*
            /// The properties the docs do not describe (and values that do not have
            /// the documented type), kept so that a round trip loses nothing.
            pub #additional: crate::runtime::Properties,
        }
        #eq_impl
        #object
    }
}

/// Every field of the struct, for [`eq::partial_eq`].
fn eq_fields(fields: &[Field<'_>]) -> Vec<Ident> {
    let own = fields.iter().map(|f| ident(&f.name));
    std::iter::once(ident(ODATA_TYPE_FIELD))
        .chain(own)
        .chain([ident(ADDITIONAL_FIELD)])
        .collect()
}

/// `Object` (per-field reading and writing) plus one-line serde impls on top of it:
/// far less code for the compiler than a serde derive with flatten.
fn object_impl(
    index: &Index<'_>,
    owner: &TypeInfo<'_>,
    name: &Ident,
    fields: &[Field<'_>],
) -> TokenStream {
    let odata_type = ident(ODATA_TYPE_FIELD);
    let additional = ident(ADDITIONAL_FIELD);
    // A JSON name given twice (or `@odata.type` as a property) would make an
    // unreachable arm and write a key twice: the first field of a name gets it.
    let mut seen = BTreeSet::from(["@odata.type"]);
    let (mut arms, mut writes) = (Vec::new(), Vec::new());
    for field in fields {
        let json = field.prop.name.as_str();
        if !seen.insert(json) {
            continue;
        }
        let name = ident(&field.name);
        let (read, write) = if field.prop.collection {
            (quote!(read_list), quote!(list))
        } else if boxed(index, owner, field) {
            (quote!(read_boxed), quote!(field))
        } else {
            (quote!(read_value), quote!(field))
        };
        // The key's bytes against the name's (see `runtime::Key`); the name
        // itself is passed on, for a value kept in the additional properties.
        let bytes = proc_macro2::Literal::byte_string(json.as_bytes());
        arms.push(quote!(#bytes => crate::runtime::#read(map, #json, &mut self.#name, rest),));
        // No `?`: the writer keeps the first error and `finish` returns it.
        writes.push(quote!(writer.#write(#json, &self.#name);));
    }
    // Generic over the serde reader and writer: rustc generates their code in the
    // crate that uses them, for the types it uses, instead of for every type
    // when this crate is built.
    quote! {
        impl crate::runtime::Object for #name {
            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &[u8],
                map: &mut crate::runtime::Entries<A>,
            ) -> ::core::result::Result<(), A::Error> {
                let rest = &mut self.#additional;
                match key {
                    b"@odata.type" => crate::runtime::read_tag(map, &mut self.#odata_type, rest),
                    #(#arms)*
                    _ => crate::runtime::read_other(map, key, rest),
                }
            }
            fn write<'a, M: ::serde::ser::SerializeMap>(
                &'a self,
                writer: &mut crate::runtime::ObjectWriter<'a, M>,
            ) -> ::core::result::Result<(), M::Error> {
                writer.start(&self.#odata_type, &self.#additional);
                #(#writes)*
                writer.finish()
            }
            #[inline]
            fn parts(
                &mut self,
            ) -> (
                &mut ::core::option::Option<crate::runtime::ArcStr>,
                &mut crate::runtime::Properties,
            ) {
                (&mut self.#odata_type, &mut self.#additional)
            }
        }
        crate::runtime::serde_object!(#name);
    }
}

/// One property field: `runtime::Field<T>` (absent, `null` or a value). A field
/// whose Rust name differs from its JSON name says the JSON name in its docs and
/// has it as a rustdoc search alias.
fn field_tokens(index: &Index<'_>, owner: &TypeInfo<'_>, field: &Field<'_>) -> TokenStream {
    let json_name = &field.prop.name;
    // One block of doc lines: the description, then the JSON name when it differs.
    let mut doc_lines = docs::lines(field.prop.description.as_deref().unwrap_or_default());
    if field.name != *json_name {
        doc_lines.push(docs::one_line(&format!("JSON: `{json_name}`.")));
    }
    let doc = docs::lines_attrs(&doc_lines);
    let alias = (field.name != *json_name && is_alias(json_name))
        .then(|| quote!(#[doc(alias = #json_name)]));
    let name = ident(&field.name);
    let mut ty = index.type_ref(&field.prop.ty);
    if field.prop.collection {
        ty = quote!(crate::runtime::ThinVec<#ty>);
    } else if boxed(index, owner, field) {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    quote! {
        #doc
        #alias
        pub #name: crate::runtime::Field<#ty>,
    }
}

/// Whether a field is a `Box`: every single-valued struct or `Any…` field, as in a
/// serde derive of the same types (which also cuts every cycle): inline, a
/// resource would hold the structs of everything it links to, kilobytes zeroed
/// and moved on every read.
fn boxed(index: &Index<'_>, owner: &TypeInfo<'_>, field: &Field<'_>) -> bool {
    !field.prop.collection
        && (index.is_boxed(&owner.qualified, &field.prop.name)
            || index.types.contains_key(&field.prop.ty))
}

/// Whether rustdoc takes `name` as a search alias: it refuses empty ones and
/// some characters (quotes, spaces at the ends, control characters), so only
/// names made of the usual JSON name characters become aliases.
fn is_alias(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | '$' | '#'))
}
