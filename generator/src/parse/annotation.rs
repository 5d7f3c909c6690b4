//! The JSON annotations in HTML comments (`<!-- { "blockType": "request", ... } -->`).
//! About 0.4% of them are malformed in the corpus (trailing commas, raw newlines in
//! strings, unquoted keys); those are repaired where the intent is unambiguous and
//! reported, and dropped with a diagnostic where not.

use super::Annotation;
use crate::diag::Sink;
use serde_json::Value;

/// Reads the annotation in an HTML comment block, if the comment holds one.
pub fn parse(html: &str, line: u32, sink: &mut Sink) -> Option<Annotation> {
    let body = comment_body(html)?;
    if !body.starts_with('{') {
        return None;
    }
    let value = match serde_json::from_str::<Value>(body) {
        Ok(v) => v,
        Err(first) => match serde_json::from_str::<Value>(&repair(body)) {
            Ok(v) => {
                let msg = format!("malformed annotation repaired ({first})");
                sink.warn(line, "annotation-malformed", msg);
                v
            }
            Err(_) => {
                let msg = format!("annotation is not valid JSON and was ignored: {first}");
                sink.warn(line, "annotation-invalid", msg);
                return None;
            }
        },
    };
    let Value::Object(map) = value else {
        sink.warn(
            line,
            "annotation-invalid",
            "annotation is not a JSON object",
        );
        return None;
    };
    let s = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_string);
    let b = |k: &str| map.get(k).and_then(as_bool);
    Some(Annotation {
        block_type: s("blockType"),
        odata_type: s("@odata.type").or_else(|| s("@type")),
        base_type: s("baseType"),
        key_property: s("keyProperty"),
        optional_properties: map
            .get("optionalProperties")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        open_type: b("openType"),
        is_abstract: b("abstract").or_else(|| b("isAbstract")),
        truncated: b("truncated").unwrap_or(false),
        is_collection: b("isCollection").unwrap_or(false),
        name: s("name").or_else(|| {
            let first = map.get("name")?.as_array()?.first()?;
            first.as_str().map(String::from)
        }),
        line,
    })
}

/// Booleans are sometimes written as strings (`"true"`).
fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The text between `<!--` and `-->`, trimmed.
fn comment_body(html: &str) -> Option<&str> {
    let start = html.find("<!--")? + 4;
    let rest = &html[start..];
    let end = rest.find("-->").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Fixes the malformations seen in the docs: raw newlines inside strings, trailing
/// commas before `}`/`]`, and bare keys.
fn repair(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_str = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            match c {
                '\n' | '\r' => out.push(' '),
                '\\' if !escaped => {
                    escaped = true;
                    out.push(c);
                    i += 1;
                    continue;
                }
                '"' if !escaped => {
                    in_str = false;
                    out.push(c);
                }
                _ => out.push(c),
            }
            escaped = false;
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if c == ',' && next_significant(&chars, i + 1).is_some_and(|n| n == '}' || n == ']')
        {
            // trailing comma: drop it
        } else if (c.is_ascii_alphabetic() || c == '@')
            && prev_significant(&out).is_some_and(|p| p == '{' || p == ',')
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "@._".contains(chars[i]))
            {
                i += 1;
            }
            out.push('"');
            out.extend(&chars[start..i]);
            out.push('"');
            continue;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn next_significant(chars: &[char], from: usize) -> Option<char> {
    chars[from.min(chars.len())..]
        .iter()
        .copied()
        .find(|c| !c.is_whitespace())
}

fn prev_significant(s: &str) -> Option<char> {
    s.chars().rev().find(|c| !c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> (Option<Annotation>, Vec<crate::Diagnostic>) {
        let mut sink = Sink::new("t.md");
        let a = parse(s, 3, &mut sink);
        (a, sink.items)
    }

    #[test]
    fn reads_keys_and_string_booleans() {
        let (a, d) = parse_str(
            "<!-- {\n \"blockType\": \"response\", \"truncated\": \"true\", \"@odata.type\": \"microsoft.graph.user\", \"isCollection\": true\n} -->",
        );
        let a = a.unwrap();
        assert!(d.is_empty());
        assert_eq!(a.block_type.as_deref(), Some("response"));
        assert!(a.truncated && a.is_collection);
        assert_eq!(a.odata_type.as_deref(), Some("microsoft.graph.user"));
    }

    #[test]
    fn repairs_trailing_comma_and_newline_in_string() {
        let (a, d) =
            parse_str("<!-- { \"blockType\": \"request\", \"suppressions\": [\"a\nb\"], } -->");
        assert_eq!(a.unwrap().block_type.as_deref(), Some("request"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "annotation-malformed");
    }

    #[test]
    fn repairs_unquoted_key() {
        let (a, _) = parse_str("<!-- { blockType: \"ignored\" } -->");
        assert_eq!(a.unwrap().block_type.as_deref(), Some("ignored"));
    }

    #[test]
    fn rejects_garbage_with_a_diagnostic() {
        let (a, d) = parse_str("<!-- { this is not json -->");
        assert!(a.is_none());
        assert_eq!(d[0].code, "annotation-invalid");
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn ignores_other_comments() {
        assert!(parse_str("<!-- uuid: 1234 -->").0.is_none());
    }
}
