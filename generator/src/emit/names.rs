//! The one place where names from the docs become Rust identifiers.
//!
//! Everything the emitter turns into an identifier (types, fields, variants,
//! modules, files, functions, parameters) goes through [`snake`] or [`pascal`],
//! and is then made unique in its scope by [`unique_name`]. The result is always
//! a valid, non-keyword, lint-clean ASCII identifier, so [`ident`] never panics.

use proc_macro2::{Ident, Span};
use std::collections::BTreeSet;

/// Strict, reserved and edition-dependent keywords (up to edition 2024): none of
/// them can be a plain identifier, and `self`/`Self`/`super`/`crate` cannot even
/// be raw identifiers, so every keyword gets a trailing `_` instead.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

pub(crate) fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Splits a name into words: at every character that is not ASCII alphanumeric
/// (`-`, `_`, `.`, `@`, `$`, `/`, `|`, spaces and all non-ASCII text, which would
/// trip rustc's `uncommon_codepoints`/`confusable_idents` lints), before an upper
/// case letter that follows a lower case letter or a digit (`fooBar`, `auth2Grant`),
/// and before the last capital of an acronym that starts a word (`HTMLParser`).
/// Digits stay with the word before them (`int32Value` → `int32`, `Value`).
pub(crate) fn words(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                words.push(&name[s..i]);
            }
            continue;
        }
        if let Some(s) = start {
            if starts_word(bytes, i) {
                words.push(&name[s..i]);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&name[s..]);
    }
    words
}

/// Whether the alphanumeric byte at `i` (preceded by an alphanumeric one) begins a word.
fn starts_word(bytes: &[u8], i: usize) -> bool {
    let (prev, cur) = (bytes[i - 1], bytes[i]);
    if !cur.is_ascii_uppercase() {
        return false;
    }
    if prev.is_ascii_lowercase() || prev.is_ascii_digit() {
        return true;
    }
    let next_is_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
    prev.is_ascii_uppercase() && next_is_lower
}

/// `snake_case` identifier: `userPrincipalName` → `user_principal_name`,
/// `@odata.nextLink` → `odata_next_link`, `type` → `type_`, `2fa` → `_2fa`, `` → `unnamed`.
pub(crate) fn snake(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    finish(joined, "unnamed", "_")
}

/// `PascalCase` identifier: `deviceManagementScript` → `DeviceManagementScript`,
/// `HTMLParser` → `HtmlParser`, `self` → `Self_`, `2fa` → `N2fa`, `` → `Unnamed`.
pub(crate) fn pascal(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect();
    // A leading `_` would make `_2fa` a non-camel-case type name: use a letter.
    finish(joined, "Unnamed", "N")
}

/// Common tail of [`snake`] and [`pascal`]: never empty, never digit-leading, never a keyword.
fn finish(joined: String, empty: &str, digit_prefix: &str) -> String {
    if joined.is_empty() {
        return empty.to_string();
    }
    if joined.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("{digit_prefix}{joined}");
    }
    if is_keyword(&joined) {
        return format!("{joined}_");
    }
    joined
}

/// Returns `base`, or the first of `base_2`, `base_3`, ... (`Base2`, `Base3`, ...
/// for names with capitals) not in `taken`, and records it as taken.
///
/// `base` must come from [`snake`] or [`pascal`]. A trailing keyword `_` is dropped
/// before the number (`type_` → `type_2`, not `type__2`, which is not snake case);
/// a `_` separates the number from a trailing digit (`V1` → `V1_2`, not `V12`).
pub(crate) fn unique_name(base: &str, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(base.to_string()) {
        return base.to_string();
    }
    let stem = base.trim_end_matches('_');
    let is_snake = !stem.bytes().any(|b| b.is_ascii_uppercase());
    let separator = if is_snake || stem.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    (2u64..)
        .map(|n| format!("{stem}{separator}{n}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .unwrap_or_default() // unreachable: the range is unbounded and `taken` finite
}

/// The identifier token of a name produced by [`snake`], [`pascal`] or [`unique_name`].
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A cargo feature name for a workload: lower case, `[a-z0-9-_]`, starting with a
/// letter or digit.
pub fn feature_name(workload: &str) -> String {
    let mut out: String = workload
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches(['-', '_']).to_string();
    if out.is_empty() {
        out = "graph".into();
    }
    // `default` and `full` are the crate's own features, and so are the client's.
    let taken = [
        "default",
        "full",
        super::runtime::CLIENT_FEATURE,
        super::runtime::REQWEST_FEATURE,
    ];
    if taken.contains(&out.as_str()) {
        out.push_str("-workload");
    }
    out
}

/// Names no module or re-exported function may take anywhere: the first segment of
/// the tool attributes the emitted code writes (`#[rustfmt::skip]`). An item of that
/// name in scope (a module, or a `pub use` of a function) makes the attribute
/// ambiguous. (Lint tools in `#[allow(clippy::…)]` are not resolved as paths, so
/// `clippy` and `rustdoc` are free.)
const TOOL_NAMES: &[&str] = &["rustfmt"];
/// Module names a namespace may not take in `src/`: `src/lib.rs` is the crate root
/// (`src/lib/mod.rs` beside it is ambiguous), `src/main.rs` and `src/bin/` are
/// binaries to cargo, `runtime`, `options`, `protocol`, `batch` and `client` are
/// docbind's modules, and crates the emitted code or serde's derive output name
/// by a path starting with them (or the client's dependencies).
const ROOT_MODULES: &[&str] = &[
    "lib",
    "main",
    "bin",
    "runtime",
    "options",
    "protocol",
    "batch",
    "client",
    "core",
    "std",
    "alloc",
    "serde",
    "serde_json",
    "http",
    "futures_core",
    "reqwest",
    "rustls",
    "tokio",
];
/// The longest module name, so that the file (`name.rs`) or folder of any module
/// fits in a file name on every file system (255 bytes), with room for
/// [`unique_name`]'s number; longer than every file stem and type name of the
/// Graph docs, so that none of theirs is shortened.
const MAX_MODULE_LEN: usize = 128;

/// The module names already taken in a scope before any item is named: the tool
/// names, `mod` (`mod.rs`), the root's own names at the root, and `extra`.
pub(crate) fn taken_modules(root: bool, extra: &[&str]) -> BTreeSet<String> {
    let root_names = if root { ROOT_MODULES } else { &[] };
    let all = TOOL_NAMES.iter().chain(root_names).chain(extra);
    all.chain(&["mod"]).map(|s| s.to_string()).collect()
}

/// The function names already taken in a module that re-exports functions.
pub(crate) fn taken_functions() -> BTreeSet<String> {
    TOOL_NAMES.iter().map(|s| s.to_string()).collect()
}

/// A module (file or folder) name for `name`: its [`snake`] case, and when that is
/// longer than [`MAX_MODULE_LEN`], its start with a stable hash of the whole, so
/// that long names stay short, distinct and the same from run to run.
pub(crate) fn module_name(name: &str) -> String {
    let full = snake(name);
    if full.len() <= MAX_MODULE_LEN {
        return full;
    }
    let mut hasher = crate::stable_hash::StableHasher::new();
    hasher.write_str(&full);
    let hash = format!("{:016x}", hasher.finish());
    // `snake` is ASCII: any byte index is a character boundary.
    let keep = full[..MAX_MODULE_LEN - hash.len() - 1].trim_end_matches('_');
    format!("{keep}_{hash}")
}

/// The module of a namespace: [`module_name`] of its last component
/// (`microsoft.graph` → `graph`, `microsoft.graph.callRecords` → `call_records`).
pub(crate) fn namespace_module(namespace: &str) -> String {
    module_name(namespace.rsplit('.').next().unwrap_or(namespace))
}

/// A path parameter as a Rust parameter name: alternatives written `a|b` read
/// `a_or_b` (`id|userPrincipalName` → `id_or_user_principal_name`).
pub(crate) fn param_name(written: &str) -> String {
    let parts: Vec<String> = written
        .split('|')
        .map(|part| {
            words(part)
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join("_")
        })
        .filter(|part| !part.is_empty())
        .collect();
    snake(&parts.join("_or_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_at_case_and_punctuation() {
        assert_eq!(words("userPrincipalName"), ["user", "Principal", "Name"]);
        assert_eq!(words("HTMLParser"), ["HTML", "Parser"]);
        assert_eq!(
            words("oAuth2PermissionGrant"),
            ["o", "Auth2", "Permission", "Grant"]
        );
        assert_eq!(words("@odata.nextLink"), ["odata", "next", "Link"]);
        assert_eq!(words("user-id"), ["user", "id"]);
        assert_eq!(words("$ref"), ["ref"]);
        assert_eq!(words("café au lait"), ["caf", "au", "lait"]);
        assert!(words("__").is_empty());
    }

    #[test]
    fn snake_case_names() {
        assert_eq!(snake("userPrincipalName"), "user_principal_name");
        assert_eq!(snake("FooBar"), "foo_bar");
        assert_eq!(snake("foo_bar"), "foo_bar");
        assert_eq!(snake("kebab-case-name"), "kebab_case_name");
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(snake("a/b$c"), "a_b_c");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(snake(""), "unnamed");
        assert_eq!(snake("ünï"), "n");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        for (name, expected) in [
            ("type", "type_"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("async", "async_"),
            ("Self", "self_"),
            ("super", "super_"),
            ("dyn", "dyn_"),
            ("gen", "gen_"),
        ] {
            assert_eq!(snake(name), expected, "{name}");
        }
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("type"), "Type");
    }

    #[test]
    fn pascal_case_names() {
        assert_eq!(pascal("deviceManagementScript"), "DeviceManagementScript");
        assert_eq!(pascal("HTMLParser"), "HtmlParser");
        assert_eq!(pascal("oAuth2PermissionGrant"), "OAuth2PermissionGrant");
        assert_eq!(pascal("unknownFutureValue"), "UnknownFutureValue");
        assert_eq!(pascal("2fa"), "N2fa");
        assert_eq!(pascal(""), "Unnamed");
        assert_eq!(pascal("Error"), "Error");
    }

    #[test]
    fn unique_names_in_order() {
        let mut taken = BTreeSet::new();
        let names: Vec<String> = ["fooBar", "FooBar", "foo_bar"]
            .iter()
            .map(|n| unique_name(&snake(n), &mut taken))
            .collect();
        assert_eq!(names, ["foo_bar", "foo_bar_2", "foo_bar_3"]);
        assert_eq!(unique_name("type_", &mut taken), "type_");
        assert_eq!(unique_name("type_", &mut taken), "type_2");
        assert_eq!(unique_name("FooBar", &mut taken), "FooBar");
        assert_eq!(unique_name("FooBar", &mut taken), "FooBar2");
        assert_eq!(unique_name("V1", &mut taken), "V1");
        assert_eq!(unique_name("V1", &mut taken), "V1_2");
    }

    #[test]
    fn namespaces_and_params() {
        assert_eq!(namespace_module("microsoft.graph"), "graph");
        assert_eq!(
            namespace_module("microsoft.graph.callRecords"),
            "call_records"
        );
        assert_eq!(
            param_name("id|userPrincipalName"),
            "id_or_user_principal_name"
        );
        assert_eq!(param_name("user-id"), "user_id");
        assert_eq!(param_name("self"), "self_");
    }

    #[test]
    fn long_module_names_are_short_distinct_and_stable() {
        let long_a = format!("{}A", "x".repeat(300));
        let long_b = format!("{}B", "x".repeat(300));
        let (a, b) = (module_name(&long_a), module_name(&long_b));
        assert!(
            a.len() <= MAX_MODULE_LEN && b.len() <= MAX_MODULE_LEN,
            "{a}"
        );
        assert_ne!(a, b);
        assert_eq!(a, module_name(&long_a));
        assert!(a.starts_with("xxxx"), "{a}");
        syn::parse_str::<syn::Ident>(&a).expect("an identifier");
        let edge = "y".repeat(MAX_MODULE_LEN);
        assert_eq!(module_name(&edge), edge);
    }

    #[test]
    fn tool_and_target_names_are_taken() {
        let root = taken_modules(true, &[]);
        let inner = taken_modules(false, &["requests"]);
        for name in ["rustfmt", "mod"] {
            assert!(root.contains(name) && inner.contains(name), "{name}");
        }
        for name in [
            "lib", "bin", "main", "runtime", "options", "protocol", "batch", "client", "http",
        ] {
            assert!(root.contains(name) && !inner.contains(name), "{name}");
        }
        assert!(inner.contains("requests"));
    }

    #[test]
    fn workload_features_never_take_the_crate_s_own_names() {
        for (workload, feature) in [
            ("client", "client-workload"),
            ("Client", "client-workload"),
            ("reqwest", "reqwest-workload"),
            ("full", "full-workload"),
            ("default", "default-workload"),
            ("clients", "clients"),
            ("Intune", "intune"),
        ] {
            assert_eq!(feature_name(workload), feature, "{workload}");
        }
    }

    /// Every produced name must be accepted by `Ident::new` and parse as a
    /// non-keyword identifier, whatever the input.
    #[test]
    fn produced_names_are_valid_identifiers() {
        let inputs = [
            "", "_", "__", "0", "9lives", "a", "A", "é", "-", "@", "$value", "self", "Self",
            "crate", "super", "r#type", "foo bar", "x\u{0}y", "ÄÖÜ", "_a", "a_", "unknown",
            "Unknown",
        ];
        let mut taken = BTreeSet::new();
        for input in inputs {
            for name in [snake(input), pascal(input), param_name(input)] {
                for name in [
                    name.clone(),
                    unique_name(&name, &mut taken),
                    unique_name(&name, &mut taken),
                ] {
                    let parsed: syn::Ident = syn::parse_str(&name)
                        .unwrap_or_else(|e| panic!("{input:?} → {name:?}: {e}"));
                    assert_eq!(parsed, ident(&name));
                }
            }
        }
    }
}
