//! One operation per method and path template, whatever pages document it: the
//! docs describe `PATCH /users/{id}` on `user-update.md` and again on the Intune
//! views of `user`, and paths that differ only in letter case or in the names of
//! their parameters (`/users/{id}` and `/users/{userId}`) are one path.
//!
//! The operation's *primary page* gives its name, path spelling, body, response,
//! status and docs: among the request lines without a fixed query, the page whose
//! workload is the workload of the type the operation returns (or sends), else
//! the first by file name. Permissions and
//! headers are the union of all pages' (in page order), and so are query
//! options and optional headers (sorted); `sources` lists every page's request
//! line.

use super::{Operation, PathPart, TypeDef};
use std::collections::BTreeMap;

/// The key two operations share when they are the same: the method, and the path
/// in lower case with every parameter written `{}`. A fixed query in the template
/// (`?$expand=extensions($filter=id eq '{id}')`, pages that show one way to call
/// the operation) is no other operation: it is left out of the key.
pub fn key(op: &Operation) -> (String, String) {
    let mut path = String::new();
    for segment in &op.template.segments {
        path.push('/');
        push_parts(&mut path, segment);
    }
    (op.method.to_ascii_uppercase(), path)
}

fn push_parts(out: &mut String, parts: &[PathPart]) {
    for part in parts {
        match part {
            PathPart::Literal(text) => out.push_str(&text.to_ascii_lowercase()),
            PathPart::Param(_) => out.push_str("{}"),
        }
    }
}

/// Merges operations with the same key. Returns the merged operations and, for
/// every operation given, the index of the one it went into.
pub fn merge(
    ops: Vec<Operation>,
    types: &BTreeMap<String, TypeDef>,
) -> (Vec<Operation>, Vec<usize>) {
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        groups.entry(key(op)).or_default().push(i);
    }
    let mut into = vec![0; ops.len()];
    let mut slots: Vec<Option<Operation>> = ops.into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(groups.len());
    for members in groups.into_values() {
        for &i in &members {
            into[i] = merged.len();
        }
        let mut group: Vec<Operation> = members.iter().filter_map(|&i| slots[i].take()).collect();
        group.sort_by(|a, b| a.source.cmp(&b.source));
        merged.push(merge_group(group, types));
    }
    (merged, into)
}

fn merge_group(mut group: Vec<Operation>, types: &BTreeMap<String, TypeDef>) -> Operation {
    let primary = primary(&group, types);
    let mut op = group.remove(primary);
    op.sources = std::iter::once(op.source.clone())
        .chain(group.iter().map(|o| o.source.clone()))
        .collect();
    op.sources.sort();
    for other in group {
        union(&mut op.query_options, other.query_options);
        union(&mut op.optional_headers, other.optional_headers);
        for p in other.permissions {
            if !op.permissions.contains(&p) {
                op.permissions.push(p);
            }
        }
        for h in other.headers {
            if !op
                .headers
                .iter()
                .any(|known| known.name.eq_ignore_ascii_case(&h.name))
            {
                op.headers.push(h);
            }
        }
    }
    op
}

/// Adds `more` to the sorted `set`.
fn union(set: &mut Vec<String>, more: Vec<String>) {
    set.extend(more);
    set.sort();
    set.dedup();
}

/// Among the request lines without a fixed query (if any has none): the page
/// whose workload is that of the operation's own type, else the first.
fn primary(group: &[Operation], types: &BTreeMap<String, TypeDef>) -> usize {
    let own_workload = |op: &Operation| {
        let ty = op.response.as_ref().or(op.body.as_ref())?;
        types
            .get(&ty.to_ascii_lowercase())
            .map(|t| t.workload.clone())
    };
    let plain = |op: &Operation| op.template.query.is_empty();
    let any_plain = group.iter().any(plain);
    let candidate = |op: &Operation| !any_plain || plain(op);
    group
        .iter()
        .position(|op| candidate(op) && own_workload(op).is_some_and(|w| w == op.workload))
        .or_else(|| group.iter().position(candidate))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use crate::source::SourceFile;

    fn page(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    /// Two pages of one operation, each naming some options in its own way:
    /// the operation has them all.
    #[test]
    fn query_options_and_optional_headers_are_united_across_pages() {
        let list = "---\ndoc_type: apiPageType\n---\n# List widgets\n\n## HTTP request\n\n```http\nGET /widgets\n```\n\n## Optional query parameters\n\nThis call accepts `$select` and `$Top` to trim the answer.\n\n- `$orderBy`\n- `$search`, which is not supported in every region.\n\n## Request headers\n\n| Header | Value |\n|:--|:--|\n| Prefer: outlook.timezone | A time zone. Optional. |\n\n## Response\n\nIf successful, this method returns a `200 OK` response code.\n";
        let view = "---\ndoc_type: apiPageType\n---\n# List widgets (admin view)\n\n## HTTP request\n\n```http\nGET /widgets\n```\n\n## Query parameters\n\n| Name | Type | Description |\n|:--|:--|:--|\n| $filter | string | A filter. Needs the ConsistencyLevel header. |\n\n### More\n\nPaging uses `$skipToken`; `$expand` is not supported.\n\n## Response\n\nIf successful, this method returns a `200 OK` response code.\n";
        let run = crate::run(&[
            page("api/widget-list.md", list),
            page("api/widget-list-admin.md", view),
        ]);
        let [op] = run.model.operations.as_slice() else {
            panic!("{:#?}", run.model.operations);
        };
        assert_eq!(op.sources.len(), 2);
        assert_eq!(
            op.query_options,
            ["$filter", "$orderby", "$select", "$skiptoken", "$top"]
        );
        assert_eq!(op.optional_headers, ["ConsistencyLevel", "Prefer"]);
    }
}
