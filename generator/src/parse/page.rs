//! Second pass: blocks read by section into page facts.

use super::blocks::{Block, Inline, TableRow};
use super::cells::{allowed_values, link_stem, member_value, type_ref};
use super::{annotation, http, Annotation, BlockRole, CodeBlock, EnumTable, MemberRow, Page};
use super::{ResponseFacts, Row, TypeRef};
use crate::diag::Sink;

/// The H2 sections the docs use, in all their spellings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Top,
    Http,
    Body,
    Response,
    Properties,
    Relationships,
    Json,
    Members,
    Permissions,
    Headers,
    Parameters,
    Examples,
    Derived,
    /// "Optional query parameters", "Query parameters".
    Query,
    Other,
}

fn section(heading: &str) -> Section {
    let h = heading.trim().trim_end_matches(':').to_ascii_lowercase();
    match h.as_str() {
        _ if h.starts_with("http request") => Section::Http,
        "request body" => Section::Body,
        "response" => Section::Response,
        "properties" => Section::Properties,
        "relationships" => Section::Relationships,
        "json representation" => Section::Json,
        "members" => Section::Members,
        "permissions" | "prerequisites" => Section::Permissions,
        "request headers" | "optional request headers" => Section::Headers,
        "function parameters" | "parameters" | "path parameters" => Section::Parameters,
        _ if h.starts_with("example") => Section::Examples,
        "derived types" => Section::Derived,
        "optional query parameters" | "query parameters" | "optional odata query parameters" => {
            Section::Query
        }
        _ => Section::Other,
    }
}

pub struct Reader<'a> {
    pub page: &'a mut Page,
    pub sink: &'a mut Sink,
    section: Section,
    /// The section of the enclosing H2, while a deeper heading (`### HTTP request`
    /// under `## Get a user's drive`) has switched to another.
    outer: Section,
    /// Enum named by the last `### x values` heading (aggregate enum pages).
    enum_heading: Option<String>,
    pending: Option<Annotation>,
}

impl<'a> Reader<'a> {
    pub fn new(page: &'a mut Page, sink: &'a mut Sink) -> Self {
        Reader {
            page,
            sink,
            section: Section::Top,
            outer: Section::Top,
            enum_heading: None,
            pending: None,
        }
    }

    pub fn read(&mut self, blocks: Vec<Block>) {
        for block in blocks {
            match block {
                Block::Heading { level, text, line } => self.heading(level, &text, line),
                Block::Paragraph { text, line, quoted } => self.paragraph(&text, line, quoted),
                Block::Table { header, rows, line } => self.table(&header, &rows, line),
                Block::Code {
                    info,
                    text,
                    line,
                    closed,
                } => self.code(info, &text, line, closed),
                Block::Item { text, line, .. } => {
                    if self.section == Section::Query {
                        self.query().inline(&text, line);
                    }
                }
                Block::Html { text, line } => {
                    if let Some(a) = annotation::parse(&text, line, self.sink) {
                        self.pending = Some(a);
                    }
                }
            }
        }
    }

    fn heading(&mut self, level: u8, text: &Inline, line: u32) {
        // DocFX tab headers (`# [HTTP](#tab/http)`) are not headings of the page.
        if text.text.starts_with('[') && text.links.iter().any(|l| l.dest.starts_with("#tab")) {
            return;
        }
        self.pending = None;
        match level {
            1 if self.page.h1.is_none() => self.page.h1 = Some((text.text.clone(), line)),
            2 => {
                self.section = section(&text.text);
                self.outer = self.section;
                self.enum_heading = enum_heading(&text.text);
            }
            3.. => {
                // Pages with one H2 per variant put `### HTTP request` (and its
                // siblings) below it; other deep headings keep the H2's section.
                self.section = match section(&text.text) {
                    s @ (Section::Http
                    | Section::Permissions
                    | Section::Headers
                    | Section::Body
                    | Section::Parameters
                    | Section::Query)
                        if self.outer != Section::Examples =>
                    {
                        s
                    }
                    Section::Response
                        if matches!(
                            self.section,
                            Section::Http | Section::Body | Section::Headers
                        ) =>
                    {
                        Section::Response
                    }
                    _ => self.outer,
                };
                self.enum_heading = enum_heading(&text.text);
                if self.section == Section::Query {
                    self.query().inline(text, line);
                }
            }
            _ => {}
        }
    }

    fn query(&mut self) -> super::query::Scanner<'_> {
        super::query::Scanner {
            facts: &mut self.page.query,
            sink: self.sink,
        }
    }

    fn paragraph(&mut self, text: &Inline, line: u32, quoted: bool) {
        let t = &text.text;
        if let Some(ns) = t.strip_prefix("Namespace:") {
            if self.page.namespace.is_none() {
                // The line may run on into the next sentence when no blank line follows.
                let ns = ns.split_whitespace().next().unwrap_or("");
                self.page.namespace = Some(ns.trim_end_matches('.').to_string());
            }
            return;
        }
        if self.section == Section::Query {
            // Notes count too: they say what is not supported as often as not.
            self.query().inline(text, line);
            return;
        }
        if quoted || t.starts_with("[!") || t.is_empty() {
            return;
        }
        let lower = t.to_ascii_lowercase();
        let states_base = matches!(self.section, Section::Top | Section::Properties);
        if states_base && self.page.inherits.is_none() {
            self.page.inherits = super::inherits::stated_base(text, line);
        }
        if lower.starts_with("inherits from") {
            return; // not the page's description
        }
        match self.section {
            Section::Top if self.page.intro.is_none() && self.page.h1.is_some() => {
                self.page.intro = Some(t.clone());
            }
            Section::Body
                if self.page.body_ref.is_none() && lower.contains("json representation of") =>
            {
                self.page.body_ref = text.links.first().map(|l| TypeRef {
                    name: super::cells::clean_word(&l.label),
                    link: link_stem(&l.dest),
                    collection: false,
                    line,
                });
            }
            Section::Response if self.page.response.is_none() && lower.contains("return") => {
                self.page.response = Some(response_facts(text, line));
            }
            _ => {}
        }
    }

    fn code(&mut self, info: String, text: &str, line: u32, closed: bool) {
        if !closed {
            self.sink.warn(
                line,
                "fence-unclosed",
                "code block is never closed; it runs to the end of the page",
            );
        }
        if self.section == Section::Query {
            self.query().code(text, line + 1);
        }
        let annotation = self.pending.take();
        let block_type = annotation.as_ref().and_then(|a| a.block_type.clone());
        let mut role = match block_type.as_deref() {
            Some("resource") => BlockRole::Resource,
            Some("request") => BlockRole::Request,
            Some("response") => BlockRole::Response,
            _ => BlockRole::Other,
        };
        let only_requests = self.section != Section::Examples && is_template_block(text);
        let template_block =
            self.section == Section::Http || (only_requests && role == BlockRole::Other);
        if template_block {
            let templates = http::templates(text, line + 1, self.sink);
            self.page.templates.extend(templates);
            role = BlockRole::Template;
        } else if only_requests && role == BlockRole::Request {
            // Variant sections ("## List a site's drives") show each request line
            // once, annotated as a request: it is a template and an example.
            for t in http::templates(text, line + 1, self.sink) {
                let known = self.page.templates.iter();
                if !known
                    .clone()
                    .any(|k| k.method == t.method && k.path == t.path)
                {
                    self.page.templates.push(t);
                }
            }
        } else if self.section == Section::Json && role == BlockRole::Other {
            role = BlockRole::Resource;
        }
        let mut block = CodeBlock {
            role,
            info,
            annotation,
            line,
            method: None,
            url: None,
            status: None,
            headers: Vec::new(),
            body: None,
        };
        if role != BlockRole::Template && block_type.as_deref() != Some("ignored") {
            http::example(&mut block, text);
        }
        self.page.blocks.push(block);
    }

    fn table(&mut self, header: &[Inline], rows: &[TableRow], line: u32) {
        let heads: Vec<String> = header.iter().map(|h| h.text.to_ascii_lowercase()).collect();
        for row in rows {
            if row.raw_cells != header.len() && row.raw_cells > 0 {
                let msg = format!(
                    "table row has {} cells but the header has {}",
                    row.raw_cells,
                    header.len()
                );
                self.sink.warn(row.line, "table-cells", msg);
            }
        }
        if self.section == Section::Query {
            let cells = header.iter().map(|cell| (cell, line));
            let rows = rows
                .iter()
                .flat_map(|r| r.cells.iter().map(|c| (c, r.line)));
            for (cell, line) in cells.chain(rows) {
                self.query().inline(cell, line);
            }
        }
        let first = heads.first().map(String::as_str).unwrap_or("");
        if first.starts_with("permission") {
            self.page.permissions.extend(pairs(rows));
        } else if self.section == Section::Headers || first == "header" {
            self.page.headers.extend(pairs(rows));
        } else if first.starts_with("member")
            || (self.section == Section::Members && first == "value")
        {
            let t = enum_table(&heads, rows, self.enum_heading.clone(), line, self.sink);
            self.page.enum_tables.push(t);
        } else if self.section == Section::Derived && first == "type" {
            let derived = rows
                .iter()
                .filter_map(|r| type_ref(r.cells.first()?, r.line));
            self.page.derived.extend(derived);
        } else if heads.iter().any(|h| h == "type") {
            let parsed = property_rows(&heads, rows, self.sink);
            match self.section {
                Section::Properties => self.page.properties.extend(parsed),
                Section::Relationships => self.page.relationships.extend(parsed),
                Section::Body => self.page.body_rows.extend(parsed),
                Section::Parameters => self.page.parameters.extend(parsed),
                _ => {}
            }
        }
    }
}

/// `### printQuality values` names the enum of the table below it.
fn enum_heading(text: &str) -> Option<String> {
    let t = text.trim();
    let cut = t.to_ascii_lowercase().strip_suffix(" values")?.len();
    let name = t[..cut].trim().trim_matches(['`', '*']);
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    plain.then(|| name.to_string())
}

/// A block outside the examples holding only `METHOD /path` lines is a request
/// template even without an "HTTP request" heading above it.
fn is_template_block(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .peekable();
    lines.peek().is_some() && lines.all(http::is_template_line)
}

fn pairs(rows: &[TableRow]) -> impl Iterator<Item = (String, String)> + '_ {
    rows.iter().filter_map(|r| {
        let name = r.cells.first()?.text.clone();
        let value = r.cells.get(1).map(|c| c.text.clone()).unwrap_or_default();
        (!name.is_empty()).then_some((name, value))
    })
}

fn property_rows(heads: &[String], rows: &[TableRow], sink: &mut Sink) -> Vec<Row> {
    let type_col = heads.iter().position(|h| h == "type").unwrap_or(1);
    let desc_col = heads
        .iter()
        .position(|h| h.starts_with("description"))
        .unwrap_or(heads.len().saturating_sub(1));
    let mut out = Vec::new();
    for r in rows {
        let Some(name_cell) = r.cells.first() else {
            continue;
        };
        let name = name_cell
            .text
            .trim()
            .trim_matches(['`', '*'])
            .trim()
            .to_string();
        // Group separators (`| **Calendar** | | |`) have nothing but a name.
        let rest_empty = r.cells.iter().skip(1).all(|c| c.text.is_empty());
        if name.is_empty() || (rest_empty && (r.raw_cells == heads.len() || name_cell.bold_start)) {
            continue;
        }
        let ty = r.cells.get(type_col).and_then(|c| type_ref(c, r.line));
        // A description that wraps onto a new source line shows up as a row of its
        // own whose "name" is prose: it belongs to the row above.
        if ty.is_none() && r.raw_cells < heads.len() && (name.contains(" ") || r.raw_cells == 1) {
            if let Some(prev) = out.last_mut() {
                let prev: &mut Row = prev;
                prev.description = format!("{} {}", prev.description, name_cell.text);
                if prev.allowed.is_empty() {
                    prev.allowed = allowed_values(name_cell);
                }
                let msg = format!(
                    "the description of `{}` wraps onto a new line, which ends the table row",
                    prev.name
                );
                sink.warn(r.line, "table-row-wrapped", msg);
                continue;
            }
        }
        if ty.is_none() {
            sink.warn(
                r.line,
                "type-missing",
                format!("property `{name}` has no type"),
            );
        }
        let desc = r.cells.get(desc_col).cloned().unwrap_or_default();
        out.push(Row {
            name,
            ty,
            allowed: allowed_values(&desc),
            inherited_from: super::inherits::inherited_from(&desc, r.line),
            description: desc.text,
            line: r.line,
        });
    }
    out
}

fn enum_table(
    heads: &[String],
    rows: &[TableRow],
    name: Option<String>,
    line: u32,
    sink: &mut Sink,
) -> EnumTable {
    let value_col = heads
        .iter()
        .position(|h| h.contains("value") && h != "member");
    let desc_col = heads.iter().position(|h| h.starts_with("description"));
    let members = rows
        .iter()
        .filter_map(|r| {
            let name = r
                .cells
                .first()?
                .text
                .trim()
                .trim_matches(['`', '*'])
                .to_string();
            // `null` in a member table means "no value", which JSON says itself.
            if name == "null" {
                return None;
            }
            let value = value_col
                .and_then(|c| r.cells.get(c))
                .and_then(|c| member_value(&c.text, r.line, sink));
            let description = desc_col
                .and_then(|c| r.cells.get(c))
                .map(|c| c.text.clone());
            (!name.is_empty()).then_some(MemberRow {
                name,
                value,
                description: description.unwrap_or_default(),
                line: r.line,
            })
        })
        .collect();
    EnumTable {
        name,
        members,
        line,
    }
}

/// "If successful, this method returns a `200 OK` response code and a collection of
/// [x](..) objects in the response body."
fn response_facts(text: &Inline, line: u32) -> ResponseFacts {
    let t = &text.text;
    let lower = t.to_ascii_lowercase();
    let status = t
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 3 && w.starts_with(['1', '2', '3', '4', '5']))
        .and_then(|w| w.parse().ok());
    let no_body = status == Some(204) || lower.contains("does not return anything");
    let ty = if no_body {
        None
    } else {
        let linked = text.links.iter().find_map(|l| {
            let stem = link_stem(&l.dest)?;
            let name = super::cells::clean_word(&l.label);
            let collection =
                super::cells::says_collection(t, text.links.iter().map(|l| l.label.as_str()));
            (!name.is_empty()).then_some(TypeRef {
                name,
                link: Some(stem),
                collection,
                line,
            })
        });
        linked.or_else(|| primitive_named(&lower, line))
    };
    ResponseFacts {
        status,
        ty,
        no_body,
        line,
    }
}

/// "a String collection in the response body", "a Int32 in the response body"
/// (no link): a primitive, or a collection of one, named by the word before
/// `in the response body` (and `collection`, `object`).
fn primitive_named(lower: &str, line: u32) -> Option<TypeRef> {
    let before = &lower[..lower.find("in the response body")?];
    let mut words = before
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .skip_while(|w| matches!(*w, "object" | "objects" | "value" | "values"))
        .peekable();
    let collection = words.next_if(|w| *w == "collection").is_some();
    let word = words.next()?;
    let edm = crate::model::primitives::edm_name(word).filter(|e| *e != "Edm.Untyped")?;
    Some(TypeRef {
        name: edm.to_string(),
        link: None,
        collection,
        line,
    })
}
