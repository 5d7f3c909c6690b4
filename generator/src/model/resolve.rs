//! Resolving type references across pages.
