//! Reading table cells and prose: type cells in every spelling the docs use,
//! "Possible values" lists, links to pages.

use super::blocks::Inline;
use super::TypeRef;

/// The value cell of an enum member: a decimal integer that fits in 64 bits, or
/// empty. Anything else (`0x4`, `four`, 2^63) is reported and read as no value.
pub fn member_value(text: &str, line: u32, sink: &mut crate::diag::Sink) -> Option<i64> {
    let text = text.trim().trim_matches('`');
    if text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(value) => Some(value),
        Err(_) => {
            let msg = format!(
                "member value `{text}` is not a decimal integer that fits in 64 bits; the member has no value"
            );
            sink.warn(line, "enum-value-invalid", msg);
            None
        }
    }
}

/// File stem of a link to a docs page, lower case: `../resources/user.md#x` → `user`.
/// Links to other sites, anchors only and includes give `None`.
pub fn link_stem(dest: &str) -> Option<String> {
    let d = dest
        .split(['#', '?'])
        .next()
        .unwrap_or("")
        .replace('\\', "/");
    if d.contains("://") || d.contains("/includes/") || !d.to_ascii_lowercase().ends_with(".md") {
        return None;
    }
    let file = d.rsplit('/').next()?;
    let stem = &file[..file.len() - 3];
    (!stem.is_empty()).then(|| stem.to_ascii_lowercase())
}

/// Parses a Type cell: `String`, `[x](x.md)`, `[x](x.md) collection`, `x collection`,
/// `Collection(x)`, `` `x` ``, `**x**`, `(Optional) String`, `alertFeedback enum`,
/// `string, maximum size 20`, `[a](a.md) or [b](b.md)` (the first one counts).
pub fn type_ref(cell: &Inline, line: u32) -> Option<TypeRef> {
    let mut collection = says_collection(&cell.text, cell.links.iter().map(|l| l.label.as_str()));
    if let Some(link) = cell.links.iter().find(|l| !clean_word(&l.label).is_empty()) {
        let name = clean_word(&link.label);
        let link = link_stem(&link.dest);
        return Some(TypeRef {
            name,
            link,
            collection,
            line,
        });
    }
    let mut text = cell.text.replace(['`', '*'], "");
    if let Some(inner) = strip_collection_call(&text) {
        text = inner;
        collection = true;
    } else if let Some(rest) = strip_prefix_ignoring_case(&text, "collection of ") {
        text = rest.to_string(); // `Collection of String`
        collection = true;
    }
    let text = strip_parenthesized_prefix(&text);
    let name = clean_word(text);
    (!name.is_empty()).then_some(TypeRef {
        name,
        link: None,
        collection,
        line,
    })
}

/// The text says "collection" (or "array of", "list of") outside the type names it
/// links to, which may themselves contain the word (`appLogCollectionRequest`).
pub fn says_collection<'a>(text: &str, labels: impl Iterator<Item = &'a str>) -> bool {
    let mut rest = text.to_string();
    for label in labels.filter(|l| !l.is_empty()) {
        rest = rest.replace(label, " ");
    }
    let lower = rest.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w == "collection")
        || lower.contains("array of")
        || lower.contains("list of")
}

fn strip_prefix_ignoring_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.trim_start().get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text.trim_start()[prefix.len()..])
}

/// `Collection(x)` / `collection(x)` → `x`.
pub fn strip_collection_call(text: &str) -> Option<String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let rest = lower.strip_prefix("collection(")?;
    let end = rest.rfind(')')?;
    Some(t[11..11 + end].to_string())
}

fn strip_parenthesized_prefix(text: &str) -> &str {
    let t = text.trim();
    if t.starts_with('(') {
        if let Some(i) = t.find(')') {
            return t[i + 1..].trim();
        }
    }
    t
}

/// The first identifier-like word: letters, digits, `_` and `.` (for qualified
/// names like `microsoft.graph.user` or `Edm.String`).
pub fn clean_word(text: &str) -> String {
    let t = text.trim().trim_start_matches(['`', '*', '[', '(']);
    t.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect::<String>()
        .trim_end_matches('.')
        .to_string()
}

const LEAD_INS: &[&str] = &[
    "possible values are",
    "possible values include",
    "the possible values are",
    "supported values are",
    "valid values are",
    "values can be",
    "possible values:",
    "possible values is",
    "the value can be",
    "allowed values",
    "supported values",
];

/// The values listed after "Possible values are:" (and its variants) in a
/// description: the code spans after the lead-in, or the Intune numeric form
/// ``0 - `a`, 1 - `b` `` (names only).
pub fn allowed_values(text: &Inline) -> Vec<String> {
    // Every lead-in has "value" in it; most cells have none (measured: the searches
    // below were 3% of parse + model on the corpus).
    let has_value = text
        .text
        .as_bytes()
        .windows(5)
        .any(|w| w.eq_ignore_ascii_case(b"value"));
    if !has_value {
        return Vec::new();
    }
    let lower = text.text.to_ascii_lowercase();
    let Some(at) = LEAD_INS.iter().filter_map(|l| lower.find(l)).min() else {
        return Vec::new();
    };
    let tail = &text.text[at..];
    let mut values = Vec::new();
    let mut rest = tail;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        let v = after[..end].trim();
        if is_member_name(v) && v != "null" && !values.iter().any(|x: &String| x == v) {
            values.push(v.to_string());
        }
        rest = &after[end + 1..];
        // The list ends where the sentence ends.
        let gap = rest.find('`').map_or(rest, |i| &rest[..i]);
        if gap.contains(". ") || gap.trim_end().ends_with('.') && !gap.contains(',') {
            break;
        }
    }
    values
}

fn is_member_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && v.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        && v.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::super::blocks::Link;
    use super::*;

    fn cell(text: &str, links: &[(&str, &str)]) -> Inline {
        Inline {
            text: text.into(),
            links: links
                .iter()
                .map(|(l, d)| Link {
                    label: l.to_string(),
                    dest: d.to_string(),
                })
                .collect(),
            codes: vec![],
            bold_start: false,
        }
    }

    #[test]
    fn type_cells() {
        let t = |text, links: &[(&str, &str)]| {
            let r = type_ref(&cell(text, links), 1).unwrap();
            (r.name, r.link, r.collection)
        };
        assert_eq!(t("String", &[]), ("String".into(), None, false));
        assert_eq!(t("String collection", &[]), ("String".into(), None, true));
        assert_eq!(
            t("Collection of String", &[]),
            ("String".into(), None, true)
        );
        assert_eq!(
            t("Collection(microsoft.graph.x)", &[]),
            ("microsoft.graph.x".into(), None, true)
        );
        assert_eq!(
            t(
                "identitySet collection",
                &[("identitySet", "../resources/IdentitySet.md#p")]
            ),
            ("identitySet".into(), Some("identityset".into()), true)
        );
        assert_eq!(t("(Optional) String", &[]), ("String".into(), None, false));
        assert_eq!(
            t("alertFeedback enum", &[]),
            ("alertFeedback".into(), None, false)
        );
        assert_eq!(
            t("string, maximum size 20", &[]),
            ("string".into(), None, false)
        );
        assert_eq!(t("`Edm.Int32`", &[]), ("Edm.Int32".into(), None, false));
        assert!(type_ref(&cell("", &[]), 1).is_none());
    }

    #[test]
    fn possible_values() {
        let v = |s: &str| allowed_values(&cell(s, &[]));
        assert_eq!(
            v("Intent. Possible values are: `apply`, `remove`."),
            ["apply", "remove"]
        );
        assert_eq!(
            v("The possible values are `a` or `b`. See `c`."),
            ["a", "b"]
        );
        assert_eq!(
            v("Type. Possible values are: 0 - `notReady`, 1 - `ready`."),
            ["notReady", "ready"]
        );
        assert!(v("A value `x` without lead-in.").is_empty());
    }
}
