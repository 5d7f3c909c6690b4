//! The YAML front matter between `---` lines. The docs' front matter is flat
//! `key: value` pairs (quoted or bare), so it is read line by line: that handles
//! every page of the corpus, including the one whose bare title holds a colon.

use crate::diag::Sink;
use std::collections::BTreeMap;

pub struct FrontMatter {
    pub values: BTreeMap<String, String>,
    /// Byte offset where the body starts, and how many lines precede it.
    pub body_start: usize,
    pub body_line_offset: u32,
}

pub fn split(text: &str, sink: &mut Sink) -> FrontMatter {
    let mut values = BTreeMap::new();
    let none = FrontMatter {
        values: BTreeMap::new(),
        body_start: 0,
        body_line_offset: 0,
    };
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => {
            sink.warn(
                1,
                "front-matter-missing",
                "page has no front matter (`---` block)",
            );
            return none;
        }
    }
    let mut offset = text.split_inclusive('\n').next().map_or(0, str::len);
    for (line_no, line) in (2u32..).zip(lines) {
        offset += line.len();
        let l = line.trim_end();
        if l == "---" {
            return FrontMatter {
                values,
                body_start: offset,
                body_line_offset: line_no,
            };
        }
        if l.trim_start().starts_with('#') {
            continue; // a YAML comment line
        }
        if let Some((k, v)) = l.split_once(':') {
            let key = k.trim();
            if !key.is_empty() && !key.contains(' ') {
                values.insert(key.to_string(), unquote(v.trim()));
            }
        }
    }
    sink.warn(
        1,
        "front-matter-unclosed",
        "front matter is not closed by a `---` line; reading the page without it",
    );
    FrontMatter {
        body_start: text.find('\n').map_or(text.len(), |i| i + 1),
        body_line_offset: 1,
        ..none
    }
}

/// A scalar value without its quotes and without a trailing YAML comment (` # ...`,
/// after the closing quote of a quoted value).
fn unquote(v: &str) -> String {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].trim().to_string();
        }
        if let Some(inner) = v.strip_prefix(q) {
            if let Some((value, rest)) = inner.split_once(q) {
                let rest = rest.trim_start();
                if rest.is_empty() || rest.starts_with('#') {
                    return value.trim().to_string();
                }
            }
        }
    }
    strip_comment(v).to_string()
}

/// `value # comment` → `value`: in YAML a `#` starts a comment after white space.
fn strip_comment(v: &str) -> &str {
    let bytes = v.as_bytes();
    let start = (1..bytes.len()).find(|&i| bytes[i] == b'#' && bytes[i - 1].is_ascii_whitespace());
    start.map_or(v, |i| v[..i].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> BTreeMap<String, String> {
        let mut sink = Sink::new("t.md");
        let fm = split(text, &mut sink);
        assert!(sink.items.is_empty(), "{:?}", sink.items);
        fm.values
    }

    #[test]
    fn comments_are_not_values() {
        let v = values(
            "---\n# a comment line\ndoc_type: resourcePageType # the kind\nms.prod: \"a # b\" # c\ntitle: C# language\n---\n",
        );
        assert_eq!(v["doc_type"], "resourcePageType");
        assert_eq!(v["ms.prod"], "a # b");
        assert_eq!(v["title"], "C# language");
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn quotes_are_removed() {
        let v = values("---\ntitle: 'a # b'\ndescription: \"x: y\"\n---\n");
        assert_eq!(v["title"], "a # b");
        assert_eq!(v["description"], "x: y");
    }
}
