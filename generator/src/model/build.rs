//! Building the linked model from page facts.

use super::Model;
use crate::diag::Diagnostic;
use crate::parse::Page;

pub fn build_model(_pages: &[Page]) -> (Model, Vec<Diagnostic>) {
    (Model::default(), Vec::new())
}
