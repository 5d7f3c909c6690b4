//! HTTP blocks: request templates (`PATCH /users/{id}`) and example requests and
//! responses (request line or status line, headers, JSON body).

use super::{BlockRole, CodeBlock, HttpTemplate};
use crate::diag::Sink;
use std::collections::hash_map::{Entry, HashMap};

/// Every method the runtime's `Method` names.
const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"];

/// Splits `METHOD rest` (also `DELETE/path` with the space missing).
fn split_method(line: &str) -> Option<(String, &str)> {
    let t = line.trim();
    let longest = METHODS.iter().map(|m| m.len()).max().unwrap_or_default();
    let upper_prefix: String = t
        .chars()
        .take(longest)
        .collect::<String>()
        .to_ascii_uppercase();
    let method = METHODS.iter().find(|m| upper_prefix.starts_with(*m))?;
    let rest = &t[method.len()..];
    if !(rest.starts_with(' ') || rest.starts_with('/') || rest.starts_with('\t')) {
        return None;
    }
    Some((method.to_string(), rest.trim()))
}

/// `GET /users/{id}`: a method and a path (not a full URL).
pub fn is_template_line(line: &str) -> bool {
    split_method(line).is_some_and(|(_, rest)| rest.starts_with('/'))
}

/// The request lines of a template block under "HTTP request". Lines that are not
/// requests (`or`, stray headers) are skipped, and so is a request line the block
/// already had (one operation per method and path).
pub fn templates(text: &str, first_line: u32, sink: &mut Sink) -> Vec<HttpTemplate> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String), u32> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = first_line + i as u32;
        let Some((method, rest)) = split_method(line) else {
            continue;
        };
        let rest = strip_http_version(rest, line_no, sink);
        match normalize_path(rest) {
            Some(path) => match seen.entry((method, path)) {
                Entry::Occupied(first) => sink.warn(
                    line_no,
                    "http-request-repeated",
                    format!(
                        "`{} {}` is listed again (first at line {}); skipped",
                        first.key().0,
                        first.key().1,
                        first.get()
                    ),
                ),
                Entry::Vacant(slot) => {
                    let (method, path) = slot.key().clone();
                    slot.insert(line_no);
                    out.push(HttpTemplate {
                        method,
                        path,
                        line: line_no,
                    });
                }
            },
            None => sink.warn(
                line_no,
                "http-path-invalid",
                format!("`{}` is not a request path; skipped", line.trim()),
            ),
        }
    }
    out
}

/// A request line copied from an HTTP message (`GET /me HTTP/1.1`): the version is
/// not part of the path.
fn strip_http_version<'a>(rest: &'a str, line: u32, sink: &mut Sink) -> &'a str {
    let Some((path, last)) = rest.rsplit_once(char::is_whitespace) else {
        return rest;
    };
    let is_version = last
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("HTTP/"))
        && last[5..].chars().all(|c| c.is_ascii_digit() || c == '.');
    if !is_version {
        return rest;
    }
    sink.warn(
        line,
        "http-version-in-path",
        format!("request line ends in the HTTP version `{last}`; left out of the path"),
    );
    path.trim_end()
}

/// Normalizes a template path: host and version removed from absolute URLs, a
/// leading `/` added to relative ones, white space inside braces dropped. Paths
/// that cannot be templates (`** Collection URI ... not found`) give `None`.
pub fn normalize_path(raw: &str) -> Option<String> {
    let mut p = raw.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = p.strip_prefix(scheme) {
            let after_host = rest.find('/').map_or("", |i| &rest[i..]);
            p = strip_version(after_host);
        }
    }
    let p = p.trim();
    if p.is_empty() || p.starts_with('*') || p.contains(' ') && !p.contains('{') && !p.contains('?')
    {
        return None;
    }
    let mut out = String::with_capacity(p.len() + 1);
    if !p.starts_with('/') {
        out.push('/');
    }
    let mut depth = 0i32;
    for c in p.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth > 0 && c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    Some(out)
}

fn strip_version(path: &str) -> &str {
    for v in ["/v1.0", "/beta", "/V1.0", "/v1"] {
        if let Some(rest) = path.strip_prefix(v) {
            if rest.is_empty() || rest.starts_with('/') {
                return rest;
            }
        }
    }
    path
}

/// Fills in method/URL or status, headers and body of an example block.
pub fn example(block: &mut CodeBlock, text: &str) {
    let mut lines = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty());
    let Some((_, first)) = lines.next() else {
        return;
    };
    if let Some((method, url)) = split_method(first) {
        block.method = Some(method);
        block.url = Some(url.to_string());
        if block.role == BlockRole::Other {
            block.role = BlockRole::Request;
        }
    } else if let Some(status) = status_line(first) {
        block.status = Some(status);
        if block.role == BlockRole::Other {
            block.role = BlockRole::Response;
        }
    } else if first.trim_start().starts_with(['{', '[']) {
        block.body = Some((text.trim().to_string(), block.line + 1));
        return;
    }
    for (i, line) in lines {
        let t = line.trim_start();
        if t.starts_with('{') || t.starts_with('[') {
            let offset: usize = text.lines().take(i).map(|l| l.len() + 1).sum();
            let body = text.get(offset..).unwrap_or("").trim();
            block.body = Some((body.to_string(), block.line + 1 + i as u32));
            return;
        }
        if let Some((name, value)) = t.split_once(':') {
            if !name.is_empty() && !name.contains(' ') {
                block
                    .headers
                    .push((name.to_string(), value.trim().to_string()));
            }
        }
    }
}

/// `HTTP/1.1 200 OK`, `HTTP 201 Created`, `HTTP code: 200 OK`.
fn status_line(line: &str) -> Option<u16> {
    let t = line.trim();
    if !t.to_ascii_uppercase().starts_with("HTTP") {
        return None;
    }
    t.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 3)
        .and_then(|w| w.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(
            normalize_path("/users/{id | userPrincipalName}/x").unwrap(),
            "/users/{id|userPrincipalName}/x"
        );
        assert_eq!(
            normalize_path("https://graph.microsoft.com/beta/me/events").unwrap(),
            "/me/events"
        );
        assert_eq!(normalize_path("policies/x").unwrap(), "/policies/x");
        assert!(normalize_path("** Collection URI for x not found").is_none());
    }

    #[test]
    fn reads_templates_with_stray_lines() {
        let mut sink = Sink::new("t.md");
        let t = templates(
            "GET /me/messages\nor\nDELETE/identity/x\nGET /users/{id}/messages\n",
            10,
            &mut sink,
        );
        let got: Vec<_> = t
            .iter()
            .map(|t| (t.method.as_str(), t.path.as_str(), t.line))
            .collect();
        assert_eq!(
            got,
            [
                ("GET", "/me/messages", 10),
                ("DELETE", "/identity/x", 12),
                ("GET", "/users/{id}/messages", 13)
            ]
        );
    }

    #[test]
    fn reads_a_response_with_headers_after_a_blank_line() {
        let mut b = CodeBlock {
            role: BlockRole::Other,
            info: "http".into(),
            annotation: None,
            line: 5,
            method: None,
            url: None,
            status: None,
            headers: vec![],
            body: None,
        };
        example(
            &mut b,
            "HTTP/1.1 200 OK\n\nContent-Type: application/json\n{\n \"a\": 1\n}\n",
        );
        assert_eq!(b.role, BlockRole::Response);
        assert_eq!(b.status, Some(200));
        assert_eq!(
            b.headers,
            [("Content-Type".to_string(), "application/json".to_string())]
        );
        assert_eq!(b.body, Some(("{\n \"a\": 1\n}".to_string(), 9)));
    }
}
