//! Nothing here: the package is its examples (see `examples/`) and their test.
