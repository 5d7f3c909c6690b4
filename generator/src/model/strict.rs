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

/// One diagnostic per example property that the tables do not list.
pub fn check_examples(model: &Model) -> (usize, Vec<Diagnostic>) {
    use rayon::prelude::*;
    // Each example on its own, in parallel; diagnostics in example order.
    let per_example: Vec<Vec<Diagnostic>> = model
        .examples
        .par_iter()
        .map(|ex| {
            let mut diags = Vec::new();
            check_example(model, ex, &mut diags);
            diags
        })
        .collect();
    let strict = per_example.iter().filter(|d| d.is_empty()).count();
    (strict, per_example.into_iter().flatten().collect())
}

fn check_example(model: &Model, ex: &Example, out: &mut Vec<Diagnostic>) {
    let items: Vec<&Value> = match (&ex.json, ex.collection) {
        (Value::Array(a), _) => a.iter().collect(),
        (Value::Object(m), true) => match m.get("value") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ => vec![&ex.json],
        },
        (v, _) => vec![v],
    };
    let mut path = Vec::new();
    for item in items {
        check_value(model, &ex.ty, item, ex, &mut path, out);
    }
}

fn check_value(
    model: &Model,
    ty: &str,
    v: &Value,
    ex: &Example,
    path: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) {
    if path.len() > MAX_DEPTH {
        return;
    }
    match v {
        Value::Array(a) => a
            .iter()
            .for_each(|x| check_value(model, ty, x, ex, path, out)),
        Value::Object(map) => {
            let Some(t) = concrete_type(model, ty, map.get("@odata.type")) else {
                return;
            };
            if t.open || t.origin == super::Origin::Undocumented {
                return;
            }
            let props = all_properties(model, t);
            for (key, value) in map {
                if key.starts_with('@') || key.contains("@odata.") {
                    continue;
                }
                match props.iter().find(|p| &p.name == key) {
                    Some(p) => {
                        path.push(key.clone());
                        check_value(model, &p.ty, value, ex, path, out);
                        path.pop();
                    }
                    None => out.push(mismatch(model, t, key, ex, path)),
                }
            }
        }
        _ => {}
    }
}

fn mismatch(model: &Model, t: &TypeDef, key: &str, ex: &Example, path: &[String]) -> Diagnostic {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{}`)", path.join("."))
    };
    let names: Vec<&str> = all_properties(model, t)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let msg = format!(
        "example property `{key}`{at} is not in the tables of `{}` ({}:{}), which list: {}",
        t.qualified(),
        t.source.file,
        t.source.line,
        if names.is_empty() {
            "no properties".to_string()
        } else {
            names.join(", ")
        }
    );
    Diagnostic::new(
        &ex.source.file,
        ex.source.line,
        Severity::Warning,
        "example-undocumented-property",
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
