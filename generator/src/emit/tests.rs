//! End-to-end tests of the emitter on a small hand-made model that holds every
//! hard case: polymorphism across namespaces, cycles, keywords and colliding
//! names, types named like std items, odd enums, and awkward operations.
//!
//! `emitted_crate_builds_and_behaves` writes the crate with test programs and
//! runs `cargo test` and `cargo clippy` on it; `sample_crate_snapshot` holds what
//! it emits.

use super::*;
use crate::model::{
    EnumDef, EnumMember, Header, Operation, Origin, PathParam, PathPart, PathTemplate, Permission,
    Property, QueryPart, Source, TypeDef, TypeKind,
};

const GRAPH: &str = "microsoft.graph";
const CALLS: &str = "microsoft.graph.callRecords";

pub(super) fn prop(name: &str, ty: &str) -> Property {
    Property {
        name: name.into(),
        ty: ty.into(),
        collection: false,
        navigation: false,
        description: Some(format!("The {name}.")),
        source: Source::default(),
    }
}

fn many(name: &str, ty: &str) -> Property {
    Property {
        collection: true,
        ..prop(name, ty)
    }
}

pub(super) fn ty(
    namespace: &str,
    name: &str,
    base: Option<&str>,
    properties: Vec<Property>,
) -> TypeDef {
    TypeDef {
        name: name.into(),
        namespace: namespace.into(),
        kind: TypeKind::Entity,
        base: base.map(str::to_string),
        is_abstract: false,
        open: false,
        origin: Origin::Resource,
        derived: Vec::new(),
        workload: "test".into(),
        description: Some(format!("A {name}.")),
        properties,
        source: Source {
            file: format!("resources/{name}.md"),
            line: 1,
        },
    }
}

pub(super) fn enumeration(namespace: &str, name: &str, members: &[&str], flags: bool) -> EnumDef {
    EnumDef {
        name: name.into(),
        namespace: namespace.into(),
        members: members
            .iter()
            .map(|m| EnumMember {
                name: m.to_string(),
                value: None,
                description: None,
            })
            .collect(),
        flags,
        workload: "test".into(),
        description: Some(format!("The {name} values.")),
        source: Source::default(),
    }
}

/// `/a/{x}/b` → segments and params, the way the model writes templates.
fn template(path: &str) -> PathTemplate {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params: Vec<PathParam> = Vec::new();
    let mut parts_of = |text: &str| -> Vec<PathPart> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').unwrap() + open;
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].into()));
            }
            parts.push(PathPart::Param(params.len()));
            params.push(PathParam {
                name: rest[open + 1..close].into(),
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.into()));
        }
        parts
    };
    let segments = path
        .trim_start_matches('/')
        .split('/')
        .map(&mut parts_of)
        .collect();
    let query = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| {
            let (name, value) = q.split_once('=').unwrap_or((q, ""));
            QueryPart {
                name: name.into(),
                value: parts_of(value),
            }
        })
        .collect();
    PathTemplate {
        segments,
        query,
        params,
    }
}

pub(super) fn op(name: &str, method: &str, path: &str, status: u16) -> Operation {
    Operation {
        name: name.into(),
        method: method.into(),
        path: path.into(),
        template: template(path),
        body: None,
        body_collection: false,
        response: None,
        response_collection: false,
        status,
        workload: "test".into(),
        title: Some(format!("Run {name}")),
        description: Some("Does it.".into()),
        permissions: vec![
            Permission {
                kind: "Delegated (work or school account)".into(),
                permissions: "User.Read | All".into(),
            },
            Permission {
                kind: "Application".into(),
                permissions: "User.Read.All".into(),
            },
        ],
        headers: vec![Header {
            name: "Authorization".into(),
            description: "Bearer {token}. Required.".into(),
        }],
        source: Source {
            file: format!("api/{}.md", name.trim_end_matches("-me")),
            line: 3,
        },
        query_options: Vec::new(),
        optional_headers: Vec::new(),
        sources: Vec::new(),
    }
}

fn q(name: &str) -> String {
    format!("{GRAPH}.{name}")
}

/// The model of the tests (sorted the way the model builder sorts).
pub(super) fn sample_model() -> Model {
    let g = |n: &str| q(n);
    let mut types = vec![
        ty(GRAPH, "entity", None, vec![prop("id", "Edm.String")]),
        ty(
            GRAPH,
            "directoryObject",
            Some(&g("entity")),
            vec![prop("deletedDateTime", "Edm.DateTimeOffset")],
        ),
        ty(
            GRAPH,
            "user",
            Some(&g("directoryObject")),
            vec![
                prop("displayName", "Edm.String"),
                // A derived type referenced by another derived type.
                prop("primaryGroup", &g("group")),
                // A polymorphic reference: through AnyDirectoryObject, back to user.
                prop("manager", &g("directoryObject")),
                many("memberOf", &g("directoryObject")),
                prop("mystery", &g("mystery")),
                // Re-declared lower down: replaces the inherited one, in place.
                Property {
                    description: Some("The user's id.".into()),
                    ..prop("id", "Edm.String")
                },
            ],
        ),
        ty(
            GRAPH,
            "group",
            Some(&g("directoryObject")),
            vec![
                prop("visibility", "Edm.String"),
                many("members", &g("user")),
            ],
        ),
        ty(
            GRAPH,
            "device",
            Some(&g("directoryObject")),
            vec![prop("status", &g("status"))],
        ),
        ty(
            GRAPH,
            "node",
            None,
            vec![prop("parent", &g("node")), many("children", &g("node"))],
        ),
        ty(GRAPH, "ping", None, vec![prop("pong", &g("pong"))]),
        ty(
            GRAPH,
            "pong",
            None,
            vec![prop("ping", &g("ping")), prop("node", &g("node"))],
        ),
        ty(
            GRAPH,
            "keywords",
            None,
            [
                "type",
                "self",
                "crate",
                "async",
                "Self",
                "fooBar",
                "FooBar",
                "foo_bar",
                "additionalProperties",
                "odata_type",
                "@odata.type",
                "@odata.etag",
                "2fa",
                "",
                "kebab-name",
                "$value",
                "ünïcode",
            ]
            .iter()
            .map(|name| prop(name, "Edm.String"))
            .chain([
                prop("status", &g("status")),
                prop("access", &g("access")),
                many("history", &g("status")),
                many("accessHistory", &g("access")),
                prop("empty", &g("empty")),
                prop("error", &g("error")),
                prop("option", &g("option")),
                prop("result", &g("result")),
                prop("box", &g("box")),
                prop("request", &g("request")),
                prop("string", &g("string")),
                prop("vec", &g("vec")),
                prop("some", &g("some")),
                prop("elsewhere", "microsoft.graph.notInTheModel"),
            ])
            .collect(),
        ),
        ty(
            GRAPH,
            "primitives",
            None,
            crate::model::primitives::ALL
                .iter()
                .map(|p| prop(&p.replace('.', ""), p))
                .collect(),
        ),
        ty(
            GRAPH,
            "error",
            None,
            vec![prop("code", "Edm.String"), prop("inner", &g("error"))],
        ),
        ty(
            GRAPH,
            "option",
            None,
            vec![prop("value", &g("result")), many("values", &g("option"))],
        ),
        ty(
            GRAPH,
            "result",
            None,
            vec![prop("ok", &g("box")), prop("err", &g("error"))],
        ),
        ty(GRAPH, "box", None, vec![prop("inner", &g("string"))]),
        ty(GRAPH, "request", None, vec![prop("vec", &g("vec"))]),
        ty(GRAPH, "string", None, vec![prop("value", "Edm.String")]),
        ty(GRAPH, "vec", None, vec![many("items", &g("string"))]),
        ty(GRAPH, "some", None, vec![prop("none", "Edm.Boolean")]),
        // File names that would collide with the `requests` module and module inception.
        ty(GRAPH, "requests", None, vec![prop("count", "Edm.Int32")]),
        ty(GRAPH, "graph", None, vec![prop("count", "Edm.Int32")]),
        // Named like the Any… enum of `node`'s... of `directoryObject`.
        ty(GRAPH, "anyDirectoryObject", None, vec![]),
        ty(
            GRAPH,
            "assignLicenseParameters",
            None,
            vec![
                many("addLicenses", "Edm.Guid"),
                many("removeLicenses", "Edm.Guid"),
            ],
        ),
        ty(
            CALLS,
            "callRecord",
            Some(&g("entity")),
            vec![many("sessions", &format!("{CALLS}.session"))],
        ),
        ty(
            CALLS,
            "session",
            None,
            vec![
                prop("callRecord", &format!("{CALLS}.callRecord")),
                prop("caller", &g("user")),
            ],
        ),
        // Same name as graph's user: the AnyEntity variants must stay distinct.
        ty(CALLS, "user", Some(&g("entity")), vec![]),
    ];
    let mut mystery = ty(GRAPH, "mystery", None, vec![prop("ignored", "Edm.String")]);
    mystery.origin = Origin::Undocumented;
    mystery.description = None;
    types.push(mystery);
    let mut params = types
        .iter()
        .position(|t| t.name == "assignLicenseParameters")
        .map(|i| types.remove(i))
        .unwrap();
    params.origin = Origin::Parameters;
    params.kind = TypeKind::Complex;
    types.push(params);
    types.iter_mut().find(|t| t.name == "entity").unwrap().description =
        Some("Tricky \"text\" */ with <br> a [link] and\r\n```\nfn main() { panic!() }\n```\n    indented\n- item\nlazy\n- [x]: y\n".into());
    // Fill `derived` the way the model does (the emitter follows `base`).
    let qualified: Vec<(String, Option<String>)> = types
        .iter()
        .map(|t| (t.qualified(), t.base.clone()))
        .collect();
    for t in &mut types {
        let own = t.qualified();
        t.derived = qualified
            .iter()
            .filter(|(_, b)| b.as_deref() == Some(&own))
            .map(|(q, _)| q.clone())
            .collect();
    }
    types.sort_by_key(TypeDef::qualified);

    let mut enums = vec![
        enumeration(
            GRAPH,
            "status",
            &["apply", "remove", "unknown", "unknownFutureValue", "Apply"],
            false,
        ),
        enumeration(GRAPH, "access", &["read", "write"], true),
        enumeration(GRAPH, "empty", &[], false),
        enumeration(
            GRAPH,
            "repeated",
            &["a", "a", "unknown", "UnknownValue"],
            false,
        ),
        enumeration("contoso.runtime", "mode", &["fast", "self"], false),
    ];
    enums.sort_by_key(EnumDef::qualified);

    let mut operations = vec![
        Operation {
            response: Some(g("directoryObject")),
            ..op("directoryobject-get", "GET", "/directoryObjects/{id}", 200)
        },
        Operation {
            response: Some(g("user")),
            query_options: vec!["$expand".into(), "$select".into()],
            ..op("user-get", "GET", "/users/{id|userPrincipalName}", 200)
        },
        Operation {
            response: Some(g("user")),
            // The same set as user-get: one marker for both.
            query_options: vec!["$expand".into(), "$select".into()],
            ..op("user-get-me", "GET", "/me", 200)
        },
        Operation {
            response: Some(g("directoryObject")),
            response_collection: true,
            query_options: [
                "$count", "$expand", "$filter", "$orderby", "$search", "$select", "$skip", "$top",
            ]
            .map(String::from)
            .to_vec(),
            optional_headers: vec!["ConsistencyLevel".into(), "Prefer".into()],
            ..op("group-list-members", "GET", "/groups/{id}/members", 200)
        },
        Operation {
            body: Some(g("user")),
            ..op("user-update", "PATCH", "/users/{id}", 204)
        },
        op(
            "group-delete-member",
            "DELETE",
            "/groups/{id}/members/{id}/$ref",
            204,
        ),
        Operation {
            response: Some("microsoft.graph.reportRoot".into()),
            ..op(
                "report-get",
                "GET",
                "/reports/getReport(period='{period}',body='{body}')",
                200,
            )
        },
        Operation {
            response: Some("Edm.Stream".into()),
            ..op("photo-get", "GET", "/users/{user-id}/photo/$value", 200)
        },
        Operation {
            body: Some("Edm.Stream".into()),
            ..op("photo-update", "PUT", "/users/{user-id}/photo/$value", 204)
        },
        Operation {
            body: Some(g("assignLicenseParameters")),
            response: Some(g("user")),
            ..op(
                "user-assignlicense",
                "POST",
                "/users/{id}/assignLicense",
                200,
            )
        },
        Operation {
            response: Some(g("user")),
            response_collection: true,
            // `$filter` and `$top` are fixed by the template: no setter for them;
            // `$skiptoken` has none.
            query_options: [
                "$count",
                "$filter",
                "$search",
                "$select",
                "$skiptoken",
                "$top",
            ]
            .map(String::from)
            .to_vec(),
            optional_headers: vec!["ConsistencyLevel".into()],
            ..op(
                "user-list",
                "GET",
                "/users?$filter=startswith(displayName,'{prefix}')&$top=5",
                200,
            )
        },
        op(
            "deep-delete",
            "DELETE",
            "/a/{p1}/b/{p2}/c/{p3}/d/{p4}/e/{p5}/f/{p6}/g/{p7}/h/{p8}",
            204,
        ),
        Operation {
            response: Some(format!("{CALLS}.callRecord")),
            ..op(
                "callrecord-get",
                "GET",
                "/communications/callRecords/{id}",
                200,
            )
        },
        Operation {
            body: Some(g("keywords")),
            body_collection: true,
            response: Some(g("status")),
            ..op("keywords-batch", "POST", "/keywords/batch", 200)
        },
        Operation {
            response: Some(g("keywords")),
            ..op(
                "keywords-weird",
                "report",
                "/keywords/{a.b}/{self}/{..}/x y#z",
                207,
            )
        },
    ];
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    Model {
        types,
        enums,
        operations,
        examples: Vec::new(),
        calls: Vec::new(),
    }
}

fn opts() -> EmitOptions {
    EmitOptions {
        crate_name: "sample-bindings".into(),
        command: "docbind generate --out x\n#![oops]".into(),
    }
}

fn emitted() -> Output {
    emit(&sample_model(), &opts()).unwrap()
}

/// Whether `text` holds `code`, ignoring whitespace (so formatting choices of
/// prettyplease do not matter).
pub(super) fn has(text: &str, code: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    squash(text).contains(&squash(code))
}

/// Whether `text` has the `match` arm `pattern => call`, however it is formatted
/// (in braces or not, arguments on one line or one per line).
fn has_arm(text: &str, pattern: &str, call: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<String>()
            .replace(",)", ")")
            .replace(['{', '}'], "")
    };
    norm(text).contains(&norm(&format!("{pattern} => {call}")))
}

pub(super) fn file<'o>(output: &'o Output, path: &str) -> &'o str {
    output
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:#?}", output.files.keys()))
}

#[test]
fn lays_out_one_file_per_item() {
    let output = emitted();
    let paths: Vec<&str> = output.files.keys().map(String::as_str).collect();
    for path in [
        "Cargo.toml",
        "src/lib.rs",
        "src/runtime.rs",
        "src/graph/mod.rs",
        "src/graph/user.rs",
        "src/graph/directory_object.rs",
        "src/graph/status.rs",
        "src/graph/box_.rs",
        "src/graph/requests_2.rs",
        "src/graph/graph_2.rs",
        "src/graph/requests/mod.rs",
        "src/graph/requests/users.rs",
        "src/call_records/mod.rs",
        "src/call_records/call_record.rs",
        "src/call_records/requests/communications.rs",
        "src/runtime_2/mod.rs",
        "src/runtime_2/mode.rs",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:#?}");
    }
    // One file per type and enum, plus lib, runtime, protocol, batch, options, the
    // client's reqwest.rs, Cargo.toml, mod.rs files, request pages.
    let model = sample_model();
    let items = paths
        .iter()
        .filter(|p| !p.ends_with("mod.rs") && !p.contains("/requests/"))
        .count();
    assert_eq!(items, model.types.len() + model.enums.len() + 7);
}

#[test]
fn every_file_starts_with_the_header() {
    let output = emitted();
    let header =
        "@generated by docbind. Do not edit; regenerate with: docbind generate --out x #![oops]";
    for (path, text) in &output.files {
        let first = text.lines().next().unwrap();
        let marker = if path.ends_with(".toml") { "# " } else { "// " };
        assert_eq!(first, format!("{marker}{header}"), "{path}");
    }
    let runtime = file(&output, "src/runtime.rs");
    assert!(runtime.ends_with(&format!("\n{}\n", runtime::RUNTIME.emitted())));
    let client = file(&output, "src/client/mod.rs");
    assert!(client.ends_with(&format!("\n{}\n", runtime::CLIENT.emitted())));
    let reqwest = file(&output, "src/client/reqwest.rs");
    assert!(reqwest.ends_with(&format!("\n{}\n", runtime::REQWEST.emitted())));
    for path in ["src/protocol.rs", "src/batch.rs"] {
        assert!(!file(&output, path).contains("mod tests"), "{path}");
    }
    assert!(
        !runtime.contains("mod tests"),
        "the runtime's tests stay in docbind"
    );
}

#[test]
fn output_is_deterministic_and_independent_of_input_order() {
    let first = emitted();
    assert_eq!(first, emitted());
    let mut model = sample_model();
    model.types.reverse();
    model.enums.reverse();
    model.operations.reverse();
    // The model's own lookups expect sorted types; the emitter must not care.
    assert_eq!(emit(&model, &opts()).unwrap(), first);
    assert_eq!(
        emit_single_file(&model, &opts()).unwrap(),
        emit_single_file(&sample_model(), &opts()).unwrap()
    );
}

#[test]
fn lib_declares_modules_and_reexports_the_runtime() {
    let output = emitted();
    let lib = file(&output, "src/lib.rs");
    assert!(!lib.contains("deny(warnings)"), "{lib}");
    for line in [
        "pub mod runtime;",
        "pub mod graph;",
        "pub mod call_records;",
        "pub mod runtime_2;",
    ] {
        assert!(lib.contains(line), "{line} in {lib}");
    }
    assert!(
        lib.contains("pub use self::runtime::{\n    Body, Collection, Download, Error, Field, Flags, Method, Primitive, Reference, Reply,\n    Request, ServiceError,\n};"),
        "{lib}"
    );
    let cargo = file(&output, "Cargo.toml");
    assert!(cargo.contains("name = \"sample-bindings\"\n"), "{cargo}");
    assert!(cargo.contains("edition = \"2021\""));
    assert!(!cargo.contains("[workspace]"));
    assert!(
        cargo.contains(
            "[lib]\n# Docs hold page text: it must never run as code.\ndoctest = false\n"
        ),
        "{cargo}"
    );
    let graph = file(&output, "src/graph/mod.rs");
    assert!(
        graph.contains(
            "#[cfg(feature = \"test\")]\n#[rustfmt::skip]\nmod user;\n#[cfg(feature = \"test\")]\npub use self::user::User;"
        ),
        "{graph}"
    );
    assert!(
        cargo.contains("[features]\ndefault = [\"full\"]\nfull = [\"test\"]\n"),
        "{cargo}"
    );
    assert!(cargo.ends_with("\n\"test\" = []\n"), "{cargo}");
    // The client is no default, and its dependencies are optional.
    for line in [
        "client = [\"dep:http\", \"dep:futures-core\"]\n",
        "reqwest = [\"client\", \"dep:reqwest\", \"dep:rustls\", \"dep:tokio\"]\n",
        "http = { version = \"1\", optional = true }\n",
    ] {
        assert!(cargo.contains(line), "{line} in {cargo}");
    }
    assert!(
        lib.contains("#[cfg(feature = \"client\")]\n#[rustfmt::skip]\npub mod client;"),
        "{lib}"
    );
    for module in ["batch", "protocol"] {
        assert!(
            lib.contains(&format!("#[rustfmt::skip]\npub mod {module};")),
            "{lib}"
        );
    }
    assert!(
        graph.contains("pub use self::directory_object::{DirectoryObject, AnyDirectoryObject2};"),
        "{graph}"
    );
    assert!(graph.contains("pub mod requests;"), "{graph}");
}

#[test]
fn structs_have_inherited_fields_and_keep_everything() {
    let output = emitted();
    let user = file(&output, "src/graph/user.rs");
    let fields: Vec<&str> = user
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .collect();
    let names: Vec<&str> = fields.iter().filter_map(|f| f.split(':').next()).collect();
    assert_eq!(
        names,
        [
            "struct User {",
            "odata_type",
            "id",
            "deleted_date_time",
            "display_name",
            "primary_group",
            "manager",
            "member_of",
            "mystery",
            "additional_properties"
        ]
    );
    assert!(
        user.contains("/// The user's id."),
        "re-declared property wins: {user}"
    );
    assert!(user.contains("impl crate::runtime::Object for User"));
    assert!(
        has_arm(
            user,
            "b\"deletedDateTime\"",
            "crate::runtime::read_value(map, \"deletedDateTime\", &mut self.deleted_date_time, rest)"
        ),
        "{user}"
    );
    assert!(user.contains("crate::runtime::serde_object!(User);"));
    // Polymorphic references go through Any…, collections are not boxed, a
    // reference back into the cycle is.
    assert!(
        user.contains("pub manager: ::core::option::Option<\n        ::core::option::Option<::std::boxed::Box<crate::graph::AnyDirectoryObject2>>,")
            || user.contains("::std::boxed::Box<crate::graph::AnyDirectoryObject2>"),
        "{user}"
    );
    assert!(
        user.contains("crate::runtime::ThinVec<crate::graph::AnyDirectoryObject2>"),
        "{user}"
    );
    assert!(
        has(
            user,
            "crate::runtime::Field<::std::boxed::Box<crate::graph::Group>>"
        ),
        "{user}"
    );
    let mystery = file(&output, "src/graph/mystery.rs");
    assert!(
        !mystery.contains("ignored"),
        "undocumented types only keep the map: {mystery}"
    );
}

#[test]
fn field_names_are_sanitized_and_unique() {
    let output = emitted();
    let keywords = file(&output, "src/graph/keywords.rs");
    for (field, json) in [
        ("type_", "type"),
        ("self_", "self"),
        ("crate_", "crate"),
        ("async_", "async"),
        ("self_2", "Self"),
        ("foo_bar", "fooBar"),
        ("foo_bar_2", "FooBar"),
        ("additional_properties_2", "additionalProperties"),
        ("odata_type_2", "odata_type"),
        ("odata_etag", "@odata.etag"),
        ("_2fa", "2fa"),
        ("unnamed", ""),
        ("kebab_name", "kebab-name"),
        ("value", "$value"),
        ("n_code", "ünïcode"),
    ] {
        // The field reads (matching the key's bytes) and writes its exact JSON name.
        let read = format!("crate::runtime::read_value(map, {json:?}, &mut self.{field}, rest)");
        let bytes = proc_macro2::Literal::byte_string(json.as_bytes()).to_string();
        assert!(
            has_arm(keywords, &bytes, &read),
            "{field} → {json}: {keywords}"
        );
        let write = format!("writer.field({json:?}, &self.{field});");
        assert!(has(keywords, &write), "{field} → {json}");
    }
    // Only fields whose name differs from the JSON name say the JSON name in docs.
    assert!(has(keywords, "/// JSON: `fooBar`."), "{keywords}");
    let user = file(&output, "src/graph/user.rs");
    assert!(!user.contains("/// JSON: `id`."), "{user}");
    // `@odata.type` is read by the struct's own field, never as a property.
    assert_eq!(keywords.matches("\"@odata.type\" =>").count(), 1);
    assert!(keywords.contains("crate::runtime::Flags<crate::graph::Access>"));
    assert!(
        keywords.contains("crate::runtime::ThinVec<crate::runtime::Flags<crate::graph::Access>>")
    );
    assert!(keywords.contains("pub elsewhere: crate::runtime::Field<::serde_json::Value>"));
}

#[test]
fn nested_objects_are_boxed() {
    // Every single-valued struct or `Any…` field is boxed (which also cuts every
    // cycle); collections, primitives and enums are not.
    let output = emitted();
    let boxed = |path: &str, field: &str| {
        let text = file(&output, path);
        let at = text
            .find(&format!("pub {field}:"))
            .unwrap_or_else(|| panic!("{field} in {text}"));
        let end = at + text[at..].find(",\n").unwrap();
        text[at..end].contains("::std::boxed::Box<")
    };
    assert!(boxed("src/graph/node.rs", "parent"));
    assert!(!boxed("src/graph/node.rs", "children"));
    assert!(boxed("src/graph/ping.rs", "pong"));
    assert!(boxed("src/graph/pong.rs", "ping"));
    assert!(boxed("src/graph/pong.rs", "node"));
    assert!(boxed("src/graph/error.rs", "inner"));
    assert!(boxed("src/graph/option.rs", "value"));
    assert!(boxed("src/graph/user.rs", "primary_group"));
    assert!(boxed("src/graph/user.rs", "manager"));
    assert!(boxed("src/call_records/session.rs", "call_record"));
    assert!(boxed("src/call_records/session.rs", "caller"));
    assert!(!boxed("src/graph/user.rs", "display_name"));
}

#[test]
fn polymorphic_types_get_an_any_enum() {
    let output = emitted();
    let entity = file(&output, "src/graph/entity.rs");
    assert!(entity.contains("pub enum AnyEntity {"), "{entity}");
    for variant in [
        "Entity(crate::graph::Entity)",
        "CallRecord(::std::boxed::Box<crate::call_records::CallRecord>)",
        "User(::std::boxed::Box<crate::call_records::User>)",
        "Device(::std::boxed::Box<crate::graph::Device>)",
        "DirectoryObject(::std::boxed::Box<crate::graph::DirectoryObject>)",
        "Group(::std::boxed::Box<crate::graph::Group>)",
        "User2(::std::boxed::Box<crate::graph::User>)",
    ] {
        assert!(entity.contains(variant), "{variant}: {entity}");
    }
    assert!(
        has_arm(
            entity,
            "\"microsoft.graph.callrecords.callrecord\"",
            "::core::option::Option::Some(\
             source.read().map(|value| Self::CallRecord(::std::boxed::Box::new(value))))"
        ),
        "{entity}"
    );
    assert!(has(entity, "type Base = crate::graph::Entity;"), "{entity}");
    assert!(has(entity, "Self::Entity(value)"), "{entity}");
    assert!(
        has(entity, "_ => ::core::option::Option::None,"),
        "the base type and unknown tags: {entity}"
    );
    assert!(
        has(entity, "crate::runtime::serde_poly!(AnyEntity);"),
        "{entity}"
    );
    let directory = file(&output, "src/graph/directory_object.rs");
    assert!(
        directory.contains("pub enum AnyDirectoryObject2 {"),
        "{directory}"
    );
    assert!(
        !file(&output, "src/graph/user.rs").contains("enum"),
        "user has no derived types"
    );
    // The documented `anyDirectoryObject` keeps its name.
    assert!(file(&output, "src/graph/any_directory_object.rs")
        .contains("pub struct AnyDirectoryObject {"));
}

#[test]
fn enums_keep_unknown_values() {
    let output = emitted();
    let status = file(&output, "src/graph/status.rs");
    for text in [
        "Apply,",
        "Remove,",
        "Unknown,",
        "UnknownFutureValue,",
        "Apply2,",
        "UnknownValue(crate::runtime::ArcStr),",
        "Self::Unknown => \"unknown\",",
        "\"Apply\" => Self::Apply2,",
        "_ => Self::UnknownValue(crate::runtime::ArcStr::from(value)),",
    ] {
        assert!(status.contains(text), "{text}: {status}");
    }
    let repeated = file(&output, "src/graph/repeated.rs");
    assert_eq!(repeated.matches("\"a\" =>").count(), 1, "{repeated}");
    assert!(
        repeated.contains("UnknownValue2(crate::runtime::ArcStr)"),
        "{repeated}"
    );
    let empty = file(&output, "src/graph/empty.rs");
    assert!(
        empty.contains("Self::Unknown(crate::runtime::ArcStr::from(value))"),
        "{empty}"
    );
    assert!(file(&output, "src/runtime_2/mode.rs").contains("Self_,"));
}

#[test]
fn request_functions() {
    let output = emitted();
    let text = |page: &str| file(&output, &format!("src/graph/requests/{page}.rs")).to_string();
    let user_get = text("users");
    let me = text("me");
    assert!(
        has(&user_get, "pub fn user_get(user_id: &str"),
        "{user_get}"
    );
    assert!(
        has(
            &user_get,
            "[\"/users/\", crate::runtime::encode_segment(user_id).as_str()]"
        ),
        "{user_get}"
    );
    assert!(
        has(
            &me,
            "pub fn user_get_me() -> crate::runtime::Request<crate::graph::User, crate::options::ExpandSelect,>"
        ),
        "{me}"
    );
    assert!(
        has(
            &me,
            "crate::runtime::Request::new(crate::runtime::Method::Get, \"/me\", 200)"
        ),
        "{me}"
    );
    assert!(
        user_get.contains("/// `GET /users/{id|userPrincipalName}`"),
        "{user_get}"
    );
    assert!(
        user_get.contains("/// | Delegated (work or school account) | User.Read \\| All |"),
        "{user_get}"
    );
    assert!(user_get.contains("/// # Request headers"), "{user_get}");

    let delete = text("groups");
    assert!(
        has(&delete, "group_id: &str,\n    member_id: &str,"),
        "{delete}"
    );
    assert!(has(&delete, "\"/members/\""), "{delete}");
    assert!(has(&delete, "\"/$ref\""), "{delete}");
    assert!(has(&delete, "crate::runtime::Request<()>"), "{delete}");

    let report = text("reports");
    assert!(has(&report, "(period: &str, body_2: &str"), "{report}");
    assert!(
        has(&report, "-> crate::runtime::Request<::serde_json::Value>"),
        "{report}"
    );
    assert!(has(&report, "\"/reports/getReport(period='\""), "{report}");
    assert!(has(&report, "\"',body='\""), "{report}");

    let update = text("users");
    assert!(has(&update, "body: &crate::graph::User,"), "{update}");
    assert!(has(&update, ".with_json(body)"), "{update}");
    let photo = text("users");
    assert!(
        has(
            &photo,
            "(user_id: &str, content_type: &str, content: Vec<u8>,"
        ),
        "{photo}"
    );
    assert!(has(&photo, ".with_bytes(content_type, content)"), "{photo}");
    assert!(
        has(
            &photo,
            "(user_id: &str) -> crate::runtime::Request<crate::runtime::Download>"
        ),
        "{photo}"
    );
    let assign = text("users");
    assert!(
        has(&assign, "body: &crate::graph::AssignLicenseParameters"),
        "{assign}"
    );
    let list = text("users");
    assert!(
        has(
            &list,
            "crate::runtime::Request<crate::runtime::Collection<crate::graph::User>, crate::options::CountSearchSelectConsistencyLevel,>"
        ),
        "{list}"
    );
    assert!(
        has(
            &list,
            ".query(\"$filter\", [\"startswith(displayName,'\", crate::runtime::escape_odata_string(prefix).as_str(), \"')\",].concat(),)"
        ),
        "{list}"
    );
    assert!(has(&list, ".query(\"$top\", \"5\")"), "{list}");
    let deep = text("a");
    assert!(has(&deep, "#[allow(clippy::too_many_arguments)]"), "{deep}");
    let batch = text("keywords");
    assert!(has(&batch, "body: &[crate::graph::Keywords]"), "{batch}");
    let weird = text("keywords");
    assert!(
        has(&weird, "crate::runtime::Method::Other(\"REPORT\")"),
        "{weird}"
    );
    assert!(
        has(&weird, "a_b: &str, self_: &str, unnamed: &str"),
        "{weird}"
    );
    assert!(has(&weird, "\"/x%20y%23z\""), "{weird}");
    let calls = file(&output, "src/call_records/requests/communications.rs");
    assert!(
        !calls.contains("crate::runtime::Request<crate::graph::AnyEntity>"),
        "callRecord has no derived types"
    );
    assert!(
        has(
            calls,
            "crate::runtime::Request<crate::call_records::CallRecord>"
        ),
        "{calls}"
    );
    let requests = file(&output, "src/graph/requests/mod.rs");
    assert!(
        has(
            requests,
            "#[cfg(feature = \"test\")] #[rustfmt::skip] pub mod me; #[cfg(feature = \"test\")] pub use self::me::*;"
        ),
        "{requests}"
    );
}

#[test]
fn docs_cannot_become_code() {
    let output = emitted();
    let entity = file(&output, "src/graph/entity.rs");
    assert!(entity.contains("/// Tricky \"text\" */ with <br> a [link] and\n/// ```text\n/// fn main() { panic!() }\n/// ```\n/// indented\n/// - item\n/// lazy\n/// - [x]: y\n"), "{entity}");
    assert!(!entity.contains('\r'));
}

#[test]
fn single_file_is_the_same_crate_inline() {
    let single = emit_single_file(&sample_model(), &opts()).unwrap();
    let (header, single) = single.split_once('\n').unwrap();
    assert!(header.starts_with("// @generated by docbind."));
    assert!(!single.contains("#!["), "no inner attributes");
    assert!(!single.contains("//!"), "no inner doc comments");
    assert!(!single.contains("mod tests"), "runtime tests are left out");
    let file = syn::parse_file(single).unwrap();
    assert!(file.attrs.is_empty());
    let mut modules = 0;
    let mut todo: Vec<&syn::Item> = file.items.iter().collect();
    while let Some(item) = todo.pop() {
        if let syn::Item::Mod(module) = item {
            if module.ident == "supports" {
                continue; // the runtime's own
            }
            let (_, items) = module
                .content
                .as_ref()
                .unwrap_or_else(|| panic!("mod {}; is not inline", module.ident));
            todo.extend(items);
            modules += 1;
        }
    }
    let output = emitted();
    let files = output
        .files
        .keys()
        .filter(|p| p.ends_with(".rs") && *p != "src/lib.rs" && !p.starts_with("src/client/"))
        .count();
    assert_eq!(
        modules, files,
        "one inline module per module file but the client's"
    );
    assert!(
        !single.contains("mod client"),
        "the single file has no features"
    );
    for needle in [
        "pub mod graph {",
        "pub mod runtime {",
        "pub fn encode_segment",
        "pub enum AnyEntity",
    ] {
        assert!(single.contains(needle), "{needle}");
    }
}

#[test]
fn a_broken_template_is_an_error_not_a_panic() {
    let mut model = sample_model();
    model.operations[0]
        .template
        .segments
        .push(vec![PathPart::Param(99)]);
    let name = model.operations[0].name.clone();
    for error in [
        emit(&model, &opts()).unwrap_err(),
        emit_single_file(&model, &opts()).unwrap_err(),
    ] {
        assert!(
            matches!(&error, Error::Internal(m) if m.contains(&name) && m.contains("#99")),
            "{error}"
        );
    }
}

#[test]
fn an_empty_model_is_a_crate_with_its_runtime() {
    let output = emit(&Model::default(), &EmitOptions::default()).unwrap();
    let paths: Vec<&str> = output.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "src/batch.rs",
            "src/client/mod.rs",
            "src/client/reqwest.rs",
            "src/lib.rs",
            "src/protocol.rs",
            "src/runtime.rs"
        ]
    );
    emit_single_file(&Model::default(), &EmitOptions::default()).unwrap();
}

#[test]
fn operations_without_types_go_to_the_fallback_namespace() {
    let model = Model {
        operations: vec![op("me-get", "GET", "/me", 200)],
        ..Model::default()
    };
    let output = emit(&model, &EmitOptions::default()).unwrap();
    let page = file(&output, "src/graph/requests/me.rs");
    assert!(
        has(page, "pub fn me_get() -> crate::runtime::Request<()>"),
        "{page}"
    );
    assert!(file(&output, "src/lib.rs").contains("pub mod graph;"));
}

/// The files copied from docbind's hand-written sources (see `runtime.rs`).
const HAND_WRITTEN: [&str; 5] = [
    "src/batch.rs",
    "src/client/mod.rs",
    "src/client/reqwest.rs",
    "src/protocol.rs",
    "src/runtime.rs",
];

/// Every file of the sample crate but the hand-written ones (they are their own
/// source, see `every_file_starts_with_the_header`): what the hard cases emit,
/// reviewed as a snapshot diff whenever it changes.
#[test]
fn sample_crate_snapshot() {
    let output = emitted();
    let text: String = output
        .files
        .iter()
        .filter(|(path, _)| !HAND_WRITTEN.contains(&path.as_str()))
        .map(|(path, text)| format!("==> {path} <==\n{text}\n"))
        .collect();
    insta::assert_snapshot!("sample_crate", text);
}

/// `<target dir>/tmp`, where the integration tests build their generated crates
/// too (cargo sets CARGO_TARGET_TMPDIR only for those): this test binary is
/// `<target dir>/<profile>/deps/<name>`.
pub(super) fn target_tmp() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().join("tmp")
}

/// Writes `output` as the crate `crate/` of a scratch workspace `work` (replacing
/// what was there), with docbind's Cargo.lock.
pub(super) fn write_workspace(work: &std::path::Path, output: &Output) {
    let _ = std::fs::remove_dir_all(work);
    for (path, text) in &output.files {
        let path = work.join("crate").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(
        work.join("Cargo.toml"),
        "[workspace]\nmembers = [\"crate\"]\n",
    )
    .unwrap();
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, work.join("Cargo.lock")).unwrap();
}

/// `cargo <args>` in `work`, with the flags of the integration tests' builds.
pub(super) fn cargo(work: &std::path::Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    std::process::Command::new(cargo)
        .args(args)
        .current_dir(work)
        .env(
            "CARGO_TARGET_DIR",
            target_tmp().join("docbind-tests-target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap()
}

/// Writes the crate with test programs into a scratch workspace and runs `cargo
/// test` and `cargo clippy` on it, in the target dir the integration tests share
/// for generated crates and with their flags (tests/common/mod.rs: warnings
/// denied, no debuginfo, no incremental state), so serde builds once for all.
/// The tests run with the client and its reqwest transport (`tests/client.rs`
/// starts local servers); clippy also checks the client alone and the core alone.
#[test]
fn emitted_crate_builds_and_behaves() {
    let work = target_tmp().join("docbind-tests").join("emit-sample");
    let dir = work.join("crate");
    write_workspace(&work, &emitted());
    let single = emit_single_file(&sample_model(), &opts()).unwrap();
    std::fs::write(dir.join("src/single.rs"), single).unwrap();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/behaviour.rs"), BEHAVIOUR).unwrap();
    std::fs::write(dir.join("tests/single_file.rs"), SINGLE_FILE).unwrap();
    std::fs::write(dir.join("tests/client.rs"), CLIENT_SCENARIOS).unwrap();
    // The scenarios run the reqwest transport on tokio, which they start.
    let manifest = dir.join("Cargo.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\"] }\n");
    std::fs::write(&manifest, toml).unwrap();
    let all = "--features=client,reqwest";
    for args in [
        &["test", "--quiet", all][..],
        &[
            "clippy",
            "--all-targets",
            "--quiet",
            all,
            "--",
            "-D",
            "warnings",
        ],
        // The client without its transport, and the core alone.
        &[
            "clippy",
            "--quiet",
            "--no-default-features",
            "--features=client",
            "--",
            "-D",
            "warnings",
        ],
        &[
            "clippy",
            "--quiet",
            "--no-default-features",
            "--",
            "-D",
            "warnings",
        ],
    ] {
        let out = cargo(&work, args);
        assert!(
            out.status.success(),
            "cargo {args:?} in {}:\n{}{}",
            work.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The client against local servers: see the file's docs.
const CLIENT_SCENARIOS: &str = include_str!("client_scenarios.rs");

/// The single-file form, included at the root of a test crate.
const SINGLE_FILE: &str = r###"
#![deny(warnings)]
// At the crate root: the included code names its modules `crate::...`.
include!("../src/single.rs");

#[test]
fn single_file_works_the_same() {
    let request = graph::requests::user_get("a/b");
    assert_eq!(request.path, "/users/a%2Fb");
    let user: graph::AnyEntity =
        serde_json::from_str(r##"{"@odata.type":"#microsoft.graph.user","id":"1"}"##).unwrap();
    assert!(matches!(user, graph::AnyEntity::User2(_)));
}
"###;

/// Behaviour of the emitted crate, checked by `cargo test` in it.
const BEHAVIOUR: &str = r###"
use sample_bindings::graph::{self, requests};
use sample_bindings::{Error, Field, Flags, Method};
use serde_json::{json, Value};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(json: Value) -> T {
    let value: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(serde_json::to_value(&value).unwrap(), json);
    value
}

#[test]
fn unknown_enum_values_round_trip() {
    let status: graph::Status = round_trip(json!("postponed"));
    assert_eq!(status, graph::Status::UnknownValue("postponed".into()));
    assert_eq!(round_trip::<graph::Status>(json!("unknown")), graph::Status::Unknown);
    assert_eq!(graph::Status::from("Apply"), graph::Status::Apply2);
    assert_eq!(graph::Status::Remove.as_str(), "remove");
    let empty: graph::Empty = round_trip(json!("anything"));
    assert_eq!(empty.as_str(), "anything");
    let flags: Flags<graph::Access> = round_trip(json!("read, write,execute"));
    assert_eq!(flags.values[2], graph::Access::Unknown("execute".into()));
}

#[test]
fn derived_types_are_read_by_odata_type() {
    let value: graph::AnyEntity = round_trip(json!({"@odata.type": "#microsoft.graph.user", "id": "1", "displayName": "Ada"}));
    match value {
        graph::AnyEntity::User2(user) => assert_eq!(user.display_name.as_deref(), Some("Ada")),
        other => panic!("{other:?}"),
    }
    let value: graph::AnyDirectoryObject2 = round_trip(json!({"@odata.type": "#MICROSOFT.GRAPH.GROUP", "visibility": null}));
    match value {
        graph::AnyDirectoryObject2::Group(group) => assert!(group.visibility.is_null()),
        other => panic!("{other:?}"),
    }
    let value: graph::AnyEntity = round_trip(json!({"@odata.type": "microsoft.graph.callRecords.callRecord", "sessions": []}));
    assert!(matches!(value, graph::AnyEntity::CallRecord(_)));
}

#[test]
fn unknown_derived_types_fall_back_losslessly() {
    let json = json!({"@odata.type": "#microsoft.graph.printer", "id": "p", "deletedDateTime": null, "model": {"x": [1, 2.5, 1024]}});
    let value: graph::AnyDirectoryObject2 = round_trip(json.clone());
    match &value {
        graph::AnyDirectoryObject2::DirectoryObject(object) => {
            assert_eq!(object.odata_type.as_deref(), Some("#microsoft.graph.printer"));
            assert_eq!(object.id.as_deref(), Some("p"));
            assert!(object.deleted_date_time.is_null());
            assert_eq!(object.additional_properties["model"], json["model"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn models_round_trip_with_nulls_numbers_and_cycles() {
    let json = json!({
        "id": "u", "displayName": null,
        "manager": {"@odata.type": "#microsoft.graph.user", "id": "m", "manager": {"id": "top"}},
        "memberOf": [{"@odata.type": "#microsoft.graph.group", "members": []}],
        "primaryGroup": {"visibility": "public"},
        "mystery": {"anything": [1, {"goes": true}]},
        "extra": 1
    });
    let user: graph::User = round_trip(json);
    assert!(matches!(user.manager.get(), Some(boxed) if matches!(**boxed, graph::AnyDirectoryObject2::User(_))));
    let primitives: graph::Primitives = round_trip(json!({"EdmDouble": 1024, "EdmSingle": 1.5, "EdmDecimal": 0.1, "EdmInt64": 9007199254740993_i64, "EdmUntyped": {"a": [null]}}));
    assert_eq!(primitives.edm_double.get().unwrap().to_string(), "1024");
    let node: graph::Node = round_trip(json!({"parent": {"parent": {"children": [{}]}}}));
    assert!(node.parent.is_value());
    let keywords: graph::Keywords = round_trip(json!({"type": "t", "self": "s", "Self": "S", "fooBar": "1", "FooBar": "2", "foo_bar": "3", "access": "read,write", "status": "apply", "some": {"none": true}}));
    assert_eq!(keywords.type_.as_deref(), Some("t"));
    assert_eq!(keywords.self_2.as_deref(), Some("S"));
    let _: graph::Option = graph::Option::default();
    let _: graph::Result = graph::Result::default();
    let _: graph::Box = graph::Box::default();
    let _: graph::Error = graph::Error::default();
    let _: graph::Request = graph::Request::default();
}

#[test]
fn request_functions_build_safe_requests() {
    let request = requests::user_get("../a/b?c#d%e f é");
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.path, "/users/..%2Fa%2Fb%3Fc%23d%25e%20f%20%C3%A9");
    assert_eq!(requests::user_get("..").path, "/users/%2E%2E");
    let delete = requests::group_delete_member("g", "m/1");
    assert_eq!(delete.path, "/groups/g/members/m%2F1/$ref");
    assert_eq!(delete.expected_status(), 204);
    assert!(delete.parse_response(204, &[], b"").is_ok());
    let list = requests::user_list("a&b=c");
    assert_eq!(list.path_and_query(), "/users?$filter=startswith(displayName,'a%26b%3Dc')&$top=5");
    let page = list.parse_response(200, &[], br##"{"value":[{"@odata.type":"#microsoft.graph.user","id":"1"}],"@odata.nextLink":"https://next"}"##).unwrap();
    assert_eq!(page.value[0].id.as_deref(), Some("1"));
    assert_eq!(page.next_link.as_deref(), Some("https://next"));
    let report = requests::report_get("D7", "x");
    assert_eq!(report.path, "/reports/getReport(period='D7',body='x')");
    // A quote cannot end the literal: it is doubled (then encoded).
    let report = requests::report_get("D7')/x?a=('", "x");
    assert_eq!(report.path, "/reports/getReport(period='D7%27%27%29%2Fx%3Fa%3D%28%27%27',body='x')");
    let list = requests::user_list("O'Neil') or true or ('");
    assert_eq!(list.path_and_query(), "/users?$filter=startswith(displayName,'O''Neil'')%20or%20true%20or%20(''')&$top=5");
    let user = graph::User { display_name: Field::Null, ..Default::default() };
    let update = requests::user_update("1", &user);
    assert_eq!(update.method, Method::Patch);
    assert_eq!(update.body.as_json(), Some(&json!({"displayName": null})));
    let batch = requests::keywords_batch(&[graph::Keywords::default()]);
    assert_eq!(batch.body.as_json(), Some(&json!([{}])));
    let photo = requests::photo_update("me", "image/png", vec![0x89, b'P']);
    assert_eq!(photo.body, sample_bindings::Body::Bytes(vec![0x89, b'P']));
    assert_eq!(photo.header_value("Content-Type"), Some("image/png"));
    let download = requests::photo_get("me");
    let headers = [("Content-Type".to_string(), "image/png".to_string())];
    let bytes = download.parse_response(200, &headers, &[0x89, b'P']).unwrap();
    assert_eq!((bytes.content_type.as_deref(), bytes.bytes), (Some("image/png"), vec![0x89, b'P']));
    let weird = requests::keywords_weird("a/b", "self", "..");
    assert_eq!(weird.path, "/keywords/a%2Fb/self/%2E%2E/x%20y%23z");
    assert_eq!(weird.method.as_str(), "REPORT");
}

#[test]
fn typed_query_options_exist_where_the_pages_list_them() {
    use sample_bindings::runtime::odata_string;
    let list = requests::user_list("a")
        .select(&["id", "displayName"])
        .count(true)
        .search("displayName:\"x\"")
        .consistency_level_eventual();
    assert_eq!(
        list.path_and_query(),
        "/users?$filter=startswith(displayName,'a')&$top=5&$select=id,displayName&$count=true&$search=%22displayName:%5C%22x%5C%22%22"
    );
    assert_eq!(list.headers, [("ConsistencyLevel".to_string(), "eventual".to_string())]);
    let members = requests::group_list_members("g")
        .expand(&["manager"])
        .filter(&format!("displayName eq {}", odata_string("it's")))
        .order_by(&["displayName desc"])
        .top(3)
        .skip(6)
        .prefer("return=minimal");
    assert_eq!(
        members.path_and_query(),
        "/groups/g/members?$expand=manager&$filter=displayName%20eq%20'it''s'&$orderby=displayName%20desc&$top=3&$skip=6"
    );
    // Paging keeps the headers, and the options marker.
    let page: sample_bindings::Collection<graph::AnyDirectoryObject2> =
        serde_json::from_str(r#"{"value":[],"@odata.nextLink":"https://next"}"#).unwrap();
    let next = members.next_page(&page).unwrap().top(4);
    assert_eq!(next.path_and_query(), "https://next?$top=4");
    let _: sample_bindings::Request<graph::User, sample_bindings::options::ExpandSelect> =
        requests::user_get("a").select(&["id"]).expand(&["manager"]);
    let _: sample_bindings::Request<graph::User, sample_bindings::options::ExpandSelect> =
        requests::user_get_me();
    // Without options: the plain request type, as before.
    let _: sample_bindings::Request<graph::AnyDirectoryObject2> = requests::directoryobject_get("x");
}

#[test]
fn service_errors_are_reported() {
    let request = requests::directoryobject_get("x");
    let error = request.parse_response(404, &[], br#"{"error":{"code":"Request_ResourceNotFound","message":"Gone."}}"#).unwrap_err();
    match &error {
        Error::Service(service) => {
            assert_eq!(service.status, 404);
            assert_eq!(service.code.as_deref(), Some("Request_ResourceNotFound"));
            assert_eq!(service.message.as_deref(), Some("Gone."));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.to_string(), "GET /directoryObjects/x answered 404 (Request_ResourceNotFound): Gone.");
    assert!(matches!(request.parse_response(200, &[], b"not json"), Err(Error::Decode { status: 200, .. })));
}
"###;

/// Found by the `emit_model` fuzz target (once it checked for what rustc refuses
/// beyond syntax): a bidirectional control in the command reached the header
/// comment of every file, which rustc rejects (`text_direction_codepoint_in_comment`).
#[test]
fn fuzz_header_has_no_bidirectional_controls() {
    let opts = EmitOptions {
        command: "docbind generate --input a\u{202e}b\r\n--out c\u{2066}".into(),
        ..EmitOptions::default()
    };
    let output = emit(&Model::default(), &opts).unwrap();
    for (path, text) in &output.files {
        let first = text.lines().next().unwrap();
        assert!(
            first.ends_with("regenerate with: docbind generate --input ab  --out c"),
            "{path}: {first:?}"
        );
    }
}
