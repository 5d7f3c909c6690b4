//! The replay: every documented call (a request example and the response example
//! that answers it, [`crate::model::Call`]) made through the emitted client over
//! HTTP against a local server that knows the examples.
//!
//! docbind plans the calls ([`plan`]): it finds the operation whose path template
//! the example's URL fits and reads the arguments of its request function from
//! the URL (decoded), the query parameters the function does not add itself, and
//! what the server must see (method, path, query as a set of decoded pairs, the
//! body as JSON). It writes the program ([`main_rs`]) that, per call, reads the
//! example's body into the body type, calls the request function through a
//! `Client` whose transport is a plain TCP connection to its own server thread
//! on 127.0.0.1, and reads the example's response as the response type. The
//! server compares what came with what the example shows and answers with the
//! example's status and body.
//!
//! The program takes the calls file (`calls.json`, [`Planned`] items) and the
//! version, and prints one summary line and one line per mismatch.

use crate::emit::{self, RequestFunction};
use crate::model::{Call, Model, Operation, PathPart, Source};
use serde::{Deserialize, Serialize};

/// A call the program makes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    /// `page:line` of the request example.
    pub at: String,
    /// `page:line` of the response example.
    pub response_at: String,
    /// The operation (an entry of the program's table).
    pub operation: String,
    /// The request function's path arguments, decoded.
    pub args: Vec<String>,
    /// Query pairs of the example that the function does not add.
    pub extra_query: Vec<(String, String)>,
    /// The request body of the example, if it has one that is JSON (for an
    /// upload, its text as a JSON string when it is not JSON).
    pub body: Option<serde_json::Value>,
    /// The example has a body, and it is not JSON.
    pub body_not_json: bool,
    /// What the server must see.
    pub method: String,
    /// Decoded, below the version (`/users/1`).
    pub path: String,
    pub query: Vec<(String, String)>,
    /// What the server answers.
    pub status: u16,
    pub response: Option<String>,
}

/// A call that cannot be made, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unplanned {
    pub at: String,
    pub why: String,
}

/// The plan: calls to make, calls that cannot be made, and how many operations
/// the calls are of.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub calls: Vec<Planned>,
    pub unplanned: Vec<Unplanned>,
    /// Operations with at least one request example with a response (planned or not).
    pub operations: usize,
    /// Request examples with a response.
    pub examples: usize,
}

fn at(s: &Source) -> String {
    format!("{}:{}", s.file, s.line)
}

/// Plans every call of the model that has a response example.
pub fn plan(model: &Model) -> Plan {
    let functions = emit::request_functions(model);
    let mut out = Plan::default();
    let mut ops_seen = std::collections::BTreeSet::new();
    for call in &model.calls {
        let Some(response) = &call.response else {
            continue;
        };
        out.examples += 1;
        let url = split_url(&call.url);
        let Some((op, args)) = find_operation(model, call, &url.segments) else {
            out.unplanned.push(Unplanned {
                at: at(&call.source),
                why: format!(
                    "path: {} {} fits no operation's template",
                    call.method, url.path
                ),
            });
            continue;
        };
        ops_seen.insert(op.name.clone());
        let Some(function) = functions.get(&op.name) else {
            out.unplanned.push(Unplanned {
                at: at(&call.source),
                why: format!("operation {} has no request function", op.name),
            });
            continue;
        };
        let fixed: Vec<(String, String)> = op
            .template
            .query
            .iter()
            .filter_map(|q| literal(&q.value).map(|v| (q.name.clone(), v)))
            .collect();
        let mut args = args;
        let extra_query = url
            .query
            .iter()
            .filter(|(name, value)| {
                if fixed.iter().any(|(n, v)| n == name && v == value) {
                    return false;
                }
                // A templated query parameter: its value gives arguments.
                let templated = op.template.query.iter().find(|q| &q.name == name);
                match templated {
                    Some(q) if literal(&q.value).is_none() => match match_parts(&q.value, value) {
                        Some(found) => {
                            for (i, v) in found {
                                if args[i].is_none() {
                                    args[i] = Some(v);
                                }
                            }
                            false
                        }
                        None => true,
                    },
                    _ => true,
                }
            })
            .cloned()
            .collect();
        let body_text = call.body.as_deref().map(str::trim);
        let json = body_text.and_then(|t| serde_json::from_str(t).ok());
        // An upload sends the example's text as its bytes; the server compares
        // them as it compares a JSON body (as JSON if they are, else as text).
        let body = match (function.upload, body_text) {
            (true, Some(text)) => {
                json.or_else(|| Some(serde_json::Value::String(text.to_string())))
            }
            _ => json,
        };
        out.calls.push(Planned {
            at: at(&call.source),
            response_at: at(&response.source),
            operation: op.name.clone(),
            args: args.into_iter().map(Option::unwrap_or_default).collect(),
            extra_query,
            body_not_json: body_text.is_some() && body.is_none(),
            body,
            method: call.method.to_ascii_uppercase(),
            path: url.path.clone(),
            query: url.query.clone(),
            status: response.status.unwrap_or(op.status),
            response: response.body.clone(),
        });
    }
    out.operations = ops_seen.len();
    out
}

fn literal(parts: &[PathPart]) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        match part {
            PathPart::Literal(text) => out.push_str(text),
            PathPart::Param(_) => return None,
        }
    }
    Some(out)
}

/// An example URL, taken apart.
#[derive(Debug, PartialEq)]
struct Url {
    /// Decoded, below the version, e.g. `/users/1`.
    path: String,
    /// The path's segments, decoded.
    segments: Vec<String>,
    /// Decoded pairs.
    query: Vec<(String, String)>,
}

/// `https://graph.microsoft.com/v1.0/users/1?$select=id` (or `/v1.0/users/1`,
/// `/users/1`) taken apart.
fn split_url(url: &str) -> Url {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map_or("", |j| &after[j..])
        }
        None => url,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut raw: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if raw
        .first()
        .is_some_and(|v| v.eq_ignore_ascii_case("v1.0") || v.eq_ignore_ascii_case("beta"))
    {
        raw.remove(0);
    }
    let segments: Vec<String> = raw.iter().map(|s| decode(s)).collect();
    Url {
        path: format!("/{}", segments.join("/")),
        segments,
        query: query_pairs(query),
    }
}

/// Decoded `name=value` pairs of a query string (see `model::path::query_decode`).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode =
        |text: &str| String::from_utf8_lossy(&crate::model::path::query_decode(text)).into_owned();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(n), decode(v))
        })
        .collect()
}

/// Percent-decodes `text` (invalid escapes stay as they are).
pub fn decode(text: &str) -> String {
    String::from_utf8_lossy(&crate::model::path::percent_decode(text)).into_owned()
}

/// The operation the call is of: one with its method whose template the path
/// fits, documented on the call's page if one is; with the arguments read from
/// the path (by parameter index; `None` where the path does not give one).
fn find_operation<'m>(
    model: &'m Model,
    call: &Call,
    segments: &[String],
) -> Option<(&'m Operation, Vec<Option<String>>)> {
    let fits = model.operations.iter().filter_map(|op| {
        if !op.method.eq_ignore_ascii_case(&call.method) {
            return None;
        }
        let args = match_template(op, segments)?;
        let on_page = op.sources.iter().any(|s| s.file == call.source.file)
            || op.source.file == call.source.file;
        Some((!on_page, op, args))
    });
    // On the page first, then the fewest parameters (the most literal template).
    let best = fits.min_by_key(|(off_page, op, _)| (*off_page, op.template.params.len()))?;
    Some((best.1, best.2))
}

fn match_template(op: &Operation, segments: &[String]) -> Option<Vec<Option<String>>> {
    let template = &op.template;
    if template.segments.len() != segments.len() {
        return None;
    }
    let mut args = vec![None; template.params.len()];
    for (parts, text) in template.segments.iter().zip(segments) {
        for (i, value) in match_parts(parts, text)? {
            if args[i].is_none() {
                args[i] = Some(value);
            }
        }
    }
    Some(args)
}

/// Matches `text` against a sequence of literal text (ignoring ASCII case) and
/// parameters (any text, at least one character); the values of the parameters.
fn match_parts(parts: &[PathPart], text: &str) -> Option<Vec<(usize, String)>> {
    match parts.split_first() {
        None => text.is_empty().then(Vec::new),
        Some((PathPart::Literal(lit), rest)) => {
            let head = text.get(..lit.len())?;
            if !head.eq_ignore_ascii_case(lit) {
                return None;
            }
            match_parts(rest, &text[lit.len()..])
        }
        Some((PathPart::Param(i), rest)) => {
            // The shortest value for which the rest fits.
            let ends = text.char_indices().map(|(j, c)| j + c.len_utf8());
            for end in ends {
                if let Some(mut found) = match_parts(rest, &text[end..]) {
                    found.push((*i, text[..end].to_string()));
                    return Some(found);
                }
            }
            None
        }
    }
}

/// The program's Cargo.toml: the conformance harness's, with the client feature
/// and `http`.
pub fn cargo_toml(package: &str, crate_name: &str, crate_path: &str) -> String {
    format!(
        "[package]\nname = {package:?}\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngenerated = {{ package = {crate_name:?}, path = {crate_path:?}, features = [\"client\"] }}\n\
         http = \"1\"\nserde = \"1\"\nserde_json = \"1\"\n"
    )
}

/// The program's `src/main.rs`: one caller per operation of `plan`.
pub fn main_rs(model: &Model, plan: &Plan) -> String {
    let functions = emit::request_functions(model);
    let used: std::collections::BTreeSet<&str> =
        plan.calls.iter().map(|c| c.operation.as_str()).collect();
    let mut callers = String::new();
    let mut rows = String::new();
    for (i, name) in used.iter().enumerate() {
        let Some(f) = functions.get(*name) else {
            continue;
        };
        callers.push_str(&caller(i, model, name, f));
        rows.push_str(&format!("    ({name:?}, call_{i}),\n"));
    }
    PROGRAM
        .replace("// CALLERS\n", &callers)
        .replace("    // TABLE\n", &rows)
}

fn caller(i: usize, model: &Model, name: &str, f: &RequestFunction) -> String {
    let params = model
        .operations
        .iter()
        .find(|o| o.name == name)
        .map_or(0, |o| o.template.params.len());
    let mut args: Vec<String> = (0..params).map(|j| format!("&p.args[{j}]")).collect();
    if f.upload {
        args.extend([
            "\"application/octet-stream\"".to_string(),
            "content(p)".to_string(),
        ]);
    }
    let path = f.path.replace("crate::", "generated::");
    let body = f.body.as_deref().map(|ty| {
        let owned = if ty == "&str" {
            "String".to_string()
        } else if let Some(item) = ty.strip_prefix("&[").and_then(|t| t.strip_suffix(']')) {
            format!("Vec<{}>", item.replace("crate::", "generated::"))
        } else {
            ty.trim_start_matches('&').replace("crate::", "generated::")
        };
        args.push("&body".to_string());
        format!("    let body: {owned} = body(p)?;\n")
    });
    format!(
        "fn call_{i}(p: &Planned) -> Result<Prepared, String> {{\n{}    Ok(prepare(p, {path}({})))\n}}\n\n",
        body.unwrap_or_default(),
        args.join(", ")
    )
}

const PROGRAM: &str = r#"// Written by docbind's replay module: every documented call through the client
// against a local server that answers with the documented response.
#![allow(clippy::all, dead_code)]
use generated::client::{BoxFuture, Client, StaticToken, Transport};
use generated::protocol::RetryPolicy;
use generated::runtime::{BoxError, FromResponse, Reply, Request};
use serde::Deserialize;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Deserialize)]
struct Planned {
    at: String,
    response_at: String,
    operation: String,
    args: Vec<String>,
    extra_query: Vec<(String, String)>,
    body: Option<Value>,
    body_not_json: bool,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    status: u16,
    response: Option<String>,
}

#[derive(Deserialize)]
struct Unplanned {
    at: String,
    why: String,
}

#[derive(Deserialize)]
struct Plan {
    calls: Vec<Planned>,
    unplanned: Vec<Unplanned>,
    operations: usize,
    examples: usize,
}

/// A call ready to go: the request without its response type (what the client
/// sends does not depend on it: one `Client::execute` for all), and the typed
/// reading of the answer.
struct Prepared {
    request: Request<()>,
    parse: Box<dyn FnOnce(&Reply<Vec<u8>>) -> Result<(), String>>,
}

/// The example's body as the bytes of an upload.
fn content(p: &Planned) -> Vec<u8> {
    match &p.body {
        Some(Value::String(text)) => text.clone().into_bytes(),
        Some(json) => json.to_string().into_bytes(),
        None => Vec::new(),
    }
}

/// The example's body as the body type.
fn body<T: serde::de::DeserializeOwned>(p: &Planned) -> Result<T, String> {
    if p.body_not_json {
        return Err("body: the example's body is not JSON".into());
    }
    let json = p.body.clone().unwrap_or(Value::Null);
    serde_json::from_value(json).map_err(|e| format!("body: does not fit the body type: {e}"))
}

fn prepare<R: FromResponse + 'static, O: 'static>(p: &Planned, mut typed: Request<R, O>) -> Prepared {
    typed.query.extend(p.extra_query.iter().cloned());
    let mut request = Request::<()>::new(typed.method, typed.path.clone(), 200);
    request.query = typed.query.clone();
    request.headers = typed.headers.clone();
    request.body = typed.body.clone();
    let parse = move |raw: &Reply<Vec<u8>>| {
        typed.parse_response(raw.status, &raw.headers, &raw.value).map(drop).map_err(|e| format!("deserialize: {e}"))
    };
    Prepared { request, parse: Box::new(parse) }
}

// CALLERS
type Caller = fn(&Planned) -> Result<Prepared, String>;

static TABLE: &[(&str, Caller)] = &[
    // TABLE
];

/// Percent-decodes `text`.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) if bytes[i] == b'%' => { out.push(byte); i += 3; }
            _ => { out.push(bytes[i]); i += 1; }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (n, v) = p.split_once('=').unwrap_or((p, ""));
        (decode(&n.replace('+', " ")), decode(&v.replace('+', " ")))
    }).collect();
    pairs.sort();
    pairs
}

/// What the server expects next and what it found.
#[derive(Default)]
struct Exchange {
    expected: Option<(String, String, Vec<(String, String)>, Option<Value>, u16, Vec<u8>)>,
    mismatches: Vec<String>,
}

fn serve(listener: TcpListener, state: Arc<Mutex<Exchange>>, root: String) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let _ = answer(stream, &state, &root);
    }
}

fn answer(stream: TcpStream, state: &Mutex<Exchange>, root: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let target = words.next().unwrap_or("").to_string();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() { break; }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") { length = value.trim().parse().unwrap_or(0); }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let path = decode(path.strip_prefix(root).unwrap_or(path));
    let path = if path.is_empty() { "/".to_string() } else { path };
    let query = query_pairs(query);
    let mut state = state.lock().unwrap();
    let Some((m, p, q, b, status, answer)) = state.expected.clone() else {
        state.mismatches.push(format!("unexpected request {method} {target}"));
        return Ok(());
    };
    if !method.eq_ignore_ascii_case(&m) { state.mismatches.push(format!("method: sent {method}, the example shows {m}")); }
    if path != p { state.mismatches.push(format!("path: sent {path}, the example shows {p}")); }
    if query != q { state.mismatches.push(format!("query: sent {query:?}, the example shows {q:?}")); }
    let sent: Option<Value> = if body.is_empty() { None } else { serde_json::from_slice(&body).ok().or(Some(Value::String(String::from_utf8_lossy(&body).into_owned()))) };
    if sent != b {
        let shown = |v: &Option<Value>| v.as_ref().map_or("none".to_string(), |v| v.to_string());
        let (s, e) = (shown(&sent), shown(&b));
        let cut = |t: String| if t.len() > 300 { format!("{}...", &t[..t.char_indices().nth(300).map_or(t.len(), |(i, _)| i)]) } else { t };
        state.mismatches.push(format!("body: sent {}, the example shows {}", cut(s), cut(e)));
    }
    drop(state);
    let mut out = stream;
    let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", answer.len());
    out.write_all(head.as_bytes())?;
    out.write_all(&answer)?;
    out.flush()
}

/// A transport over one plain TCP connection per request (the server is local).
struct Tcp;

impl Transport for Tcp {
    fn send(&self, request: http::Request<Vec<u8>>) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, BoxError>> {
        Box::pin(async move {
            let uri = request.uri().clone();
            let authority = uri.authority().ok_or("no host")?.to_string();
            let target = uri.path_and_query().map_or("/".to_string(), |p| p.to_string());
            let mut stream = TcpStream::connect(&authority)?;
            let mut head = format!("{} {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\ncontent-length: {}\r\n", request.method(), request.body().len());
            for (name, value) in request.headers() {
                if name != "content-length" && name != "host" {
                    head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap_or("")));
                }
            }
            head.push_str("\r\n");
            stream.write_all(head.as_bytes())?;
            stream.write_all(request.body())?;
            let mut raw = Vec::new();
            stream.read_to_end(&mut raw)?;
            let split = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no answer head")?;
            let head = String::from_utf8_lossy(&raw[..split]).into_owned();
            let status: u16 = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
            let mut response = http::Response::builder().status(status);
            for line in head.lines().skip(1) {
                if let Some((n, v)) = line.split_once(':') { response = response.header(n.trim(), v.trim()); }
            }
            Ok(response.body(raw[split + 4..].to_vec())?)
        })
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) { self.0.unpark(); }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) { return out; }
        std::thread::park();
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: replay CALLS.json VERSION");
    let version = args.next().unwrap_or_else(|| "v1.0".into());
    let text = std::fs::read_to_string(&path).expect("read calls");
    let plan: Plan = serde_json::from_str(&text).expect("calls are JSON");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let root = format!("/{version}");
    let base = format!("http://{}{root}", listener.local_addr().expect("address"));
    let state = Arc::new(Mutex::new(Exchange::default()));
    {
        let state = state.clone();
        // Detached: it ends with the program.
        std::thread::spawn(move || serve(listener, state, root));
    }
    let retry = RetryPolicy { max_retries: 0, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(1) };
    let client = Client::new(Tcp, StaticToken::new("t")).with_service_root(&base).with_retry(retry).with_max_redirects(0);
    let started = std::time::Instant::now();
    let (mut called, mut matched, mut deserialized) = (0, 0, 0);
    let mut lines: Vec<String> = plan.unplanned.iter().map(|u| format!("  {}: {}", u.at, u.why)).collect();
    for p in &plan.calls {
        let Some((_, caller)) = TABLE.iter().find(|(name, _)| *name == p.operation) else {
            lines.push(format!("  {}: operation {} is not in the program", p.at, p.operation));
            continue;
        };
        let mut q = p.query.clone();
        q.sort();
        // HTTP sends no body with a 204, whatever the example shows (the model warns of it).
        let answer = if p.status == 204 { Vec::new() } else { p.response.clone().unwrap_or_default().into_bytes() };
        {
            let mut s = state.lock().unwrap();
            s.expected = Some((p.method.clone(), p.path.clone(), q, p.body.clone(), p.status, answer));
            s.mismatches.clear();
        }
        let prepared = match caller(p) {
            Ok(prepared) => prepared,
            Err(why) => {
                lines.push(format!("  {}: {why}", p.at));
                continue;
            }
        };
        let reply = block_on(client.execute(&prepared.request));
        let mismatches = std::mem::take(&mut state.lock().unwrap().mismatches);
        called += 1;
        if mismatches.is_empty() { matched += 1; }
        for m in mismatches { lines.push(format!("  {}: {m}", p.at)); }
        match reply.map_err(|e| format!("send: {e}")).and_then(|raw| (prepared.parse)(&raw)) {
            Ok(()) => deserialized += 1,
            Err(e) => lines.push(format!("  {} (response {}): {e}", p.at, p.response_at)),
        }
    }
    println!("replay {version}: operations with request and response examples {} ({} examples), called {called}, matched {matched}, deserialized {deserialized} ({:.1} s)", plan.operations, plan.examples, started.elapsed().as_secs_f64());
    for line in lines { println!("{line}"); }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_come_apart_decoded() {
        let url = split_url(
            "https://graph.microsoft.com/v1.0/users/87d3%2F9?$select=displayName,id&$filter=a eq 'b c'",
        );
        assert_eq!(url.path, "/users/87d3/9");
        assert_eq!(url.segments, ["users", "87d3/9"]);
        assert_eq!(
            url.query,
            [
                ("$select".to_string(), "displayName,id".to_string()),
                ("$filter".to_string(), "a eq 'b c'".to_string())
            ]
        );
        assert_eq!(split_url("/beta/me").path, "/me");
        assert_eq!(split_url("GET").segments, ["GET"]);
    }

    #[test]
    fn parameters_take_the_shortest_text_that_lets_the_rest_fit() {
        let parts = [
            PathPart::Literal("items('".into()),
            PathPart::Param(0),
            PathPart::Literal("')".into()),
        ];
        assert_eq!(
            match_parts(&parts, "Items('a')b')"),
            Some(vec![(0, "a')b".to_string())])
        );
        assert_eq!(match_parts(&parts, "items('')"), None);
        assert_eq!(
            match_parts(&[PathPart::Param(1)], "x"),
            Some(vec![(1, "x".into())])
        );
    }
}
