//! Writing an emitted crate to disk: atomically, only what changed, nothing outside --out.
