//! The versions of docbind's dependencies that decide what it emits, read from a
//! `Cargo.lock`. docbind's build script uses it (with `#[path]`: it has no
//! dependencies) to put them into the fingerprint, so that an update of, say,
//! prettyplease never lets `generate` skip a regeneration that `check` would call stale.

/// The crates whose code turns pages into the emitted text: reading Markdown and
/// JSON, building and formatting the tokens.
pub const CRATES: &[&str] = &[
    "prettyplease",
    "proc-macro2",
    "pulldown-cmark",
    "quote",
    "serde_json",
    "syn",
];

/// `name version source` of every package in `lock` (the text of a `Cargo.lock`)
/// whose name is in `names`, sorted and joined by `; ` (several versions of one crate
/// all count). Lines it does not know are skipped.
pub fn versions(lock: &str, names: &[&str]) -> String {
    let mut found = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
        };
        let Some(name) = field("name") else { continue };
        if names.contains(&name.as_str()) {
            let version = field("version").unwrap_or_default();
            let source = field("source").unwrap_or_else(|| "local".into());
            found.push(format!("{name} {version} {source}"));
        }
    }
    found.sort();
    found.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "syn"
version = "2.0.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "quote",
]

[[package]]
name = "clap"
version = "4.0.0"

[[package]]
name = "quote"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn lock_file_versions_name_the_crates_asked_for() {
        let reg = "registry+https://github.com/rust-lang/crates.io-index";
        assert_eq!(
            versions(LOCK, CRATES),
            format!("quote 1.0.0 {reg}; syn 2.0.1 {reg}")
        );
        let updated = LOCK.replace("2.0.1", "2.0.2");
        assert_ne!(versions(&updated, CRATES), versions(LOCK, CRATES));
        let other = LOCK.replace("4.0.0", "4.1.0");
        assert_eq!(
            versions(&other, CRATES),
            versions(LOCK, CRATES),
            "clap is not asked for"
        );
    }
}
