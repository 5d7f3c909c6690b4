//! Resolving type references across pages: by link target (the page a link points
//! to), by qualified name and by simple name, all case-insensitively.

use super::primitives::edm_name;
use std::collections::BTreeMap;

/// A declared type or enum: its qualified name as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Declared {
    pub qualified: String,
    pub is_enum: bool,
}

/// All declared names, indexed for lookups.
#[derive(Default, Debug)]
pub struct Index {
    /// lower-case qualified name → declaration.
    by_qualified: BTreeMap<String, Declared>,
    /// lower-case simple name → declarations (several namespaces may use it).
    by_name: BTreeMap<String, Vec<Declared>>,
    /// lower-case page file stem → declarations on that page.
    by_page: BTreeMap<String, Vec<Declared>>,
}

/// How a reference resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    Primitive(&'static str),
    Declared(Declared),
    /// The label and the link target name different declared types; the label won.
    Mismatch {
        by_name: Declared,
        by_link: Declared,
    },
    Unresolved,
}

impl Index {
    /// Registers a declaration. Returns false when the qualified name is taken.
    pub fn declare(&mut self, d: Declared, page_stem: &str) -> bool {
        let key = d.qualified.to_ascii_lowercase();
        if self.by_qualified.contains_key(&key) {
            return false;
        }
        let simple = simple_name(&key).to_string();
        self.by_name.entry(simple).or_default().push(d.clone());
        self.by_page
            .entry(page_stem.to_ascii_lowercase())
            .or_default()
            .push(d.clone());
        self.by_qualified.insert(key, d);
        true
    }

    /// Links to another page of a declared type (`intune-devices-user` for
    /// `user`) resolve to it too.
    pub fn add_page(&mut self, qualified: &str, page_stem: &str) {
        if let Some(d) = self.by_qualified.get(&qualified.to_ascii_lowercase()) {
            let on_page = self
                .by_page
                .entry(page_stem.to_ascii_lowercase())
                .or_default();
            on_page.push(d.clone());
        }
    }

    /// The spelling of a declared simple name, looked up ignoring case.
    pub fn spelling(&self, simple: &str) -> Option<&str> {
        let d = self.by_name.get(&simple.to_ascii_lowercase())?.first()?;
        Some(simple_name(&d.qualified))
    }

    pub fn get(&self, qualified: &str) -> Option<&Declared> {
        self.by_qualified.get(&qualified.to_ascii_lowercase())
    }

    /// Resolves `name` (as written, maybe qualified, maybe with a `#` or
    /// `Collection(...)` already stripped) with an optional link target, from a
    /// page in namespace `ns`.
    pub fn resolve(&self, name: &str, link: Option<&str>, ns: &str) -> Resolved {
        let name = name.trim().trim_start_matches('#');
        if let Some(edm) = edm_name(name) {
            return Resolved::Primitive(edm);
        }
        let by_name = self.by_name_in(name, ns);
        let by_link = link.and_then(|l| self.by_link(l, name));
        match (by_name, by_link) {
            (Some(n), Some(l)) if n != l => Resolved::Mismatch {
                by_name: n,
                by_link: l,
            },
            (Some(d), _) | (None, Some(d)) => Resolved::Declared(d),
            (None, None) => Resolved::Unresolved,
        }
    }

    fn by_link(&self, stem: &str, name: &str) -> Option<Declared> {
        let on_page = self.by_page.get(stem)?;
        let lower = name.to_ascii_lowercase();
        on_page
            .iter()
            .find(|d| simple_name(&d.qualified).eq_ignore_ascii_case(&lower))
            .or_else(|| on_page.first())
            .cloned()
    }

    fn by_name_in(&self, name: &str, ns: &str) -> Option<Declared> {
        let lower = name.to_ascii_lowercase();
        if lower.contains('.') {
            if let Some(d) = self.by_qualified.get(&lower) {
                return Some(d.clone());
            }
            // `graph.x`, `microsoft.graph.x` in another case, or an unknown prefix:
            // fall back to the simple name.
        }
        let candidates = self.by_name.get(simple_name(&lower))?;
        let in_ns = |n: &str| {
            candidates
                .iter()
                .find(|d| namespace_of(&d.qualified).eq_ignore_ascii_case(n))
        };
        in_ns(ns)
            .or_else(|| in_ns("microsoft.graph"))
            .or_else(|| candidates.iter().min())
            .cloned()
    }
}

pub fn simple_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

pub fn namespace_of(qualified: &str) -> &str {
    qualified.rsplit_once('.').map_or("", |(ns, _)| ns)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(q: &str) -> Declared {
        Declared {
            qualified: q.into(),
            is_enum: false,
        }
    }

    #[test]
    fn resolves_by_name_link_and_case() {
        let mut ix = Index::default();
        ix.declare(d("microsoft.graph.user"), "user");
        ix.declare(
            d("microsoft.graph.callRecords.session"),
            "callrecords-session",
        );
        ix.declare(d("microsoft.graph.session"), "session");
        assert_eq!(
            ix.resolve("User", None, "microsoft.graph"),
            Resolved::Declared(d("microsoft.graph.user"))
        );
        assert_eq!(
            ix.resolve("String", None, "x"),
            Resolved::Primitive("Edm.String")
        );
        assert_eq!(
            ix.resolve("session", None, "microsoft.graph.callRecords"),
            Resolved::Declared(d("microsoft.graph.callRecords.session"))
        );
        assert_eq!(
            ix.resolve("x", Some("callrecords-session"), "microsoft.graph"),
            Resolved::Declared(d("microsoft.graph.callRecords.session"))
        );
        assert_eq!(
            ix.resolve("#microsoft.graph.USER", None, "a"),
            Resolved::Declared(d("microsoft.graph.user"))
        );
        assert!(matches!(
            ix.resolve("user", Some("session"), "microsoft.graph"),
            Resolved::Mismatch { .. }
        ));
        assert_eq!(
            ix.resolve("nothing", Some("missing"), "microsoft.graph"),
            Resolved::Unresolved
        );
    }
}
