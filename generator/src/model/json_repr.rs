//! Properties that a resource page's JSON representation shows and its tables do
//! not list (a defect of the page, about 2% of the pages that have both): each
//! becomes a property typed from its placeholder value, with a warning, so that
//! what the docs show is read into a typed field.

use super::build::Builder;
use super::{Property, Source, TypeDef};
use crate::diag::{Diagnostic, Severity};
use crate::parse::{BlockRole, Page, TypeRef};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The JSON of each block of a page, as `examples::parse_bodies` gives it.
pub type Bodies = [Option<serde_json::Result<Value>>];

/// Pushes to `out` the properties the page's JSON representation of type `key`
/// shows beyond `known` and `out`: candidates, kept by [`add`] once the bases
/// are known.
pub fn extra_properties(
    b: &mut Builder,
    key: &str,
    page: &Page,
    bodies: &Bodies,
    known: &[Property],
    out: &mut Vec<Property>,
) {
    // An open type's representation shows keys of its own choosing (user ids in
    // `plannerUserIds`): they are no properties.
    let Some((qualified, ns, workload)) = b
        .types
        .get(key)
        .filter(|t| !t.open)
        .map(|t| (t.qualified(), t.namespace.clone(), t.workload.clone()))
    else {
        return;
    };
    for (block, body) in page.blocks.iter().zip(bodies) {
        let (BlockRole::Resource, Some(Ok(Value::Object(map))), Some((_, line))) =
            (block.role, body, &block.body)
        else {
            continue;
        };
        if !represents(map, &qualified) {
            continue;
        }
        for (name, value) in map {
            let listed = known.iter().chain(out.iter()).any(|p| &p.name == name);
            if listed || name.starts_with('@') || name.contains("@odata.") {
                continue;
            }
            let Some((ty, collection)) =
                placeholder_type(b, value, &ns, &page.file, *line, &workload)
            else {
                continue;
            };
            out.push(Property {
                name: name.clone(),
                ty,
                collection,
                navigation: false,
                description: None,
                source: Source {
                    file: page.file.clone(),
                    line: *line,
                },
            });
        }
    }
}

/// The block shows the type itself, not a derived one (its `@odata.type`, if any,
/// names the type).
fn represents(map: &Map<String, Value>, qualified: &str) -> bool {
    match map.get("@odata.type").and_then(Value::as_str) {
        Some(t) => t.trim_start_matches('#').eq_ignore_ascii_case(qualified),
        None => true,
    }
}

/// The type a placeholder stands for: `"String"` (and any text) a string,
/// `"String (timestamp)"` a DateTimeOffset, `true` a Boolean, `1024` an Int32
/// (Int64 when it does not fit), `1.5` a Double, `{"@odata.type": "x"}` the type
/// x, `[v]` a collection of what v is. `null`, `{}` without a type and `[]` say
/// nothing.
fn placeholder_type(
    b: &mut Builder,
    value: &Value,
    ns: &str,
    file: &str,
    line: u32,
    workload: &str,
) -> Option<(String, bool)> {
    let one = |b: &mut Builder, v: &Value| -> Option<String> {
        Some(match v {
            Value::Bool(_) => "Edm.Boolean".into(),
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let fits = n.as_i64().is_some_and(|i| i32::try_from(i).is_ok());
                if fits { "Edm.Int32" } else { "Edm.Int64" }.into()
            }
            Value::Number(_) => "Edm.Double".into(),
            Value::String(s) if s.to_ascii_lowercase().contains("(timestamp)") => {
                "Edm.DateTimeOffset".into()
            }
            Value::String(_) => "Edm.String".into(),
            Value::Object(m) => {
                let name = m.get("@odata.type")?.as_str()?.trim_start_matches('#');
                let r = TypeRef {
                    name: name.to_string(),
                    line,
                    ..TypeRef::default()
                };
                b.resolve_ref(&r, ns, file, &[], workload).0
            }
            Value::Null | Value::Array(_) => return None,
        })
    };
    match value {
        Value::Array(items) => one(b, items.first()?).map(|t| (t, true)),
        v => one(b, v).map(|t| (t, false)),
    }
}

/// Adds each candidate of [`extra_properties`] that neither its type nor a base of
/// it declares, with a warning (the docs' tables lack it).
pub fn add(
    types: &mut BTreeMap<String, TypeDef>,
    candidates: Vec<(String, Property)>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (key, p) in candidates {
        let Some(t) = types.get(&key) else { continue };
        let declared = std::iter::once(t)
            .chain(super::link::ancestors(types, t))
            .any(|a| a.properties.iter().any(|known| known.name == p.name));
        if declared {
            continue;
        }
        let shown = if p.collection {
            format!("{} collection", p.ty)
        } else {
            p.ty.clone()
        };
        let msg = format!(
            "`{}` is in the JSON representation but not in the tables of `{}` or its bases; typed `{shown}` from its value",
            p.name,
            t.qualified()
        );
        let d = Diagnostic::new(
            &p.source.file,
            p.source.line,
            Severity::Warning,
            "property-from-json",
            msg,
        );
        diags.push(d);
        if let Some(t) = types.get_mut(&key) {
            t.properties.push(p);
        }
    }
    diags
}
