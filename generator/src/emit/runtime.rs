//! The hand-written modules of the generated crate, copied as they are without
//! their unit tests, which run as part of docbind's (see `emit/emitted.rs`): the
//! emitted crates' users would only compile them.
//!
//! - `runtime_src.rs` → `src/runtime.rs`: requests, answers, errors, and what the
//!   models are made of;
//! - `protocol_src.rs` → `src/protocol.rs`: retry decisions, redirects, upload
//!   sessions, without I/O;
//! - `batch_src.rs` → `src/batch.rs`: JSON batches, without I/O;
//! - `client_src.rs` → `src/client/mod.rs` (cargo feature `client`): the async
//!   client over a transport trait, and `reqwest_src.rs` →
//!   `src/client/reqwest.rs` (feature `reqwest`), its reqwest transport.
//!
//! The core (the first three) is all serde and serde_json; the client is the only
//! user of `http` and `futures-core`, and of reqwest, rustls and tokio with its
//! transport.

use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;

/// One hand-written module.
pub(crate) struct HandWritten {
    /// Its name in the emitted crate.
    pub name: &'static str,
    /// Its source, with its unit tests.
    source: &'static str,
    /// The cargo feature that makes it exist, if it is not always there.
    pub feature: Option<&'static str>,
}

pub(crate) const RUNTIME: HandWritten = HandWritten {
    name: "runtime",
    source: include_str!("runtime_src.rs"),
    feature: None,
};

pub(crate) const PROTOCOL: HandWritten = HandWritten {
    name: "protocol",
    source: include_str!("protocol_src.rs"),
    feature: None,
};

pub(crate) const BATCH: HandWritten = HandWritten {
    name: "batch",
    source: include_str!("batch_src.rs"),
    feature: None,
};

/// The modules that are always there, in the order of lib.rs.
pub(crate) const CORE: [&HandWritten; 3] = [&BATCH, &PROTOCOL, &RUNTIME];

pub(crate) const CLIENT: HandWritten = HandWritten {
    name: "client",
    source: include_str!("client_src.rs"),
    feature: Some(CLIENT_FEATURE),
};

/// A child of [`CLIENT`], declared by its source.
pub(crate) const REQWEST: HandWritten = HandWritten {
    name: "reqwest",
    source: include_str!("reqwest_src.rs"),
    feature: Some(REQWEST_FEATURE),
};

/// The cargo feature of the client, and of its reqwest transport: no workload's
/// feature may be named so (see `names::feature_name`).
pub(crate) const CLIENT_FEATURE: &str = "client";
pub(crate) const REQWEST_FEATURE: &str = "reqwest";

/// Where a module's unit tests start: they are its last item (a test below
/// checks that nothing else follows).
const TESTS: &str = "\n#[cfg(test)]\nmod tests {";

impl HandWritten {
    /// The module's source less its unit tests and final newline.
    pub(crate) fn emitted(&self) -> &'static str {
        let source = self.source;
        source
            .rfind(TESTS)
            .map_or(source, |at| &source[..at])
            .trim_end()
    }

    /// The module for an inline `mod name { ... }`: its module docs as outer
    /// attributes for the `mod` item (an `include!`d file may have no inner
    /// attributes), and its items.
    pub(crate) fn inline(&self) -> Result<(TokenStream, TokenStream), Error> {
        let file = syn::parse_file(self.emitted()).map_err(|e| {
            Error::Internal(format!(
                "the source of module {} does not parse: {e}",
                self.name
            ))
        })?;
        let attrs = file.attrs.into_iter().map(|mut attr| {
            attr.style = syn::AttrStyle::Outer;
            attr
        });
        let items = file.items;
        Ok((quote!(#(#attrs)*), quote!(#(#items)*)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&HandWritten; 5] = [&RUNTIME, &PROTOCOL, &BATCH, &CLIENT, &REQWEST];

    #[test]
    fn inline_modules_have_no_inner_attributes_nor_tests() {
        for module in CORE {
            let (attrs, items) = module.inline().unwrap();
            let attrs = attrs.to_string();
            assert!(attrs.starts_with("# [doc ="), "{attrs}");
            assert!(!attrs.contains("#!"));
            let items = items.to_string();
            assert!(!items.contains("mod tests"));
            assert!(!items.contains("#!"));
            // Tokens print on one line but for literals holding a line break, which
            // `krate::splice` would indent.
            assert!(
                !items.contains('\n'),
                "a multi-line literal in {}",
                module.name
            );
        }
        assert!(RUNTIME
            .inline()
            .unwrap()
            .1
            .to_string()
            .contains("pub fn encode_segment"));
    }

    #[test]
    fn emitted_modules_are_their_source_less_its_trailing_tests() {
        for module in ALL {
            let full = syn::parse_file(module.source).unwrap();
            let emitted_items = syn::parse_file(module.emitted()).unwrap().items;
            let has_tests = matches!(
                full.items.last(),
                Some(syn::Item::Mod(m)) if m.ident == "tests"
            );
            assert_eq!(
                emitted_items.len() + usize::from(has_tests),
                full.items.len(),
                "{}: the test module is the last item",
                module.name
            );
            assert!(module.source.starts_with(module.emitted()));
            assert!(!module.emitted().contains("cfg(test)"), "{}", module.name);
        }
    }

    #[test]
    fn the_core_names_no_crate_but_serde_and_serde_json() {
        for module in CORE {
            let text = module.emitted();
            for other in ["::http", "futures_core", "reqwest", "tokio", "rustls"] {
                assert!(!text.contains(other), "{} names {other}", module.name);
            }
        }
        assert!(CLIENT
            .emitted()
            .ends_with("#[cfg(feature = \"reqwest\")]\npub mod reqwest;"));
    }
}
