//! Operation names from the method and the path, as users of the Graph SDKs know
//! them: a verb and the resource segments of the path, each segment followed by a
//! parameter made singular (`GET /users/{id}/messages` → `list-user-messages`,
//! `GET /users/{id}` → `get-user`, `POST /users` → `create-user`, `PATCH` →
//! `update`, `PUT` → `set`, `DELETE` → `delete`). Actions and functions
//! (`/users/{id}/sendMail`, `/reports/getOffice365ActiveUserDetail(period='{p}')`,
//! a `microsoft.graph.` segment) keep their own name after the words before them;
//! a cast to a derived type (`/groups/{id}/members/microsoft.graph.user`) is `as`
//! and the type's name. `$ref` is `ref` (`POST` of one is `add`), `$value`
//! `content`, `$count` `count`.
//!
//! Names depend on the operation alone, so adding pages never renames another
//! operation; two operations whose names collide both take the plural words of
//! their path instead of the singular ones, then, if still the same, a short
//! hash of their method and path.

use super::{Operation, Origin, PathPart, TypeDef};
use std::collections::BTreeMap;

/// What a literal path segment is.
struct Segment {
    /// The segment's name: `users`, `sendMail`, `getOffice365ActiveUserDetail`.
    word: String,
    /// `microsoft.graph.x`, or `x(...)`: an action, a function or a cast.
    bound: bool,
    /// `x(...)`: a function call (never a cast).
    called: bool,
}

/// The name of every operation (in the same order), unique among them.
pub fn names(ops: &[Operation], types: &BTreeMap<String, TypeDef>) -> Vec<String> {
    let spell = spellings(ops, types);
    let name = |op: &Operation, types: &BTreeMap<String, TypeDef>, singular: bool| {
        name(op, types, &spell, singular)
    };
    let first: Vec<String> = ops.iter().map(|op| name(op, types, true)).collect();
    let mut out: Vec<Option<String>> = unique_ones(first.iter().map(|n| Some(n.clone())));
    // Each later round only renames what is still colliding, never a name an
    // earlier round settled.
    let rounds: [&dyn Fn(&Operation) -> String; 2] = [&|op| name(op, types, false), &|op| {
        format!("{}-by-{}", name(op, types, false), param_words(op))
    }];
    for round in rounds {
        let taken: std::collections::BTreeSet<String> =
            out.iter().flatten().map(|n| collision_key(n)).collect();
        let tried: Vec<Option<String>> = ops
            .iter()
            .zip(&out)
            .map(|(op, done)| {
                done.is_none()
                    .then(|| round(op))
                    .filter(|n| !taken.contains(&collision_key(n)))
            })
            .collect();
        for (slot, new) in out.iter_mut().zip(unique_ones(tried.into_iter())) {
            if slot.is_none() {
                *slot = new;
            }
        }
    }
    ops.iter()
        .zip(out)
        .map(|(op, n)| {
            n.unwrap_or_else(|| {
                let (method, path) = super::op_merge::key(op);
                let hash = crate::stable_hash::hash_bytes(format!("{method} {path}").as_bytes());
                format!("{}-{:04x}", name(op, types, false), hash & 0xffff)
            })
        })
        .collect()
}

/// The names that occur once (others `None`), comparing their
/// [`collision_key`]s.
fn unique_ones(names: impl Iterator<Item = Option<String>>) -> Vec<Option<String>> {
    let names: Vec<Option<String>> = names.collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for n in names.iter().flatten() {
        *count.entry(collision_key(n)).or_default() += 1;
    }
    names
        .iter()
        .map(|n| n.clone().filter(|n| count[&collision_key(n)] == 1))
        .collect()
}

/// What two names must differ in to stay apart in every language's spelling of
/// them: letters and digits, ignoring case. `get-groupSetting` and
/// `get-group-setting` are both `get_group_setting` as a Rust function.
fn collision_key(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The words of the arguments the last segment names (`date`, `period`,
/// `width`), else of the operation's parameter names.
fn param_words(op: &Operation) -> String {
    let last = op
        .path
        .split('?')
        .next()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    if let Some((_, args)) = last.split_once('(') {
        let names = args
            .split(',')
            .filter_map(|a| Some(a.split_once('=')?.0.trim()));
        let words: Vec<&str> = names
            .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
            .collect();
        if !words.is_empty() {
            return words.join("-");
        }
    }
    let params: Vec<String> = op
        .template
        .params
        .iter()
        .map(|p| {
            let words = p.name.split(|c: char| !c.is_ascii_alphanumeric());
            words
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|w| !w.is_empty())
        .collect();
    if params.is_empty() {
        "path".into()
    } else {
        params.join("-")
    }
}

/// The name of one operation; `singular` makes item segments singular.
fn name(
    op: &Operation,
    types: &BTreeMap<String, TypeDef>,
    spell: &BTreeMap<String, String>,
    singular: bool,
) -> String {
    let spelled = |w: String| spelling(spell, w);
    let segments = &op.template.segments;
    let is_param = |i: usize| {
        segments
            .get(i)
            .is_some_and(|s| s.iter().all(|p| matches!(p, PathPart::Param(_))))
    };
    let mut words: Vec<String> = Vec::new();
    let mut last: Option<(usize, Segment)> = None;
    for (i, segment) in segments.iter().enumerate() {
        let Some(seg) = literal(segment) else {
            continue;
        };
        let word = if singular && is_param(i + 1) {
            singular_of(&seg.word)
        } else {
            seg.word.clone()
        };
        words.push(spelled(word));
        last = Some((i, seg));
    }
    let ends_in_param = segments.len().checked_sub(1).is_some_and(is_param);
    let method = op.method.to_ascii_uppercase();
    let verb = match last {
        None => Some(method.to_ascii_lowercase()),
        Some((_, seg))
            if seg.bound && !ends_in_param && matches!(method.as_str(), "GET" | "POST") =>
        {
            let lower = seg.word.to_ascii_lowercase();
            let cast = !seg.called && types.keys().any(|k| k.rsplit('.').next() == Some(&lower));
            if cast {
                if let Some(w) = words.last_mut() {
                    *w = format!("as-{w}");
                }
                Some(read_verb(op, ends_in_param))
            } else {
                None // an action or a function: its own name says what it does
            }
        }
        Some((_, seg)) => match method.as_str() {
            "GET" => Some(read_verb(op, ends_in_param)),
            "POST" if seg.word == "ref" => {
                singular_last_but_ref(&mut words, singular);
                Some("add".into())
            }
            "POST" if ends_in_param || creates(op, types, &seg.word) => {
                if singular {
                    if let Some(w) = words.last_mut().filter(|_| !ends_in_param) {
                        *w = singular_of(w);
                    }
                }
                Some("create".into())
            }
            "POST" => None, // an action written without `microsoft.graph.`
            "PATCH" => Some("update".into()),
            "PUT" => Some("set".into()),
            "DELETE" => Some("delete".into()),
            other => Some(other.to_ascii_lowercase()),
        },
    };
    verb.into_iter()
        .chain(words)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The spelling of each path word, by its lower case: a type's name where a type
/// has that name (`devicemanagement` → `deviceManagement`), else the spelling most
/// paths use (the first in byte order on a tie). A path written in another letter
/// case is the same path, and keeps its name.
fn spellings(ops: &[Operation], types: &BTreeMap<String, TypeDef>) -> BTreeMap<String, String> {
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for op in ops {
        for seg in op.template.segments.iter().filter_map(|s| literal(s)) {
            let seen = counts.entry(seg.word.to_ascii_lowercase()).or_default();
            *seen.entry(seg.word).or_default() += 1;
        }
    }
    let mut out: BTreeMap<String, String> = counts
        .into_iter()
        .filter_map(|(lower, seen)| {
            let best = seen.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            Some((lower, best.0.clone()))
        })
        .collect();
    for t in types.values() {
        out.insert(t.name.to_ascii_lowercase(), t.name.clone());
    }
    out
}

/// `word` in its usual spelling (see [`spellings`]); a plural in `s` of a known
/// word follows the singular's.
fn spelling(spell: &BTreeMap<String, String>, word: String) -> String {
    let lower = word.to_ascii_lowercase();
    if let Some(known) = spell.get(&lower) {
        return known.clone();
    }
    match lower.strip_suffix('s').and_then(|l| spell.get(l)) {
        Some(known) => format!("{known}s"),
        None => word,
    }
}

/// `get` for one item, `list` for a collection.
fn read_verb(op: &Operation, ends_in_param: bool) -> String {
    if op.response_collection && !ends_in_param {
        "list"
    } else {
        "get"
    }
    .into()
}

/// `POST` to a collection creates one of its items: the body is a described type
/// (not an action's parameters), or the segment is a plural noun and the answer
/// one described object (`POST /me/onenote/pages` sends HTML, returns the page).
fn creates(op: &Operation, types: &BTreeMap<String, TypeDef>, word: &str) -> bool {
    let described = |q: &Option<String>| {
        q.as_ref()
            .and_then(|q| types.get(&q.to_ascii_lowercase()))
            .is_some_and(|t| t.origin != Origin::Parameters)
    };
    let plural = singular_of(word) != word;
    described(&op.body) || (plural && !op.response_collection && described(&op.response))
}

/// `POST /groups/{id}/members/$ref` adds one member: `add-group-member-ref`.
fn singular_last_but_ref(words: &mut [String], singular: bool) {
    let n = words.len();
    if singular && n >= 2 {
        words[n - 2] = singular_of(&words[n - 2]);
    }
}

/// The name of a segment with at least one literal part, if it names something.
fn literal(parts: &[PathPart]) -> Option<Segment> {
    let text: String = parts
        .iter()
        .map(|p| match p {
            PathPart::Literal(t) => t.as_str(),
            PathPart::Param(_) => "",
        })
        .collect();
    let (head, called) = match text.split_once('(') {
        Some((head, _)) => (head, true),
        None => (text.as_str(), false),
    };
    let qualified = head.to_ascii_lowercase().starts_with("microsoft.graph.");
    let head = head.rsplit('.').next().unwrap_or(head);
    let word = match head {
        "$value" => "content".to_string(),
        "$ref" => "ref".to_string(),
        "$count" => "count".to_string(),
        _ => head.chars().filter(|c| c.is_ascii_alphanumeric()).collect(),
    };
    (!word.is_empty()).then_some(Segment {
        word,
        bound: qualified || called,
        called,
    })
}

/// English singular of a plural path word: `policies` → `policy`, `addresses` →
/// `address`, `messages` → `message`, `children` → `child`, `people` → `person`.
pub fn singular_of(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    let cut = |n: usize, add: &str| format!("{}{add}", &word[..word.len() - n]);
    if lower.ends_with("children") {
        cut(3, "")
    } else if lower.ends_with("people") {
        cut(
            6,
            if word.ends_with("People") {
                "Person"
            } else {
                "person"
            },
        )
    } else if lower.ends_with("ies") && lower.len() > 4 {
        cut(3, "y")
    } else if ["sses", "shes", "ches", "xes", "zes", "uses"]
        .iter()
        .any(|s| lower.ends_with(s))
    {
        cut(2, "")
    } else if lower.ends_with('s')
        && !lower.ends_with("ss")
        && !lower.ends_with("us")
        && lower.len() > 3
    {
        cut(1, "")
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::path::parse_template;

    fn op(method: &str, path: &str, list: bool) -> Operation {
        Operation {
            name: String::new(),
            method: method.into(),
            path: path.into(),
            template: parse_template(path).expect("template"),
            body: None,
            body_collection: false,
            response: None,
            response_collection: list,
            status: 200,
            workload: String::new(),
            title: None,
            description: None,
            permissions: Vec::new(),
            headers: Vec::new(),
            source: Default::default(),
            query_options: Vec::new(),
            optional_headers: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn named(method: &str, path: &str, list: bool) -> String {
        names(&[op(method, path, list)], &BTreeMap::new()).remove(0)
    }

    #[test]
    fn names_follow_the_path() {
        assert_eq!(named("GET", "/users", true), "list-users");
        assert_eq!(named("GET", "/users/{id}", false), "get-user");
        assert_eq!(named("PATCH", "/users/{id}", false), "update-user");
        assert_eq!(named("DELETE", "/users/{id}", false), "delete-user");
        assert_eq!(
            named("GET", "/users/{id}/messages", true),
            "list-user-messages"
        );
        assert_eq!(
            named("GET", "/me/mailFolders/{id}/messages/{id}", false),
            "get-me-mailFolder-message"
        );
        assert_eq!(
            named("POST", "/users/{id}/sendMail", false),
            "user-sendMail"
        );
        assert_eq!(
            named("POST", "/users/{id}/microsoft.graph.assignLicense", false),
            "user-assignLicense"
        );
        assert_eq!(
            named(
                "GET",
                "/reports/getEmailActivityUserDetail(period='{period}')",
                false
            ),
            "reports-getEmailActivityUserDetail"
        );
        assert_eq!(
            named("GET", "/users/{id}/photo/$value", false),
            "get-user-photo-content"
        );
        assert_eq!(
            named("POST", "/groups/{id}/members/$ref", false),
            "add-group-member-ref"
        );
        assert_eq!(
            named("DELETE", "/groups/{id}/members/{id}/$ref", false),
            "delete-group-member-ref"
        );
        assert_eq!(
            named("PUT", "/me/photo/$value", false),
            "set-me-photo-content"
        );
    }

    #[test]
    fn names_that_differ_only_in_case_or_separators_collide() {
        // `/groupSettings/{id}` and `/groups/{id}/settings/{id}` are both
        // `get_group_setting` in Rust: they must be told apart in the model.
        let a = op("GET", "/groupSettings/{id}", false);
        let b = op("GET", "/groups/{id}/settings/{id}", false);
        let n = names(&[a, b], &BTreeMap::new());
        assert_ne!(collision_key(&n[0]), collision_key(&n[1]), "{n:?}");
    }

    #[test]
    fn colliding_names_are_told_apart_by_the_operations_alone() {
        let a = op("GET", "/users/{id}/photo/$value", false);
        let b = op("GET", "/users/{id}/photos/{id}/$value", false);
        let n = names(&[a.clone(), b.clone()], &BTreeMap::new());
        assert_eq!(n, ["get-users-photo-content", "get-users-photos-content"]);
        let again = names(&[b, op("GET", "/groups", true), a], &BTreeMap::new());
        assert_eq!(
            again,
            [
                "get-users-photos-content",
                "list-groups",
                "get-users-photo-content"
            ]
        );
        let by_date = op(
            "GET",
            "/reports/getEmailActivityUserDetail(date={date_value})",
            false,
        );
        let by_period = op(
            "GET",
            "/reports/getEmailActivityUserDetail(period='{period_value}')",
            false,
        );
        assert_eq!(
            names(&[by_date, by_period], &BTreeMap::new()),
            [
                "reports-getEmailActivityUserDetail-by-date",
                "reports-getEmailActivityUserDetail-by-period"
            ]
        );
    }

    #[test]
    fn singulars() {
        for (p, s) in [
            ("users", "user"),
            ("policies", "policy"),
            ("addresses", "address"),
            ("children", "child"),
            ("people", "person"),
            ("status", "status"),
            ("mailFolders", "mailFolder"),
            ("boxes", "box"),
        ] {
            assert_eq!(singular_of(p), s);
        }
    }
}
