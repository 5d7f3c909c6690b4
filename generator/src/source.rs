//! Reading input folders: every `.md` file below them, in a fixed order.

use crate::Error;
use std::path::{Path, PathBuf};

/// One input page as bytes (decoding is the parser's job, so invalid UTF-8 becomes
/// a diagnostic rather than an I/O error).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path shown in diagnostics and `source` fields: relative to its input folder,
    /// with `/` separators (prefixed by the folder's name when several are given).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads every `*.md` file below each input folder (in parallel). Files are returned
/// sorted by name so the rest of the pipeline never depends on directory listing
/// order; the error reported, if any, is that of the first file in that order.
pub fn read_inputs(inputs: &[PathBuf]) -> Result<Vec<SourceFile>, Error> {
    use rayon::prelude::*;
    let mut found = Vec::new();
    for dir in inputs {
        let prefix = if inputs.len() > 1 {
            dir.file_name()
                .map(|n| format!("{}/", n.to_string_lossy()))
                .unwrap_or_default()
        } else {
            String::new()
        };
        let mut paths = Vec::new();
        collect_md(dir, &mut paths)?;
        for path in paths {
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let name = format!("{prefix}{}", slash_path(rel));
            found.push((name, path));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let read: Vec<Result<SourceFile, Error>> = found
        .into_par_iter()
        .map(|(name, path)| {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            Ok(SourceFile { name, bytes })
        })
        .collect();
    read.into_iter().collect()
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn collect_md(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ty = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ty.is_dir() {
            collect_md(&path, out)?;
        } else if ty.is_file() && path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}
