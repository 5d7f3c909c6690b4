//! The core's hand-written modules (see `runtime.rs`), side by side as in an
//! emitted crate, where they refer to one another as `super::runtime` and so on.

#[path = "runtime_src.rs"]
pub mod runtime;

#[path = "protocol_src.rs"]
pub mod protocol;

#[path = "batch_src.rs"]
pub mod batch;
