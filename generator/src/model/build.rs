//! Building the linked model from page facts: declare every type and enum first
//! (so forward references and cycles resolve), then convert properties, operations
//! and examples against that index, then link bases and derived types.

use super::json_repr;
use super::merge::{self, TypePage};
use super::resolve::{self, namespace_of, Declared, Index, Resolved};
use super::{EnumDef, EnumMember, Model, Origin, Property, Source, TypeDef, TypeKind};
use crate::diag::{Diagnostic, Severity};
use crate::parse::{BlockRole, Page, PageKind, Row, TypeRef};
use rayon::prelude::*;
use std::collections::BTreeMap;

pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

/// Builds the model. Pages may come in any order: they are sorted by file first.
pub fn build_model(pages: &[Page]) -> (Model, Vec<Diagnostic>) {
    let mut pages: Vec<&Page> = pages.iter().collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    let mut b = Builder::default();
    for p in &pages {
        b.declare_page(p);
    }
    let bodies: Vec<_> = pages
        .par_iter()
        .map(|p| super::examples::parse_bodies(p))
        .collect();
    let by_file: BTreeMap<&str, (&Page, &json_repr::Bodies)> = pages
        .iter()
        .zip(&bodies)
        .map(|(p, bodies)| (p.file.as_str(), (*p, bodies.as_slice())))
        .collect();
    b.fill_types(&by_file);
    let mut ops = Vec::new();
    for p in &pages {
        ops.extend(super::ops::page_operations(&mut b, p));
    }
    let mut ops_by_file: BTreeMap<&str, Vec<&super::Operation>> = BTreeMap::new();
    for op in &ops {
        ops_by_file
            .entry(op.source.file.as_str())
            .or_default()
            .push(op);
    }
    let examples = pages
        .iter()
        .zip(bodies)
        .flat_map(|(p, bodies)| {
            let page_ops = ops_by_file
                .get(p.file.as_str())
                .map_or(&[][..], Vec::as_slice);
            super::examples::page_examples(&mut b, p, page_ops, bodies)
        })
        .collect();
    let mut model = super::link::finish(&mut b, ops, examples);
    model.calls = pages
        .iter()
        .flat_map(|p| super::examples::page_calls(p))
        .collect();
    (model, b.diags)
}

/// State shared by the building passes.
#[derive(Default)]
pub struct Builder {
    pub index: Index,
    /// lower-case namespace → its first spelling (namespaces are matched ignoring case).
    namespaces: BTreeMap<String, String>,
    /// lower-case qualified name → type / enum being built.
    pub types: BTreeMap<String, TypeDef>,
    pub enums: BTreeMap<String, EnumDef>,
    /// lower-case qualified name of the type each resource page declares.
    page_types: BTreeMap<String, String>,
    /// lower-case qualified name → the resource pages that describe the type.
    type_pages: BTreeMap<String, Vec<TypePage>>,
    /// Base type references, resolved once all types are known.
    /// Every base the pages of a type state (with the page), in page order.
    pub bases: BTreeMap<String, Vec<(TypeRef, String)>>,
    /// Types that "Inherited from [x]" notes in a type's rows name (the type, the
    /// note, its page): where no base is stated, the nearest of them is the base.
    pub noted_bases: BTreeMap<String, Vec<(TypeRef, String)>>,
    /// "Derived types" tables: (the page's type, a type it lists, the page).
    pub derived_claims: Vec<(String, TypeRef, String)>,
    /// Properties JSON representations show beyond the tables (see `json_repr`).
    pub json_candidates: Vec<(String, Property)>,
    pub diags: Vec<Diagnostic>,
}

impl Builder {
    pub fn diag(&mut self, file: &str, line: u32, sev: Severity, code: &'static str, msg: String) {
        self.diags.push(Diagnostic::new(file, line, sev, code, msg));
    }

    /// The page's namespace, spelled as first seen.
    pub fn namespace(&mut self, page: &Page) -> String {
        let raw = page
            .namespace
            .as_deref()
            .unwrap_or(DEFAULT_NAMESPACE)
            .trim()
            .trim_end_matches('.');
        let full = if raw.is_empty() {
            DEFAULT_NAMESPACE.to_string()
        } else if raw.to_ascii_lowercase().starts_with("microsoft.graph") {
            raw.to_string()
        } else {
            format!("{DEFAULT_NAMESPACE}.{raw}")
        };
        self.canonical_ns(&full)
    }

    fn canonical_ns(&mut self, ns: &str) -> String {
        self.namespaces
            .entry(ns.to_ascii_lowercase())
            .or_insert_with(|| ns.to_string())
            .clone()
    }

    /// Splits `microsoft.graph.x` into (canonical namespace, name); a bare name gets `ns`.
    fn qualify(&mut self, name: &str, ns: &str) -> (String, String) {
        let name = name.trim().trim_start_matches('#');
        match name.rsplit_once('.') {
            Some((q, n)) if q.to_ascii_lowercase().starts_with("microsoft.graph") => {
                (self.canonical_ns(q), n.to_string())
            }
            _ => (ns.to_string(), name.to_string()),
        }
    }

    fn declare_page(&mut self, page: &Page) {
        let ns = self.namespace(page);
        match page.kind {
            PageKind::Resource => self.declare_resource(page, &ns),
            PageKind::Enum => {}
            _ if page.enum_tables.iter().all(|t| t.name.is_none()) => return,
            _ => {}
        }
        // Enums: enum pages, and `### x values` tables on any page.
        self.declare_enums(page, &ns);
    }

    fn declare_resource(&mut self, page: &Page, ns: &str) {
        let ann = page
            .blocks
            .iter()
            .filter(|b| b.role == BlockRole::Resource)
            .find_map(|b| b.annotation.clone());
        let heading = h1_name(page, &["resource type", "complex type", "resource", "type"]);
        let written = match ann.as_ref().and_then(|a| a.odata_type.clone()) {
            // `microsoft.graph.orgcontact` under `# orgContact resource type`: the
            // heading's casing of the same name (annotations are often lower case).
            Some(odata) => Some(match &heading {
                Some(h)
                    if resolve::simple_name(&odata).eq_ignore_ascii_case(h) && !h.contains('.') =>
                {
                    inner_casing(&odata, h)
                }
                _ => odata,
            }),
            None => heading,
        };
        let Some(written) = written.filter(|w| !w.is_empty() && !w.contains(' ')) else {
            let msg = "resource page names no type (no `@odata.type` annotation, no `<name> resource type` heading)".to_string();
            self.diag(
                &page.file,
                page.h1.as_ref().map_or(1, |h| h.1),
                Severity::Error,
                "type-name-missing",
                msg,
            );
            return;
        };
        let (ns, name) = self.qualify(&written, ns);
        if name.is_empty() {
            let msg = format!("`{written}` names a namespace but no type; no type made");
            let line = ann.as_ref().map_or(1, |a| a.line);
            self.diag(&page.file, line, Severity::Error, "type-name-missing", msg);
            return;
        }
        let qualified = format!("{ns}.{name}");
        let key = qualified.to_ascii_lowercase();
        let type_page = TypePage {
            file: page.file.clone(),
            line: page.h1.as_ref().map_or(1, |h| h.1),
            bases: ann
                .as_ref()
                .and_then(|a| a.base_type.clone())
                .map(|n| TypeRef {
                    name: n,
                    line: ann.as_ref().map_or(1, |a| a.line),
                    ..TypeRef::default()
                })
                .into_iter()
                .chain(page.inherits.clone())
                .collect(),
            keyed: ann.as_ref().is_some_and(|a| a.key_property.is_some()),
            is_abstract: ann.as_ref().and_then(|a| a.is_abstract),
            open: ann.as_ref().and_then(|a| a.open_type),
            description: page.intro.clone().or_else(|| page.description.clone()),
            workload: workload(page, &ns),
        };
        if self.type_pages.contains_key(&key) {
            // Another page of a type already declared: it adds to that type.
            self.index.add_page(&qualified, &stem(&page.file));
        } else {
            let decl = Declared {
                qualified: qualified.clone(),
                is_enum: false,
            };
            if !self.index.declare(decl, &stem(&page.file)) {
                let msg = format!(
                    "type `{qualified}` has the name of an enum declared elsewhere; this page is ignored"
                );
                self.diag(&page.file, 1, Severity::Warning, "type-duplicate", msg);
                return;
            }
            self.types.insert(key.clone(), placeholder(name, ns));
        }
        for d in &page.derived {
            let claim = (key.clone(), d.clone(), page.file.clone());
            self.derived_claims.push(claim);
        }
        self.page_types.insert(page.file.clone(), key.clone());
        self.type_pages.entry(key).or_default().push(type_page);
    }

    fn declare_enums(&mut self, page: &Page, ns: &str) {
        let single = if page.kind == PageKind::Enum {
            h1_name(page, &["enum type", "enumeration type", "enum"])
        } else {
            None
        };
        for table in &page.enum_tables {
            let Some(written) = table.name.clone().or_else(|| single.clone()) else {
                if page.kind != PageKind::Enum {
                    continue;
                }
                let msg = "enum table without a name (no `<name> enum type` heading, no `### <name> values`)".to_string();
                self.diag(
                    &page.file,
                    table.line,
                    Severity::Warning,
                    "enum-name-missing",
                    msg,
                );
                continue;
            };
            let members = table
                .members
                .iter()
                .map(|m| EnumMember {
                    name: m.name.clone(),
                    value: m.value,
                    description: non_empty(&m.description),
                })
                .collect();
            let description = if table.name.is_some() {
                None
            } else {
                page.intro.clone()
            };
            let source = Source {
                file: page.file.clone(),
                line: table.line,
            };
            self.declare_enum(
                &written,
                ns,
                members,
                description,
                source,
                &workload(page, ns),
            );
        }
    }

    /// Declares an enum unless the name is taken (then reports it and returns false).
    pub fn declare_enum(
        &mut self,
        written: &str,
        ns: &str,
        members: Vec<EnumMember>,
        description: Option<String>,
        source: Source,
        workload: &str,
    ) -> bool {
        let (ns, name) = self.qualify(written, ns);
        if name.is_empty() {
            let msg = format!("`{written}` names a namespace but no enum; no enum made");
            self.diag(
                &source.file,
                source.line,
                Severity::Error,
                "enum-name-missing",
                msg,
            );
            return false;
        }
        if members.is_empty() {
            let msg = format!("enum `{name}` lists no members; it holds any value as text");
            self.diag(
                &source.file,
                source.line,
                Severity::Warning,
                "enum-empty",
                msg,
            );
        }
        let qualified = format!("{ns}.{name}");
        let decl = Declared {
            qualified: qualified.clone(),
            is_enum: true,
        };
        if !self.index.declare(decl, &stem(&source.file)) {
            let msg =
                format!("enum `{qualified}` is declared twice; the first declaration is kept");
            self.diag(
                &source.file,
                source.line,
                Severity::Warning,
                "enum-duplicate",
                msg,
            );
            return false;
        }
        let flags = looks_like_flags(&members, description.as_deref());
        let def = EnumDef {
            name,
            namespace: ns,
            members,
            flags,
            workload: workload.to_string(),
            description,
            source,
        };
        self.enums.insert(qualified.to_ascii_lowercase(), def);
        true
    }

    /// Merges the pages of every resource type (see `merge.rs`) and fills in its
    /// properties.
    fn fill_types(&mut self, by_file: &BTreeMap<&str, (&Page, &json_repr::Bodies)>) {
        let type_pages = std::mem::take(&mut self.type_pages);
        for (key, pages) in type_pages {
            let name = self
                .types
                .get(&key)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            let pages = merge::ordered(&name, pages);
            merge::apply_pages(self, &key, &pages);
            let props = merge::merge_properties(self, &key, &pages, by_file);
            if let Some(t) = self.types.get_mut(&key) {
                t.properties = props;
            }
        }
    }

    /// The properties one page gives the type `key` (a name listed twice keeps
    /// its first row); "Inherited from [x]" notes are kept for the base.
    pub fn page_properties(&mut self, key: &str, page: &Page) -> Vec<Property> {
        let Some((ns, workload, owner)) = self
            .types
            .get(key)
            .map(|t| (t.namespace.clone(), t.workload.clone(), t.name.clone()))
        else {
            return Vec::new();
        };
        let rows = page
            .properties
            .iter()
            .map(|r| (r, false))
            .chain(page.relationships.iter().map(|r| (r, true)));
        let mut props: Vec<Property> = Vec::new();
        // A set, not a search of `props`: a table may have 100,000 rows.
        let mut kept = std::collections::HashSet::new();
        for (row, navigation) in rows {
            if let Some(note) = &row.inherited_from {
                let noted = self.noted_bases.entry(key.to_string()).or_default();
                noted.push((note.clone(), page.file.clone()));
            }
            if kept.contains(&row.name) {
                let msg = format!(
                    "property `{}` is listed twice; the first row is kept",
                    row.name
                );
                self.diag(
                    &page.file,
                    row.line,
                    Severity::Warning,
                    "property-duplicate",
                    msg,
                );
                continue;
            }
            if let Some(p) = self.property(row, navigation, &ns, &page.file, &workload, &owner) {
                kept.insert(p.name.clone());
                props.push(p);
            }
        }
        props
    }

    /// Converts a table row of type `owner` into a property with a resolved type.
    pub fn property(
        &mut self,
        row: &Row,
        navigation: bool,
        ns: &str,
        file: &str,
        workload: &str,
        owner: &str,
    ) -> Option<Property> {
        let Some(ty) = &row.ty else {
            return Some(Property {
                name: row.name.clone(),
                ty: "Edm.Untyped".into(),
                collection: false,
                navigation,
                description: non_empty(&row.description),
                source: Source {
                    file: file.into(),
                    line: row.line,
                },
            });
        };
        let (mut qualified, collection) = self.resolve_ref(ty, ns, file, &row.allowed, workload);
        if qualified == "Edm.String" && !row.allowed.is_empty() {
            qualified = self.values_enum(row, ns, file, workload, owner);
        }
        Some(Property {
            name: row.name.clone(),
            ty: qualified,
            collection,
            navigation,
            description: non_empty(&row.description),
            source: Source {
                file: file.into(),
                line: row.line,
            },
        })
    }

    /// A string property whose description lists its possible values gets an enum of
    /// its own, named after its type and itself (`printerStatus` + `state`); the
    /// enum keeps any other string, so nothing the service sends is refused.
    fn values_enum(
        &mut self,
        row: &Row,
        ns: &str,
        file: &str,
        workload: &str,
        owner: &str,
    ) -> String {
        let mut cs = row.name.chars();
        let prop: String = cs
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(cs)
            .collect();
        let base = format!("{owner}{prop}");
        let mut name = base.clone();
        let mut n = 2;
        while self.index.get(&format!("{ns}.{name}")).is_some() {
            name = format!(
                "{base}Values{}",
                if n == 2 { String::new() } else { n.to_string() }
            );
            n += 1;
        }
        let members = row
            .allowed
            .iter()
            .map(|a| EnumMember {
                name: a.clone(),
                value: None,
                description: None,
            })
            .collect();
        let source = Source {
            file: file.into(),
            line: row.line,
        };
        let description = Some(format!("Values of `{owner}.{}`.", row.name));
        self.declare_enum(&name, ns, members, description, source, workload);
        format!("{ns}.{name}")
    }

    /// Resolves a reference to a qualified name. An unknown name becomes an enum
    /// when the row lists its values, and an open placeholder type otherwise; both
    /// are reported.
    pub fn resolve_ref(
        &mut self,
        r: &TypeRef,
        ns: &str,
        file: &str,
        allowed: &[String],
        workload: &str,
    ) -> (String, bool) {
        let mut name = r.name.clone();
        let mut collection = r.collection;
        if let Some(inner) = crate::parse::strip_collection_call(&name) {
            name = inner;
            collection = true;
        }
        match self.index.resolve(&name, r.link.as_deref(), ns) {
            Resolved::Primitive(p) => (p.to_string(), collection),
            Resolved::Declared(d) => (self.canonical(&d), collection),
            Resolved::Mismatch { by_name, by_link } => {
                let msg = format!("link label `{}` names `{}` but the link points to the page of `{}`; the label is used", r.name, by_name.qualified, by_link.qualified);
                self.diag(file, r.line, Severity::Warning, "link-mismatch", msg);
                (self.canonical(&by_name), collection)
            }
            Resolved::Unresolved => (
                self.undeclared(&name, ns, file, r.line, allowed, workload),
                collection,
            ),
        }
    }

    fn canonical(&self, d: &Declared) -> String {
        let key = d.qualified.to_ascii_lowercase();
        if let Some(t) = self.types.get(&key) {
            t.qualified()
        } else if let Some(e) = self.enums.get(&key) {
            e.qualified()
        } else {
            d.qualified.clone()
        }
    }

    fn undeclared(
        &mut self,
        name: &str,
        ns: &str,
        file: &str,
        line: u32,
        allowed: &[String],
        workload: &str,
    ) -> String {
        if self.qualify(name, ns).1.is_empty() {
            let msg = format!("`{name}` names a namespace but no type; read as any JSON value");
            self.diag(file, line, Severity::Warning, "type-name-missing", msg);
            return "Edm.Untyped".to_string();
        }
        let source = Source {
            file: file.into(),
            line,
        };
        if !allowed.is_empty() {
            let members = allowed
                .iter()
                .map(|a| EnumMember {
                    name: a.clone(),
                    value: None,
                    description: None,
                })
                .collect();
            self.declare_enum(name, ns, members, None, source, workload);
            let msg = format!("enum `{name}` has no page; its members come from the \"Possible values\" list here");
            self.diag(file, line, Severity::Note, "enum-inline", msg);
            let (ns, n) = self.qualify(name, ns);
            return format!("{ns}.{n}");
        }
        let (ns, n) = self.qualify(name, ns);
        let qualified = format!("{ns}.{n}");
        let msg = format!("type `{name}` is not described in the input; it is emitted as an open type that keeps every property");
        self.diag(file, line, Severity::Warning, "unresolved-type", msg);
        let decl = Declared {
            qualified: qualified.clone(),
            is_enum: false,
        };
        self.index.declare(decl, "");
        let def = TypeDef {
            name: n,
            namespace: ns,
            kind: TypeKind::Complex,
            base: None,
            is_abstract: false,
            open: true,
            origin: Origin::Undocumented,
            derived: Vec::new(),
            workload: workload.to_string(),
            description: None,
            properties: Vec::new(),
            source,
        };
        self.types.insert(qualified.to_ascii_lowercase(), def);
        qualified
    }

    /// Registers a synthetic type (an action's parameters as its request body).
    pub fn add_parameters_type(&mut self, def: TypeDef) -> String {
        let mut name = def.name.clone();
        let mut n = 2;
        while self
            .index
            .get(&format!("{}.{name}", def.namespace))
            .is_some()
        {
            name = format!("{}{n}", def.name);
            n += 1;
        }
        let qualified = format!("{}.{name}", def.namespace);
        self.index.declare(
            Declared {
                qualified: qualified.clone(),
                is_enum: false,
            },
            "",
        );
        self.types
            .insert(qualified.to_ascii_lowercase(), TypeDef { name, ..def });
        qualified
    }

    /// Qualified name of the type a resource page declares.
    pub fn page_type(&self, file: &str) -> Option<String> {
        self.page_types
            .get(file)
            .and_then(|k| self.types.get(k))
            .map(TypeDef::qualified)
    }
}

/// `odata`'s name with the inner capitals of `heading` (the same name ignoring
/// case): `microsoft.graph.orgcontact` + `orgContact` → `microsoft.graph.orgContact`,
/// but `microsoft.graph.contract` + `Contract` stays (a heading capitalizes its
/// first letter as a title does).
fn inner_casing(odata: &str, heading: &str) -> String {
    let cut = odata.len() - heading.len();
    let (prefix, name) = odata.split_at(cut);
    let mut out = prefix.to_string();
    out.extend(name.chars().take(1));
    out.extend(heading.chars().skip(1));
    out
}

/// A resource type before its pages are merged (see `merge::apply_pages`).
fn placeholder(name: String, namespace: String) -> TypeDef {
    TypeDef {
        name,
        namespace,
        kind: TypeKind::Complex,
        base: None,
        is_abstract: false,
        open: false,
        origin: Origin::Resource,
        derived: Vec::new(),
        workload: String::new(),
        description: None,
        properties: Vec::new(),
        source: Source::default(),
    }
}

/// The file stem of a page path: `api/user-get.md` → `user-get`.
pub fn stem(file: &str) -> String {
    let f = file.rsplit('/').next().unwrap_or(file);
    f.strip_suffix(".md").unwrap_or(f).to_string()
}

/// The type name in an H1 such as `groupAssignmentTarget resource type`.
fn h1_name(page: &Page, suffixes: &[&str]) -> Option<String> {
    let h1 = page.h1.as_ref()?.0.replace('`', "");
    let h1 = h1.trim().trim_end_matches("(deprecated)").trim();
    let lower = h1.to_ascii_lowercase();
    let cut = suffixes
        .iter()
        .find_map(|s| lower.strip_suffix(s).map(str::len))?;
    let name = h1[..cut].trim();
    (!name.is_empty() && !name.contains(' ')).then(|| name.to_string())
}

/// Feature name of a page: its `ms.prod` when that is a plain word, else its
/// namespace's last component.
pub fn workload(page: &Page, ns: &str) -> String {
    let prod = page
        .ms_prod
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let plain = !prod.is_empty()
        && prod
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        return prod;
    }
    let last = namespace_of(&format!("{ns}.x"))
        .rsplit('.')
        .next()
        .unwrap_or("graph")
        .to_ascii_lowercase();
    if last.is_empty() {
        "graph".into()
    } else {
        last
    }
}

fn looks_like_flags(members: &[EnumMember], description: Option<&str>) -> bool {
    let said = description.is_some_and(|d| d.to_ascii_lowercase().contains("flag"));
    let values: Vec<i64> = members.iter().filter_map(|m| m.value).collect();
    let powers = values.len() >= 3
        && values.len() == members.len()
        && values
            .iter()
            .all(|&v| v == 0 || (v > 0 && v & (v - 1) == 0))
        && values.iter().filter(|&&v| v > 2).count() > 0;
    said || powers
}

pub fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
