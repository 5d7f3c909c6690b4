//! Operations: one per method and path of every API page.

use super::build::{stem, workload, Builder};
use super::path::parse_template_reporting;
use super::{
    Header, Operation, Origin, PathParam, PathPart, PathTemplate, Permission, Source, TypeDef,
    TypeKind,
};
use crate::diag::Severity;
use crate::parse::{BlockRole, HttpTemplate, Page, PageKind, TypeRef};

pub fn page_operations(b: &mut Builder, page: &Page) -> Vec<Operation> {
    if page.kind != PageKind::Api {
        return Vec::new();
    }
    if page.templates.is_empty() {
        let msg = "API page has no request line (`METHOD /path`) under an \"HTTP request\" heading; no operation made".to_string();
        b.diag(
            &page.file,
            page.h1.as_ref().map_or(1, |h| h.1),
            Severity::Warning,
            "http-request-missing",
            msg,
        );
        return Vec::new();
    }
    let ns = b.namespace(page);
    let wl = workload(page, &ns);
    let names = super::page_names::operation_names(&page.templates, &base_name(b, page));
    let body = body_type(b, page, &ns, &wl);
    let response = response_ref(b, page).map(|t| b.resolve_ref(&t, &ns, &page.file, &[], &wl));
    if page.response.is_none() {
        let line = page.templates[0].line;
        b.diag(
            &page.file,
            line,
            Severity::Warning,
            "response-missing",
            "API page has no Response section; assuming no response body".to_string(),
        );
    }
    let mut ops = Vec::new();
    for (t, name) in page.templates.iter().zip(names) {
        let template = match parse_template_reporting(&t.path) {
            Ok((tpl, left_out)) => {
                for msg in left_out {
                    b.diag(&page.file, t.line, Severity::Warning, "path-query", msg);
                }
                values_as_params(b, tpl, page, t)
            }
            Err(e) => {
                b.diag(
                    &page.file,
                    t.line,
                    Severity::Error,
                    "path-template",
                    format!("{e}; no operation made for `{} {}`", t.method, t.path),
                );
                continue;
            }
        };
        let status = page
            .response
            .as_ref()
            .and_then(|r| r.status)
            .unwrap_or_else(|| default_status(&t.method, response.is_some()));
        let body = if adds_reference(&t.method, &template) {
            Some((super::REFERENCE.to_string(), false))
        } else {
            body.clone()
                .or_else(|| answered_type_sent(b, page, t, status, response.as_ref()))
                .or_else(|| untyped_body_shown(b, page, t))
        };
        ops.push(Operation {
            name,
            method: t.method.clone(),
            path: t.path.clone(),
            template,
            body: body.as_ref().map(|(q, _)| q.clone()),
            body_collection: body.as_ref().is_some_and(|(_, c)| *c),
            response: response.as_ref().map(|(q, _)| q.clone()),
            response_collection: response.as_ref().is_some_and(|(_, c)| *c),
            status,
            workload: wl.clone(),
            title: page.title.clone(),
            description: page.intro.clone().or_else(|| page.description.clone()),
            permissions: page
                .permissions
                .iter()
                .map(|(k, p)| Permission {
                    kind: k.clone(),
                    permissions: p.clone(),
                })
                .collect(),
            headers: page
                .headers
                .iter()
                .map(|(n, d)| Header {
                    name: n.clone(),
                    description: d.clone(),
                })
                .collect(),
            query_options: page.query.options.clone(),
            optional_headers: optional_headers(page),
            source: Source {
                file: page.file.clone(),
                line: t.line,
            },
            sources: Vec::new(),
        });
    }
    ops
}

/// The response type: the one the Response section's prose links; else, when the
/// prose says there is a body (a status other than 204) without linking its type
/// ("a String collection", "the newly created **chat** resource"), the `@odata.type`
/// that the annotations of the page's response examples state, when they all state
/// the same one.
fn response_ref(b: &mut Builder, page: &Page) -> Option<TypeRef> {
    let facts = page.response.as_ref()?;
    match &facts.ty {
        Some(t) if t.link.is_some() => Some(t.clone()),
        // A primitive the prose names without a link ("a String collection")
        // gives way to the examples' annotation, which shows what comes back.
        Some(t) => Some(annotated_response(b, page, facts.line).unwrap_or_else(|| t.clone())),
        None if facts.no_body => None,
        None => annotated_response(b, page, facts.line),
    }
}

/// The `@odata.type` the annotations of the page's response examples state, if
/// they all state the same one (see [`response_ref`]).
fn annotated_response(b: &mut Builder, page: &Page, prose_line: u32) -> Option<TypeRef> {
    let mut stated = page
        .blocks
        .iter()
        .filter(|block| block.role == BlockRole::Response)
        .filter_map(|block| block.annotation.as_ref())
        .filter_map(|a| Some((a.odata_type.as_deref()?, a.is_collection, a.line)));
    let (name, is_collection, line) = stated.next()?;
    let same = |(n, c, _): (&str, bool, u32)| n.eq_ignore_ascii_case(name) && c == is_collection;
    if !stated.all(same) {
        return None;
    }
    b.diag(
        &page.file,
        prose_line,
        Severity::Note,
        "response-from-example",
        format!("the Response section links no type; the response examples' annotation states `{name}`, used as the response type"),
    );
    Some(TypeRef {
        name: name.to_string(),
        link: None,
        collection: is_collection,
        line,
    })
}

/// The body of a create (`POST` answered `201`) or an update (`PATCH`, `PUT`)
/// whose page names no body type but shows a request example with a JSON
/// object: the entity it answers with, which is the one it creates or changes
/// (OData's rule for both). An action (a `POST` answered otherwise) is left
/// alone: what it answers says nothing of what it takes.
fn answered_type_sent(
    b: &mut Builder,
    page: &Page,
    t: &HttpTemplate,
    status: u16,
    response: Option<&(String, bool)>,
) -> Option<(String, bool)> {
    let (ty, false) = response? else {
        return None;
    };
    let writes = match t.method.as_str() {
        "POST" => status == 201,
        "PATCH" | "PUT" => true,
        _ => false,
    };
    if !writes || !shows_json_body(page, t) || ty.starts_with("Edm.") {
        return None;
    }
    b.diag(
        &page.file,
        t.line,
        Severity::Note,
        "body-from-response",
        format!(
            "the Request body section names no type; `{} {}` sends the `{ty}` it answers with",
            t.method, t.path
        ),
    );
    Some((ty.clone(), false))
}

/// A request example of `t`'s method on the page has a JSON object or array body.
fn shows_json_body(page: &Page, t: &HttpTemplate) -> bool {
    page.blocks.iter().any(|block| {
        block.role == BlockRole::Request
            && block.method.as_deref() == Some(t.method.as_str())
            && block
                .body
                .as_ref()
                .is_some_and(|(text, _)| text.trim_start().starts_with(['{', '[']))
    })
}

/// A write whose page documents no body (no type, no table, no answer to take
/// it from) but whose request example sends JSON: the body is untyped JSON, so
/// the request can still be made, and the page's gap is a warning.
fn untyped_body_shown(b: &mut Builder, page: &Page, t: &HttpTemplate) -> Option<(String, bool)> {
    let writes = matches!(t.method.as_str(), "POST" | "PATCH" | "PUT");
    if !writes || !shows_json_body(page, t) {
        return None;
    }
    b.diag(
        &page.file,
        t.line,
        Severity::Warning,
        "body-undocumented",
        format!("the request example of `{} {}` sends a JSON body that the page documents no type or table for; the body is untyped JSON", t.method, t.path),
    );
    Some(("Edm.Untyped".to_string(), false))
}

/// A `POST` or `PUT` to a `$ref` path sends an entity reference (OData's protocol),
/// though pages describe it as "a JSON representation of" the entity or as a
/// table with one `@odata.id` row.
fn adds_reference(method: &str, template: &PathTemplate) -> bool {
    let last = template.segments.last().map(Vec::as_slice);
    matches!(method, "POST" | "PUT")
        && matches!(last, Some([PathPart::Literal(word)]) if word.eq_ignore_ascii_case("$ref"))
}

/// `ConsistencyLevel` and `Prefer` where the request headers table lists them
/// (`Prefer: outlook.timezone` is `Prefer`) or the query section names them.
fn optional_headers(page: &Page) -> Vec<String> {
    use crate::parse::query::{CONSISTENCY_LEVEL, PREFER};
    let mut out = page.query.headers.clone();
    for (name, _) in &page.headers {
        let name = name.split(':').next().unwrap_or_default();
        let name = name.trim().trim_matches(['`', '*']).trim();
        for known in [CONSISTENCY_LEVEL, PREFER] {
            if name.eq_ignore_ascii_case(known) && !out.iter().any(|h| h == known) {
                out.push(known.to_string());
            }
        }
    }
    out.sort();
    out
}

/// A path segment that is a value (`/education/classes/acdefc6b2dc64e71b1e96d9810ab1793`,
/// an example's id written into the request line) is a parameter: a request
/// function with the value in it would always address that one item.
fn values_as_params(
    b: &mut Builder,
    mut tpl: PathTemplate,
    page: &Page,
    t: &HttpTemplate,
) -> PathTemplate {
    for segment in tpl.segments.iter_mut() {
        let [PathPart::Literal(text)] = segment.as_slice() else {
            continue;
        };
        if !looks_like_a_value(text) {
            continue;
        }
        let msg = format!(
            "`{text}` in `{} {}` is a value, not a name: read as a parameter",
            t.method, t.path
        );
        b.diag(&page.file, t.line, Severity::Warning, "path-value", msg);
        *segment = vec![PathPart::Param(tpl.params.len())];
        tpl.params.push(PathParam { name: "id".into() });
    }
    tpl
}

/// An id: 16 or more hex digits (dashes allowed, as in GUIDs), with a digit.
fn looks_like_a_value(text: &str) -> bool {
    let hex = text.chars().filter(|c| *c != '-');
    text.len() >= 16
        && hex.clone().all(|c| c.is_ascii_hexdigit())
        && text.chars().any(|c| c.is_ascii_digit())
}

fn default_status(method: &str, has_body: bool) -> u16 {
    match method {
        "POST" if has_body => 201,
        "DELETE" => 204,
        _ if has_body => 200,
        _ => 204,
    }
}

/// The request body: the type named by "supply a JSON representation of [x]", or
/// the page's parameter table as a struct of its own (actions), or nothing.
fn body_type(b: &mut Builder, page: &Page, ns: &str, wl: &str) -> Option<(String, bool)> {
    // `value | x collection` in the table: the body is `{"value": [...]}`, and a
    // "JSON representation of [x]" sentence describes its items.
    let value_list = page
        .body_rows
        .iter()
        .any(|r| r.name == "value" && r.ty.as_ref().is_some_and(|t| t.collection));
    if let Some(r) = page.body_ref.as_ref().filter(|_| !value_list) {
        let (q, collection) = b.resolve_ref(r, ns, &page.file, &[], wl);
        merge_body_properties(b, page, &q, ns, wl);
        return Some((q, collection));
    }
    let writes = page
        .templates
        .iter()
        .any(|t| matches!(t.method.as_str(), "POST" | "PATCH" | "PUT"));
    if page.body_rows.is_empty() || !writes {
        return None;
    }
    if let Some(updated) = updated_type(b, page, ns) {
        return Some((updated, false));
    }
    let name = format!("{}RequestBody", body_type_stem(page));
    let props = body_properties(b, page, ns, wl, &name);
    let line = page.body_rows[0].line;
    let def = TypeDef {
        name,
        namespace: ns.to_string(),
        kind: TypeKind::Complex,
        base: None,
        is_abstract: false,
        open: false,
        origin: Origin::Parameters,
        derived: Vec::new(),
        workload: wl.to_string(),
        description: Some(format!("Request body of `{}`.", stem(&page.file))),
        properties: props,
        source: Source {
            file: page.file.clone(),
            line,
        },
    };
    Some((b.add_parameters_type(def), false))
}

/// The resource type an update page sends: a page named `<type>-update` with a
/// PATCH or PUT whose body table lists properties of that type (its own or its
/// bases') and nothing else sends the type itself, with the properties to change
/// set and the rest absent. So a value read from the service can be sent back,
/// and there is one `User` rather than a `User` and a `UserUpdateRequestBody`.
/// Instance annotations (`manager@odata.bind`) are no properties and do not
/// count. A table with any other row keeps a body type of its own.
fn updated_type(b: &Builder, page: &Page, ns: &str) -> Option<String> {
    let updates = page
        .templates
        .iter()
        .any(|t| matches!(t.method.as_str(), "PATCH" | "PUT"));
    let stem = stem(&page.file);
    let name = stem.strip_suffix("-update")?.rsplit('-').next()?;
    if !updates || name.is_empty() {
        return None;
    }
    let key = format!("{ns}.{name}").to_ascii_lowercase();
    let t = b.types.get(&key).filter(|t| t.origin == Origin::Resource)?;
    let known = properties_with_bases(b, &key, ns);
    let mut rows = page.body_rows.iter().filter(|r| !r.name.contains('@'));
    rows.all(|r| known.contains(r.name.as_str()))
        .then(|| t.qualified())
}

/// The property names of the type under `key` and of the bases its pages state,
/// as far as they are known (bases are linked later; this follows their names).
fn properties_with_bases<'b>(
    b: &'b Builder,
    key: &str,
    ns: &str,
) -> std::collections::HashSet<&'b str> {
    let mut names = std::collections::HashSet::new();
    let mut next = Some(key.to_string());
    let mut seen = std::collections::HashSet::new();
    while let Some(key) = next.take().filter(|k| seen.insert(k.clone())) {
        let Some(t) = b.types.get(&key) else { break };
        names.extend(t.properties.iter().map(|p| p.name.as_str()));
        if t.kind == TypeKind::Entity {
            names.insert("id"); // the key, from `entity` if no base says it
        }
        let base = b.bases.get(&key).and_then(|bases| bases.first());
        next = base.map(|(r, _)| {
            let candidate = format!("{ns}.{}", r.name).to_ascii_lowercase();
            if b.types.contains_key(&candidate) {
                candidate
            } else {
                format!("microsoft.graph.{}", r.name).to_ascii_lowercase()
            }
        });
    }
    names
}

/// The name an action's body type starts with: from an H1 of the form
/// `type: action` when there is one (`userAssignLicense`), else from the file stem.
fn body_type_stem(page: &Page) -> String {
    if let Some((ty, action)) = page.h1.as_ref().and_then(|h| h.0.split_once(':')) {
        let (ty, action) = (ty.trim(), action.trim());
        let plain =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
        if plain(ty) && plain(action) && !ty.contains(' ') {
            return camel(&format!("{ty} {action}"));
        }
    }
    camel(&stem(&page.file))
}

/// `user-assign-license` → `userAssignLicense` (inner capitals are kept).
fn camel(s: &str) -> String {
    let mut out = String::new();
    for (i, w) in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            if i == 0 {
                out.push(f.to_ascii_lowercase())
            } else {
                out.push(f.to_ascii_uppercase())
            }
            out.extend(cs);
        }
    }
    out
}

/// An operation's name from its page's file stem (`user-list-messages`). File names
/// are lower case, so each word takes the casing of a type or path segment it
/// names (`devicemanagementresourceaccessprofileassignment` →
/// `deviceManagementResourceAccessProfileAssignment`); the area prefix of the
/// generated Intune pages (`intune-rapolicy-`) is dropped.
fn base_name(b: &Builder, page: &Page) -> String {
    let stem = stem(&page.file);
    let mut words: Vec<&str> = stem.split('-').filter(|w| !w.is_empty()).collect();
    if words.first() == Some(&"intune") && words.len() >= 4 {
        words.drain(..2);
    }
    let segments: Vec<String> = page.templates.iter().flat_map(segment_words).collect();
    let recased: Vec<String> = words
        .iter()
        .map(|w| {
            b.index
                .spelling(w)
                .map(str::to_string)
                .or_else(|| segments.iter().find(|s| s.eq_ignore_ascii_case(w)).cloned())
                .unwrap_or_else(|| w.to_string())
        })
        .collect();
    if recased.is_empty() {
        stem
    } else {
        recased.join("-")
    }
}

/// Literal path words as written: `microsoft.graph.assignLicense(x='{y}')` → `assignLicense`.
fn segment_words(t: &HttpTemplate) -> Vec<String> {
    t.path
        .split(['/', '?'])
        .map(|s| s.split('(').next().unwrap_or(s))
        .map(|s| s.rsplit('.').next().unwrap_or(s))
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_string)
        .collect()
}

/// A body type with no page of its own (the seed's case: its resource page is
/// not in the input) is described by the request-body tables that send it
/// (origin `requests`): the union of their rows, in page order. A type with a
/// page keeps its tables: body tables also list action parameters and nested
/// paths (`files/fileName`) that are no properties of the type.
fn merge_body_properties(b: &mut Builder, page: &Page, qualified: &str, ns: &str, wl: &str) {
    let key = qualified.to_ascii_lowercase();
    let Some(t) = b.types.get(&key) else { return };
    let described_here = matches!(t.origin, Origin::Undocumented | Origin::Requests);
    if page.body_rows.is_empty() || !described_here {
        return;
    }
    let owner = t.name.clone();
    let mut props = t.properties.clone();
    for row in &page.body_rows {
        if row.name.contains('@') || props.iter().any(|p| p.name == row.name) {
            continue; // instance annotations (`x@odata.bind`) are no properties
        }
        props.extend(b.property(row, false, ns, &page.file, wl, &owner));
    }
    if let Some(t) = b.types.get_mut(&key) {
        t.origin = Origin::Requests;
        t.open = false;
        t.properties = props;
    }
}

fn body_properties(
    b: &mut Builder,
    page: &Page,
    ns: &str,
    wl: &str,
    owner: &str,
) -> Vec<super::Property> {
    let mut props: Vec<super::Property> = Vec::new();
    // A set, not a search of `props`: a table may have 100,000 rows.
    let mut kept = std::collections::HashSet::new();
    for row in &page.body_rows {
        if kept.contains(&row.name) {
            let msg = format!(
                "`{}` is listed twice in the request body table; the first row is kept",
                row.name
            );
            b.diag(
                &page.file,
                row.line,
                Severity::Warning,
                "property-duplicate",
                msg,
            );
            continue;
        }
        if let Some(p) = b.property(row, false, ns, &page.file, wl, owner) {
            kept.insert(p.name.clone());
            props.push(p);
        }
    }
    props
}
