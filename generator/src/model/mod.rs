//! The linked intermediate model: every type, enum and operation of the input,
//! with references resolved to qualified names and the source of everything.
//!
//! This is docbind's contract with its emitters and with other tools: `docbind model`
//! prints it as JSON (see README "The model"). All vectors are sorted so the JSON is
//! deterministic. Names are exactly as the docs write them; type references are
//! qualified names: `Edm.String`, `Edm.Int32`, ... for primitives and
//! `<namespace>.<name>` (e.g. `microsoft.graph.user`) for types and enums.

use serde::{Deserialize, Serialize};

pub mod build;
mod examples;
mod json_repr;
mod link;
mod merge;
pub mod op_merge;
pub mod op_names;
mod ops;
mod page_names;
pub mod path;
pub mod primitives;
pub mod resolve;
pub mod strict;

/// Where something was read: a path relative to its input folder, and a 1-based line.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Structured types (resources and complex types), sorted by qualified name.
    pub types: Vec<TypeDef>,
    /// Enumerations, sorted by qualified name.
    pub enums: Vec<EnumDef>,
    /// One operation per method and path of every API page, sorted by name.
    pub operations: Vec<Operation>,
    /// JSON examples of the docs whose type is known, in source order.
    pub examples: Vec<Example>,
    /// The documented calls of the API pages: each request example (its request
    /// line and body) with the response example that answers it, in source order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<Call>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypeKind {
    /// Has a key (`id`): addressable resource.
    Entity,
    /// A value type without identity.
    Complex,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// As written in the docs, e.g. `deviceManagementResourceAccessProfileAssignment`.
    pub name: String,
    /// e.g. `microsoft.graph` or `microsoft.graph.callRecords`.
    pub namespace: String,
    pub kind: TypeKind,
    /// Qualified name of the base type.
    pub base: Option<String>,
    #[serde(rename = "abstract")]
    pub is_abstract: bool,
    /// The docs mark the type open (`openType: true`): any property may appear.
    pub open: bool,
    /// Why the type exists: `resource` (a resource page), `parameters` (an action's
    /// parameter table, the request body of that operation), `requests` (no page
    /// of its own, described by the request-body tables that send it), or
    /// `undocumented` (referenced but not described in the input; it keeps every
    /// property).
    pub origin: Origin,
    /// Qualified names of the types that name this one as their base, sorted.
    pub derived: Vec<String>,
    /// Feature the item belongs to (derived from the page's `ms.prod` or namespace).
    pub workload: String,
    pub description: Option<String>,
    /// Own properties (inherited ones live on the base), in table order.
    pub properties: Vec<Property>,
    pub source: Source,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Resource,
    Parameters,
    /// Described only by the request-body tables of the API pages that send it.
    Requests,
    Undocumented,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// The exact JSON name.
    pub name: String,
    /// Qualified type name (`Edm.String`, `microsoft.graph.itemBody`).
    #[serde(rename = "type")]
    pub ty: String,
    pub collection: bool,
    /// From a Relationships table.
    pub navigation: bool,
    pub description: Option<String>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumDef {
    pub name: String,
    pub namespace: String,
    pub members: Vec<EnumMember>,
    /// Flags enum: values combine (power-of-two member values, or said in prose).
    pub flags: bool,
    pub workload: String,
    pub description: Option<String>,
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumMember {
    /// Exact member string as it appears in JSON.
    pub name: String,
    pub value: Option<i64>,
    pub description: Option<String>,
}

/// The body type of a `POST` or `PUT` to a path ending in `$ref`: OData's entity
/// reference, `{"@odata.id": "<url>"}`, whatever the page calls the entity it
/// points to (the runtime's `Reference`).
pub const REFERENCE: &str = "odata.entityReference";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Unique name from the method and the path (`list-user-messages`, see
    /// `op_names`).
    pub name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// The path template as written (whitespace inside braces removed).
    pub path: String,
    /// The parsed template: segments of literal text and parameters.
    pub template: PathTemplate,
    /// Qualified name of the request body type.
    pub body: Option<String>,
    /// The request body is a collection of `body`.
    pub body_collection: bool,
    /// Qualified name of the response type (`None`: no body).
    pub response: Option<String>,
    pub response_collection: bool,
    /// Success status code.
    pub status: u16,
    pub workload: String,
    /// The page title.
    pub title: Option<String>,
    pub description: Option<String>,
    pub permissions: Vec<Permission>,
    pub headers: Vec<Header>,
    /// OData system query options the pages name in their "Optional query
    /// parameters" sections, canonical and sorted: `$count`, `$expand`,
    /// `$filter`, `$orderby`, `$search`, `$select`, `$skip`, `$top`, and the
    /// ones without a setter (`$skiptoken`, `$format`, ...; see
    /// `parse::query`).
    #[serde(default)]
    pub query_options: Vec<String>,
    /// The optional headers `ConsistencyLevel` and `Prefer`, where a page's
    /// request headers table or its query section names them; sorted.
    #[serde(default)]
    pub optional_headers: Vec<String>,
    /// The request line of the primary page (see `op_merge`).
    pub source: Source,
    /// The request lines of every page that documents the operation, sorted.
    pub sources: Vec<Source>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PathTemplate {
    /// `/`-separated segments, each a sequence of parts.
    pub segments: Vec<Vec<PathPart>>,
    /// Fixed or templated query parameters written in the path (`?$filter=...`).
    pub query: Vec<QueryPart>,
    /// Parameters in order of first appearance; `PathPart::Param` indexes this.
    pub params: Vec<PathParam>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PathPart {
    Literal(String),
    Param(usize),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueryPart {
    pub name: String,
    pub value: Vec<PathPart>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathParam {
    /// As written inside the braces, e.g. `id`, `user-id`, `id|userPrincipalName`.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    /// e.g. `Delegated (work or school account)`.
    pub kind: String,
    pub permissions: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub description: String,
}

/// A request example of an API page and the response example paired with it (by
/// the annotations' `name`, else the next response after the request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// As written in the request line, e.g. `GET`.
    pub method: String,
    /// As written, e.g. `https://graph.microsoft.com/v1.0/users/{id}?$select=displayName`.
    pub url: String,
    /// The request body text (a JSON value, if the docs are right).
    pub body: Option<String>,
    /// The request block.
    pub source: Source,
    /// The response example, if the page has one for this request.
    pub response: Option<CallResponse>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallResponse {
    /// From the status line (`HTTP/1.1 201 Created`); `None` where there is none.
    pub status: Option<u16>,
    /// The response body text.
    pub body: Option<String>,
    /// The response block.
    pub source: Source,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// `request`, `response` or `resource`.
    pub role: String,
    /// Qualified type the body should have.
    #[serde(rename = "type")]
    pub ty: String,
    /// The body is `{"value": [...]}` (or a bare array) of `ty`.
    pub collection: bool,
    /// The operation it illustrates, if any.
    pub operation: Option<String>,
    pub json: serde_json::Value,
    pub source: Source,
}

impl Model {
    /// The type with this qualified name (exact case).
    pub fn type_by_name(&self, qualified: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|t| qualified_cmp(&t.namespace, &t.name, qualified))
            .ok()
            .map(|i| &self.types[i])
    }
    /// The enum with this qualified name (exact case).
    pub fn enum_by_name(&self, qualified: &str) -> Option<&EnumDef> {
        self.enums
            .binary_search_by(|e| qualified_cmp(&e.namespace, &e.name, qualified))
            .ok()
            .map(|i| &self.enums[i])
    }
}

/// Compares `namespace.name` with `q` without building the string.
fn qualified_cmp(ns: &str, name: &str, q: &str) -> std::cmp::Ordering {
    let joined = ns.bytes().chain(std::iter::once(b'.')).chain(name.bytes());
    joined.cmp(q.bytes())
}

impl TypeDef {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}

impl EnumDef {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}
