//! Typed bindings of the pages in `docs-input/`, generated at build time.
//!
//! `build.rs` reads `docs-input/` through the docbind library, emits the bindings
//! with the same options as `docbind generate` and includes them here as one file
//! (every module inline). Editing a page under `docs-input/` regenerates this crate
//! on the next build; a page docbind reports an error for fails the build.
//!
//! This is the library way of using docbind. The CLI way writes the same items as a
//! checked-in multi-file crate, `generated/` (`cargo run -p docbind -- generate`).
//! The build script also writes that multi-file form to `$OUT_DIR/crate`, so tests
//! can compare the two.

#![deny(warnings)]

include!(concat!(env!("OUT_DIR"), "/docbind_bindings.rs"));
