//! The names operations get on their page, before they merge into one per method
//! and path (`op_merge`) and take their names from the path (`op_names`): the
//! page's base name plus the literal path words that tell each path from the
//! others. Examples refer to their operation by this name until then.
//!
//! Pages are input: one with thousands of request lines must cost time linear in
//! their count, so every lookup here is a hash lookup.

use super::path::parse_template;
use super::PathPart;
use crate::parse::HttpTemplate;
use std::collections::{HashMap, HashSet};

/// One name per template: `base`, plus — when the page lists several paths — the
/// literal path words no other path of the page shares (`root` when there are none),
/// the method first when several templates share the path, and `-2`, `-3`, ... when
/// that is still taken.
pub(super) fn operation_names(templates: &[HttpTemplate], base: &str) -> Vec<String> {
    if templates.len() == 1 {
        return vec![base.to_string()];
    }
    let words: Vec<Vec<String>> = templates.iter().map(literal_words).collect();
    let mut in_templates: HashMap<&str, usize> = HashMap::new();
    for ws in &words {
        let distinct: HashSet<&str> = ws.iter().map(String::as_str).collect();
        for w in distinct {
            *in_templates.entry(w).or_default() += 1;
        }
    }
    let mut per_path: HashMap<&str, usize> = HashMap::new();
    for t in templates {
        *per_path.entry(t.path.as_str()).or_default() += 1;
    }
    let mut names = Unique::default();
    templates
        .iter()
        .zip(&words)
        .map(|(t, ws)| {
            let own: Vec<&str> = ws
                .iter()
                .map(String::as_str)
                .filter(|w| in_templates[w] < templates.len())
                .collect();
            let mut suffix = if own.is_empty() {
                "root".to_string()
            } else {
                own.join("-")
            };
            if per_path[t.path.as_str()] > 1 {
                suffix = format!("{}-{suffix}", t.method.to_ascii_lowercase());
            }
            names.take(&format!("{base}-{suffix}"))
        })
        .collect()
}

/// Names handed out so far, and for each wanted name the next number to try.
#[derive(Default)]
struct Unique {
    taken: HashSet<String>,
    next: HashMap<String, u64>,
}

impl Unique {
    /// `wanted`, or the first free `wanted-N` from 2 up. Numbers below the one
    /// recorded for `wanted` were taken when it was recorded, and names are never
    /// given back, so starting there finds the same name as starting at 2.
    fn take(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let n = self.next.entry(wanted.to_string()).or_insert(2);
        loop {
            let candidate = format!("{wanted}-{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// The literal words of a path, lower case: the last dotted part of each literal,
/// alphanumerics only (`microsoft.graph.assignLicense` → `assignlicense`).
fn literal_words(t: &HttpTemplate) -> Vec<String> {
    let Ok(tpl) = parse_template(&t.path) else {
        return Vec::new();
    };
    tpl.segments
        .iter()
        .flatten()
        .filter_map(|p| match p {
            PathPart::Literal(l) => {
                let w: String = l
                    .rsplit('.')
                    .next()
                    .unwrap_or(l)
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                (!w.is_empty()).then(|| w.to_ascii_lowercase())
            }
            PathPart::Param(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(method: &str, path: &str) -> HttpTemplate {
        HttpTemplate {
            method: method.into(),
            path: path.into(),
            line: 1,
        }
    }

    #[test]
    fn names_tell_paths_apart() {
        let ts = [
            template("GET", "/me/messages"),
            template("GET", "/users/{id}/messages"),
            template("POST", "/users/{id}/messages"),
            template("GET", "/messages"),
        ];
        assert_eq!(
            operation_names(&ts, "list"),
            ["list-me", "list-get-users", "list-post-users", "list-root"]
        );
    }

    #[test]
    fn numbers_skip_names_already_taken() {
        let ts = [
            template("GET", "/a/x"),
            template("GET", "/b/x"),
            template("GET", "/c/{p}/x"),
            template("GET", "/d/{q}/x"),
        ];
        // Every path has its own word: no number needed.
        assert_eq!(operation_names(&ts, "f"), ["f-a", "f-b", "f-c", "f-d"]);
        let mut names = Unique::default();
        let got: Vec<String> = ["f-a", "f-a-2", "f-a", "f-a"]
            .iter()
            .map(|w| names.take(w))
            .collect();
        assert_eq!(got, ["f-a", "f-a-2", "f-a-3", "f-a-4"]);
    }

    /// Thousands of request lines that differ only in a parameter name: all get
    /// distinct names (the page of issue 11 took 44 s for 4,000 such lines).
    #[test]
    fn thousands_of_templates_get_distinct_names() {
        let ts: Vec<HttpTemplate> = (0..5_000)
            .map(|i| template("GET", &format!("/items/{{p{i}}}/children")))
            .collect();
        let names = operation_names(&ts, "list");
        let distinct: HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 5_000);
        assert_eq!(names[0], "list-root");
        assert_eq!(names[4_999], "list-root-5000");
    }
}
