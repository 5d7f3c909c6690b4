//! Helpers shared by the benches that read the real corpus.

use std::path::{Path, PathBuf};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `DOCBIND_CORPUS`, or `../shared/graph-docs` beside the workspace.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("DOCBIND_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/graph-docs"));
    dir.is_dir().then_some(dir)
}
