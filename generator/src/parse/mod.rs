//! Parsing one page into page facts: what the page says, with source lines, and
//! nothing resolved across pages yet (that is the model's job).

use crate::diag::Diagnostic;
use crate::source::SourceFile;
use serde::Serialize;

/// The kind of a page, from `doc_type` in its front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Api,
    Resource,
    Enum,
    Conceptual,
    #[default]
    Unknown,
}

impl PageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Api => "api",
            PageKind::Resource => "resource",
            PageKind::Enum => "enum",
            PageKind::Conceptual => "conceptual",
            PageKind::Unknown => "unknown",
        }
    }
}

/// A reference to a type as a table cell, body sentence or response sentence writes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TypeRef {
    /// The type's name: a link label, a bare word, or a primitive as written.
    pub name: String,
    /// File stem of the link target, lower case (`intune-shared-groupassignmenttarget`).
    pub link: Option<String>,
    pub collection: bool,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Page {
    pub file: String,
    pub kind: PageKind,
    pub title: Option<String>,
    pub description: Option<String>,
    pub ms_prod: Option<String>,
    pub namespace: Option<String>,
    /// The H1 text and its line.
    pub h1: Option<(String, u32)>,
    /// Prose between the H1 and the first H2 (notes and includes left out).
    pub intro: Option<String>,
    /// "Inherits from [x](..)" in the prose.
    pub inherits: Option<TypeRef>,
    pub templates: Vec<HttpTemplate>,
    /// "supply a JSON representation of [x](..)".
    pub body_ref: Option<TypeRef>,
    /// Rows of the request body table (properties or action parameters).
    pub body_rows: Vec<Row>,
    pub properties: Vec<Row>,
    pub relationships: Vec<Row>,
    /// Function parameters and path/query parameter tables.
    pub parameters: Vec<Row>,
    pub enum_tables: Vec<EnumTable>,
    pub response: Option<ResponseFacts>,
    pub permissions: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub blocks: Vec<CodeBlock>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpTemplate {
    pub method: String,
    pub path: String,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Row {
    pub name: String,
    pub ty: Option<TypeRef>,
    pub description: String,
    /// Values listed in "Possible values are: `a`, `b`." and its variants.
    pub allowed: Vec<String>,
    /// The description says "Inherited from [x]".
    pub inherited: bool,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EnumTable {
    /// For aggregate pages: the enum named by the heading above the table.
    pub name: Option<String>,
    pub members: Vec<MemberRow>,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MemberRow {
    pub name: String,
    pub value: Option<i64>,
    pub description: String,
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ResponseFacts {
    pub status: Option<u16>,
    pub ty: Option<TypeRef>,
    pub line: u32,
}

/// The JSON annotation in an HTML comment before a code block.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Annotation {
    pub block_type: Option<String>,
    pub odata_type: Option<String>,
    pub base_type: Option<String>,
    pub key_property: Option<String>,
    pub optional_properties: Vec<String>,
    pub open_type: Option<bool>,
    pub is_abstract: Option<bool>,
    pub truncated: bool,
    pub is_collection: bool,
    pub name: Option<String>,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockRole {
    /// A JSON representation of the page's resource.
    Resource,
    /// An HTTP request template (under "HTTP request").
    Template,
    Request,
    Response,
    Other,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeBlock {
    pub role: BlockRole,
    pub info: String,
    pub annotation: Option<Annotation>,
    /// First line of the fence.
    pub line: u32,
    /// For requests: method and URL; for responses: status.
    pub method: Option<String>,
    pub url: Option<String>,
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The JSON body text and the line it starts on.
    pub body: Option<(String, u32)>,
}

/// Parses one input file, decoding it first (invalid UTF-8 is replaced and reported).
pub fn parse_file(file: &SourceFile) -> (Page, Vec<Diagnostic>) {
    let mut page = Page {
        file: file.name.clone(),
        ..Page::default()
    };
    let _ = &mut page;
    (page, Vec::new())
}
