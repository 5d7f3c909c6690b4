//! JSON examples whose type is known: JSON representations of resources, and the
//! request and response bodies of API pages.

use super::build::Builder;
use super::{Call, CallResponse, Example, Operation, Source};
use crate::diag::Severity;
use crate::parse::{BlockRole, CodeBlock, Page, TypeRef};
use serde_json::Value;

/// The JSON of each block of a page that holds an example body (`None` for the
/// other blocks), parsed. It needs nothing of the model, and it is most of the
/// time spent on examples, so [`super::build::build_model`] does it for all pages
/// in parallel before the passes that need the builder.
pub fn parse_bodies(page: &Page) -> Vec<Option<serde_json::Result<Value>>> {
    page.blocks
        .iter()
        .map(|block| {
            let (text, _) = block.body.as_ref()?;
            matches!(
                block.role,
                BlockRole::Request | BlockRole::Response | BlockRole::Resource
            )
            .then(|| serde_json::from_str::<Value>(text))
        })
        .collect()
}

/// The examples of one page; `page_ops` are the operations made from it, `bodies`
/// what [`parse_bodies`] gave for it.
pub fn page_examples(
    b: &mut Builder,
    page: &Page,
    page_ops: &[&Operation],
    bodies: Vec<Option<serde_json::Result<Value>>>,
) -> Vec<Example> {
    let mut last_method: Option<String> = None;
    let mut out = Vec::new();
    for (block, body) in page.blocks.iter().zip(bodies) {
        if block.role == BlockRole::Request {
            last_method = block.method.clone();
        }
        let (Some((_, line)), Some(body)) = (&block.body, body) else {
            continue;
        };
        let json = match body {
            Ok(v) => v,
            Err(e) => {
                let at = line + e.line().saturating_sub(1) as u32;
                b.diag(
                    &page.file,
                    at,
                    Severity::Warning,
                    "example-invalid-json",
                    format!("example body is not valid JSON: {e}"),
                );
                continue;
            }
        };
        if block.role == BlockRole::Response && block.status == Some(204) {
            b.diag(
                &page.file,
                *line,
                Severity::Warning,
                "example-body-on-204",
                "a `204 No Content` response example has a body, which HTTP does not send; it is no example of a type".to_string(),
            );
            continue;
        }
        let op = page_ops
            .iter()
            .find(|o| Some(&o.method) == last_method.as_ref())
            .or_else(|| page_ops.first());
        let Some((ty, collection)) = example_type(b, page, block, op.copied()) else {
            continue;
        };
        if block.role == BlockRole::Request && ty == super::REFERENCE {
            warn_unless_reference(b, page, *line, &json);
        }
        if ty.starts_with("Edm.") {
            continue;
        }
        let def = b.types.get(&ty.to_ascii_lowercase());
        let is_struct = def.is_some();
        // A body whose own parameter is called `value` is not a value wrapper.
        let has_value = def.is_some_and(|t| t.properties.iter().any(|p| p.name == "value"));
        let (json, collection) = fit_shape(json, collection, is_struct && !has_value, is_struct);
        out.push(Example {
            role: role_name(block.role).to_string(),
            ty,
            collection,
            operation: op.map(|o| o.name.clone()),
            json,
            source: Source {
                file: page.file.clone(),
                line: block.line,
            },
        });
    }
    out
}

/// The request examples of a page, each with its response: the response whose
/// annotation has the request's `name`, else the first response after the
/// request (and before the next request) that no other request took.
pub fn page_calls(page: &Page) -> Vec<Call> {
    let name = |block: &CodeBlock| block.annotation.as_ref().and_then(|a| a.name.clone());
    let blocks = &page.blocks;
    let mut taken = vec![false; blocks.len()];
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let (BlockRole::Request, Some(method), Some(url)) = (block.role, &block.method, &block.url)
        else {
            continue;
        };
        let is_response = |b: &CodeBlock| b.role == BlockRole::Response;
        let by_name = name(block).and_then(|n| {
            (0..blocks.len()).find(|&j| {
                !taken[j] && is_response(&blocks[j]) && name(&blocks[j]) == Some(n.clone())
            })
        });
        let next = || {
            (i + 1..blocks.len())
                .take_while(|&j| blocks[j].role != BlockRole::Request)
                .find(|&j| !taken[j] && is_response(&blocks[j]))
        };
        let response = by_name.or_else(next).map(|j| {
            taken[j] = true;
            let r = &blocks[j];
            CallResponse {
                status: r.status,
                body: r.body.as_ref().map(|(text, _)| text.clone()),
                source: Source {
                    file: page.file.clone(),
                    line: r.line,
                },
            }
        });
        out.push(Call {
            method: method.clone(),
            url: url.clone(),
            body: block.body.as_ref().map(|(text, _)| text.clone()),
            source: Source {
                file: page.file.clone(),
                line: block.line,
            },
            response,
        });
    }
    out
}

/// The docs' prose and the example do not always agree on the shape of a body;
/// the example shows what the service sends, so its shape wins:
/// * an OData value wrapper (`{"value": ...}`) around an enum or a list of them is
///   unwrapped (structs are checked against the whole object);
/// * a "collection" example holding a single object is one item;
/// * `{"value": [...]}` described as a single object is a collection.
fn fit_shape(json: Value, collection: bool, may_wrap: bool, is_struct: bool) -> (Value, bool) {
    if is_struct && !may_wrap {
        return (json, collection);
    }
    // A wrapper holds `value` and nothing but OData annotations.
    let wrapper = json.as_object().is_some_and(|m| {
        m.contains_key("value") && m.keys().all(|k| k == "value" || k.starts_with('@'))
    });
    let wrapped = json
        .as_object()
        .and_then(|m| m.get("value"))
        .filter(|_| wrapper)
        .cloned();
    let has_value_array = matches!(wrapped, Some(Value::Array(_)));
    if !is_struct {
        let is_array = json.is_array();
        return match wrapped {
            Some(Value::Array(a)) => (Value::Array(a), true),
            Some(v) => (v, false),
            None => (json, collection && is_array),
        };
    }
    let single_object = json.is_object() && !has_value_array;
    if collection && single_object {
        (json, false)
    } else if !collection && has_value_array {
        (json, true)
    } else {
        (json, collection)
    }
}

/// A request to a `$ref` path sends `{"@odata.id": ...}` (or `{}` to clear one);
/// other properties are kept but are no reference.
fn warn_unless_reference(b: &mut Builder, page: &Page, line: u32, json: &Value) {
    let Some(object) = json.as_object() else {
        return;
    };
    if object.is_empty() || object.contains_key("@odata.id") {
        return;
    }
    b.diag(
        &page.file,
        line,
        Severity::Warning,
        "example-not-reference",
        "a request to a `$ref` path sends an entity reference (`@odata.id`), and this example has none".to_string(),
    );
}

fn role_name(role: BlockRole) -> &'static str {
    match role {
        BlockRole::Request => "request",
        BlockRole::Response => "response",
        _ => "resource",
    }
}

/// The type an example body should have: its annotation's `@odata.type` first, then
/// the page's resource type or the operation's body or response.
fn example_type(
    b: &mut Builder,
    page: &Page,
    block: &CodeBlock,
    op: Option<&Operation>,
) -> Option<(String, bool)> {
    let ann = block.annotation.as_ref();
    if let Some(odata) = ann.and_then(|a| a.odata_type.as_deref()) {
        if block.role != BlockRole::Request {
            let ns = b.namespace(page);
            let wl = super::build::workload(page, &ns);
            let r = TypeRef {
                name: odata.to_string(),
                link: None,
                collection: false,
                line: ann.map_or(block.line, |a| a.line),
            };
            let (ty, collection) = b.resolve_ref(&r, &ns, &page.file, &[], &wl);
            return Some((ty, collection || ann.is_some_and(|a| a.is_collection)));
        }
    }
    match block.role {
        BlockRole::Resource => b.page_type(&page.file).map(|t| (t, false)),
        BlockRole::Request => op.and_then(|o| Some((o.body.clone()?, o.body_collection))),
        _ => op.and_then(|o| Some((o.response.clone()?, o.response_collection))),
    }
}
