//! An arbitrary model through the emitter: `emit` (and `emit_single_file`) must
//! never panic; they return `Ok`, or `Err(Internal)` only for a model that breaks
//! the model's own invariants (a path parameter index out of its template's
//! range); and every emitted `.rs` file must parse as Rust.
//!
//! The model is built field by field from the fuzzer's bytes, with names drawn
//! mostly from a pool of hostile ones (keywords, empty, unicode, `@`/`.`/`/`,
//! names of the runtime's items and modules, names that collide once made
//! identifiers), references that point at declared types (self included), at
//! enums, primitives or nothing known, base cycles, duplicates, and operations
//! with arbitrary templates and parameter indices.
#![no_main]

#[path = "../common/check.rs"]
mod check;

use arbitrary::{Result, Unstructured};
use docbind::emit::{emit, emit_single_file, EmitOptions};
use docbind::model::{
    EnumDef, EnumMember, Example, Header, Model, Operation, Origin, PathParam, PathPart,
    PathTemplate, Permission, Property, QueryPart, Source, TypeDef, TypeKind,
};
use libfuzzer_sys::fuzz_target;

#[rustfmt::skip]
const NAMES: &[&str] = &[
    "", " ", "_", "__", "0", "9lives", "a", "A", "é", "ÄÖÜ", "日本語", "x\u{0}y", "a b",
    "type", "self", "Self", "crate", "super", "r#type", "async", "gen", "fn", "mod", "use",
    "Unknown", "UnknownValue", "unknown", "Any", "AnyFoo", "foo", "Foo", "FOO", "fooBar",
    "FooBar", "foo_bar", "foo-bar", "foo.bar", "HTMLParser", "V1", "v1", "runtime", "requests",
    "mod", "lib", "std", "core", "alloc", "serde", "serde_json", "Collection", "Error",
    "Request", "Method", "Flags", "Object", "ObjectReader", "Option", "String", "Vec", "Box",
    "Result", "Some", "None", "Ok", "Err", "value", "body", "reader", "writer", "serializer",
    "deserializer", "additional", "additional_properties", "odata_type", "id",
    "id|userPrincipalName", "|", "user-id", "@odata.type", "@odata.nextLink", "@", ".", "..",
    "/", "a/b", "\\", "\"", "'", "`", "```", "*/", "/*", "//", "#", "{", "}", "{id}", "%",
    "%41", "?", "$ref", "$value", "\r", "\n", "\t", "\u{202e}", "\u{feff}", "microsoft.graph",
];

const NAMESPACES: &[&str] = &[
    "microsoft.graph",
    "microsoft.graph.callRecords",
    "microsoft.graph.call_records",
    "microsoft.graph.CallRecords",
    "microsoft.graph.runtime",
    "microsoft.graph.self",
    "microsoft.graph.requests",
    "microsoft.graph.std",
    "Microsoft.Graph",
    "",
    ".",
    "microsoft.graph.",
    "a..b",
    "graph",
    "runtime",
    "std",
];

#[rustfmt::skip]
const PRIMITIVES: &[&str] = &[
    "Edm.String", "Edm.Boolean", "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte",
    "Edm.SByte", "Edm.Double", "Edm.Single", "Edm.Decimal", "Edm.Guid", "Edm.Date",
    "Edm.DateTimeOffset", "Edm.TimeOfDay", "Edm.Duration", "Edm.Binary", "Edm.Stream",
    "Edm.Untyped", "Edm.Unknown", "", "microsoft.graph", "microsoft.graph.",
];

const TEXTS: &[&str] = &[
    "A plain sentence.",
    "```\nfn main() { panic!() }\n```",
    "```rust\nlet x = 1;",
    "~~~\ncode\n~~~~",
    "    indented code",
    "> ```\n> quoted code",
    "- [x]: y",
    "1. item\n        nested",
    "line\r\nline\rline",
    "\"quoted\" \\ back",
    "*/ /* // ///",
    "#[doc = \"x\"]",
    "\u{202e}bidi\u{2066}",
    "\0nul",
    "<script>",
    "| a | b |",
    "",
    "\n\n\n",
];

#[rustfmt::skip]
const METHODS: &[&str] = &[
    "GET", "get", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "REPORT", "", "a b",
    "\"", "Get\n",
];

#[rustfmt::skip]
const QUERY: &[&str] = &[
    "$select", "$filter", "$top", "$skip", "$count", "$search", "$expand", "$orderby", "$format",
    "$Select", "select", "", "ConsistencyLevel", "Prefer", "consistencylevel", "X-Other",
];

#[rustfmt::skip]
const FILES: &[&str] = &[
    "api/user-get.md", "api/a.md", "a.md", "", "/", ".md", "api/.md", "a\\b.md", "api/x.y.md",
    "api/type.md", "api/requests.md", "api/mod.md", "résumé.md",
];

/// A name: mostly from the pool, sometimes two of them joined, sometimes anything.
fn name(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=7)? {
        0..=4 => u.choose(NAMES)?.to_string(),
        5 => format!("{}{}", u.choose(NAMES)?, u.choose(NAMES)?),
        _ => u.arbitrary()?,
    })
}

fn namespace(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0..=3 => u.choose(NAMESPACES)?.to_string(),
        4 => format!("microsoft.graph.{}", name(u)?),
        _ => u.arbitrary()?,
    })
}

fn text(u: &mut Unstructured) -> Result<Option<String>> {
    Ok(match u.int_in_range(0..=4)? {
        0 => None,
        1..=2 => Some(u.choose(TEXTS)?.to_string()),
        3 => Some(format!("{}\n{}", u.choose(TEXTS)?, u.choose(TEXTS)?)),
        _ => Some(u.arbitrary()?),
    })
}

fn source(u: &mut Unstructured) -> Result<Source> {
    Ok(Source {
        file: match u.int_in_range(0..=3)? {
            0..=2 => u.choose(FILES)?.to_string(),
            _ => u.arbitrary()?,
        },
        line: u.arbitrary()?,
    })
}

/// (Rare choices are `!u.ratio(7, 8)`: `ratio` is true once the data runs out.)
fn count(u: &mut Unstructured, max: usize) -> Result<usize> {
    u.int_in_range(0..=max)
}

/// What a property, a base or a body may name.
struct Names {
    types: Vec<String>,
    enums: Vec<String>,
}

impl Names {
    fn type_ref(&self, u: &mut Unstructured) -> Result<String> {
        Ok(match u.int_in_range(0..=6)? {
            0..=2 if !self.types.is_empty() => u.choose(&self.types)?.clone(),
            3 if !self.enums.is_empty() => u.choose(&self.enums)?.clone(),
            4 => format!("{}.{}", namespace(u)?, name(u)?),
            5 => name(u)?,
            _ => u.choose(PRIMITIVES)?.to_string(),
        })
    }
}

fn property(u: &mut Unstructured, names: &Names) -> Result<Property> {
    Ok(Property {
        name: name(u)?,
        ty: names.type_ref(u)?,
        collection: u.arbitrary()?,
        navigation: u.arbitrary()?,
        description: text(u)?,
        source: Source::default(),
    })
}

fn type_def(
    u: &mut Unstructured,
    names: &Names,
    (namespace, name): (String, String),
) -> Result<TypeDef> {
    let base = if u.ratio(1, 2)? {
        Some(names.type_ref(u)?)
    } else {
        None
    };
    let derived = (0..count(u, 2)?)
        .map(|_| names.type_ref(u))
        .collect::<Result<_>>()?;
    let properties = (0..count(u, 5)?)
        .map(|_| property(u, names))
        .collect::<Result<_>>()?;
    Ok(TypeDef {
        name,
        namespace,
        kind: if u.arbitrary()? {
            TypeKind::Entity
        } else {
            TypeKind::Complex
        },
        base,
        is_abstract: u.arbitrary()?,
        open: u.arbitrary()?,
        origin: *u.choose(&[Origin::Resource, Origin::Parameters, Origin::Undocumented])?,
        derived,
        workload: "fuzz".into(),
        description: text(u)?,
        properties,
        source: source(u)?,
    })
}

fn enum_def(u: &mut Unstructured, (namespace, name): (String, String)) -> Result<EnumDef> {
    let members = (0..count(u, 5)?)
        .map(|_| {
            Ok(EnumMember {
                name: self::name(u)?,
                value: u.arbitrary()?,
                description: text(u)?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(EnumDef {
        name,
        namespace,
        members,
        flags: u.arbitrary()?,
        workload: "fuzz".into(),
        description: text(u)?,
        source: source(u)?,
    })
}

/// Path parts; a parameter index is usually in range, sometimes one or more past it.
fn parts(u: &mut Unstructured, params: usize, max: usize) -> Result<Vec<PathPart>> {
    (0..count(u, max)?)
        .map(|_| {
            Ok(if u.arbitrary()? {
                PathPart::Literal(name(u)?)
            } else if params > 0 && u.ratio(15, 16)? {
                PathPart::Param(u.int_in_range(0..=params - 1)?)
            } else {
                PathPart::Param(u.int_in_range(params..=params + 2)?)
            })
        })
        .collect()
}

fn operation(u: &mut Unstructured, names: &Names) -> Result<Operation> {
    let params: Vec<PathParam> = (0..count(u, 4)?)
        .map(|_| Ok(PathParam { name: name(u)? }))
        .collect::<Result<_>>()?;
    let segments = (0..count(u, 4)?)
        .map(|_| parts(u, params.len(), 3))
        .collect::<Result<_>>()?;
    let query = (0..count(u, 2)?)
        .map(|_| {
            Ok(QueryPart {
                name: name(u)?,
                value: parts(u, params.len(), 2)?,
            })
        })
        .collect::<Result<_>>()?;
    let body = if u.arbitrary()? {
        Some(names.type_ref(u)?)
    } else {
        None
    };
    let response = if u.arbitrary()? {
        Some(names.type_ref(u)?)
    } else {
        None
    };
    Ok(Operation {
        name: name(u)?,
        method: match u.int_in_range(0..=5)? {
            0..=4 => u.choose(METHODS)?.to_string(),
            _ => u.arbitrary()?,
        },
        path: u.arbitrary()?,
        template: PathTemplate {
            segments,
            query,
            params,
        },
        body,
        body_collection: u.arbitrary()?,
        response,
        response_collection: u.arbitrary()?,
        status: u.arbitrary()?,
        workload: "fuzz".into(),
        title: text(u)?,
        description: text(u)?,
        permissions: (0..count(u, 2)?)
            .map(|_| {
                Ok(Permission {
                    kind: name(u)?,
                    permissions: text(u)?.unwrap_or_default(),
                })
            })
            .collect::<Result<_>>()?,
        headers: (0..count(u, 2)?)
            .map(|_| {
                Ok(Header {
                    name: name(u)?,
                    description: text(u)?.unwrap_or_default(),
                })
            })
            .collect::<Result<_>>()?,
        query_options: (0..count(u, 4)?)
            .map(|_| query_name(u))
            .collect::<Result<_>>()?,
        optional_headers: (0..count(u, 2)?)
            .map(|_| query_name(u))
            .collect::<Result<_>>()?,
        source: source(u)?,
        sources: Vec::new(),
    })
}

/// A query option or header name: mostly from the pool, in any order and case.
fn query_name(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0..=2 => u.choose(QUERY)?.to_string(),
        _ => u.arbitrary()?,
    })
}

/// (namespace, name) of a type or enum: sometimes the same as an earlier one
/// (duplicates), in any case from the pools.
fn declared(u: &mut Unstructured, earlier: &[(String, String)]) -> Result<(String, String)> {
    if !earlier.is_empty() && !u.ratio(7, 8)? {
        return Ok(u.choose(earlier)?.clone());
    }
    Ok((namespace(u)?, name(u)?))
}

fn model(u: &mut Unstructured) -> Result<Model> {
    let mut type_names = Vec::new();
    for _ in 0..count(u, 6)? {
        let d = declared(u, &type_names)?;
        type_names.push(d);
    }
    let mut enum_names: Vec<(String, String)> = Vec::new();
    for _ in 0..count(u, 3)? {
        // An enum may share its qualified name with a type.
        let d = declared(u, &type_names)?;
        enum_names.push(d);
    }
    let qualified = |(ns, n): &(String, String)| format!("{ns}.{n}");
    let names = Names {
        types: type_names.iter().map(qualified).collect(),
        enums: enum_names.iter().map(qualified).collect(),
    };
    let mut types = type_names
        .into_iter()
        .map(|d| type_def(u, &names, d))
        .collect::<Result<Vec<_>>>()?;
    let mut enums = enum_names
        .into_iter()
        .map(|d| enum_def(u, d))
        .collect::<Result<Vec<_>>>()?;
    let operations = (0..count(u, 4)?)
        .map(|_| operation(u, &names))
        .collect::<Result<_>>()?;
    // The model keeps its vectors sorted; an arbitrary one may not be.
    if u.ratio(7, 8)? {
        types.sort_by_key(TypeDef::qualified);
        enums.sort_by_key(EnumDef::qualified);
    }
    let examples = if !u.ratio(7, 8)? {
        vec![Example {
            role: "response".into(),
            ty: names.type_ref(u)?,
            collection: u.arbitrary()?,
            operation: None,
            json: serde_json::Value::Null,
            source: Source::default(),
        }]
    } else {
        Vec::new()
    };
    Ok(Model {
        types,
        enums,
        operations,
        examples,
    })
}

/// The model's invariants that `emit` may rely on (and report as `Internal` when broken).
fn params_in_range(model: &Model) -> bool {
    model.operations.iter().all(|op| {
        let n = op.template.params.len();
        let ok = |parts: &[PathPart]| {
            parts
                .iter()
                .all(|p| !matches!(p, PathPart::Param(i) if *i >= n))
        };
        op.template.segments.iter().all(|s| ok(s)) && op.template.query.iter().all(|q| ok(&q.value))
    })
}

fn options(u: &mut Unstructured) -> Result<EmitOptions> {
    let mut opts = EmitOptions::default();
    if !u.ratio(7, 8)? {
        opts.crate_name = name(u)?;
        opts.command = format!("{} {}", opts.command, name(u)?);
    }
    Ok(opts)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // Choices first: a model usually takes all the data there is. The single file
    // holds the whole runtime (re-parsed and re-formatted every time): about 10
    // times the work of the rest, so only one input in 8 asks for it.
    let single = !u.ratio(7, 8).unwrap_or(true);
    let Ok(opts) = options(&mut u) else { return };
    let Ok(model) = model(&mut u) else { return };
    let valid = params_in_range(&model);
    match emit(&model, &opts) {
        Ok(output) => check::assert_parses(&output),
        Err(docbind::Error::Internal(_)) if !valid => {}
        Err(e) => panic!("emit failed on a valid model: {e}\n{model:#?}"),
    }
    if !single {
        return;
    }
    match emit_single_file(&model, &opts) {
        Ok(text) => check::parse("the single file", &text),
        Err(docbind::Error::Internal(_)) if !valid => {}
        Err(e) => panic!("emit_single_file failed on a valid model: {e}\n{model:#?}"),
    }
});
