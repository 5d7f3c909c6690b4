//! Request functions: one per operation, returning a `runtime::Request` whose path
//! is built from the template with every parameter percent-encoded.
//!
//! The model does not say which namespace an operation belongs to: the functions
//! of a page go to the namespace of the first of its operations (by name) whose
//! response or body type the model defines, else to the default namespace.

use super::docs;
use super::index::Index;
use super::names::{self, ident, param_name, snake, unique_name};
use crate::model::{Operation, PathPart};
use crate::Error;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// Functions with more parameters trip `clippy::too_many_arguments`.
const CLIPPY_MAX_ARGUMENTS: usize = 7;
/// Parameter name of the request body; path parameters get other names.
const BODY_PARAM: &str = "body";
/// Parameter names of the bytes of an upload and their content type.
const CONTENT_PARAM: &str = "content";
const CONTENT_TYPE_PARAM: &str = "content_type";

/// Operations on a resource's bytes (`/$value`, `/content`, or a documented
/// `Edm.Stream`): a download answers `runtime::Download`, an upload takes bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bytes {
    Download,
    Upload,
}

pub(crate) fn bytes_kind(op: &Operation) -> Option<Bytes> {
    const STREAM: &str = "Edm.Stream";
    let last = op.template.segments.last().map(Vec::as_slice);
    let on_bytes =
        matches!(last, Some([PathPart::Literal(word)]) if word == "$value" || word == "content");
    let method = op.method.to_ascii_uppercase();
    let download = method == "GET"
        && (op.response.as_deref() == Some(STREAM) || (on_bytes && op.response.is_none()));
    let upload = matches!(method.as_str(), "PUT" | "POST" | "PATCH")
        && (op.body.as_deref() == Some(STREAM) || (on_bytes && op.body.is_none()));
    match (download, upload) {
        (true, _) => Some(Bytes::Download),
        (_, true) => Some(Bytes::Upload),
        _ => None,
    }
}

/// The functions of one page, in one file of a namespace's `requests` module.
pub(crate) struct RequestFile<'m> {
    pub file: String,
    pub functions: Vec<RequestFn<'m>>,
}

pub(crate) struct RequestFn<'m> {
    pub name: String,
    pub op: &'m Operation,
}

/// Request files by namespace, each namespace's files and functions uniquely named.
/// A namespace's functions are grouped in files by the first segment of their
/// path (`users.rs` holds `/users/...`, `me.rs` holds `/me/...`): where a user
/// of the REST API looks for them, and a file changes only when its paths do.
pub(crate) fn plan<'m>(index: &Index<'m>) -> BTreeMap<String, Vec<RequestFile<'m>>> {
    // Segments that differ in letter case only (`/directoryRoles`, `/directoryroles`)
    // are one module.
    let mut groups: BTreeMap<(String, String), Vec<&'m Operation>> = BTreeMap::new();
    for op in &index.model.operations {
        let namespace = op_namespace(index, op).unwrap_or(&index.default_namespace);
        let key = first_segment(op).to_ascii_lowercase();
        groups
            .entry((namespace.to_string(), key))
            .or_default()
            .push(op);
    }
    let mut by_namespace: BTreeMap<String, Vec<(String, Vec<&'m Operation>)>> = BTreeMap::new();
    for ((namespace, _), mut ops) in groups {
        let module = spelling(&ops);
        // Names are unique in the model; method and path only make sure the
        // order never depends on the input's.
        ops.sort_by(|a, b| (&a.name, &a.method, &a.path).cmp(&(&b.name, &b.method, &b.path)));
        by_namespace
            .entry(namespace)
            .or_default()
            .push((module, ops));
    }
    by_namespace
        .into_iter()
        .map(|(namespace, groups)| (namespace, name_files(groups)))
        .collect()
}

/// The spelling of a group's first segment: the one most of its operations
/// use, then the one with more capitals (Graph writes paths in camel case),
/// then the first in byte order.
fn spelling(ops: &[&Operation]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops {
        *counts.entry(first_segment(op)).or_default() += 1;
    }
    let capitals = |s: &str| s.chars().filter(char::is_ascii_uppercase).count();
    let best = counts
        .iter()
        .max_by(|(a, m), (b, n)| m.cmp(n).then(capitals(a).cmp(&capitals(b))).then(b.cmp(a)));
    best.map(|(s, _)| s.clone()).unwrap_or_default()
}

/// The first literal word of the path (`/users/{id}` → `users`), `root` for none.
fn first_segment(op: &Operation) -> String {
    op.template
        .segments
        .iter()
        .flatten()
        .find_map(|part| match part {
            PathPart::Literal(text) => {
                let word: String = text
                    .chars()
                    .take_while(|c| *c != '(')
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect();
                let word = word.rsplit('.').next().unwrap_or_default().to_string();
                (!word.is_empty()).then_some(word)
            }
            PathPart::Param(_) => None,
        })
        .unwrap_or_else(|| "root".into())
}

fn name_files<'m>(pages: Vec<(String, Vec<&'m Operation>)>) -> Vec<RequestFile<'m>> {
    let mut files = names::taken_modules(false, &[super::index::REQUESTS_MODULE]);
    let mut functions = names::taken_functions();
    pages
        .into_iter()
        .map(|(stem, ops)| RequestFile {
            file: unique_name(&names::module_name(&stem), &mut files),
            functions: ops
                .into_iter()
                .map(|op| RequestFn {
                    name: unique_name(&snake(&op.name), &mut functions),
                    op,
                })
                .collect(),
        })
        .collect()
}

fn op_namespace<'m>(index: &Index<'m>, op: &Operation) -> Option<&'m str> {
    let mut types = op.response.iter().chain(&op.body);
    types.find_map(|ty| index.namespace_of(ty))
}

/// The functions of one file.
pub(crate) fn request_fns(index: &Index<'_>, file: &RequestFile<'_>) -> Result<TokenStream, Error> {
    // Functions of one workload only: the file's cfg is theirs.
    let workloads: BTreeSet<&str> = file
        .functions
        .iter()
        .map(|f| f.op.workload.as_str())
        .collect();
    let gate_each = workloads.len() > 1;
    let functions = file
        .functions
        .iter()
        .map(|function| request_fn(index, function, gate_each))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote!(#(#functions)*))
}

fn request_fn(
    index: &Index<'_>,
    function: &RequestFn<'_>,
    gate: bool,
) -> Result<TokenStream, Error> {
    let op = function.op;
    let bytes = bytes_kind(op);
    let params = params(op);
    let body = body_param(index, op).filter(|_| bytes != Some(Bytes::Upload));
    let path = pieces_expr(&path_pieces(op, &params)?, PieceUse::Path);
    let query = op
        .template
        .query
        .iter()
        .map(|part| {
            let name = &part.name;
            let value = pieces_expr(
                &pieces(&part.value, &params, op, str::to_string)?,
                PieceUse::Query,
            );
            Ok(quote!(.query(#name, #value)))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let name = ident(&function.name);
    let doc = docs::lines_attrs(&doc_lines(op));
    let upload = bytes == Some(Bytes::Upload);
    let arguments = params.len() + usize::from(body.is_some()) + 2 * usize::from(upload);
    let allow =
        (arguments > CLIPPY_MAX_ARGUMENTS).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let with_json = body.as_ref().map(|_| {
        let body = ident(BODY_PARAM);
        quote!(.with_json(#body))
    });
    let body = body.map(|ty| {
        let body = ident(BODY_PARAM);
        quote!(#body: #ty)
    });
    let (body, with_json) = if upload {
        let (content_type, content) = (ident(CONTENT_TYPE_PARAM), ident(CONTENT_PARAM));
        (
            Some(quote!(#content_type: &str, #content: Vec<u8>)),
            Some(quote!(.with_bytes(#content_type, #content))),
        )
    } else {
        (body, with_json)
    };
    let method = method(&op.method);
    let status = Literal::u16_unsuffixed(op.status);
    let response = match bytes {
        Some(Bytes::Download) => quote!(crate::runtime::Download),
        _ => response_type(index, op),
    };
    let options = super::options::marker(op).map(|marker| {
        let marker = ident(&marker);
        quote!(, crate::options::#marker)
    });
    // The function exists with its workload's feature, which enables whatever
    // its body and response types need.
    let feature = names::feature_name(&op.workload);
    let cfg = gate.then(|| index.cfg([feature.as_str()]));
    // `#[inline]`, like `Object::read`: the code of a request function is
    // generated where it is called, not for all of them in this crate's build.
    Ok(quote! {
        #doc
        #cfg
        #allow
        #[inline]
        pub fn #name(#(#params: &str,)* #body) -> crate::runtime::Request<#response #options> {
            crate::runtime::Request::new(#method, #path, #status)
                #(#query)*
                #with_json
        }
    })
}

/// One `&str` parameter per path parameter, in order of first appearance, named
/// after what it identifies (see [`param_base`]).
fn params(op: &Operation) -> Vec<Ident> {
    let mut taken = BTreeSet::from([BODY_PARAM.to_string()]);
    if bytes_kind(op) == Some(Bytes::Upload) {
        taken.extend([CONTENT_PARAM.to_string(), CONTENT_TYPE_PARAM.to_string()]);
    }
    (0..op.template.params.len())
        .map(|i| ident(&unique_name(&param_base(op, i), &mut taken)))
        .collect()
}

/// An id standing for a whole segment is named after the collection before it
/// (`/users/{id}/messages/{id}` → `user_id`, `message_id`); other parameters keep
/// the name the docs give them (`{size}`, `{period_value}`, `{item-path}`).
fn param_base(op: &Operation, i: usize) -> String {
    let written = &op.template.params[i].name;
    let generic = written
        .split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|w| super::names::words(w))
        .any(|w| w.eq_ignore_ascii_case("id"));
    let segments = &op.template.segments;
    let at = segments
        .iter()
        .position(|s| s.as_slice() == [PathPart::Param(i)]);
    let before = at
        .and_then(|at| at.checked_sub(1))
        .and_then(|b| match segments[b].as_slice() {
            [PathPart::Literal(word)] => Some(word.rsplit('.').next().unwrap_or(word)),
            _ => None,
        })
        .filter(|w| !w.starts_with('$') && w.chars().all(|c| c.is_ascii_alphanumeric()));
    match before {
        Some(word) if generic => {
            let single = crate::model::op_names::singular_of(word);
            snake(&format!("{single} id")) // one name: `override` + `id`, no keyword escape
        }
        _ => param_name(written),
    }
}

/// `&T` for the body type: `&str` for text (not `&String`), `&[T]` for a collection.
pub(crate) fn body_param(index: &Index<'_>, op: &Operation) -> Option<TokenStream> {
    let ty = op.body.as_deref()?;
    Some(if op.body_collection {
        let item = index.type_ref(ty);
        quote!(&[#item])
    } else if super::index::is_text_primitive(ty) {
        quote!(&str)
    } else {
        let ty = index.type_ref(ty);
        quote!(&#ty)
    })
}

fn response_type(index: &Index<'_>, op: &Operation) -> TokenStream {
    match op.response.as_deref() {
        None => quote!(()),
        Some(ty) if op.response_collection => {
            let item = index.type_ref(ty);
            quote!(crate::runtime::Collection<#item>)
        }
        // OData answers one primitive as `{"value": ...}`.
        Some(ty) if ty.starts_with("Edm.") && ty != "Edm.Untyped" => {
            let item = index.type_ref(ty);
            quote!(crate::runtime::Primitive<#item>)
        }
        Some(ty) => index.type_ref(ty),
    }
}

fn method(written: &str) -> TokenStream {
    let upper = written.to_ascii_uppercase();
    let variant = match upper.as_str() {
        "GET" => "Get",
        "POST" => "Post",
        "PATCH" => "Patch",
        "PUT" => "Put",
        "DELETE" => "Delete",
        "HEAD" => "Head",
        "OPTIONS" => "Options",
        _ => return quote!(crate::runtime::Method::Other(#upper)),
    };
    let variant = ident(variant);
    quote!(crate::runtime::Method::#variant)
}

/// Text or a parameter, in a path or a query value.
#[derive(Debug, PartialEq)]
enum Piece<'p> {
    Text(String),
    Param(&'p Ident),
    /// A parameter inside an OData string literal (`period='{period}'`): its
    /// single quotes are doubled, so that no value ends the literal early.
    Quoted(&'p Ident),
}

#[derive(Clone, Copy)]
enum PieceUse {
    /// Parameters are encoded as path segments.
    Path,
    /// Parameters are used as they are: `Request::path_and_query` encodes the query.
    Query,
}

/// The path: `/` then the segments joined by `/`. Literal text is encoded at
/// generation time (see [`encode_path_literal`]).
fn path_pieces<'p>(op: &Operation, params: &'p [Ident]) -> Result<Vec<Piece<'p>>, Error> {
    let mut out = Vec::new();
    for segment in &op.template.segments {
        out.push(Piece::Text("/".into()));
        out.extend(pieces(segment, params, op, encode_path_literal)?);
    }
    if out.is_empty() {
        out.push(Piece::Text("/".into()));
    }
    Ok(merge_text(out))
}

fn pieces<'p>(
    parts: &[PathPart],
    params: &'p [Ident],
    op: &Operation,
    literal: fn(&str) -> String,
) -> Result<Vec<Piece<'p>>, Error> {
    // Single quotes so far: a parameter after an odd number of them is inside
    // a string literal (`f(a='x',b='{y}')`; a doubled `''` counts twice).
    let mut quotes = 0usize;
    let piece = |part: &PathPart| match part {
        PathPart::Literal(text) => {
            quotes += text.matches('\'').count();
            Ok(Piece::Text(literal(text)))
        }
        PathPart::Param(i) => {
            let param = params.get(*i).ok_or_else(|| {
                Error::Internal(format!(
                    "operation {}: path parameter #{i} is not in its template",
                    op.name
                ))
            })?;
            Ok(if quotes % 2 == 1 {
                Piece::Quoted(param)
            } else {
                Piece::Param(param)
            })
        }
    };
    Ok(merge_text(
        parts.iter().map(piece).collect::<Result<_, _>>()?,
    ))
}

fn merge_text(pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    let mut out: Vec<Piece<'_>> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (out.last_mut(), piece) {
            (Some(Piece::Text(last)), Piece::Text(text)) => last.push_str(&text),
            (_, Piece::Text(text)) if text.is_empty() => {}
            (_, piece) => out.push(piece),
        }
    }
    out
}

/// A string expression for the pieces: a literal when there is no parameter,
/// else the concatenation of literals and (encoded, in a path) parameters.
fn pieces_expr(pieces: &[Piece<'_>], usage: PieceUse) -> TokenStream {
    let expr = |piece: &Piece<'_>| match (piece, usage) {
        (Piece::Text(text), _) => quote!(#text),
        (Piece::Param(param), PieceUse::Path) => {
            quote!(crate::runtime::encode_segment(#param).as_str())
        }
        (Piece::Param(param), PieceUse::Query) => quote!(#param),
        (Piece::Quoted(param), PieceUse::Path) => {
            quote!(crate::runtime::encode_segment(&crate::runtime::escape_odata_string(#param)).as_str())
        }
        (Piece::Quoted(param), PieceUse::Query) => {
            quote!(crate::runtime::escape_odata_string(#param).as_str())
        }
    };
    match pieces {
        [] => quote!(""),
        [Piece::Param(param)] if matches!(usage, PieceUse::Path) => {
            quote!(crate::runtime::encode_segment(#param))
        }
        [single] => expr(single),
        _ => {
            let exprs = pieces.iter().map(expr);
            quote!([#(#exprs),*].concat())
        }
    }
}

/// Literal path text as written by the docs, made a valid part of a segment:
/// characters a path segment may hold (RFC 3986 `pchar`: unreserved, sub-delims,
/// `:`, `@`) and existing `%XX` escapes are kept; anything else (`/`, `?`, `#`,
/// spaces, non-ASCII) is percent-encoded, so the text cannot end the path early.
fn encode_path_literal(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) || escape {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Title, description, `METHOD /path`, permissions and documented headers.
fn doc_lines(op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    let mut block = |text: &str| {
        let block = docs::lines(text);
        if !block.is_empty() {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.extend(block);
        }
    };
    block(op.title.as_deref().unwrap_or_default());
    block(op.description.as_deref().unwrap_or_default());
    block(&format!(
        "`{} {}`",
        op.method.to_ascii_uppercase(),
        op.path.replace('`', "'")
    ));
    block(&super::options::doc_line(op).unwrap_or_default());
    if !op.permissions.is_empty() {
        let rows = op
            .permissions
            .iter()
            .map(|p| [p.kind.as_str(), p.permissions.as_str()]);
        block(&table(
            "Permissions",
            ["Permission type", "Permissions"],
            rows,
        ));
    }
    if !op.headers.is_empty() {
        let rows = op
            .headers
            .iter()
            .map(|h| [h.name.as_str(), h.description.as_str()]);
        block(&table("Request headers", ["Name", "Description"], rows));
    }
    lines
}

fn table<'a>(title: &str, head: [&str; 2], rows: impl Iterator<Item = [&'a str; 2]>) -> String {
    let mut text = format!(
        "# {title}\n\n| {} | {} |\n| --- | --- |\n",
        head[0], head[1]
    );
    for [a, b] in rows {
        text.push_str(&format!(
            "| {} | {} |\n",
            docs::table_cell(a),
            docs::table_cell(b)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_differing_in_case_are_one_module_spelled_as_most_ops_spell_it() {
        let op = super::super::tests::op;
        let ops = [
            op("a", "GET", "/directoryRoles", 200),
            op("b", "GET", "/directoryroles/{id}", 200),
            op("c", "GET", "/directoryRoles/{id}/members", 200),
        ];
        let refs: Vec<&Operation> = ops.iter().collect();
        assert_eq!(spelling(&refs), "directoryRoles");
        assert_eq!(
            spelling(&refs[..2]),
            "directoryRoles",
            "a tie: more capitals"
        );
        assert_eq!(spelling(&refs[1..2]), "directoryroles");
    }

    #[test]
    fn path_literals_stay_inside_their_segment() {
        assert_eq!(
            encode_path_literal("microsoft.graph.delta()"),
            "microsoft.graph.delta()"
        );
        assert_eq!(encode_path_literal("f(p='"), "f(p='");
        assert_eq!(encode_path_literal("$ref"), "$ref");
        assert_eq!(
            encode_path_literal("a b/c?d#e%zz%41é"),
            "a%20b%2Fc%3Fd%23e%25zz%41%C3%A9"
        );
    }

    #[test]
    fn text_pieces_merge() {
        let p = ident("id");
        let merged = merge_text(vec![
            Piece::Text("/a".into()),
            Piece::Text("/b".into()),
            Piece::Param(&p),
            Piece::Text(String::new()),
            Piece::Text("c".into()),
        ]);
        assert_eq!(
            merged,
            [
                Piece::Text("/a/b".into()),
                Piece::Param(&p),
                Piece::Text("c".into())
            ]
        );
    }

    #[test]
    fn bytes_are_downloaded_and_uploaded() {
        let op = super::super::tests::op;
        let stream = |mut o: Operation, body: bool| {
            if body {
                o.body = Some("Edm.Stream".into());
            } else {
                o.response = Some("Edm.Stream".into());
            }
            o
        };
        let cases = [
            (
                op("a", "GET", "/me/photo/$value", 200),
                Some(Bytes::Download),
            ),
            (
                op("b", "GET", "/drives/{id}/items/{id}/content", 302),
                Some(Bytes::Download),
            ),
            (
                op("c", "PUT", "/me/drive/items/{p}:/{f}:/content", 201),
                Some(Bytes::Upload),
            ),
            (op("d", "put", "/me/photo/$value", 204), Some(Bytes::Upload)),
            (
                stream(op("e", "GET", "/reports/x", 200), false),
                Some(Bytes::Download),
            ),
            (
                stream(op("f", "POST", "/x/upload", 200), true),
                Some(Bytes::Upload),
            ),
            (op("g", "GET", "/me/contentTypes", 200), None),
            (op("h", "DELETE", "/me/photo/$value", 204), None),
            (op("i", "GET", "/sites/{id}/content/x", 200), None),
        ];
        for (op, kind) in cases {
            assert_eq!(bytes_kind(&op), kind, "{} {}", op.method, op.path);
        }
        let documented = Operation {
            response: Some("microsoft.graph.user".into()),
            ..op("j", "GET", "/users/{id}/$value", 200)
        };
        assert_eq!(bytes_kind(&documented), None, "a documented JSON type wins");
    }

    #[test]
    fn methods() {
        assert_eq!(
            method("patch").to_string(),
            quote!(crate::runtime::Method::Patch).to_string()
        );
        assert_eq!(
            method("REPORT").to_string(),
            quote!(crate::runtime::Method::Other("REPORT")).to_string()
        );
    }
}
