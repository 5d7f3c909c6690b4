//! Parsing one page into page facts: what the page says, with source lines, and
//! nothing resolved across pages yet (that is the model's job).

mod annotation;
mod blocks;
mod cells;
mod front_matter;
mod http;
mod inherits;
mod page;
pub mod query;

pub use cells::{link_stem, strip_collection_call};

use crate::diag::{Diagnostic, Sink};
use crate::source::SourceFile;
use serde::Serialize;
use std::borrow::Cow;

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
    /// The base the prose states: "Inherits from [x](..)", "is derived from [x]", ...
    /// (see `inherits.rs`), before the first H2 or in the Properties section, else
    /// in the front matter's description.
    pub inherits: Option<TypeRef>,
    /// Types listed in a "Derived types" table: they name this page's type as base.
    pub derived: Vec<TypeRef>,
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
    /// What the "Optional query parameters" section names (see `query.rs`).
    pub query: QueryFacts,
    pub blocks: Vec<CodeBlock>,
}

/// The OData query options and optional headers a page's "Optional query
/// parameters" section names, each list sorted and without repeats.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct QueryFacts {
    /// Canonical option names (`$count`, `$filter`, `$orderby`, ...), see
    /// [`query::OPTIONS`].
    pub options: Vec<String>,
    /// `ConsistencyLevel`, `Prefer`.
    pub headers: Vec<String>,
    /// `$` words that are no OData query option (each a `query-option-unknown`
    /// warning).
    pub unknown: Vec<String>,
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
    /// The description says "Inherited from [x]": the type that declares it.
    pub inherited_from: Option<TypeRef>,
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
    /// The prose says there is no body (`204`, "does not return anything").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_body: bool,
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
    let mut sink = Sink::new(&file.name);
    let text = decode(&file.bytes, &mut sink);
    let page = parse_page(&file.name, &text, &mut sink);
    (page, sink.items)
}

fn decode(bytes: &[u8], sink: &mut Sink) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32;
            sink.warn(
                line,
                "invalid-utf8",
                "page is not valid UTF-8; invalid bytes replaced",
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    // Line numbers of the NUL warning count `\n` only.
    let text = match plain_lines(&text) {
        Cow::Owned(plain) => plain,
        Cow::Borrowed(_) => text,
    };
    if let Some(at) = text.find('\0') {
        let line = 1 + text[..at].matches('\n').count() as u32;
        sink.warn(line, "nul-byte", "page contains NUL bytes; removed");
        return text.replace('\0', "");
    }
    text
}

/// The text without a leading byte order mark and with every line ending `\n`:
/// CRLF and CR-only pages then read (and count lines) like any other.
fn plain_lines(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Parses the text of one page (`file` is the name used in diagnostics).
pub fn parse_page(file: &str, text: &str, sink: &mut Sink) -> Page {
    let text = &plain_lines(text);
    let fm = front_matter::split(text, sink);
    let mut page = Page {
        file: file.to_string(),
        title: fm.values.get("title").cloned(),
        description: fm.values.get("description").cloned(),
        ms_prod: fm.values.get("ms.prod").cloned().filter(|v| !v.is_empty()),
        ..Page::default()
    };
    let body = &text[fm.body_start.min(text.len())..];
    let blocks = blocks::blocks(body, fm.body_line_offset);
    page::Reader::new(&mut page, sink).read(blocks);
    if page.inherits.is_none() {
        if let Some(d) = &page.description {
            let prose = blocks::Inline {
                text: d.clone(),
                ..blocks::Inline::default()
            };
            page.inherits = inherits::stated_base(&prose, 1);
        }
    }
    page.kind = page_kind(fm.values.get("doc_type").map(String::as_str), &page, sink);
    page
}

fn page_kind(doc_type: Option<&str>, page: &Page, sink: &mut Sink) -> PageKind {
    let declared = doc_type.map(|d| d.to_ascii_lowercase());
    if let Some(d) = declared.as_deref().filter(|d| d.ends_with('_')) {
        sink.warn(
            1,
            "doc-type-typo",
            format!(
                "doc_type `{d}` has a stray `_`; read as `{}`",
                d.trim_end_matches('_')
            ),
        );
    }
    let declared = declared.map(|d| d.trim_end_matches('_').to_string());
    let h1 = page
        .h1
        .as_ref()
        .map(|h| h.0.to_ascii_lowercase())
        .unwrap_or_default();
    let h1 = h1.trim_end_matches("(deprecated)").trim_end();
    let says_resource = h1.ends_with("resource type") || h1.ends_with("complex type");
    let says_enum = h1.ends_with("enum type");
    if declared.as_deref() == Some("resourcepagetype") && says_enum && !page.enum_tables.is_empty()
    {
        sink.warn(1, "doc-type-mismatch", "doc_type says resourcePageType but the page describes an enum type; read as an enum page");
        return PageKind::Enum;
    }
    let describes_nothing = page.properties.is_empty()
        && page.relationships.is_empty()
        && !page.blocks.iter().any(|b| b.role == BlockRole::Resource);
    if declared.as_deref() == Some("resourcepagetype")
        && describes_nothing
        && !says_resource
        && page.templates.is_empty()
    {
        sink.push(1, crate::diag::Severity::Note, "doc-type-mismatch", "doc_type says resourcePageType but the page describes no type; read as a conceptual page");
        return PageKind::Conceptual;
    }
    if declared.as_deref() == Some("apipagetype") && page.templates.is_empty() && says_resource {
        sink.warn(1, "doc-type-mismatch", "doc_type says apiPageType but the page describes a resource type (no request, a `resource type` heading); read as a resource page");
        return PageKind::Resource;
    }
    if declared.as_deref() == Some("resourcepagetype")
        && !page.templates.is_empty()
        && !says_resource
    {
        sink.warn(
            1,
            "doc-type-mismatch",
            "doc_type says resourcePageType but the page documents a request; read as an API page",
        );
        return PageKind::Api;
    }
    match declared.as_deref() {
        Some("apipagetype") => return PageKind::Api,
        Some("resourcepagetype") => return PageKind::Resource,
        Some("enumpagetype") | Some("enumtypes") => return PageKind::Enum,
        Some("conceptualpagetype") => return PageKind::Conceptual,
        Some(other) => sink.warn(
            1,
            "doc-type-unknown",
            format!("unknown doc_type `{other}`; page kind inferred from its content"),
        ),
        None if !page.templates.is_empty()
            || !page.properties.is_empty()
            || !page.enum_tables.is_empty() =>
        {
            sink.warn(
                1,
                "doc-type-missing",
                "front matter has no doc_type; page kind inferred from its content",
            )
        }
        None => {}
    }
    if !page.templates.is_empty() {
        PageKind::Api
    } else if h1.ends_with("enum type")
        || !page.enum_tables.is_empty() && page.properties.is_empty()
    {
        PageKind::Enum
    } else if h1.ends_with("resource type")
        || h1.ends_with("complex type")
        || !page.properties.is_empty()
    {
        PageKind::Resource
    } else {
        PageKind::Unknown
    }
}
