//! Reading input folders: every `.md` file below them, in a fixed order.
//!
//! File names are bytes on Unix, not text: a name is ordered by its bytes and shown
//! escaped (see [`display_name`]), so that two names never look the same and the
//! order never depends on how the names decode. A page that cannot be read is a
//! diagnostic of that page, not the end of the run.

use crate::diag::{Diagnostic, Severity};
use crate::Error;
use std::path::{Path, PathBuf};

/// One input page as bytes (decoding is the parser's job, so invalid UTF-8 becomes
/// a diagnostic rather than an I/O error).
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path shown in diagnostics and `source` fields: relative to its input folder,
    /// with `/` separators (prefixed by the folder's name when several are given),
    /// escaped by [`display_name`].
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The pages below the input folders, and what could not be read there.
#[derive(Debug, Default)]
pub struct Pages {
    /// Sorted by the bytes of their paths.
    pub files: Vec<SourceFile>,
    /// Pages and folders that could not be read, symbolic links not followed.
    pub diagnostics: Vec<Diagnostic>,
}

/// A page found below an input folder: the bytes of its name (the order), its
/// shown name and its path.
struct Found {
    key: Vec<u8>,
    name: String,
    path: PathBuf,
}

/// Reads every `*.md` file below each input folder (in parallel), symbolic links to
/// files included. Files are sorted by the bytes of their names so the rest of the
/// pipeline never depends on directory listing order. Only an input folder that
/// cannot be listed is an error; anything below it that cannot be read is a
/// diagnostic.
pub fn read_pages(inputs: &[PathBuf]) -> Result<Pages, Error> {
    use rayon::prelude::*;
    let mut found = Vec::new();
    let mut diagnostics = Vec::new();
    for dir in inputs {
        let prefix = match dir.file_name() {
            Some(name) if inputs.len() > 1 => [raw(name), b"/".to_vec()].concat(),
            _ => Vec::new(),
        };
        std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut walk = Walk {
            root: dir,
            prefix: &prefix,
            found: &mut found,
            diagnostics: &mut diagnostics,
        };
        walk.folder(dir);
    }
    found.sort_by(|a, b| a.key.cmp(&b.key));
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .into_par_iter()
        .map(|f| match std::fs::read(&f.path) {
            Ok(bytes) => Ok(SourceFile {
                name: f.name,
                bytes,
            }),
            Err(e) => Err(unreadable(&f.name, &e)),
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    for r in read {
        match r {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    Ok(Pages { files, diagnostics })
}

/// [`read_pages`] for callers that need every page: a page or folder that cannot be
/// read is an error (the first in name order).
pub fn read_inputs(inputs: &[PathBuf]) -> Result<Vec<SourceFile>, Error> {
    let pages = read_pages(inputs)?;
    match pages
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        Some(d) => Err(Error::Refused(d.to_string())),
        None => Ok(pages.files),
    }
}

fn unreadable(name: &str, e: &std::io::Error) -> Diagnostic {
    let msg = format!("cannot read this page: {e}; left out");
    Diagnostic::new(name, 1, Severity::Error, "page-unreadable", msg)
}

/// The walk below one input folder.
struct Walk<'a> {
    root: &'a Path,
    prefix: &'a [u8],
    found: &'a mut Vec<Found>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.cannot_list(dir, &e),
        };
        for entry in entries {
            match entry {
                Ok(entry) => self.entry(&entry.path()),
                Err(e) => return self.cannot_list(dir, &e),
            }
        }
    }

    fn entry(&mut self, path: &Path) {
        let Ok(link) = std::fs::symlink_metadata(path) else {
            return; // removed while listed
        };
        let is_md = path.extension().is_some_and(|e| e == "md");
        if link.is_dir() {
            return self.folder(path);
        }
        if !link.file_type().is_symlink() {
            if link.is_file() && is_md {
                self.page(path);
            }
            return;
        }
        // A link to a folder could loop back: it is reported, not followed.
        match std::fs::metadata(path) {
            Ok(target) if target.is_dir() => {
                let msg = "symbolic link to a folder; not followed (its pages are not read)";
                let d = Diagnostic::new(
                    &self.name(path).1,
                    1,
                    Severity::Warning,
                    "symlink-folder",
                    msg,
                );
                self.diagnostics.push(d);
            }
            Ok(target) if target.is_file() && is_md => self.page(path),
            Ok(_) => {}
            Err(e) if is_md => {
                let d = unreadable(&self.name(path).1, &e);
                self.diagnostics.push(d);
            }
            Err(_) => {}
        }
    }

    fn page(&mut self, path: &Path) {
        let (key, name) = self.name(path);
        self.found.push(Found {
            key,
            name,
            path: path.to_path_buf(),
        });
    }

    fn cannot_list(&mut self, dir: &Path, e: &std::io::Error) {
        let msg = format!("cannot list this folder: {e}; its pages are left out");
        let d = Diagnostic::new(
            &self.name(dir).1,
            1,
            Severity::Error,
            "folder-unreadable",
            msg,
        );
        self.diagnostics.push(d);
    }

    /// The bytes of a path relative to the input folder, `/`-separated and
    /// prefixed, and the name shown for them.
    fn name(&self, path: &Path) -> (Vec<u8>, String) {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        let mut key = self.prefix.to_vec();
        for (i, c) in rel.components().enumerate() {
            if i > 0 {
                key.push(b'/');
            }
            key.extend(raw(c.as_os_str()));
        }
        let name = display_name(&key);
        (key, name)
    }
}

#[cfg(unix)]
fn raw(name: &std::ffi::OsStr) -> Vec<u8> {
    std::os::unix::ffi::OsStrExt::as_bytes(name).to_vec()
}

#[cfg(not(unix))]
fn raw(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().into_owned().into_bytes()
}

/// The name of a file as shown: its UTF-8 text, with every byte that is not valid
/// UTF-8 written `\xNN`, control characters escaped (`\n`, `\u{7f}`) so that a
/// diagnostic stays one line, and `\` itself written `\\`, so that different
/// names always look different.
pub fn display_name(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.extend(c.escape_default()),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shown_escaped_and_distinct() {
        assert_eq!(display_name(b"api/user-get.md"), "api/user-get.md");
        assert_eq!(display_name(b"a\xff.md"), "a\\xFF.md");
        assert_eq!(display_name(b"a\xfe.md"), "a\\xFE.md");
        assert_eq!(display_name(b"a\nb.md"), "a\\nb.md");
        assert_eq!(display_name(b"a\\xFF.md"), "a\\\\xFF.md");
        assert_eq!(display_name("café.md".as_bytes()), "café.md");
    }
}
