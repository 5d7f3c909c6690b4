//! Counts shown after `docbind generate`: pages by kind, items, diagnostics by kind.

use crate::diag::{Diagnostic, Severity};
use crate::model::Model;
use crate::parse::Page;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub pages: BTreeMap<String, usize>,
    pub types: usize,
    pub properties: usize,
    pub enums: usize,
    pub members: usize,
    pub operations: usize,
    pub examples: usize,
    /// Examples whose every property is in the tables of its type.
    pub strict_examples: usize,
    /// JSON properties of the examples in typed fields vs. in
    /// `additional_properties` ("typed coverage", see `model::strict`).
    pub coverage: crate::model::strict::Coverage,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: BTreeMap<String, usize>,
}

impl Summary {
    pub fn new(pages: &[Page], model: &Model, diags: &[Diagnostic]) -> Self {
        let mut s = Summary::default();
        for p in pages {
            *s.pages.entry(p.kind.as_str().to_string()).or_default() += 1;
        }
        s.types = model.types.len();
        s.properties = model.types.iter().map(|t| t.properties.len()).sum();
        s.enums = model.enums.len();
        s.members = model.enums.iter().map(|e| e.members.len()).sum();
        s.operations = model.operations.len();
        s.examples = model.examples.len();
        for d in diags {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Note => {}
            }
            *s.diagnostics.entry(d.code.to_string()).or_default() += 1;
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pages: Vec<String> = self.pages.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let total: usize = self.pages.values().sum();
        writeln!(f, "pages: {total} ({})", pages.join(", "))?;
        writeln!(
            f,
            "types: {} ({} properties), enums: {} ({} members), operations: {}, examples: {} ({} strict), typed coverage {:.4} ({} of {} properties)",
            self.types,
            self.properties,
            self.enums,
            self.members,
            self.operations,
            self.examples,
            self.strict_examples,
            self.coverage.share(),
            self.coverage.typed,
            self.coverage.typed + self.coverage.untyped
        )?;
        let kinds: Vec<String> = self
            .diagnostics
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        write!(
            f,
            "diagnostics: {} errors, {} warnings ({})",
            self.errors,
            self.warnings,
            kinds.join(", ")
        )
    }
}
