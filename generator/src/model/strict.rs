//! Strict conformance of the docs' JSON examples: does every property an example
//! shows appear in the tables of its type? A mismatch is a defect of the docs, not
//! of the bindings (the generated types keep unknown properties), so it is reported
//! as a lint finding, the way a docs linter would.

use super::{Example, Model, TypeDef};
use crate::diag::{Diagnostic, Severity};
use serde_json::Value;

/// Deepest JSON nesting followed (examples are a few levels deep; this only bounds
/// hostile input).
const MAX_DEPTH: usize = 64;

/// How many JSON properties of the examples land in typed fields of the
/// generated types, and how many in `additional_properties` (see [`check_examples`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    pub typed: usize,
    pub untyped: usize,
}

impl Coverage {
    /// The typed share, 0 to 1 (1 when there is nothing to type).
    pub fn share(&self) -> f64 {
        let all = self.typed + self.untyped;
        if all == 0 {
            1.0
        } else {
            self.typed as f64 / all as f64
        }
    }

    fn add(&mut self, other: Coverage) {
        self.typed += other.typed;
        self.untyped += other.untyped;
    }
}

/// What checking the examples found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Examples whose every property is typed.
    pub strict: usize,
    pub coverage: Coverage,
    /// One per untyped property occurrence.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks every example against the model. A property counts as typed when the
/// object's type (its `@odata.type` when that derives from the expected type)
/// lists it, the type is described (not `undocumented`), and the value has the
/// property's JSON kind (a string for text and enums, an integer that fits for
/// integers, an array of fitting items for collections, ...), at every level
/// below typed properties. Instance annotations (`@odata.type`, `x@odata.bind`)
/// are not counted. Every other property is a diagnostic: it lands in
/// `additional_properties`, and the reader can tell from the message whether the
/// docs or docbind fall short.
pub fn check_examples(model: &Model) -> Checked {
    use rayon::prelude::*;
    // Each example on its own, in parallel; diagnostics in example order.
    let per_example: Vec<(Coverage, Vec<Diagnostic>)> = model
        .examples
        .par_iter()
        .map(|ex| {
            let mut diags = Vec::new();
            let cov = check_example(model, ex, &mut diags);
            (cov, diags)
        })
        .collect();
    let mut checked = Checked::default();
    for (cov, diags) in per_example {
        checked.strict += usize::from(diags.is_empty());
        checked.coverage.add(cov);
        checked.diagnostics.extend(diags);
    }
    checked
}

fn check_example(model: &Model, ex: &Example, out: &mut Vec<Diagnostic>) -> Coverage {
    let items: Vec<&Value> = match (&ex.json, ex.collection) {
        (Value::Array(a), _) => a.iter().collect(),
        (Value::Object(m), true) => match m.get("value") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ => vec![&ex.json],
        },
        (v, _) => vec![v],
    };
    let mut cx = Cx {
        model,
        ex,
        path: Vec::new(),
        out,
        cov: Coverage::default(),
    };
    for item in items {
        cx.value(&ex.ty, item);
    }
    cx.cov
}

/// The walk over one example.
struct Cx<'m, 'o> {
    model: &'m Model,
    ex: &'m Example,
    path: Vec<String>,
    out: &'o mut Vec<Diagnostic>,
    cov: Coverage,
}

impl Cx<'_, '_> {
    fn value(&mut self, ty: &str, v: &Value) {
        if self.path.len() > MAX_DEPTH {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|x| self.value(ty, x)),
            Value::Object(map) => self.object(ty, map),
            _ => {}
        }
    }

    fn object(&mut self, ty: &str, map: &serde_json::Map<String, Value>) {
        let model = self.model;
        let Some(t) = concrete_type(model, ty, map.get("@odata.type")) else {
            return;
        };
        let props = if t.origin == super::Origin::Undocumented {
            Vec::new()
        } else {
            all_properties(model, t)
        };
        for (key, value) in map {
            if key.starts_with('@') || key.contains("@odata.") {
                continue;
            }
            match props.iter().find(|p| &p.name == key) {
                Some(p) if fits(model, p, value) => {
                    self.cov.typed += 1;
                    self.path.push(key.clone());
                    self.value(&p.ty, value);
                    self.path.pop();
                }
                found => {
                    self.cov.untyped += 1;
                    let why = match found {
                        Some(p) => Why::Kind(p),
                        None => Why::Unlisted,
                    };
                    let d = mismatch(model, t, key, self.ex, &self.path, why);
                    self.out.push(d);
                }
            }
        }
    }
}

/// Why a property is not typed.
enum Why<'m> {
    /// The type's tables do not list it (or the type is not described).
    Unlisted,
    /// It is listed, but the value has another JSON kind.
    Kind(&'m super::Property),
}

/// The value has the JSON kind the generated field reads (null always does).
fn fits(model: &Model, p: &super::Property, v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) if p.collection => items.iter().all(|x| fits_one(model, &p.ty, x)),
        _ if p.collection => false,
        one => fits_one(model, &p.ty, one),
    }
}

fn fits_one(model: &Model, ty: &str, v: &Value) -> bool {
    let int = |lo: i64, hi: i64| v.as_i64().is_some_and(|n| (lo..=hi).contains(&n));
    match ty {
        "Edm.Untyped" => true,
        _ if v.is_null() => true,
        "Edm.Boolean" => v.is_boolean(),
        "Edm.Int16" => int(i16::MIN.into(), i16::MAX.into()),
        "Edm.Int32" => int(i32::MIN.into(), i32::MAX.into()),
        "Edm.Int64" => v.is_i64(),
        "Edm.Byte" => int(0, 255),
        "Edm.SByte" => int(-128, 127),
        "Edm.Double" | "Edm.Single" | "Edm.Decimal" => v.is_number(),
        _ if super::primitives::is_text(ty) => v.is_string(),
        _ if model.enum_by_name(ty).is_some() => v.is_string(),
        _ if model.type_by_name(ty).is_some() => v.is_object(),
        _ => true,
    }
}

fn mismatch(
    model: &Model,
    t: &TypeDef,
    key: &str,
    ex: &Example,
    path: &[String],
    why: Why,
) -> Diagnostic {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{}`)", path.join("."))
    };
    let (code, msg) = match why {
        Why::Kind(p) => (
            "example-wrong-kind",
            format!(
                "example property `{key}`{at} of `{}` does not have the JSON kind of its type `{}{}` ({}:{}); it is kept untyped",
                t.qualified(),
                p.ty,
                if p.collection { " collection" } else { "" },
                p.source.file,
                p.source.line
            ),
        ),
        Why::Unlisted if t.origin == super::Origin::Undocumented => (
            "example-undocumented-property",
            format!(
                "example property `{key}`{at} is untyped: `{}` is not described in the input",
                t.qualified()
            ),
        ),
        Why::Unlisted => {
            let names: Vec<&str> = all_properties(model, t)
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            let listed = if names.is_empty() {
                "no properties".to_string()
            } else {
                names.join(", ")
            };
            let msg = format!(
                "example property `{key}`{at} is not in the tables of `{}` ({}:{}), which list: {listed}",
                t.qualified(),
                t.source.file,
                t.source.line,
            );
            ("example-undocumented-property", msg)
        }
    };
    Diagnostic::new(
        &ex.source.file,
        ex.source.line,
        Severity::Warning,
        code,
        msg,
    )
}

/// The type to check an object against: the derived type its `@odata.type` names
/// when that type derives from `ty`, else `ty` itself.
fn concrete_type<'m>(model: &'m Model, ty: &str, odata: Option<&Value>) -> Option<&'m TypeDef> {
    let declared = model.type_by_name(ty)?;
    let named = odata
        .and_then(Value::as_str)
        .map(|s| s.trim_start_matches('#'));
    let Some(named) = named else {
        return Some(declared);
    };
    let derived = model
        .type_by_name(named)
        .or_else(|| model.types.iter().find(|t| named_ignoring_case(t, named)));
    // Compared field by field: this runs for every object of every example.
    let same = |a: &TypeDef| a.namespace == declared.namespace && a.name == declared.name;
    match derived {
        Some(d) if same(d) || ancestors(model, d).any(same) => Some(d),
        _ => Some(declared),
    }
}

/// `t.qualified().eq_ignore_ascii_case(q)` without building the qualified name.
fn named_ignoring_case(t: &TypeDef, q: &str) -> bool {
    let (ns, name, q) = (t.namespace.as_bytes(), t.name.as_bytes(), q.as_bytes());
    q.len() == ns.len() + 1 + name.len()
        && q[..ns.len()].eq_ignore_ascii_case(ns)
        && q[ns.len()] == b'.'
        && q[ns.len() + 1..].eq_ignore_ascii_case(name)
}

fn ancestors<'m>(model: &'m Model, t: &'m TypeDef) -> impl Iterator<Item = &'m TypeDef> {
    let mut cur = t.base.as_deref().and_then(|b| model.type_by_name(b));
    let mut steps = 0;
    std::iter::from_fn(move || {
        let t = cur?;
        steps += 1;
        cur = if steps > MAX_DEPTH {
            None
        } else {
            t.base.as_deref().and_then(|b| model.type_by_name(b))
        };
        Some(t)
    })
}

/// Own and inherited properties.
pub fn all_properties<'m>(model: &'m Model, t: &'m TypeDef) -> Vec<&'m super::Property> {
    let mut out: Vec<&super::Property> = t.properties.iter().collect();
    for a in ancestors(model, t) {
        out.extend(a.properties.iter());
    }
    out
}
