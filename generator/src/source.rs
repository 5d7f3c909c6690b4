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

/// Reads every `*.md` file below each input folder. Files are returned sorted by
/// name so the rest of the pipeline never depends on directory listing order.
pub fn read_inputs(inputs: &[PathBuf]) -> Result<Vec<SourceFile>, Error> {
    let mut files = Vec::new();
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
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            files.push(SourceFile { name, bytes });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
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
