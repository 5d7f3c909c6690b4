//! Diagnostics: every problem found in the input, with file, line and severity.
//!
//! docbind never stops at the first bad page: each stage records what it could
//! not use here and goes on with the rest.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. `Error` means part of the input could not be used
/// at all (the exit code reports it); `Warning` means a defect of the docs that
/// docbind worked around; `Note` is information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        })
    }
}

/// One finding. `code` is a short stable kind (`invalid-json`, `unresolved-type`...)
/// used to count diagnostics by kind; `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn new(
        file: &str,
        line: u32,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_string(),
            line,
            severity,
            code,
            message: message.into(),
        }
    }
}

/// One line `file:line: severity: message [code]`, whatever the file name and the
/// message hold: control characters in them are written escaped (`\n`).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {} [{}]",
            OneLine(&self.file),
            self.line,
            self.severity,
            OneLine(&self.message),
            self.code
        )
    }
}

/// Text with its control characters escaped.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Collects the diagnostics of one file.
#[derive(Debug, Default)]
pub struct Sink {
    file: String,
    pub items: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(file: &str) -> Self {
        Sink {
            file: file.to_string(),
            items: Vec::new(),
        }
    }
    pub fn file(&self) -> &str {
        &self.file
    }
    pub fn push(
        &mut self,
        line: u32,
        severity: Severity,
        code: &'static str,
        msg: impl Into<String>,
    ) {
        let d = Diagnostic::new(&self.file, line, severity, code, msg);
        self.items.push(d);
    }
    pub fn warn(&mut self, line: u32, code: &'static str, msg: impl Into<String>) {
        self.push(line, Severity::Warning, code, msg);
    }
    pub fn error(&mut self, line: u32, code: &'static str, msg: impl Into<String>) {
        self.push(line, Severity::Error, code, msg);
    }
}

/// Sorts diagnostics into their canonical, deterministic order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort();
}

/// True when any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_is_one_line() {
        let d = Diagnostic::new("a\nb.md", 3, Severity::Error, "x", "bad\r\nthing\t");
        assert_eq!(d.to_string(), "a\\nb.md:3: error: bad\\r\\nthing\\t [x]");
    }
}
