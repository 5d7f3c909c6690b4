//! Parsing path templates: `/users/{id | userPrincipalName}/f(p='{x}')?$filter=a eq '{b}'`.

use super::{PathParam, PathPart, PathTemplate, QueryPart};

/// Parses a normalized template path. Parameters are `{name}` (and the `<name>`
/// placeholders some pages use); a repeated name is a separate parameter.
/// Unbalanced braces are an error: the template cannot be turned into code. So are
/// `.` and `..` segments, which every client and server resolves away (RFC 3986
/// 5.2.4, even percent-encoded), so the request would go elsewhere.
pub fn parse_template(path: &str) -> Result<PathTemplate, String> {
    parse_template_reporting(path).map(|(t, _)| t)
}

/// [`parse_template`], with what was left out of the template: a query pair
/// whose name holds a parameter (`?{name}={value}`, `?x:{Boolean}`), which a
/// request function cannot fill in.
pub fn parse_template_reporting(path: &str) -> Result<(PathTemplate, Vec<String>), String> {
    let (path_part, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let mut t = PathTemplate::default();
    for seg in path_part.split('/').filter(|s| !s.is_empty()) {
        if seg == "." || seg == ".." {
            return Err(format!("dot segment `{seg}` in the path"));
        }
        let parts = parts(seg, &mut t.params)?;
        t.segments.push(parts);
    }
    let mut left_out = Vec::new();
    for pair in query.unwrap_or("").split('&').filter(|s| !s.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.contains(['{', '}']) {
            left_out.push(format!(
                "query `{pair}` has a parameter in its name (only values can have one); left out of the request"
            ));
            continue;
        }
        let value = parts(value, &mut t.params)?
            .into_iter()
            .map(|part| match part {
                PathPart::Literal(text) => PathPart::Literal(query_text(&text)),
                param => param,
            })
            .collect();
        t.query.push(QueryPart {
            name: name.to_string(),
            value,
        });
    }
    Ok((t, left_out))
}

/// A query value's literal text as meant: pages write some of it encoded as a
/// query is (`$filter=JoinWebUrl%20eq%20'{joinWebUrl}'`, `a+eq+'{b}'`: `+` is a
/// space there), and a request function encodes what it sends, so an escape kept
/// here would be encoded twice and a `+` sent as a plus. Text whose escapes do
/// not decode to UTF-8 is kept as written.
fn query_text(text: &str) -> String {
    String::from_utf8(query_decode(text)).unwrap_or_else(|_| text.replace('+', " "))
}

/// The bytes a query's name or value stands for: `+` is a space there (as in
/// HTML forms, and as the docs write `$filter=a+eq+'b'`), `%2B` a plus.
pub(crate) fn query_decode(text: &str) -> Vec<u8> {
    percent_decode(&text.replace('+', " "))
}

/// The bytes `text` percent-encodes (an invalid escape stays as it is).
pub(crate) fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) if bytes[i] == b'%' => {
                out.push(byte);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn parts(seg: &str, params: &mut Vec<PathParam>) -> Result<Vec<PathPart>, String> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = seg.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let close = match c {
            '{' => '}',
            '<' if seg[i + 1..].contains('>') && !seg[i + 1..].starts_with(['=', ' ']) => '>',
            '}' => return Err(format!("unbalanced `}}` in `{seg}`")),
            _ => {
                lit.push(c);
                continue;
            }
        };
        let rest = &seg[i + 1..];
        let Some(end) = rest.find(close) else {
            return Err(format!("unbalanced `{c}` in `{seg}`"));
        };
        let name = &rest[..end];
        if name.contains(['{', '<']) || !names_something(name) {
            return Err(format!("malformed parameter `{c}{name}{close}` in `{seg}`"));
        }
        if !lit.is_empty() {
            out.push(PathPart::Literal(std::mem::take(&mut lit)));
        }
        out.push(PathPart::Param(params.len()));
        params.push(PathParam {
            name: name.trim().to_string(),
        });
        for _ in 0..name.chars().count() + 1 {
            chars.next();
        }
    }
    if !lit.is_empty() {
        out.push(PathPart::Literal(lit));
    }
    Ok(out)
}

/// Every alternative of a parameter (`id|userPrincipalName`) has a name.
fn names_something(name: &str) -> bool {
    name.split('|')
        .all(|alt| alt.chars().any(char::is_alphanumeric))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_literals_are_decoded_once() {
        let t =
            parse_template("/me/onlineMeetings?$filter=JoinWebUrl%20eq%20'{joinWebUrl}'").unwrap();
        assert_eq!(
            t.query[0].value,
            [
                PathPart::Literal("JoinWebUrl eq '".into()),
                PathPart::Param(0),
                PathPart::Literal("'".into())
            ]
        );
        // `+` is a space in a query, `%2B` a plus.
        let t = parse_template("/x?$filter=a+eq+'{b}'&c=1%2B1").unwrap();
        assert_eq!(t.query[0].value[0], PathPart::Literal("a eq '".into()));
        assert_eq!(t.query[1].value, [PathPart::Literal("1+1".into())]);
        // An escape that is no UTF-8 stays as written; `%` alone too.
        let t = parse_template("/x?a=%FF&b=100%").unwrap();
        assert_eq!(t.query[0].value, [PathPart::Literal("%FF".into())]);
        assert_eq!(t.query[1].value, [PathPart::Literal("100%".into())]);
    }

    #[test]
    fn templates() {
        let t = parse_template("/a/{id}/b/{id}/$ref").unwrap();
        assert_eq!(t.params.len(), 2);
        assert_eq!(t.segments[4], [PathPart::Literal("$ref".into())]);
        let t = parse_template("/r/f(p='{x}',q={y})").unwrap();
        assert_eq!(
            t.segments[1],
            [
                PathPart::Literal("f(p='".into()),
                PathPart::Param(0),
                PathPart::Literal("',q=".into()),
                PathPart::Param(1),
                PathPart::Literal(")".into())
            ]
        );
        let t = parse_template("/x/range(address='<address>')?$filter=a eq '{b}'").unwrap();
        assert_eq!(t.params[0].name, "address");
        assert_eq!(t.query[0].name, "$filter");
        assert_eq!(t.params[1].name, "b");
        assert!(parse_template("/items/{id/children").is_err());
        assert!(parse_template("/items/id}/children").is_err());
    }

    #[test]
    fn refuses_what_a_request_function_cannot_build() {
        for bad in [
            "/a/{|}", "/a/{ | }", "/a/{id|}", "/a/{-}", "/a/../b", "/a/./b", "/a/..",
        ] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
        let (t, left_out) = parse_template_reporting("/a?x={v}&{name}={value}").unwrap();
        assert_eq!(t.query.len(), 1);
        assert_eq!(
            t.params.len(),
            1,
            "the left-out pair's parameters are not asked for"
        );
        assert_eq!(left_out.len(), 1);
        assert!(left_out[0].contains("`{name}={value}`"), "{left_out:?}");
        for good in ["/a/{id|userPrincipalName}", "/a/.b", "/a/...", "/a?$x={v}"] {
            assert!(parse_template(good).is_ok(), "{good}");
        }
    }
}
